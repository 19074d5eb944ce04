"""Safe, strict YAML reading for every user-editable file: size, depth, alias and duplicate-key
checks before construction, floats read as exact Decimal, and key paths mapped back to lines."""

from __future__ import annotations

import functools
import re
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from tokenexport_cli.errors import DataError, located

MAX_FILE_BYTES = 16 * 1024 * 1024
MAX_DEPTH = 64
#: Longer integers are refused while parsing (2**63 has 19 digits; bounds.BOUNDS is stricter).
MAX_INT_DIGITS = 30

_PATH_PART = re.compile(r"\.([^.\[\]]+)|\[(\d+)\]")


def _yaml() -> Any:
    import yaml  # lazy: YAML is only needed on a cold load

    return yaml


class BadScalar:
    """A scalar no value can be made of (an impossible date, a non-finite number): kept in the
    tree so that its key path can be named, then reported by ``parse_yaml``."""

    __slots__ = ("line", "problem")

    def __init__(self, line: int, problem: str) -> None:
        self.line = line
        self.problem = problem


def _bad_scalars(data: Any, path: Path) -> list[str]:
    found: list[str] = []
    stack: list[tuple[Any, str]] = [(data, "")]
    while stack:
        node, key_path = stack.pop()
        if isinstance(node, BadScalar):
            found.append(located(path, node.line, key_path or None, node.problem))
        elif isinstance(node, dict):
            for key, value in node.items():
                stack.append((value, f"{key_path}.{key}" if key_path else str(key)))
        elif isinstance(node, list):
            for index, value in enumerate(node):
                stack.append((value, f"{key_path}[{index}]"))
    return sorted(found, key=lambda message: int(message[len(str(path)) + 1 :].split(":")[0]))


@functools.cache
def _loader_class() -> Any:
    from tokenexport_cli.safetext import clean

    yaml = _yaml()
    base = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

    class DecimalLoader(base):  # type: ignore[misc, valid-type]
        """Safe loader whose floats are exact Decimals."""

    def construct_decimal(loader: Any, node: Any) -> Decimal | BadScalar:
        text = str(loader.construct_scalar(node)).replace("_", "")
        try:
            value = Decimal(text)
        except InvalidOperation:
            value = Decimal("NaN")
        if not value.is_finite():
            loader.bad_scalars = True
            return BadScalar(node.start_mark.line + 1, f"number {text!r} is not finite")
        return value

    def construct_int(loader: Any, node: Any) -> int | BadScalar:
        text = str(loader.construct_scalar(node)).replace("_", "")
        if len(text.lstrip("+-")) > MAX_INT_DIGITS:
            loader.bad_scalars = True
            return BadScalar(
                node.start_mark.line + 1, f"integer of {len(text):,} digits is out of range"
            )
        value: int = int_constructor(loader, node)
        return value

    def construct_timestamp(loader: Any, node: Any) -> Any:
        from tokenexport_cli.dates import DateProblem, parse_timestamp

        try:
            return parse_timestamp(str(loader.construct_scalar(node)))
        except DateProblem as exc:
            loader.bad_scalars = True
            return BadScalar(node.start_mark.line + 1, str(exc))

    def construct_text(loader: Any, node: Any) -> str:
        text = str(loader.construct_scalar(node))
        return text if text.isprintable() else clean(text)

    int_constructor = base.yaml_constructors["tag:yaml.org,2002:int"]
    DecimalLoader.add_constructor("tag:yaml.org,2002:float", construct_decimal)
    DecimalLoader.add_constructor("tag:yaml.org,2002:int", construct_int)
    DecimalLoader.add_constructor("tag:yaml.org,2002:timestamp", construct_timestamp)
    DecimalLoader.add_constructor("tag:yaml.org,2002:str", construct_text)
    return DecimalLoader


def read_text(path: Path, *, max_bytes: int = MAX_FILE_BYTES) -> str:
    """Read a UTF-8 text file: a regular file only, refused before reading when larger than
    ``max_bytes`` (see ``inputfile``)."""
    from tokenexport_cli import inputfile

    return inputfile.read_text(path, max_bytes=max_bytes, what="YAML file")


def _prescan(text: str, path: Path, max_depth: int) -> None:
    """Walk the event stream (iterative, C-speed) to reject aliases, anchors, deep nesting and
    duplicate keys before anything is constructed; libyaml's composer recurses and can crash."""
    yaml = _yaml()
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    # each open collection: (is_mapping, keys seen, expecting a key next)
    stack: list[list[Any]] = []
    try:
        for event in yaml.parse(text, Loader=loader):
            line = event.start_mark.line + 1
            if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
                raise DataError(
                    located(path, line, None, "YAML anchors and aliases are not allowed")
                )
            is_node = isinstance(
                event, (yaml.ScalarEvent, yaml.SequenceStartEvent, yaml.MappingStartEvent)
            )
            if is_node and stack and stack[-1][0]:
                frame = stack[-1]
                if frame[2]:
                    key = event.value if isinstance(event, yaml.ScalarEvent) else None
                    if key is not None and key in frame[1]:
                        raise DataError(located(path, line, None, f"duplicate key '{key}'"))
                    frame[1].add(key)
                frame[2] = not frame[2]
            if isinstance(event, (yaml.SequenceStartEvent, yaml.MappingStartEvent)):
                stack.append([isinstance(event, yaml.MappingStartEvent), set(), True])
                if len(stack) > max_depth:
                    raise DataError(
                        located(path, line, None, f"nesting deeper than {max_depth} levels")
                    )
            elif isinstance(event, (yaml.SequenceEndEvent, yaml.MappingEndEvent)):
                stack.pop()
    except yaml.YAMLError as exc:
        raise DataError(_yaml_error_message(path, exc)) from None


def _yaml_error_message(path: Path, exc: Any) -> str:
    mark = getattr(exc, "problem_mark", None)
    problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
    line = mark.line + 1 if mark is not None else None
    return located(path, line, None, f"invalid YAML: {problem}")


def load_yaml(path: Path, *, max_bytes: int = MAX_FILE_BYTES, max_depth: int = MAX_DEPTH) -> Any:
    """Load one YAML document safely. Raises DataError naming the file and line."""
    text = read_text(path, max_bytes=max_bytes)
    return parse_yaml(text, path, max_depth=max_depth)


def parse_yaml(text: str, path: Path, *, max_depth: int = MAX_DEPTH) -> Any:
    _prescan(text, path, max_depth)
    yaml = _yaml()
    loader = _loader_class()(text)
    try:
        data = loader.get_single_data()
    except yaml.YAMLError as exc:
        raise DataError(_yaml_error_message(path, exc)) from None
    finally:
        loader.dispose()
    if getattr(loader, "bad_scalars", False):
        problems = _bad_scalars(data, path)
        if problems:
            more = f" (and {len(problems) - 1} more problems)" if len(problems) > 1 else ""
            raise DataError(problems[0] + more)
    return data


def line_of(text: str, key_path: str) -> int | None:
    """1-based line of the node at ``key_path`` (``offers[3].input``), or of its nearest parent.

    Only called when reporting an error, after ``_prescan`` proved the text safe to compose.
    """
    yaml = _yaml()
    try:
        node = yaml.compose(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except yaml.YAMLError:
        return None
    if node is None:
        return None
    line: int = node.start_mark.line + 1
    for name, index in _PATH_PART.findall("." + key_path if key_path[:1] != "[" else key_path):
        if name and isinstance(node, yaml.MappingNode):
            for key_node, value_node in node.value:
                if getattr(key_node, "value", None) == name:
                    line = key_node.start_mark.line + 1
                    node = value_node
                    break
            else:
                return line
        elif index and isinstance(node, yaml.SequenceNode) and int(index) < len(node.value):
            node = node.value[int(index)]
            line = node.start_mark.line + 1
        else:
            return line
    return line
