"""Turn catalog YAML files into typed CatalogFile objects, with errors that name file, line and
key path."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tokenexport_cli import validation
from tokenexport_cli.schema import CatalogFile, Manifest
from tokenexport_cli.validation import Invalid, SourceFile
from tokenexport_cli.yamlsafe import parse_yaml, read_text


class CatalogInvalid(Invalid):
    """One or more problems in catalog data; ``problems`` holds every one-line message."""


@dataclass(frozen=True)
class ParsedFile:
    source: SourceFile
    data: CatalogFile


def convert(source: SourceFile, data: Any, kind: type[Any]) -> Any:
    """Validate parsed YAML against a schema type, raising CatalogInvalid with the location."""
    return validation.convert(source, data, kind, CatalogInvalid)


def read_source(path: Path) -> SourceFile:
    return SourceFile(path, read_text(path))


def parse_file(source: SourceFile, known: CatalogFile | None = None) -> ParsedFile:
    """A file's typed data; ``known``, when given, is what its text was already validated as
    (an import's unchanged copies of its base, and the entries it wrote: ``importers.flow``)."""
    if known is not None:
        return ParsedFile(source, known)
    from tokenexport_cli.catalog import sealed

    contents = sealed.read(source.text)  # an import's file as it wrote it: read as JSON
    if contents is not None:
        validation.check_bounds(source, contents, CatalogInvalid)
        return ParsedFile(source, contents)
    data = parse_yaml(source.text, source.path)
    return ParsedFile(source, convert(source, data, CatalogFile))


def parse_manifest(source: SourceFile) -> Manifest:
    data = parse_yaml(source.text, source.path)
    manifest: Manifest = convert(source, data, Manifest)
    return manifest
