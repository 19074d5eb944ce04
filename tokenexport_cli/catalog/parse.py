"""Turn catalog YAML files into typed CatalogFile objects, with errors that name file, line and
key path."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import msgspec

from tokenexport_cli.errors import DataError, located
from tokenexport_cli.schema import CatalogFile, Manifest
from tokenexport_cli.yamlsafe import line_of, parse_yaml, read_text

_MSGSPEC_ERROR = re.compile(r"^(?P<problem>.*?)(?: - at `\$(?P<path>[^`]*)`)?$")
_UNKNOWN_FIELD = re.compile(r"^Object contains unknown field `(?P<name>[^`]+)`$")
_MISSING_FIELD = re.compile(r"^Object missing required field `(?P<name>[^`]+)`$")
_REGEX_FIELD = re.compile(r"^Expected `str` matching regex '(?P<pattern>.*)'$")
# msgspec names the regex a string failed; users get the format in words instead
_PATTERN_WORDS = {
    "^[a-z0-9][a-z0-9._-]*$": "an id of lowercase letters, digits, '.', '_' and '-'",
    "^[A-Z]{2}$": "a two-letter country code such as US or CN",
    "^[A-Z]{3}$": "a three-letter currency code such as USD or CNY",
    r"^\\d{2}:\\d{2}-\\d{2}:\\d{2}$": "an hour range 'HH:MM-HH:MM'",
}


class CatalogInvalid(DataError):
    """One or more problems in catalog data; ``problems`` holds every one-line message."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        more = f" (and {len(problems) - 1} more problems)" if len(problems) > 1 else ""
        super().__init__(problems[0] + more)


@dataclass(frozen=True)
class SourceFile:
    """The raw text of one catalog file, kept so that error messages can find line numbers."""

    path: Path
    text: str

    def problem(self, key_path: str | None, problem: str) -> str:
        line = line_of(self.text, key_path) if key_path else None
        return located(self.path, line, key_path, problem)


@dataclass(frozen=True)
class ParsedFile:
    source: SourceFile
    data: CatalogFile


def _describe(error: msgspec.ValidationError) -> tuple[str, str]:
    """Split msgspec's message into (key path, human problem)."""
    match = _MSGSPEC_ERROR.match(str(error))
    assert match is not None
    problem = match.group("problem")
    key_path = (match.group("path") or "").lstrip(".")
    if unknown := _UNKNOWN_FIELD.match(problem):
        name = unknown.group("name")
        return _join(key_path, name), f"unknown key '{name}'"
    if missing := _MISSING_FIELD.match(problem):
        name = missing.group("name")
        return _join(key_path, name), f"missing required key '{name}'"
    if regex := _REGEX_FIELD.match(problem):
        words = _PATTERN_WORDS.get(regex.group("pattern"))
        if words:
            return key_path, f"expected {words}"
    return key_path, problem[:1].lower() + problem[1:]


def _join(prefix: str, name: str) -> str:
    return f"{prefix}.{name}" if prefix else name


def convert(source: SourceFile, data: Any, kind: type[Any]) -> Any:
    """Validate parsed YAML against a schema type, raising CatalogInvalid with the location."""
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise CatalogInvalid([source.problem(None, "expected a mapping at the top level")])
    try:
        return msgspec.convert(data, kind)
    except msgspec.ValidationError as exc:
        key_path, problem = _describe(exc)
        raise CatalogInvalid([source.problem(key_path, problem)]) from None


def read_source(path: Path) -> SourceFile:
    return SourceFile(path, read_text(path))


def parse_file(source: SourceFile) -> ParsedFile:
    data = parse_yaml(source.text, source.path)
    return ParsedFile(source, convert(source, data, CatalogFile))


def parse_manifest(source: SourceFile) -> Manifest:
    data = parse_yaml(source.text, source.path)
    manifest: Manifest = convert(source, data, Manifest)
    return manifest
