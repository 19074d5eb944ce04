"""Map msgspec validation errors of user-edited YAML to ``file:line: key.path: problem`` messages."""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import msgspec

from tokenexport_cli.errors import DataError, located
from tokenexport_cli.suggest import did_you_mean
from tokenexport_cli.yamlsafe import line_of

#: Out-of-range numbers listed with their line; more are summed up in one more message.
MAX_LOCATED = 20
_MSGSPEC_ERROR = re.compile(
    r"^(?P<problem>.*?)(?: - at `(?P<key>key)` in `\$(?P<keyof>[^`]*)`| - at `\$(?P<path>[^`]*)`)?$"
)
_UNKNOWN_FIELD = re.compile(r"^Object contains unknown field `(?P<name>[^`]+)`$")
_MISSING_FIELD = re.compile(r"^Object missing required field `(?P<name>[^`]+)`$")
_REGEX_FIELD = re.compile(r"^Expected `str` matching regex '(?P<pattern>.*)'$")
_INVALID_ENUM = re.compile(r"^Invalid enum value (?P<value>.*)$")
# msgspec names the regex a string failed; users get the format in words instead
_PATTERN_WORDS = {
    "^[a-z0-9][a-z0-9._-]*$": "an id of lowercase letters, digits, '.', '_' and '-'",
    "^[A-Z]{2}$": "a two-letter country code such as US or CN",
    "^[A-Z]{3}$": "a three-letter currency code such as USD or CNY",
    r"^\\d{2}:\\d{2}-\\d{2}:\\d{2}$": "an hour range 'HH:MM-HH:MM'",
}
# YAML users write numbers; msgspec calls exact numbers `decimal`
_TYPE_WORDS = {"`decimal`": "a number", "`decimal | null`": "a number"}


class Invalid(DataError):
    """One or more problems in a user file; ``problems`` holds every one-line message."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        more = f" (and {len(problems) - 1} more problems)" if len(problems) > 1 else ""
        super().__init__(problems[0] + more)


@dataclass(frozen=True)
class SourceFile:
    """The raw text of one user file, kept so that error messages can find line numbers."""

    path: Path
    text: str

    def problem(self, key_path: str | None, problem: str) -> str:
        line = line_of(self.text, key_path) if key_path else None
        return located(self.path, line, key_path, problem)


def describe(error: msgspec.ValidationError, kind: Any = None) -> tuple[str, str]:
    """Split msgspec's message into (key path, human problem); with the schema ``kind``, an
    unknown key gets a did-you-mean from the keys allowed at that place."""
    match = _MSGSPEC_ERROR.match(str(error))
    assert match is not None
    problem = match.group("problem")
    if match.group("key"):
        key_path = (match.group("keyof") or "").lstrip(".")
        if enum := _INVALID_ENUM.match(problem):
            return key_path, f"unknown key {enum.group('value')}"
        return key_path, "invalid key: " + problem[:1].lower() + problem[1:]
    key_path = (match.group("path") or "").lstrip(".")
    if unknown := _UNKNOWN_FIELD.match(problem):
        name = unknown.group("name")
        allowed = _keys_at(kind, key_path) if kind is not None else ()
        return _join(key_path, name), f"unknown key '{name}'{did_you_mean(name, allowed)}"
    if missing := _MISSING_FIELD.match(problem):
        name = missing.group("name")
        return _join(key_path, name), f"missing required key '{name}'"
    if regex := _REGEX_FIELD.match(problem):
        words = _PATTERN_WORDS.get(regex.group("pattern"))
        if words:
            return key_path, f"expected {words}"
    if problem == "Invalid decimal string":
        return key_path, "expected a number"
    for name, words in _TYPE_WORDS.items():
        problem = problem.replace(f"Expected {name}", f"Expected {words}")
    return key_path, problem[:1].lower() + problem[1:]


def _join(prefix: str, name: str) -> str:
    return f"{prefix}.{name}" if prefix else name


def convert(
    source: SourceFile, data: Any, kind: type[Any], invalid: type[Invalid] = Invalid
) -> Any:
    """Validate parsed YAML against a schema type, raising ``invalid`` with the location."""
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise invalid([source.problem(None, "expected a mapping at the top level")])
    try:
        converted = msgspec.convert(data, kind)
    except msgspec.ValidationError as exc:
        key_path, problem = describe(exc, kind)
        raise invalid([source.problem(key_path, problem)]) from None
    check_bounds(source, converted, invalid)
    return converted


def check_bounds(source: SourceFile, converted: Any, invalid: type[Invalid] = Invalid) -> None:
    """Every number out of its documented range (``bounds.BOUNDS``), all listed at once."""
    from tokenexport_cli.bounds import problems_in

    every = list(itertools.islice(problems_in(converted), MAX_LOCATED + 1))
    # each line lookup composes the file again, so a file of many bad values locates a few
    found = [(line_of(source.text, key), key, problem) for key, problem in every[:MAX_LOCATED]]
    if found:
        found.sort(key=lambda item: item[0] or 0)
        problems = [located(source.path, line, key, problem) for line, key, problem in found]
        if len(every) > MAX_LOCATED:
            problems.append(located(source.path, None, None, "more numbers out of range"))
        raise invalid(problems)


def _keys_at(kind: Any, key_path: str) -> tuple[str, ...]:
    """The field names of the Struct found at ``key_path`` (``a.b[3].c``) inside ``kind``."""
    info = msgspec.inspect.type_info(kind)
    for part in (p for p in re.split(r"\.|\[\d+\]", key_path) if p):
        info = _struct_of(info)
        if info is None:
            return ()
        field = next((f for f in info.fields if f.encode_name == part), None)
        if field is None:
            return ()
        info = field.type
    found = _struct_of(info)
    return tuple(f.encode_name for f in found.fields) if found is not None else ()


def _struct_of(info: Any) -> Any:
    """Unwrap optional, list, tuple and dict values down to a Struct's type info."""
    inspect = msgspec.inspect
    while True:
        if isinstance(info, inspect.StructType):
            return info
        if isinstance(info, inspect.UnionType):
            structs = [t for t in info.types if isinstance(t, inspect.StructType)]
            if len(structs) != 1:
                return None
            info = structs[0]
        elif isinstance(info, inspect.Metadata):  # an Annotated field with msgspec.Meta
            info = info.type
        elif isinstance(info, (inspect.ListType, inspect.VarTupleType, inspect.SetType)):
            info = info.item_type
        elif isinstance(info, inspect.DictType):
            info = info.value_type
        else:
            return None
