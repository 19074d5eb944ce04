"""One import end to end: parse a source, match it against a base catalog version, write the
result as a new version (default) or an overlay."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

from tokenexport_cli.catalog.importers.base import SourceEntry, SourceInfo, collector_paused
from tokenexport_cli.catalog.importers.match import ImportPlan, plan_import
from tokenexport_cli.catalog.importers.write import (
    BaseFiles,
    check_version_name,
    write_overlay,
    write_version,
)
from tokenexport_cli.errors import UsageError


@dataclass(frozen=True)
class ImportTarget:
    """Where an import goes: an overlay file, a version folder at a path, or a synced version."""

    output: Path | None = None
    as_version: str | None = None

    def resolve(self, source: SourceInfo) -> tuple[str, Path]:
        """("overlay" | "version", path)."""
        from tokenexport_cli.catalog.locate import synced_root

        if self.output is not None:
            kind = "overlay" if self.output.suffix in (".yaml", ".yml") else "version"
            return kind, self.output
        # the time of day keeps same-day syncs in order: the newest version is the last sync
        stamp = source.retrieved.astimezone(dt.UTC).strftime("%Y-%m-%d.%H%M%S")
        name = self.as_version or f"{stamp}.{source.format}"
        check_version_name(name)
        return "version", synced_root() / name


@dataclass(frozen=True)
class ImportResult:
    plan: ImportPlan
    kind: str
    path: Path


def run_import(
    module: ModuleType,
    entries: list[SourceEntry],
    source: SourceInfo,
    target: ImportTarget,
    *,
    base_version: str | None = None,
    base_as_of: dt.date | None = None,
    add_models: bool = False,
) -> ImportResult:
    """Match ``entries`` against the base version and write the result atomically."""
    with collector_paused():
        return _run_import(module, entries, source, target, base_version, base_as_of, add_models)


def _run_import(
    module: ModuleType,
    entries: list[SourceEntry],
    source: SourceInfo,
    target: ImportTarget,
    base_version: str | None,
    base_as_of: dt.date | None,
    add_models: bool,
) -> ImportResult:
    from tokenexport_cli.catalog.load import compile_files, read_files
    from tokenexport_cli.catalog.locate import resolve_version

    base = resolve_version(base_version, base_as_of)
    # the base is parsed once: the writers build on its files' validated contents
    files = read_files(base)
    catalog, contents = compile_files(files, base.name)
    kind, path = target.resolve(source)
    plan = plan_import(catalog, entries, source, module, add_models=add_models)
    try:
        if kind == "overlay":
            write_overlay(plan, BaseFiles(base, files, contents), path)
        else:
            write_version(plan, BaseFiles(base, files, contents), path)
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        # the target, not the temporary file the failure may name
        raise UsageError(f"cannot write '{path}': {reason}") from None
    return ImportResult(plan, kind, path)
