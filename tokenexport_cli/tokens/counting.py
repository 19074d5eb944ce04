"""Counting engine: text, bytes and files for many families, streamed in bounded memory, parallel when large.

Files are cut into byte ranges of about ``chunk_bytes`` at cuts that provably keep every
family's count (see ``chunking``); each range is read, decoded and counted on its own,
so memory stays bounded by a few ranges per process whatever the file size (a long
stretch with no safe cut, e.g. one huge whitespace run or line of digits, is the
exception). Jobs of at least ``PARALLEL_MIN_BYTES`` run in worker processes (one per
core), smaller ones in this process. Warnings are returned in the results; nothing here prints.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import Executor, ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from tokenexport_cli.errors import UsageError
from tokenexport_cli.suggest import did_you_mean
from tokenexport_cli.textfiles import BINARY_SNIFF_BYTES, decode_utf8, looks_binary
from tokenexport_cli.tokens.cache import CountCache, sha256_of
from tokenexport_cli.tokens.chunking import plan_byte_ranges
from tokenexport_cli.tokens.registry import encoder, exact_family_names, get_exact_family
from tokenexport_cli.tokens.results import (
    ApproximateFamily,
    CountReport,
    InputCount,
    InputWarning,
    ReconstructedFamily,
    TokenCount,
)

CHUNK_BYTES = 1 << 20
PARALLEL_MIN_BYTES = 8 << 20

FamilySpec = str | ApproximateFamily
Progress = Callable[[int], None]


@dataclass(frozen=True, slots=True)
class _Plan:
    """Exact families to count and how to derive the requested (possibly approximate) ones."""

    requested: tuple[FamilySpec, ...]
    exact: tuple[str, ...]


def _plan(families: Sequence[FamilySpec]) -> _Plan:
    if not families:
        raise UsageError("no tokenizer family requested")
    exact: list[str] = []
    for family in families:
        name = family.reference if isinstance(family, ApproximateFamily) else family
        if name not in exact_family_names():
            label = (
                f"reference {name!r} of {family.name!r}"
                if isinstance(family, ApproximateFamily)
                else repr(name)
            )
            raise UsageError(
                f"unknown tokenizer family {label}{did_you_mean(name, exact_family_names(), 1)}"
            )
        if name not in exact:
            exact.append(get_exact_family(name).name)
    return _Plan(tuple(families), tuple(exact))


def _derive(
    plan: _Plan,
    exact_tokens: dict[str, int],
    reconstructed: dict[str, TokenCount] | None = None,
) -> tuple[TokenCount, ...]:
    results: list[TokenCount] = []
    for family in plan.requested:
        if reconstructed is not None and family_name(family) in reconstructed:
            results.append(reconstructed[family_name(family)])
        elif isinstance(family, ApproximateFamily):
            results.append(family.estimate(exact_tokens[family.reference]))
        else:
            results.append(TokenCount.exact_count(family, exact_tokens[family]))
    return tuple(results)


plan_families = _plan  # the family plan, for streams.py


def family_name(family: FamilySpec) -> str:
    return family.name if isinstance(family, ApproximateFamily) else family


def _reconstructed_text(plan: _Plan, text: str) -> dict[str, TokenCount]:
    """Full reconstructions of one text for the plan's reconstructed families."""
    from tokenexport_cli.tokens.reconstruct import count_full

    return {
        family.name: family.reconstructed_count(count_full(text, family.name).tokens, family.bound)
        for family in plan.requested
        if isinstance(family, ReconstructedFamily)
    }


def count_text(
    text: str, families: Sequence[FamilySpec], fast: bool = False
) -> tuple[TokenCount, ...]:
    """Count one string for each family (``encode_ordinary`` semantics: special-token text is text)."""
    plan = _plan(families)
    exact = {name: encoder(name, fast).count(text) for name in plan.exact}
    return _derive(plan, exact, _reconstructed_text(plan, text))


def _count_chunk(data: bytes, families: tuple[str, ...], fast: bool) -> tuple[tuple[int, ...], int]:
    text, replaced = decode_utf8(data)
    return tuple(encoder(name, fast).count(text) for name in families), replaced


def _count_range(
    path: str, start: int, end: int, families: tuple[str, ...], fast: bool
) -> tuple[tuple[int, ...], int]:
    with open(path, "rb") as handle:
        handle.seek(start)
        data = handle.read(end - start)
    return _count_chunk(data, families, fast)


def _input_warnings(source: str, size: int, replaced: int) -> tuple[InputWarning, ...]:
    warnings: list[InputWarning] = []
    if size == 0:
        warnings.append(InputWarning(source, "empty", f"{source}: empty input"))
    if replaced:
        warnings.append(
            InputWarning(
                source,
                "invalid_utf8",
                f"{source}: {replaced} invalid UTF-8 sequence(s) replaced",
                replaced,
            )
        )
    return tuple(warnings)


def count_bytes(
    data: bytes, families: Sequence[FamilySpec], source: str = "<stdin>", fast: bool = False
) -> InputCount:
    """Count one in-memory input (e.g. stdin): binary is skipped, invalid UTF-8 replaced, both reported.

    Reconstructed families are reconstructed in full up to ``reconstruct.FULL_BYTES``; a larger
    in-memory input gets their measured factor and band (files and stdin are sampled instead).
    """
    from tokenexport_cli.tokens.reconstruct import FULL_BYTES

    plan = _plan(families)
    if looks_binary(data[:BINARY_SNIFF_BYTES]):
        return _skipped(source, len(data), plan)
    tokens, replaced = _count_chunk(data, plan.exact, fast)
    reconstructed = (
        _reconstructed_text(plan, decode_utf8(data)[0]) if len(data) <= FULL_BYTES else None
    )
    counts = _derive(plan, dict(zip(plan.exact, tokens, strict=True)), reconstructed)
    return InputCount(source, len(data), counts, _input_warnings(source, len(data), replaced))


def _skipped(source: str, size: int, plan: _Plan) -> InputCount:
    warning = InputWarning(
        source, "binary", f"{source}: binary file (NUL byte in the first 8 KiB), skipped"
    )
    counts = _derive(plan, dict.fromkeys(plan.exact, 0))
    return InputCount(source, size, counts, (warning,), skipped=True)


@dataclass
class _FileJob:
    """Mutable bookkeeping for one file while its ranges are counted."""

    path: Path
    size: int
    digest: str | None
    missing: tuple[str, ...]
    tokens: dict[str, int]
    label: str = ""
    replaced: int = 0
    cached: bool = False
    skipped: bool = False


def _open_input(path: Path) -> tuple[int, bytes]:
    """Size and first bytes of a token input: a regular file only (inputfile.open_regular)."""
    from tokenexport_cli.inputfile import open_regular

    if path.is_dir():
        raise UsageError(f"{path}: is a directory; pass files")
    if not path.exists():
        raise UsageError(f"{path}: no such file")
    handle, size = open_regular(path, what="input file")
    try:
        with handle:
            return size, handle.read(BINARY_SNIFF_BYTES)
    except OSError as exc:
        raise UsageError(f"{path}: cannot read ({exc.strerror})") from None


def _prepare(path: Path, plan: _Plan, cache: CountCache | None) -> _FileJob:
    size, head = _open_input(path)
    job = _FileJob(path, size, None, plan.exact, {}, str(path))
    if looks_binary(head):
        job.skipped, job.missing = True, ()
        job.tokens = dict.fromkeys(plan.exact, 0)
        return job
    if cache is not None and cache.usable and size > 0:
        with open(path, "rb") as handle:
            job.digest = sha256_of(handle)
        missing = []
        for name in plan.exact:
            hit = cache.get(job.digest, name)
            if hit is None:
                missing.append(name)
            else:
                job.tokens[name], job.replaced = hit
        job.missing = tuple(missing)
        job.cached = not missing
    if size == 0:
        job.tokens, job.missing = dict.fromkeys(plan.exact, 0), ()
    return job


def _executor(jobs: int, families: tuple[str, ...], fast: bool) -> Executor:
    """A process pool; forked from a parent that already holds the encoders when that is safe.

    Forking after loading the encoders here saves every worker the load time and shares the
    encoder tables copy-on-write. Fork is avoided when other threads run (the CLI's progress
    bar is redrawn from the ``progress`` callback so that it runs none); then workers start
    from a fork server and load what they need themselves.
    """
    import multiprocessing
    import threading

    methods = multiprocessing.get_all_start_methods()
    if "fork" in methods and threading.active_count() == 1:
        for name in families:
            encoder(name, fast)
        method = "fork"
    else:
        method = "forkserver" if "forkserver" in methods else "spawn"
    return ProcessPoolExecutor(max_workers=jobs, mp_context=multiprocessing.get_context(method))


def count_paths(
    paths: Sequence[Path | str],
    families: Sequence[FamilySpec],
    *,
    cache: CountCache | None = None,
    jobs: int | None = None,
    fast: bool = False,
    chunk_bytes: int = CHUNK_BYTES,
    progress: Progress | None = None,
    labels: Sequence[str] | None = None,
) -> CountReport:
    """Count files for each family; one file is one input.

    ``jobs``: worker processes (default: one per core; 1 forces this process). ``progress``
    is called with the number of bytes just finished (for a progress bar drawn elsewhere).
    ``labels`` name the inputs in the report instead of their paths.
    Missing paths and directories raise ``UsageError``; binary files are skipped and
    reported, empty files counted as 0 and reported.
    """
    if not paths:
        raise UsageError("no input files given")
    plan = _plan(families)
    work = [_prepare(Path(path), plan, cache) for path in paths]
    for job, label in zip(work, labels or (), strict=False):
        job.label = label
    tasks: list[tuple[int, int, int]] = []
    for index, job in enumerate(work):
        if job.missing:
            with open(job.path, "rb") as handle:
                tasks += [
                    (index, start, end)
                    for start, end in plan_byte_ranges(handle, job.size, chunk_bytes)
                ]
            job.tokens.update(dict.fromkeys(job.missing, 0))
            job.replaced = 0
    workers = jobs or os.cpu_count() or 1
    pending_bytes = sum(end - start for _, start, end in tasks)
    if workers > 1 and pending_bytes >= PARALLEL_MIN_BYTES and len(tasks) > 1:
        with _executor(min(workers, len(tasks)), plan.exact, fast) as pool:
            futures = [
                pool.submit(_count_range, str(work[i].path), start, end, work[i].missing, fast)
                for i, start, end in tasks
            ]
            outcomes = (
                (task, future.result()) for task, future in zip(tasks, futures, strict=True)
            )
            _collect(work, outcomes, progress)
    else:
        inline = (
            (
                task,
                _count_range(
                    str(work[task[0]].path), task[1], task[2], work[task[0]].missing, fast
                ),
            )
            for task in tasks
        )
        _collect(work, inline, progress)
    if cache is not None:
        cache.put_many(
            (job.digest, name, job.tokens[name], job.replaced)
            for job in work
            if job.digest is not None
            for name in job.missing
        )
    return _report(work, plan)


_Outcome = tuple[tuple[int, int, int], tuple[tuple[int, ...], int]]


def _collect(work: list[_FileJob], outcomes: Iterable[_Outcome], progress: Progress | None) -> None:
    for (index, start, end), (tokens, replaced) in outcomes:
        job = work[index]
        for name, value in zip(job.missing, tokens, strict=True):
            job.tokens[name] += value
        job.replaced += replaced
        if progress is not None:
            progress(end - start)


def _reconstruct_jobs(
    work: list[_FileJob], plan: _Plan
) -> tuple[list[dict[str, TokenCount]], dict[str, TokenCount]]:
    """Per-input and total reconstructed counts (sampled for large inputs, see ``reconstruct``)."""
    per_input: list[dict[str, TokenCount]] = [{} for _ in work]
    totals: dict[str, TokenCount] = {}
    families = [f for f in plan.requested if isinstance(f, ReconstructedFamily)]
    if not families:
        return per_input, totals
    from tokenexport_cli.tokens import reconstruct

    counted = [i for i, job in enumerate(work) if not job.skipped and job.size > 0]
    for family in families:
        files = [
            (
                work[i].path,
                work[i].size,
                work[i].tokens[reconstruct.REFERENCE],
                work[i].digest or "",
            )
            for i in counted
        ]
        estimates = reconstruct.estimate_files(files, family.name)
        for index, estimate in zip(counted, estimates, strict=True):
            tokens, band = reconstruct.band([estimate], family.bound)
            per_input[index][family.name] = family.reconstructed_count(tokens, band)
        for index, job in enumerate(work):
            if not job.skipped and job.size == 0:
                per_input[index][family.name] = family.reconstructed_count(0, family.bound)
        tokens, band = reconstruct.band(estimates, family.bound)
        totals[family.name] = family.reconstructed_count(tokens, band)
    return per_input, totals


def _report(work: list[_FileJob], plan: _Plan) -> CountReport:
    inputs: list[InputCount] = []
    reconstructed, reconstructed_totals = _reconstruct_jobs(work, plan)
    for job, own in zip(work, reconstructed, strict=True):
        source = job.label
        if job.skipped:
            inputs.append(_skipped(source, job.size, plan))
            continue
        counts = _derive(plan, job.tokens, own)
        inputs.append(
            InputCount(
                source,
                job.size,
                counts,
                _input_warnings(source, job.size, job.replaced),
                cached=job.cached,
            )
        )
    totals = {name: sum(job.tokens[name] for job in work if not job.skipped) for name in plan.exact}
    return CountReport(tuple(inputs), _derive(plan, totals, reconstructed_totals))
