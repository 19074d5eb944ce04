"""Whether a path holds logs with recorded usage (priced by ``replay`` and as workload inputs)
rather than sample text or chat requests: the quick form's ``--input`` asks this."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import msgspec

from tokenexport_cli.errors import DataError
from tokenexport_cli.inputfile import csv_header, open_regular
from tokenexport_cli.logs.detect import (
    MAX_LINE_BYTES,
    TABLE_SUFFIXES,
    detect_object,
    document_bytes,
)
from tokenexport_cli.logs.exports import detect_table
from tokenexport_cli.textfiles import expand_paths


def _first_object(path: Path) -> Any:
    handle, _ = open_regular(path, what="log file")
    with handle:
        while raw := handle.readline(MAX_LINE_BYTES + 1):
            if not raw.isspace():
                try:
                    return msgspec.json.decode(raw)
                except (msgspec.DecodeError, RecursionError):
                    return None
    return None


def is_usage_log(path: Path) -> bool:
    """Whether a file (or every file under a folder) is a log tokx reads usage from, rather
    than sample text or a chat request log: a known export header, an OTLP export, a session
    log, or API responses that record usage."""
    files = [path] if path.is_file() else expand_paths([path]) if path.is_dir() else []
    if not files:
        return False
    for file in files:
        suffix = file.suffix.lower()
        if suffix == ".parquet":
            from tokenexport_cli.logs.parquet import parquet_headers

            try:
                headers = parquet_headers(file)
            except DataError:
                return False
            if detect_table(headers) is None:
                return False
            continue
        if suffix in TABLE_SUFFIXES:
            if detect_table(csv_header(file, what="log file")) is None:
                return False
            continue
        if suffix == ".json":
            try:
                obj = msgspec.json.decode(document_bytes(file))
            except (msgspec.DecodeError, RecursionError):
                return False
        elif suffix in (".jsonl", ".ndjson"):
            obj = _first_object(file)
        else:
            return False
        if not isinstance(obj, dict):
            return False
        if detect_object(obj) == "openai" and not _records_usage(obj):
            return False
    return True


def _records_usage(obj: dict[str, Any]) -> bool:
    body = obj.get("response") if isinstance(obj.get("response"), dict) else obj
    if isinstance(body, dict) and isinstance(body.get("body"), dict):
        body = body["body"]
    result = obj.get("result")
    if isinstance(result, dict) and isinstance(result.get("message"), dict):
        body = result["message"]
    return isinstance(body, dict) and ("usage" in body or "usageMetadata" in body)
