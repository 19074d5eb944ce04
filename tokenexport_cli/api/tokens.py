"""``tokens``, ``workload show`` and ``calibrate``: count tokens per family, fit calibrations."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO

from tokenexport_cli.api.choices import CatalogChoice, open_catalog
from tokenexport_cli.errors import DataError, UsageError

if TYPE_CHECKING:
    from tokenexport_cli.catalog import CatalogIndex
    from tokenexport_cli.textfiles import InputWarning
    from tokenexport_cli.tokens.counting import CountReport
    from tokenexport_cli.tokens.workload_counts import FamilyCounts
    from tokenexport_cli.workload.calibrate import CalibrationResult
    from tokenexport_cli.workload.load import Workload

#: (total bytes) -> (a context to count in, a callback taking the bytes done); the CLI draws
#: a progress bar with it, the core stays silent without one.
Progress = Callable[[int], tuple[AbstractContextManager[Any], Callable[[int], None] | None]]
DEFAULT_FAMILY = "o200k_base"
WORKLOAD_FAMILIES = ("o200k_base", "cl100k_base", "qwen", "deepseek-v3")


@dataclass(frozen=True)
class TokensRequest:
    catalog: CatalogChoice = field(default_factory=CatalogChoice)
    families: tuple[str, ...] = ()
    models: tuple[str, ...] = ()  # count with these models' families too
    paths: tuple[str, ...] = ()  # files, folders or globs
    stdin: BinaryIO | None = None  # count this stream instead of paths
    use_cache: bool = True
    fast: bool = False
    progress: Progress | None = None


@dataclass(frozen=True)
class TokensResult:
    report: CountReport
    catalog_version: str
    skipped: tuple[InputWarning, ...] = ()  # FIFOs and devices found in folders, never read


def family_specs(
    index: CatalogIndex, families: tuple[str, ...], models: tuple[str, ...]
) -> list[Any]:
    """Families named directly and through models, each once, in the order given."""
    from tokenexport_cli.tokens.families import family_spec, model_family

    specs = [family_spec(index, name) for name in families]
    specs += [model_family(index, name) for name in models]
    if not specs:
        specs = [DEFAULT_FAMILY]
    unique: dict[str, Any] = {}
    for spec in specs:
        unique.setdefault(spec if isinstance(spec, str) else spec.name, spec)
    return list(unique.values())


def count_tokens(request: TokensRequest) -> TokensResult:
    """``tokx tokens``: count the inputs with each family's own tokenizer."""
    import contextlib

    from tokenexport_cli.textfiles import expand_paths
    from tokenexport_cli.tokens.cache import CountCache
    from tokenexport_cli.tokens.counting import count_paths
    from tokenexport_cli.tokens.streams import count_stream

    index = open_catalog(request.catalog)
    specs = family_specs(index, request.families, request.models)
    if request.stdin is not None:
        report = count_stream(request.stdin, specs, source="<stdin>", fast=request.fast)
    else:
        if not request.paths:
            raise UsageError("give files, folders or globs to count, or pipe text on stdin")
        special: list[Path] = []
        files = expand_paths(list(request.paths), special=special)
        total = sum(path.stat().st_size for path in files)
        context, callback = (
            request.progress(total) if request.progress else (contextlib.nullcontext(), None)
        )
        cache = CountCache() if request.use_cache else None
        try:
            with context:
                report = count_paths(
                    files, specs, cache=cache, fast=request.fast, progress=callback
                )
        finally:
            if cache is not None:
                cache.close()
    if all(item.skipped or item.size_bytes == 0 for item in report.inputs):
        raise DataError("nothing to count: every input is empty or binary")
    skipped: tuple[InputWarning, ...] = ()
    if request.stdin is None and special:
        from tokenexport_cli.textfiles import special_files_warning

        skipped = (special_files_warning(special, "input folders"),)
    return TokensResult(report, index.catalog.version, skipped)


@dataclass(frozen=True)
class WorkloadShowRequest:
    workload: Path
    catalog: CatalogChoice = field(default_factory=CatalogChoice)
    families: tuple[str, ...] = ()  # default: WORKLOAD_FAMILIES
    models: tuple[str, ...] = ()


@dataclass(frozen=True)
class WorkloadShowResult:
    workload: Workload
    counts: tuple[FamilyCounts, ...]
    catalog_version: str


def show_workload(request: WorkloadShowRequest) -> WorkloadShowResult:
    """``tokx workload show``: volume, traffic and token statistics per family."""
    from tokenexport_cli.tokens.cache import CountCache
    from tokenexport_cli.tokens.families import family_spec
    from tokenexport_cli.tokens.workload_counts import count_workload
    from tokenexport_cli.workload import load_workload

    index = open_catalog(request.catalog)
    loaded = load_workload(request.workload)
    names = list(request.families or WORKLOAD_FAMILIES)
    names += [index.model(name).tokenizer for name in request.models]
    specs = [family_spec(index, name) for name in dict.fromkeys(names)]
    with CountCache() as cache:
        counts = tuple(count_workload(loaded, spec, cache=cache) for spec in specs)
    return WorkloadShowResult(loaded, counts, index.catalog.version)


@dataclass(frozen=True)
class CalibrateRequest:
    log: Path
    catalog: CatalogChoice = field(default_factory=CatalogChoice)
    save: bool = True


@dataclass(frozen=True)
class CalibrateResult:
    run: CalibrationResult
    saved_to: Path | None


def calibrate(request: CalibrateRequest) -> CalibrateResult:
    """``tokx calibrate``: fit API-reported over local prompt tokens per model; save the fit."""
    from tokenexport_cli.tokens.families import family_spec
    from tokenexport_cli.tokens.workload_counts import request_tokens
    from tokenexport_cli.workload.calibrate import calibrate_log, calibration_path, save_calibration
    from tokenexport_cli.workload.request import Request

    index = open_catalog(request.catalog)

    def resolve(name: str) -> str | None:
        found = index.find_model(name)
        return found.id if found else None

    def family_of(model_id: str) -> str:
        return index.models[model_id].tokenizer

    def count(sample: Request) -> int:
        model_id = resolve(sample.model or "")
        assert model_id is not None
        return request_tokens(sample, family_spec(index, family_of(model_id)))

    run = calibrate_log(request.log, count, resolve_model=resolve, family_of=family_of)
    saved = None
    if request.save:
        save_calibration(run.calibration)
        saved = calibration_path()
    return CalibrateResult(run, saved)
