"""Sealed files (``catalog.sealed``): an import's file, unedited, is read as JSON to exactly the
entries the YAML loader reads from it; an edited file, or one the JSON reading refuses, is read
as YAML with its edits and its problems located as in any catalog file."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flow_entries import exact, models, offers, openrouter_source
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from tokenexport_cli.catalog import sealed
from tokenexport_cli.catalog.importers.additions import file_chunks
from tokenexport_cli.catalog.load import load_path
from tokenexport_cli.catalog.locate import synced_root
from tokenexport_cli.catalog.parse import parse_file
from tokenexport_cli.cli import app
from tokenexport_cli.validation import SourceFile

runner = CliRunner()
HEAD = b"# a comment\nschema_version: 1\n"


def _read(text: str) -> Any:
    return parse_file(SourceFile(Path("imported-x.yaml"), text)).data


def _unsealed(text: str) -> str:
    """The same file without its seal line: read by the YAML loader."""
    return text.split("\n", 1)[1]


@settings(max_examples=150, deadline=None)
@given(st.lists(models, max_size=5), st.lists(offers, max_size=5))
def test_a_sealed_file_reads_as_json_to_the_entries_yaml_reads(
    model_list: list[Any], offer_list: list[Any]
) -> None:
    """Any text the writer may hold (control characters, line separators, astral characters,
    decimals in every notation): both readings give the entries the writer validated."""
    sections = {"models": model_list, "offers": offer_list}
    ((encoded, written),) = file_chunks(sections, HEAD, None, Path("imported-x.yaml"))
    text = encoded.decode()
    assert sealed.read(text) is not None  # the JSON reading is the one taken
    assert exact(_read(text)) == exact(_read(_unsealed(text))) == exact(written)


def _import(tmp_path: Path, entries: int) -> Path:
    """A version folder written by ``tokx catalog import --add-models``; its added file."""
    source = openrouter_source(tmp_path, entries)
    version = "2026-06-15.sealed"
    args = ["catalog", "import", "openrouter", str(source), "--add-models"]
    result = runner.invoke(app, [*args, "--as-version", version, "--retrieved", "2026-06-15"])
    assert result.exit_code == 0, result.output
    (added,) = (synced_root() / version).glob("imported-*")
    return added


def _reseal(path: Path, text: str) -> None:
    """``text`` under a seal that matches it (what only a deliberate forgery would do)."""
    path.write_bytes(sealed.sealed([_unsealed(text).encode()]))


def test_an_import_writes_sealed_files_and_validate_reads_them(tmp_path: Path) -> None:
    added = _import(tmp_path, 30)
    text = added.read_text()
    assert text.startswith(sealed.SEAL.decode())
    contents = sealed.read(text)
    assert contents is not None and len(contents.models) == len(contents.offers) == 30
    result = runner.invoke(app, ["catalog", "validate", str(added.parent)])
    assert result.exit_code == 0, result.output


def test_a_hand_edited_file_is_read_as_yaml_with_its_edit(tmp_path: Path) -> None:
    added = _import(tmp_path, 5)
    text = added.read_text()
    line = next(line for line in text.splitlines() if line.startswith('- {"model":"model-2"'))
    edited = line.replace('"input":3,', '"input": 4.5,')
    assert edited != line
    added.write_text(text.replace(line, edited))
    assert sealed.read(added.read_text()) is None  # the seal no longer matches
    offer = next(o for o in load_path(added.parent).offers if o.model == "model-2")
    assert str(offer.input) == "4.5"


def test_a_duplicate_key_added_by_hand_is_refused_at_its_line(tmp_path: Path) -> None:
    """JSON would take the last of two equal keys; the YAML reading refuses them, and an edited
    file is read as YAML."""
    added = _import(tmp_path, 5)
    lines = added.read_text().splitlines(keepends=True)
    index = next(i for i, line in enumerate(lines) if line.startswith('- {"model":"model-1"'))
    lines[index] = lines[index].replace('"input":3,', '"input":3,"input":1,')
    added.write_text("".join(lines))
    result = runner.invoke(app, ["catalog", "validate", str(added.parent)])
    assert result.exit_code == 3
    assert f"{added.name}:{index + 1}:" in result.output
    assert "duplicate key 'input'" in result.output


def test_a_sealed_file_the_json_reading_refuses_is_located_by_the_yaml_reading(
    tmp_path: Path,
) -> None:
    added = _import(tmp_path, 5)
    lines = added.read_text().splitlines(keepends=True)
    index = next(i for i, line in enumerate(lines) if line.startswith('- {"model":"model-3"'))
    lines[index] = lines[index].replace('"input":3,', '"input":3,"colour":"red",')
    _reseal(added, "".join(lines))
    result = runner.invoke(app, ["catalog", "validate", str(added.parent)])
    assert result.exit_code == 3
    assert f"{added.name}:{index + 1}: offers[3]" in result.output
    assert "colour" in result.output


def test_numbers_of_a_sealed_file_are_bounds_checked(tmp_path: Path) -> None:
    added = _import(tmp_path, 5)
    lines = added.read_text().splitlines(keepends=True)
    index = next(i for i, line in enumerate(lines) if line.startswith('- {"model":"model-4"'))
    lines[index] = lines[index].replace('"input":3,', '"input":1E+30,')
    _reseal(added, "".join(lines))
    assert sealed.read(added.read_text()) is not None  # the JSON reading takes it...
    result = runner.invoke(app, ["catalog", "validate", str(added.parent)])
    assert result.exit_code == 3  # ...and the bounds refuse it, at its line
    assert f"{added.name}:{index + 1}: offers[4].input" in result.output


def test_sealed_text_of_another_shape_is_read_as_yaml() -> None:
    block = b"schema_version: 1\nproviders:\n- id: p\n  name: P\n  kind: direct\n"
    assert sealed.read(sealed.sealed([block]).decode()) is None
    assert sealed.read(sealed.sealed([HEAD + b"# a note after the head\n"]).decode()) is None
    # a comment inside a section, as a hand edit would leave it
    lines = b'schema_version: 1\nmodels:\n- {"id":"a"}\n# note\n- {"id":"b"}\n'
    assert sealed.read(sealed.sealed([lines]).decode()) is None
