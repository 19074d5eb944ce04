"""The JSON Schema of workload files, generated from the msgspec Structs for editors to check
against; ``python -m tokenexport_cli.workload.jsonschema PATH`` rewrites the committed copy."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import msgspec

from tokenexport_cli.workload.spec import WorkloadSpec

# Rules msgspec cannot express: "exactly one of" and "not both".
_ONE_OF = {
    "WorkloadSpec": ("requests_per_day", "requests_per_month"),
    "InputSource": ("path", "glob", "chat_jsonl", "usage_csv"),
    "OutputTokens": ("fixed", "ratio", "from_logs"),
    "TrafficSpec": ("preset", "weights"),
}
_NOT_BOTH = {"WorkloadSpec": ("system_prompt", "system_prompt_file")}
_RANGES = {
    "cache_hit_rate": {"minimum": 0, "maximum": 1},
    "batch_fraction": {"minimum": 0, "maximum": 1},
    "requests_per_day": {"minimum": 0},
    "requests_per_month": {"minimum": 0},
    "growth_percent_per_month": {"exclusiveMinimum": -100},
    "ratio": {"minimum": 0},
}


def _numbers(node: Any) -> Any:
    """YAML users write numbers where tokx reads exact Decimals; msgspec says 'string'."""
    if isinstance(node, dict):
        if node.get("type") == "string" and node.get("format") == "decimal":
            rest = {k: v for k, v in node.items() if k not in ("type", "format", "default")}
            number: dict[str, Any] = {"type": "number", **rest}
            if "default" in node:
                number["default"] = json.loads(node["default"])
            return number
        return {key: _numbers(value) for key, value in node.items()}
    if isinstance(node, list):
        return [_numbers(item) for item in node]
    return node


def workload_json_schema() -> dict[str, Any]:
    """The workload file's JSON Schema (draft 2020-12) as a dict."""
    schema: dict[str, Any] = _numbers(msgspec.json.schema(WorkloadSpec))
    definitions = schema["$defs"]
    for name, keys in _ONE_OF.items():
        definitions[name]["oneOf"] = [{"required": [key]} for key in keys]
    for name, keys in _NOT_BOTH.items():
        definitions[name]["not"] = {"required": list(keys)}
    for definition in definitions.values():
        for key, bounds in _RANGES.items():
            prop = definition.get("properties", {}).get(key)
            if prop is None:
                continue
            for option in prop.get("anyOf", [prop]):
                if option.get("type") == "number":
                    option.update(bounds)
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "tokx workload",
        **schema,
    }


def render_schema() -> str:
    return json.dumps(workload_json_schema(), indent=2, ensure_ascii=False) + "\n"


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        sys.stderr.write("usage: python -m tokenexport_cli.workload.jsonschema PATH\n")
        return 2
    Path(argv[0]).write_text(render_schema(), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
