"""A workload's requests counted with a reconstructed family (Claude): the reconstruction itself,
on a measured sample when the samples are large, with the interval the sample gives.

The reconstruction (``tokens/claude.py``) runs at about 0.1 MB/s. Requests whose text totals at
most ``BUDGET_BYTES`` are all reconstructed; beyond that a random subset of requests (chosen by
content, so the same workload gives the same estimate anywhere) is, until the budget is spent,
and every other request gets its exact ``o200k_base`` count times the subset's ratio. The
interval is the ratio estimator's 95% interval over the subset (with the finite population
correction), plus the reconstruction's measured bound. Streamed files are sampled by
``reconstruct.estimate_files``. Reconstructed counts are kept in the count cache by content,
so a second run reconstructs nothing.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass
from decimal import Decimal

from tokenexport_cli.tokens.cache import CountCache
from tokenexport_cli.tokens.results import ReconstructedFamily
from tokenexport_cli.workload.request import Request

BUDGET_BYTES = 64 << 10


@dataclass(frozen=True, slots=True)
class ReconstructedContent:
    """Per-request reconstructed content tokens (None: no text) and the relative half-width."""

    tokens: list[int | None]
    band: Decimal


def reconstruct_requests(
    requests: list[Request],
    keys: list[str | None],
    reference: list[int | None],
    family: ReconstructedFamily,
    cache: CountCache | None,
) -> ReconstructedContent:
    """Reconstructed content tokens of ``requests`` (``reference``: their o200k_base counts,
    ``keys``: their content keys for the cache, None for streamed or text-less requests)."""
    from tokenexport_cli.tokens import reconstruct
    from tokenexport_cli.tokens.claude import count_content

    tokens: list[int | None] = [None] * len(requests)
    estimates: list[reconstruct.Estimate] = []
    texts: list[int] = []
    for position, request in enumerate(requests):
        if request.streamed and request.path is not None:
            size = request.path.stat().st_size
            # seeded by name and size, not folder: the same input is sampled the same anywhere
            files = [(request.path, size, reference[position] or 0, request.path.name)]
            estimate = reconstruct.estimate_files(files, family.name)[0]
            tokens[position] = estimate.tokens
            estimates.append(estimate)
        elif keys[position] is not None:
            texts.append(position)
        elif reference[position] is not None:
            tokens[position] = 0
    # The sample is a prefix of the requests in an order set by their content, whatever the
    # cache holds, so the same workload gives the same estimate on every run.
    order = sorted(texts, key=lambda p: zlib.crc32(f"0:{keys[p]}".encode()))
    spent = 0
    sampled: list[tuple[int, int]] = []
    rows: list[tuple[str, str, int, int]] = []
    for position in order:
        if spent >= BUDGET_BYTES and len(sampled) >= 2:
            break
        key, parts = keys[position] or "", requests[position].parts
        hit = cache.get(key, family.name) if cache is not None else None
        if hit is None:
            count = sum(count_content(part, family.name) for part in parts)
            rows.append((key, family.name, count, 0))
        else:
            count = hit[0]
        tokens[position] = count
        estimates.append(reconstruct.Estimate(count, 0.0, 0))
        sampled.append((count, reference[position] or 0))
        spent += sum(len(part.encode("utf-8", "surrogatepass")) for part in parts)
    if cache is not None and rows:
        cache.put_many(rows)
    rest = [position for position in texts if tokens[position] is None]
    if rest:
        ratio, variance = reconstruct.ratio_and_variance(sampled)
        rest_tokens = sum(reference[p] or 0 for p in rest)
        sampled_tokens = sum(ref for _, ref in sampled)
        correction = rest_tokens / (rest_tokens + sampled_tokens) if rest_tokens else 0.0
        for position in rest:
            reference_tokens = reference[position] or 0
            tokens[position] = round(ratio * reference_tokens)
            share = (variance or 0.0) * correction * reference_tokens * rest_tokens
            estimates.append(reconstruct.Estimate(tokens[position] or 0, share, 0))
    _, band = reconstruct.band(estimates, family.bound)
    return ReconstructedContent(tokens, band)
