"""``catalog list|show|validate|versions|import|sync|diff``: browse, check and update catalogs."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from tokenexport_cli.api.choices import CatalogChoice, open_catalog
from tokenexport_cli.errors import InvalidValue, UsageError

if TYPE_CHECKING:
    from tokenexport_cli.catalog import CatalogIndex
    from tokenexport_cli.catalog.diff import CatalogDiff
    from tokenexport_cli.catalog.importers.pipeline import ImportResult
    from tokenexport_cli.catalog.locate import VersionDir
    from tokenexport_cli.schema import Model
    from tokenexport_cli.sync import FetchPolicy


@dataclass(frozen=True)
class ListRequest:
    catalog: CatalogChoice = field(default_factory=CatalogChoice)
    vendor: str | None = None
    origin: str | None = None  # ISO country code
    path_kind: str | None = None
    open_weights: bool | None = None


@dataclass(frozen=True)
class ModelList:
    index: CatalogIndex
    models: tuple[Model, ...]


def list_models(request: ListRequest) -> ModelList:
    """``tokx catalog list``: the catalog's models, filtered, sorted by id."""
    from tokenexport_cli.schema import PATH_KINDS

    if request.path_kind is not None and request.path_kind not in PATH_KINDS:
        raise InvalidValue(
            f"unknown path kind '{request.path_kind}' (choose from {', '.join(PATH_KINDS)})",
            "path_kinds",
        )
    index = open_catalog(request.catalog)
    models = [
        model
        for model in index.catalog.models
        if (request.vendor is None or model.vendor.lower() == request.vendor.lower())
        and (request.origin is None or model.origin == request.origin.upper())
        and (request.path_kind is None or request.path_kind in index.path_kinds(model.id))
        and (request.open_weights is None or model.open_weights == request.open_weights)
    ]
    return ModelList(index, tuple(sorted(models, key=lambda m: m.id)))


@dataclass(frozen=True)
class ShownModel:
    index: CatalogIndex
    model: Model


def show_model(model: str, catalog: CatalogChoice) -> ShownModel:
    """``tokx catalog show``: one model, by id or alias (unknown ids get suggestions)."""
    index = open_catalog(catalog)
    return ShownModel(index, index.model(model))


@dataclass(frozen=True)
class Validation:
    what: str  # what was validated, in words
    problems: tuple[str, ...]  # every problem, ``file:line: key: problem``; empty when valid
    models: int = 0
    providers: int = 0
    offers: int = 0
    benchmarks: int = 0


def validate(path: Path | None, catalog: CatalogChoice) -> Validation:
    """``tokx catalog validate``: a version folder, an overlay on a version, or a bundled
    version; every problem is listed, none raised (other errors, e.g. unknown version, are)."""
    from tokenexport_cli.catalog import CatalogInvalid, load_path
    from tokenexport_cli.catalog.load import compile_catalog, read_files
    from tokenexport_cli.catalog.locate import resolve_version

    if path is not None and path.is_dir():
        what = str(path)
        load = lambda: load_path(path)  # noqa: E731
    else:
        version = resolve_version(catalog.version, catalog.as_of)
        overlays = (path,) if path is not None else ()
        what = f"{path} (overlay on catalog {version.name})" if path else f"catalog {version.name}"
        load = lambda: compile_catalog(read_files(version, overlays), version.name)  # noqa: E731
    try:
        loaded = load()
    except CatalogInvalid as exc:
        return Validation(what, tuple(exc.problems))
    return Validation(
        what,
        (),
        len(loaded.models),
        len(loaded.providers),
        len(loaded.offers),
        len(loaded.benchmarks),
    )


@dataclass(frozen=True)
class Versions:
    versions: tuple[VersionDir, ...]
    default: str


def versions() -> Versions:
    """``tokx catalog versions``: bundled and synced versions, and which one is the default."""
    from tokenexport_cli.catalog import list_versions, resolve_version

    return Versions(tuple(list_versions()), resolve_version().name)


@dataclass(frozen=True)
class ImportRequest:
    source_format: str  # openrouter, litellm, genai-prices, models-dev
    source: Path | None = None  # a local file or folder (import); None: fetch it (sync)
    policy: FetchPolicy | None = None  # how to fetch, for sync
    retrieved: dt.date | None = None  # default: the file's modification time
    output: Path | None = None  # an overlay file or version folder
    as_version: str | None = None  # name of the new version in the data directory
    base: CatalogChoice = field(default_factory=CatalogChoice)
    add_models: bool = False


def import_prices(request: ImportRequest) -> ImportResult:
    """``tokx catalog import`` (a local file) and ``tokx catalog sync`` (fetched)."""
    from tokenexport_cli.catalog.importers import format_module, parse_path
    from tokenexport_cli.catalog.importers.base import SourceInfo
    from tokenexport_cli.catalog.importers.pipeline import ImportTarget, run_import

    if request.output is not None and request.as_version is not None:
        raise InvalidValue("give either an output target or a version name, not both", "output")
    if request.source is None:
        from tokenexport_cli.sync import FetchPolicy, sync_source

        return sync_source(
            request.source_format,
            request.policy or FetchPolicy(),
            output=request.output,
            as_version=request.as_version,
            base_version=request.base.version,
            base_as_of=request.base.as_of,
            add_models=request.add_models,
        )
    module = format_module(request.source_format)
    source = request.source
    if not source.exists():
        raise UsageError(f"{source}: no such file or folder")
    if request.retrieved is not None:
        when = dt.datetime.combine(request.retrieved, dt.time(), dt.UTC)
    else:
        from tokenexport_cli.dates import DateProblem, from_unix

        try:
            when = from_unix(int(source.stat().st_mtime))
        except DateProblem as exc:
            raise InvalidValue(
                f"{source}: modification time: {exc}; give the retrieval date", "retrieved"
            ) from None
    info = SourceInfo(module.FORMAT, str(source.resolve()), when)
    entries = parse_path(module, source, info.as_of)
    return run_import(
        module,
        entries,
        info,
        ImportTarget(request.output, request.as_version),
        base_version=request.base.version,
        base_as_of=request.base.as_of,
        add_models=request.add_models,
    )


def diff_versions(old: str, new: str | None = None) -> CatalogDiff:
    """``tokx catalog diff``: models and offers added and removed, and every price change."""
    from tokenexport_cli.catalog.diff import diff_catalogs, load_ref
    from tokenexport_cli.catalog.locate import resolve_version

    return diff_catalogs(load_ref(old), load_ref(new or resolve_version().name))
