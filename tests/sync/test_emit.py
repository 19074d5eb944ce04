"""The import's fast YAML writer: what it writes reads back through tokx's loader to the data it
was written from (the in-memory check of an import relies on it); big imports are split into
files under the reader's size limit, and an overlay over it is refused before writing."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tokenexport_cli.catalog.importers import emit, format_module, parse_path
from tokenexport_cli.catalog.importers.base import SourceInfo
from tokenexport_cli.catalog.importers.pipeline import ImportTarget, run_import
from tokenexport_cli.catalog.load import load_path
from tokenexport_cli.errors import UsageError
from tokenexport_cli.safetext import clean
from tokenexport_cli.yamlsafe import parse_yaml

RETRIEVED = dt.datetime(2026, 6, 15, 9, 30, tzinfo=dt.UTC)

# text as the loader returns it: control characters and escape sequences are stripped on load
texts = st.text(max_size=30).map(clean)
keys = st.from_regex(r"[a-z_][a-z0-9_]{0,11}", fullmatch=True)
scalars = st.one_of(
    texts,
    st.sampled_from(["yes", "No", "null", "TRUE", "~", "1.5", "2026-01-01", " a", "a ", "#x"]),
    st.integers(min_value=-(2**63), max_value=2**63 - 1),
    st.decimals(allow_nan=False, allow_infinity=False, places=12, min_value=-(10**15)).map(
        lambda value: value if value.is_finite() else Decimal(0)
    ),
    st.dates(min_value=dt.date(1, 1, 1)),
    st.booleans(),
)
trees = st.recursive(
    scalars,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(keys, children, max_size=4),
    max_leaves=25,
)


def _same(written: Any, read: Any) -> bool:
    """Equal, with exact Decimals compared by value and types kept apart (1 != True)."""
    if isinstance(written, dict):
        return (
            isinstance(read, dict)
            and list(written) == list(read)
            and all(_same(written[key], read[key]) for key in written)
        )
    if isinstance(written, list):
        return (
            isinstance(read, list)
            and len(written) == len(read)
            and all(_same(a, b) for a, b in zip(written, read, strict=True))
        )
    if isinstance(written, Decimal):
        return isinstance(read, Decimal) and read == written
    return type(read) is type(written) and read == written


@settings(max_examples=300, deadline=None)
@given(st.dictionaries(keys, trees, max_size=5))
def test_every_written_document_reads_back_as_the_data_it_was_written_from(
    data: dict[str, Any],
) -> None:
    text = emit.document(data)
    assert _same(data, parse_yaml(text, Path("written.yaml")) or {})


@settings(max_examples=200, deadline=None)
@given(st.lists(st.dictionaries(keys, trees, min_size=1, max_size=5), min_size=1, max_size=4))
def test_entries_written_one_by_one_read_back_as_a_section(entries: list[dict[str, Any]]) -> None:
    text = "models:\n" + "".join(emit.entry(entry) for entry in entries)
    assert _same({"models": entries}, parse_yaml(text, Path("written.yaml")))


@pytest.mark.parametrize(
    "text",
    [
        "plain words",
        "Alpha: One",
        'say "hi"',
        "back\\slash",
        "tab\there",
        "line\nbreak",
        "\u2028",
        "\ufeff",
        "emoji \U0001f600",
        "\x85",
        "é",
        "- dash",
        "key: value",
        "a #b",
    ],
)
def test_awkward_strings_read_back_unchanged(text: str) -> None:
    written = {"name": clean(text)}
    assert parse_yaml(emit.document(written), Path("w.yaml")) == written


def _openrouter(tmp_path: Path, entries: int) -> Path:
    data = [
        {
            "id": f"vendor/model-{index}",
            "name": f"Vendor: Model {index}",
            "context_length": 128000,
            "pricing": {"prompt": "0.000003", "completion": "0.000012"},
        }
        for index in range(entries)
    ]
    path = tmp_path / "openrouter.json"
    path.write_text(json.dumps({"data": data}))
    return path


def _run(source: Path, target: ImportTarget):
    module = format_module("openrouter")
    info = SourceInfo(module.FORMAT, "fixtures/openrouter.json", RETRIEVED)
    entries = parse_path(module, source, info.as_of)
    return run_import(module, entries, info, target, add_models=True)


def test_additions_over_the_file_limit_are_split_and_load_as_one_catalog(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = _openrouter(tmp_path, 60)
    whole = _run(source, ImportTarget(as_version="2026-06-15.whole"))
    monkeypatch.setattr("tokenexport_cli.catalog.importers.write.MAX_FILE_BYTES", 16_384)
    split = _run(source, ImportTarget(as_version="2026-06-15.split"))
    files = sorted(path.name for path in split.path.glob("imported-openrouter*.yaml"))
    assert len(files) > 2
    assert all(path.stat().st_size <= 16_384 for path in split.path.glob("imported-*.yaml"))
    one, parts = load_path(whole.path), load_path(split.path)
    assert {m.id for m in parts.models} == {m.id for m in one.models}
    assert sorted(o.key for o in parts.offers) == sorted(o.key for o in one.offers)
    # a later import of the same format folds every earlier part in, and drops none
    again = _run(source, ImportTarget(as_version="2026-06-16.again"))
    assert {m.id for m in load_path(again.path).models} == {m.id for m in one.models}


def test_an_overlay_over_the_file_limit_is_refused_before_anything_is_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("tokenexport_cli.catalog.importers.write.MAX_FILE_BYTES", 4096)
    target = tmp_path / "overlay.yaml"
    with pytest.raises(UsageError, match="over the 4,096"):
        _run(_openrouter(tmp_path, 60), ImportTarget(output=target))
    assert list(tmp_path.iterdir()) == [tmp_path / "openrouter.json"]
