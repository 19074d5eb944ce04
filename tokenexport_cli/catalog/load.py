"""Load a catalog version plus overlays: from the compiled cache when the files are unchanged,
otherwise parse, validate, merge and cache the result."""

from __future__ import annotations

import datetime as dt
import hashlib
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType

import msgspec

from tokenexport_cli import __version__
from tokenexport_cli.catalog.locate import VersionDir, resolve_version
from tokenexport_cli.catalog.parse import CatalogInvalid, SourceFile, parse_file, parse_manifest
from tokenexport_cli.errors import DataError
from tokenexport_cli.progress import step
from tokenexport_cli.schema import SCHEMA_VERSION, Catalog, CatalogFile
from tokenexport_cli.userdirs import cache_dir as user_cache_dir

MAX_CATALOG_FILES = 2000
EMPTY: Mapping[Path, CatalogFile] = MappingProxyType({})


@dataclass(frozen=True)
class CatalogFiles:
    """The raw files behind one load: a version folder's files and the overlay files."""

    manifest: SourceFile
    data: tuple[SourceFile, ...]
    overlays: tuple[SourceFile, ...]

    def digest(self) -> str:
        hasher = hashlib.sha256(f"tokx {__version__} schema {SCHEMA_VERSION}\n".encode())
        for group, files in (("m", (self.manifest,)), ("d", self.data), ("o", self.overlays)):
            for source in files:
                encoded = source.text.encode()
                hasher.update(f"{group} {source.path.name} {len(encoded)}\n".encode())
                hasher.update(encoded)
        return hasher.hexdigest()


def _version_files(version: VersionDir) -> list[Path]:
    paths = sorted(path for path in version.path.rglob("*.yaml") if path.name != "manifest.yaml")
    if len(paths) > MAX_CATALOG_FILES:
        raise DataError(f"{version.path}: more than {MAX_CATALOG_FILES} YAML files")
    return paths


def read_files(version: VersionDir, overlays: tuple[Path, ...] = ()) -> CatalogFiles:
    from tokenexport_cli.catalog.parse import read_source

    return CatalogFiles(
        manifest=read_source(version.path / "manifest.yaml"),
        data=tuple(read_source(path) for path in _version_files(version)),
        overlays=tuple(read_source(path) for path in overlays),
    )


def compile_catalog(
    files: CatalogFiles,
    version_name: str | None = None,
    known: Mapping[Path, CatalogFile] = EMPTY,
) -> Catalog:
    """Parse and validate every file; raise CatalogInvalid listing all problems found.
    ``known`` maps a file to the contents its text was already validated as (``parse_file``)."""
    return compile_files(files, version_name, known)[0]


def compile_files(
    files: CatalogFiles,
    version_name: str | None = None,
    known: Mapping[Path, CatalogFile] = EMPTY,
) -> tuple[Catalog, dict[Path, CatalogFile]]:
    """``compile_catalog``, and each data and overlay file's validated contents (an import
    builds on them without parsing the files again)."""
    from tokenexport_cli.catalog.merge import build_catalog, merge_layers  # cold runs only
    from tokenexport_cli.catalog.rules import check

    manifest = parse_manifest(files.manifest)
    problems: list[str] = []
    if manifest.schema_version != SCHEMA_VERSION:
        problems.append(
            files.manifest.problem(
                "schema_version",
                f"schema version {manifest.schema_version} is not supported (tokx reads {SCHEMA_VERSION})",
            )
        )
    if version_name is not None and manifest.catalog_version != version_name:
        problems.append(
            files.manifest.problem(
                "catalog_version",
                f"'{manifest.catalog_version}' does not match its folder name '{version_name}'",
            )
        )
    layers = []
    for group in (files.data, *((overlay,) for overlay in files.overlays)):
        parsed = []
        for source in group:
            try:
                parsed_file = parse_file(source, known.get(source.path))
            except CatalogInvalid as exc:
                problems.extend(exc.problems)
                continue
            if parsed_file.data.schema_version not in (None, SCHEMA_VERSION):
                problems.append(
                    source.problem(
                        "schema_version",
                        f"schema version {parsed_file.data.schema_version} is not supported",
                    )
                )
            parsed.append(parsed_file)
        layers.append(parsed)
    if problems:
        # cross-file checks on a partly parsed catalog would only echo these problems
        raise CatalogInvalid(problems)
    merged = merge_layers(layers, files.manifest, manifest)
    problems.extend(check(merged))
    if problems:
        raise CatalogInvalid(problems)
    overlay_names = tuple(str(source.path) for source in files.overlays)
    contents = {parsed.source.path: parsed.data for layer in layers for parsed in layer}
    return build_catalog(merged, manifest, overlay_names), contents


#: A compiled catalog is a few MB; a larger cache file is not one tokx wrote (read as a miss).
MAX_CACHE_BYTES = 256 * 1024 * 1024


def _cache_path(digest: str) -> Path:
    return user_cache_dir() / "catalogs" / f"{digest}.msgpack"


def _read_cache(digest: str) -> Catalog | None:
    if os.environ.get("TOKX_NO_CACHE"):
        return None
    from tokenexport_cli.inputfile import read_cache

    blob = read_cache(_cache_path(digest), max_bytes=MAX_CACHE_BYTES)
    if blob is None:
        return None
    try:
        return msgspec.msgpack.decode(blob, type=Catalog)
    except (msgspec.DecodeError, msgspec.ValidationError):
        return None


def _write_cache(digest: str, catalog: Catalog) -> None:
    """Best effort and atomic: a cache that cannot be written only costs speed."""
    if os.environ.get("TOKX_NO_CACHE"):
        return
    from tokenexport_cli.atomic import write_cache

    write_cache(_cache_path(digest), msgspec.msgpack.encode(catalog))


def load_catalog(
    version: str | None = None,
    overlays: tuple[Path, ...] = (),
    as_of: dt.date | None = None,
) -> Catalog:
    """The catalog a command works with: the version asked for (default newest) plus overlays."""
    version_dir = resolve_version(version, as_of)
    files = read_files(version_dir, overlays)
    digest = files.digest()
    cached = _read_cache(digest)
    if cached is not None:
        return cached
    with step(f"compiling catalog {version_dir.name}"):
        catalog = compile_catalog(files, version_dir.name)
        _write_cache(digest, catalog)
    return catalog


def load_path(path: Path) -> Catalog:
    """Validate a catalog version folder at any path (``tokx catalog validate PATH``)."""
    if not (path / "manifest.yaml").is_file():
        raise DataError(f"{path}: not a catalog version folder (no manifest.yaml)")
    folder = VersionDir(path.name, path, "path")
    return compile_catalog(read_files(folder), None)
