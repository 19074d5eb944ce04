"""llama.cpp's tokenizer fingerprints, recomputed from the files tokx ships.

llama.cpp identifies a pre-tokenizer by ``chkhsh``: the sha256 of ``str(ids)`` for its fixed
text ``CHK_TXT``, encoded the way ``transformers`` does by default (so with the BOS token
where the model's post-processor adds one). The expected hashes are llama.cpp's own entries
(ggml-org/llama.cpp ``convert_hf_to_gguf.py`` / ``convert_hf_to_gguf_update.py``), each made
from the official Hugging Face tokenizer of the model named; equal hashes mean tokx's file,
pattern, normalisation and special-token handling give the same ids on that text.
"""

from __future__ import annotations

import hashlib
import unicodedata

import pytest
from hf_reference import build_hf_tokenizer

from tokenexport_cli.tokens.registry import build_tiktoken, get_exact_family

# CHK_TXT of ggml-org/llama.cpp convert_hf_to_gguf_update.py (test data, quoted verbatim).
CHK_TXT = (
    "\n \n\n \n\n\n \t \t\t \t\n  \n   \n    \n     \n🚀 (normal) 😶\u200d🌫️ (multiple emojis "
    "concatenated) ✅ 🦙🦙 3 33 333 3333 33333 333333 3333333 33333333 3.3 3..3 3...3 "
    "កាន់តែពិសេសអាច😁 ?我想在apple工作1314151天～ ------======= нещо на Български "
    "''''''```````\"\"\"\"......!!!!!!?????? I've been 'told he's there, 'RE you sure? "
    "'M not sure I'll make it, 'D you like some tea? We'Ve a'lL"
)

# family: (llama.cpp chkhsh, its model reference in llama.cpp, ids the post-processor prepends)
FINGERPRINTS = {
    "llama3": (
        "0ef9807a4087ebef797fc749390439009c3b9eda9ad1a097abbe738f486c01e5",
        "meta-llama/Meta-Llama-3-8B (llama-bpe)",
        [128000],
    ),
    "llama4": (
        "d353350c764d8c3b39c763113960e4fb4919bea5fbf208a0e3b22e8469dc7406",
        "meta-llama/Llama-4-Scout-17B-16E-Instruct (llama4)",
        [200000],
    ),
    "qwen3.6": (
        "d30d75d9059f1aa2c19359de71047b3ae408c70875e8a3ccf8c5fba56c9d8af4",
        "Qwen/Qwen3.5 (qwen35)",
        [],
    ),
    "glm": (
        "a1336059768a55c99a734006ffb02203cd450fed003e9a71886c88acf24fdbc2",
        "THUDM/glm-4-9b-hf (glm4)",
        [],
    ),
    "glm5": (
        "cdf5f35325780597efd76153d4d1c16778f766173908894c04afc20108536267",
        "zai-org/GLM-4.7-Flash (glm4)",
        [],
    ),
    "minimax": (
        "f4f37b6c8eb9ea29b3eac6bb8c8487c5ab7885f8d8022e67edc1c68ce8403e95",
        "MiniMaxAI/MiniMax-M2 (minimax-m2)",
        [],
    ),
}


def _ids(family_name: str, text: str) -> list[int]:
    family = get_exact_family(family_name)
    if family.engine == "tiktoken":
        if family.nfc:
            text = unicodedata.normalize("NFC", text)
        return list(build_tiktoken(family).encode_ordinary(text))
    return list(build_hf_tokenizer(family).encode(text, add_special_tokens=False).ids)


@pytest.mark.parametrize("family", sorted(FINGERPRINTS))
def test_llama_cpp_fingerprint_reproduces(family: str) -> None:
    expected, model, prefix = FINGERPRINTS[family]
    digest = hashlib.sha256(str(prefix + _ids(family, CHK_TXT)).encode()).hexdigest()
    assert digest == expected, f"{family}: fingerprint differs from llama.cpp's {model}"
