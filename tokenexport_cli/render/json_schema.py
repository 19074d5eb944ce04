"""The published JSON Schema of ``--format json`` (``tokx schema``), generated from the payload
Structs in ``render/payloads.py``, and strict decoding of an output against its contract."""

from __future__ import annotations

from typing import Any

import msgspec

from tokenexport_cli.render.payloads import (
    CalibrationOutput,
    CatalogDiffOutput,
    CheckOutput,
    CompareOutput,
    DiffOutput,
    EstimateOutput,
    ModelShowOutput,
    ModelsOutput,
    RecommendOutput,
    SelfhostOutput,
    TokensOutput,
    VersionsOutput,
    WorkloadOutput,
)
from tokenexport_cli.render.payloads_import import ImportOutput
from tokenexport_cli.render.payloads_replay import ReplayOutput

SCHEMA_ID = "https://tokx.invalid/schemas/output-v1.json"

OUTPUTS: dict[str, type[Any]] = {
    "estimate": EstimateOutput,
    "recommend": RecommendOutput,
    "check": CheckOutput,
    "diff": DiffOutput,
    "compare": CompareOutput,
    "selfhost": SelfhostOutput,
    "tokens": TokensOutput,
    "workload show": WorkloadOutput,
    "calibrate": CalibrationOutput,
    "catalog versions": VersionsOutput,
    "catalog list": ModelsOutput,
    "catalog show": ModelShowOutput,
    "catalog diff": CatalogDiffOutput,
    "replay": ReplayOutput,
    "catalog import": ImportOutput,
}


def output_schema() -> dict[str, Any]:
    """One JSON Schema document with a definition per command output."""
    _, components = msgspec.json.schema_components(
        list(OUTPUTS.values()), ref_template="#/$defs/{name}"
    )
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_ID,
        "title": "tokx JSON output, schema_version 1",
        "description": "What tokx prints with --format json. Money is a decimal string in the "
        "object's currency. schema_version changes only on incompatible changes.",
        "oneOf": [{"$ref": f"#/$defs/{cls.__name__}"} for cls in OUTPUTS.values()],
        "$defs": components,
    }


def schema_text() -> str:
    return msgspec.json.format(msgspec.json.encode(output_schema()), indent=2).decode() + "\n"


def validate_output(command: str, text: str) -> Any:
    """Decode a command's JSON output against its contract (raises msgspec.ValidationError)."""
    return msgspec.json.decode(text, type=OUTPUTS[command])
