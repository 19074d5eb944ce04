"""Tokenizer family registry: exact families built only from shipped, sha256-verified files.

Verification happens at load time, every time a family's data is read from the shipped
gzip or xz file: the uncompressed content must hash to the official sha256 recorded in
``sources.py`` (which ``scripts/vendor_tokenizers.py`` also checks at build time), else
``DataError``. Parsing a ``.tiktoken`` file costs more than building the encoder, so
the parsed ranks are kept in the user cache dir (see ``parsed_cache``); a warm load checks
the cached blob and falls back to re-verifying the shipped file on any mismatch. tiktoken
and tokenizers are imported inside the loaders so importing this module stays cheap.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import lzma
import threading
import zlib
from base64 import b64decode
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, Protocol

from tokenexport_cli.errors import DataError, UsageError
from tokenexport_cli.progress import step
from tokenexport_cli.suggest import did_you_mean
from tokenexport_cli.tokens import parsed_cache
from tokenexport_cli.tokens.parsed_cache import cache_dir as cache_dir  # re-exported
from tokenexport_cli.tokens.patterns import OFFICIAL as OFFICIAL_PATTERNS
from tokenexport_cli.tokens.patterns import UNUSED_SPECIAL, counting_pattern
from tokenexport_cli.tokens.sources import COUNTING_SEMANTICS, SOURCES, TokenizerSource, source_for

DATA_DIR = Path(__file__).resolve().parent / "data"

_NFC_FAMILIES = frozenset({"qwen", "qwen3.6"})
# The one special token tokx's encodings define; counting never allows it, so text that
# happens to contain it is counted as ordinary text.
# quicktok's encoding names for the families it reproduces exactly (checked in the tests).
_QUICKTOK_NAMES = {"o200k_base": "o200k_base", "cl100k_base": "cl100k_base", "qwen": "qwen3"}


class Encoder(Protocol):
    """What the counting engine needs from a loaded tokenizer."""

    def count(self, text: str) -> int: ...

    def count_batch(self, texts: list[str]) -> list[int]: ...


@dataclass(frozen=True, slots=True)
class ExactFamily:
    """A tokenizer family tokx counts exactly, from a file it ships."""

    name: str
    source: TokenizerSource
    engine: str  # "tiktoken", or WORD_ENGINE (tiktoken's merge step word by word)
    pattern: str | None  # pre-tokenizer regex for tiktoken families
    nfc: bool  # apply Unicode NFC before encoding (Qwen does)

    @property
    def fast_name(self) -> str | None:
        """quicktok's name for this family, if quicktok counts it exactly."""
        return _QUICKTOK_NAMES.get(self.name)


# Byte-level BPE tokenizer.json families whose merges are in rank order, so tiktoken's
# lowest-rank merging gives the same ids as HF's merge list (checked on the files by
# tests/tokens/test_new_families.py against the reference tokenizer.json, and by llama.cpp's
# fingerprints). tiktoken counts them 2-5x faster than HF tokenizers, in a third of the memory.
# DeepSeek-V3's three-stage pre-tokenizer is one equivalent regex (patterns.DEEPSEEK_V3; ids
# checked in tests/tokens/test_patterns.py).
_BYTE_LEVEL_AS_TIKTOKEN = {
    "glm": "llama3",
    "glm5": "llama3",
    "minimax": "o200k_base",
    "deepseek-v3": "deepseek-v3",
}
_NFC_NORMALISED = frozenset({"minimax"})
# SentencePiece-style BPE (Gemma 3) whose merges tiktoken reproduces word by word (gemma.py).
WORD_ENGINE = "tiktoken-words"
_WORD_BY_WORD = frozenset({"gemini"})


def _make_family(source: TokenizerSource) -> ExactFamily:
    if source.family in _BYTE_LEVEL_AS_TIKTOKEN:
        split = OFFICIAL_PATTERNS[_BYTE_LEVEL_AS_TIKTOKEN[source.family]]
        return ExactFamily(
            source.family, source, "tiktoken", split, source.family in _NFC_NORMALISED
        )
    if source.family in _WORD_BY_WORD:
        return ExactFamily(source.family, source, WORD_ENGINE, None, nfc=False)
    pattern = OFFICIAL_PATTERNS.get(source.family)
    return ExactFamily(source.family, source, "tiktoken", pattern, source.family in _NFC_FAMILIES)


EXACT_FAMILIES: dict[str, ExactFamily] = {s.family: _make_family(s) for s in SOURCES}


def exact_family_names() -> tuple[str, ...]:
    """Names of the exact families, in registry order."""
    return tuple(EXACT_FAMILIES)


def data_version() -> str:
    """Version of the tokenizer data and counting semantics; part of every count-cache key."""
    digest = hashlib.sha256()
    for source in SOURCES:
        digest.update(f"{source.family}:{source.sha256};".encode())
    return f"{COUNTING_SEMANTICS}-{digest.hexdigest()[:12]}"


def get_exact_family(name: str) -> ExactFamily:
    """Look up an exact family by name; ``UsageError`` with a did-you-mean for unknown names."""
    try:
        return EXACT_FAMILIES[name]
    except KeyError:
        known = ", ".join(EXACT_FAMILIES)
        raise UsageError(
            f"unknown tokenizer family '{name}'{did_you_mean(name, exact_family_names(), 1)} "
            f"(known: {known})"
        ) from None


def _ranks_cache_path(source: TokenizerSource) -> Path:
    return parsed_cache.cache_path(source)


def read_verified(source: TokenizerSource, data_dir: Path = DATA_DIR) -> bytes:
    """Return the uncompressed content of a shipped file after checking its sha256."""
    path = data_dir / source.data_file
    decompress = lzma.decompress if path.suffix == ".xz" else gzip.decompress
    try:
        content = decompress(path.read_bytes())
    except FileNotFoundError:
        raise DataError(f"{path}: tokenizer file missing; reinstall tokx") from None
    except (OSError, EOFError, zlib.error, lzma.LZMAError) as exc:
        raise DataError(f"{path}: corrupted tokenizer file ({exc}); reinstall tokx") from None
    actual = hashlib.sha256(content).hexdigest()
    if actual != source.sha256:
        raise DataError(
            f"{path}: sha256 {actual[:16]}... does not match the official {source.sha256[:16]}..."
        )
    return content


def _parse_tiktoken(content: bytes, path: Path) -> dict[bytes, int]:
    try:
        return {
            b64decode(token): int(rank)
            for token, rank in (line.split() for line in content.splitlines() if line)
        }
    except ValueError as exc:
        raise DataError(f"{path}: malformed .tiktoken line ({exc})") from None


def _parse_tekken(content: bytes, path: Path) -> dict[bytes, int]:
    try:
        model = json.loads(content)
        config = model["config"]
        inner_size = int(config["default_vocab_size"]) - int(config["default_num_special_tokens"])
        return {
            b64decode(entry["token_bytes"]): int(entry["rank"])
            for entry in model["vocab"][:inner_size]
        }
    except (ValueError, KeyError, TypeError) as exc:
        raise DataError(f"{path}: malformed tekken file ({exc})") from None


# Non-special added tokens of a byte-level family ride in its cached rank table under this
# prefix (no vocabulary token starts with it); ``load_ranks`` leaves them out.
_ADDED_PREFIX = b"\x00tokx-added\x00"


def _byte_to_unicode() -> dict[str, int]:
    """GPT-2's byte-level alphabet: the character each byte is written as in tokenizer.json."""
    printable = [*range(33, 127), *range(161, 173), *range(174, 256)]
    extra = [byte for byte in range(256) if byte not in printable]
    table = {chr(byte): byte for byte in printable}
    table.update({chr(256 + index): byte for index, byte in enumerate(extra)})
    return table


def _parse_byte_level(content: bytes, path: Path, keep_added: bool) -> dict[bytes, int]:
    try:
        spec = json.loads(content)
        alphabet = _byte_to_unicode()
        # Special tokens may sit in the model's vocabulary too (DeepSeek-V3's first three);
        # no merge produces them, so they are not ranks.
        added = {token["content"] for token in spec["added_tokens"]}
        table = {
            bytes(alphabet[char] for char in token): int(rank)
            for token, rank in spec["model"]["vocab"].items()
            if token not in added or all(char in alphabet for char in token)
        }
        for token in spec["added_tokens"]:
            if keep_added and not token["special"]:
                table[_ADDED_PREFIX + token["content"].encode()] = int(token["id"])
        return table
    except (ValueError, KeyError, TypeError) as exc:
        raise DataError(f"{path}: malformed byte-level tokenizer.json ({exc})") from None


def _table(source: TokenizerSource, data_dir: Path, use_cache: bool) -> dict[bytes, int]:
    if use_cache:
        cached = parsed_cache.load(source, data_dir, "", dict)
        if cached is not None:
            return cached
    content = read_verified(source, data_dir)
    path = data_dir / source.data_file
    if source.shipped_format == "tekken-json":
        ranks = _parse_tekken(content, path)
    elif source.shipped_format == "hf-json":
        ranks = _parse_byte_level(content, path, source.keep_added_tokens)
    else:
        ranks = _parse_tiktoken(content, path)
    if use_cache:
        parsed_cache.store(source, data_dir, "", ranks)
    return ranks


def load_added(
    source: TokenizerSource, data_dir: Path = DATA_DIR, use_cache: bool = True
) -> dict[str, int]:
    """Non-special added tokens a byte-level family matches in ordinary text, with their ids."""
    if source.shipped_format != "hf-json":
        return {}
    table = _table(source, data_dir, use_cache)
    size = len(_ADDED_PREFIX)
    return {key[size:].decode(): rank for key, rank in table.items() if key[:size] == _ADDED_PREFIX}


def tekken_pattern(data_dir: Path = DATA_DIR) -> str:
    """The pre-tokenizer pattern stored inside the shipped tekken file."""
    source = source_for("mistral-tekken")
    return str(json.loads(read_verified(source, data_dir))["config"]["pattern"])


def load_ranks(
    source: TokenizerSource, data_dir: Path = DATA_DIR, use_cache: bool = True
) -> dict[bytes, int]:
    """Mergeable ranks of a tiktoken-style family, from the rank cache or the verified file."""
    table = _table(source, data_dir, use_cache)
    if source.shipped_format != "hf-json":
        return table
    size = len(_ADDED_PREFIX)
    return {key: rank for key, rank in table.items() if key[:size] != _ADDED_PREFIX}


def build_tiktoken(
    family: ExactFamily, data_dir: Path = DATA_DIR, use_cache: bool = True, counting: bool = False
) -> Any:
    """A ``tiktoken.Encoding`` for a family, built from tokx's own files (never downloaded).

    With ``counting`` its regex is the faster equivalent from ``patterns.counting_pattern``
    (same pieces, so the same tokens); otherwise the family's official pattern.
    """
    import tiktoken

    pattern = family.pattern if family.pattern is not None else tekken_pattern(data_dir)
    if counting:
        pattern = counting_pattern(pattern)
    ranks = load_ranks(family.source, data_dir, use_cache)
    added = load_added(family.source, data_dir, use_cache)
    # One unused special token: with none, tiktoken's special-token regex is empty and
    # matches at every position, which makes the list-free ``encode_to_tiktoken_buffer``
    # path (see encoders.py) crawl. Ordinary encoding never produces it. A byte-level
    # family's non-special added tokens are special tokens here, allowed when counting.
    unused = max([*ranks.values(), *added.values()], default=-1) + 1
    return tiktoken.Encoding(
        name=f"tokx-{family.name}",
        pat_str=pattern,
        mergeable_ranks=ranks,
        special_tokens={UNUSED_SPECIAL: unused, **added},
    )


_lock = threading.Lock()


@cache
def _loaded(name: str, fast: bool) -> Encoder:
    from tokenexport_cli.tokens.encoders import FastEncoder, TiktokenEncoder

    family = get_exact_family(name)
    with step(f"loading tokenizer {name}"):
        if fast and family.fast_name is not None:
            fast_encoder = FastEncoder.try_load(family)
            if fast_encoder is not None:
                return fast_encoder
        if family.engine == WORD_ENGINE:
            from tokenexport_cli.tokens import gemma

            return gemma.build(family.source, DATA_DIR, read_verified)
        return TiktokenEncoder(build_tiktoken(family, counting=True), family)


def encoder(name: str, fast: bool = False) -> Encoder:
    """The process-wide encoder of an exact family (loaded once, thread-safe)."""
    with _lock:
        return _loaded(name, fast)
