"""The reference every HF-format family is tested against: its verified ``tokenizer.json`` loaded
by HF ``tokenizers`` (a test dependency only; tokx counts every family with tiktoken)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tokenexport_cli.tokens.registry import DATA_DIR, ExactFamily, read_verified


def build_hf_tokenizer(family: ExactFamily, data_dir: Path = DATA_DIR) -> Any:
    """A ``tokenizers.Tokenizer`` for an HF-format family, with special added tokens removed.

    Dropping them gives ``encode_ordinary`` semantics: special-token text in the input is
    counted as ordinary text rather than as one special token. Families marked
    ``keep_added_tokens`` keep their non-special added tokens, which their tokenizer
    matches in ordinary text too (Gemma's newline runs, GLM's ``<think>``).
    """
    from tokenizers import Tokenizer

    content = read_verified(family.source, data_dir)
    try:
        keep = family.source.keep_added_tokens
        return Tokenizer.from_buffer(
            _filter_added_tokens(content, lambda t: keep and not t["special"])
        )
    except Exception as exc:  # tokenizers raises plain Exception on bad specs
        raise AssertionError(
            f"{data_dir / family.source.data_file}: unusable tokenizer.json ({exc})"
        ) from None


def _filter_added_tokens(spec: bytes, keep: Any) -> bytes:
    """The tokenizer.json bytes with only the added tokens ``keep`` accepts.

    Only the ``added_tokens`` array, which precedes the vocabulary, is decoded, parsed and
    rewritten in place: parsing or decoding the whole file (20-33 MB of vocabulary and merges)
    in Python cost 100-200 MB more peak memory per process than the tokenizer itself.
    """
    key = spec.find(b'"added_tokens"')
    if key == -1:
        raise ValueError("no added_tokens")
    start = spec.index(b"[", key)
    # The array's end is found by parsing a growing prefix of it (a few MB at most).
    window = 1 << 16
    while True:
        head = spec[start : start + window].decode("utf-8", "ignore")
        try:
            tokens, end_chars = json.JSONDecoder().raw_decode(head)
            break
        except ValueError:
            if start + window >= len(spec):
                raise
            window *= 4
    end = start + len(head[:end_chars].encode("utf-8"))
    kept = json.dumps([token for token in tokens if keep(token)], ensure_ascii=False)
    return spec[:start] + kept.encode("utf-8") + spec[end:]
