"""Reconstructed counts for whole inputs: the full tiling for small ones, a measured sample for large ones.

Many small files are sampled as a group: while their total stays within the sample budget each
is reconstructed in full, beyond it a random subset is and the rest take its ratio.

The reconstruction (``tokens/claude.py``) runs at about 0.1 MB/s in pure Python, hundreds of
times slower than ``o200k_base``. So that a count including a Claude family costs at most about
twice the ``o200k_base`` count alone, inputs above ``FULL_BYTES`` are sampled: about
``SAMPLE_FRACTION`` of the bytes (between ``MIN_SAMPLE`` and ``MAX_SAMPLE`` over the whole
request) in segments of ``SEGMENT_BYTES`` cut at safe cuts, spread over the files in proportion
to their size. Each segment is counted with the reconstruction and with ``o200k_base``; a
file's count is its exact ``o200k_base`` count times its sampled ratio. The interval is the
ratio estimator's 95% interval from the segments themselves (residual variance, finite
population correction; the pooled variance of all segments where a file has fewer than two),
plus the reconstruction's own measured bound.
"""

from __future__ import annotations

import math
import random
import zlib
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from tokenexport_cli.textfiles import decode_utf8
from tokenexport_cli.tokens.chunking import safe_byte_cut
from tokenexport_cli.tokens.claude import count_content
from tokenexport_cli.tokens.registry import encoder

FULL_BYTES = 64 << 10
SEGMENT_BYTES = 8 << 10
SAMPLE_FRACTION = 0.003
MIN_SAMPLE = 256 << 10
MAX_SAMPLE = 4 << 20
Z95 = 1.96
REFERENCE = "o200k_base"


@dataclass(frozen=True, slots=True)
class Estimate:
    """A reconstructed count and the variance of its sampling error (0 when not sampled)."""

    tokens: int
    variance: float
    sampled_bytes: int


def count_full(text: str, vocabulary: str) -> Estimate:
    """The reconstruction over the whole text (no sampling error)."""
    return Estimate(count_content(text, vocabulary), 0.0, 0)


def _segment(handle, size: int, offset: int) -> bytes:
    """The bytes from the first safe cut at or after ``offset`` to the first after it + a segment."""
    handle.seek(offset)
    window = handle.read(SEGMENT_BYTES * 2 + (64 << 10))
    start = 0 if offset == 0 else safe_byte_cut(window, 1)
    if start == -1:
        return b""
    end = safe_byte_cut(window, start + SEGMENT_BYTES)
    return window[start:] if end == -1 and offset + len(window) >= size else window[start:end]


def _pairs(
    path: Path, size: int, segments: int, seed: int, vocabulary: str
) -> list[tuple[int, int]]:
    """(reconstructed, o200k_base) counts of ``segments`` random segments of a file."""
    rng = random.Random(seed)
    reference = encoder(REFERENCE)
    pairs: list[tuple[int, int]] = []
    with open(path, "rb") as handle:
        for _ in range(segments):
            data = _segment(handle, size, rng.randrange(max(1, size - SEGMENT_BYTES)))
            if not data:
                continue
            text, _ = decode_utf8(data)
            pairs.append((count_content(text, vocabulary), reference.count(text)))
    return pairs


def ratio_and_variance(pairs: list[tuple[int, int]]) -> tuple[float, float | None]:
    """Ratio estimator and its variance (None with fewer than two segments)."""
    total_ref = sum(ref for _, ref in pairs)
    ratio = sum(rec for rec, _ in pairs) / total_ref if total_ref else 1.0
    if len(pairs) < 2 or not total_ref:
        return ratio, None
    residual = sum((rec - ratio * ref) ** 2 for rec, ref in pairs) / (len(pairs) - 1)
    mean_ref = total_ref / len(pairs)
    return ratio, residual / len(pairs) / mean_ref**2


def estimate_files(
    files: list[tuple[Path, int, int, str]], vocabulary: str, seed: int = 0
) -> list[Estimate]:
    """Reconstructed counts of files given as (path, size, o200k_base tokens, content digest)."""
    large = [item for item in files if item[1] > FULL_BYTES]
    large_bytes = sum(size for _, size, _, _ in large)
    budget = min(MAX_SAMPLE, max(MIN_SAMPLE, int(large_bytes * SAMPLE_FRACTION)))
    sampled: dict[Path, tuple[float, float | None, int, int]] = {}
    pooled: list[tuple[float, int]] = []
    for path, size, _, digest in large:
        segments = max(2, round(budget * size / large_bytes / SEGMENT_BYTES))
        segments = min(segments, max(2, size // SEGMENT_BYTES))
        pairs = _pairs(
            path, size, segments, zlib.crc32(f"{seed}:{digest}:{size}".encode()), vocabulary
        )
        ratio, variance = ratio_and_variance(pairs)
        total_ref = sum(ref for _, ref in pairs)
        sampled[path] = (ratio, variance, len(pairs), total_ref)
        pooled += [(rec / ref if ref else ratio, ref) for rec, ref in pairs]
    pooled_variance = _pooled(pooled)
    small = _small_files(files, budget, vocabulary, seed)
    out: list[Estimate] = []
    for path, size, reference_tokens, _ in files:
        if size <= FULL_BYTES:
            out.append(small[path])
            continue
        ratio, variance, count, total_ref = sampled[path]
        if variance is None:
            variance = pooled_variance / max(count, 1)
        sampled_fraction = min(1.0, total_ref / reference_tokens) if reference_tokens else 1.0
        variance *= 1 - sampled_fraction  # finite population correction
        out.append(
            Estimate(
                round(ratio * reference_tokens),
                variance * reference_tokens**2,
                count * SEGMENT_BYTES,
            )
        )
    return out


def _small_files(
    files: list[tuple[Path, int, int, str]], budget: int, vocabulary: str, seed: int
) -> dict[Path, Estimate]:
    """Files up to ``FULL_BYTES``: all reconstructed in full while their total fits the budget;
    beyond it, a random subset of them is, and the rest get that subset's ratio.

    The unsampled files share one estimated ratio, so their errors are correlated: each gets a
    share of the group's variance (``var(R) * ref_f * sum(ref)``), which sums to the group's.
    """
    small = [item for item in files if item[1] <= FULL_BYTES]
    estimates: dict[Path, Estimate] = {}
    if sum(size for _, size, _, _ in small) <= max(budget, MIN_SAMPLE):
        for path, _, _, _ in small:
            estimates[path] = count_full(decode_utf8(path.read_bytes())[0], vocabulary)
        return estimates
    # keyed by content and file name, not folder: the same inputs are sampled the same anywhere
    order = sorted(small, key=lambda item: zlib.crc32(f"{seed}:{item[3]}:{item[0].name}".encode()))
    spent = 0
    pairs: list[tuple[int, int]] = []
    for path, size, reference_tokens, _ in order:
        if spent >= budget and len(pairs) >= 2:
            break
        estimate = count_full(decode_utf8(path.read_bytes())[0], vocabulary)
        estimates[path] = estimate
        pairs.append((estimate.tokens, reference_tokens))
        spent += size
    ratio, variance = ratio_and_variance(pairs)
    rest = [item for item in small if item[0] not in estimates]
    rest_tokens = sum(tokens for _, _, tokens, _ in rest)
    sampled_tokens = sum(ref for _, ref in pairs)
    correction = rest_tokens / (rest_tokens + sampled_tokens) if rest_tokens else 0.0
    for path, _size, reference_tokens, _ in rest:
        share = (variance or 0.0) * correction * reference_tokens * rest_tokens
        estimates[path] = Estimate(round(ratio * reference_tokens), share, 0)
    return estimates


def _pooled(ratios: list[tuple[float, int]]) -> float:
    """Variance of one segment's ratio across every sampled segment, weighted by size."""
    total = sum(weight for _, weight in ratios)
    if len(ratios) < 2 or not total:
        return 0.0
    mean = sum(ratio * weight for ratio, weight in ratios) / total
    return sum(weight * (ratio - mean) ** 2 for ratio, weight in ratios) / total


def band(estimates: list[Estimate], bound: Decimal) -> tuple[int, Decimal]:
    """Total tokens and the relative half-width: the 95% sampling interval plus ``bound``."""
    tokens = sum(item.tokens for item in estimates)
    if not tokens:
        return 0, bound
    sampling = Z95 * math.sqrt(sum(item.variance for item in estimates)) / tokens
    return tokens, bound + Decimal(str(round(sampling, 4)))
