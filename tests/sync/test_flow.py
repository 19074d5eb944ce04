"""The import's writer of added entries (``importers.flow``): what it writes reads back through
tokx's loader to exactly the entries it validated (the import checks its catalog from those
entries and never parses its own text again); every number those entries carry was bounds-checked
where the source was read; big imports are split into files under the reader's size limit, and
an overlay over it is refused before writing."""

from __future__ import annotations

import datetime as dt
import itertools
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import msgspec
import pytest
from flow_entries import (
    RETRIEVED,
    exact,
    limits,
    models,
    offers,
    openrouter_source,
    optional,
    run_added,
)
from hypothesis import given, settings
from hypothesis import strategies as st

from tokenexport_cli.bounds import first_problem
from tokenexport_cli.catalog.importers import flow, format_module
from tokenexport_cli.catalog.importers.additions import file_chunks
from tokenexport_cli.catalog.importers.base import (
    Prices,
    SourceEntry,
    SourceInfo,
    check_entry,
)
from tokenexport_cli.catalog.importers.match import plan_import
from tokenexport_cli.catalog.importers.pipeline import ImportTarget
from tokenexport_cli.catalog.importers.write import FLOW_NOTE
from tokenexport_cli.catalog.load import load_catalog, load_path
from tokenexport_cli.catalog.parse import CatalogInvalid, parse_file
from tokenexport_cli.errors import DataError, UsageError
from tokenexport_cli.render.catalog_import import report_payload
from tokenexport_cli.safetext import clean
from tokenexport_cli.schema import Batch, Model, Offer, Tier
from tokenexport_cli.validation import SourceFile


def _read_back(section: str, encoded: list[bytes]) -> tuple[Any, ...]:
    text = FLOW_NOTE + f"schema_version: 1\n{section}:\n" + flow.lines(encoded).decode()
    entries: tuple[Any, ...] = getattr(parse_file(SourceFile(Path("w.yaml"), text)).data, section)
    return entries


@settings(max_examples=150, deadline=None)
@given(st.lists(models, min_size=1, max_size=4), st.lists(offers, min_size=1, max_size=4))
def test_written_entries_load_back_as_exactly_the_entries_validated(
    model_list: list[Model], offer_list: list[Offer]
) -> None:
    for section, entries in (("models", model_list), ("offers", offer_list)):
        encoded, written = zip(*(flow.encode(entry) for entry in entries), strict=True)
        assert exact(_read_back(section, list(encoded))) == exact(written)


@settings(max_examples=100, deadline=None)
@given(st.lists(models, min_size=1, max_size=6), st.lists(offers, min_size=1, max_size=6))
def test_a_section_encoded_in_one_call_loads_back_as_the_entries_validated(
    model_list: list[Model], offer_list: list[Offer]
) -> None:
    """What an import writes (``section_lines``: one validating call, one encoding call) reads
    back through the loader as the entries it returns, line for line what ``encode`` writes."""
    for section, entries in (("models", model_list), ("offers", offer_list)):
        body, written = flow.section_lines(section, entries)
        text = FLOW_NOTE + f"schema_version: 1\n{section}:\n" + body.decode()
        read = getattr(parse_file(SourceFile(Path("w.yaml"), text)).data, section)
        assert exact(read) == exact(written)
        assert body == flow.lines(flow.encode(entry)[0] for entry in entries)


@settings(max_examples=100, deadline=None)
@given(models)
def test_written_strings_are_the_originals_cleaned_as_the_loader_cleans_them(model: Model) -> None:
    encoded, written = flow.encode(model)
    note = None if model.note is None else clean(model.note)
    assert (written.name, written.note, written.aliases) == (
        clean(model.name),
        note,
        tuple(clean(alias) for alias in model.aliases),
    )
    assert "\x1b" not in encoded.decode() and "\u2028" not in encoded.decode()


@pytest.mark.parametrize(
    "text",
    [
        "plain words",
        'say "hi"',
        "back\\slash",
        "tab\there",
        "line\nbreak",
        "carriage\rreturn",
        "\u2028line\u2029separators",
        "\ufeffbom",
        "emoji \U0001f600",
        "nel\x85",
        "é",
        "\x1b[31mred\x1b[0m",
        "del\x7f",
        "- dash",
        "key: value",
        "a #b",
        "{flow}",
        "3E-7",
        "yes",
    ],
)
def test_awkward_strings_read_back_cleaned(text: str) -> None:
    model = Model(
        id="m", name=text, vendor="v", origin="ZZ", open_weights=False, tokenizer="t",
        source="s", as_of=dt.date(2026, 1, 1), note=text,
    )  # fmt: skip
    encoded, written = flow.encode(model)
    (read,) = _read_back("models", [encoded])
    assert read.name == read.note == written.name == clean(text)


def test_an_entry_that_breaks_the_schema_is_named_with_its_source() -> None:
    bad = Model(
        id="m", name="\x1b[2J", vendor="v", origin="ZZ", open_weights=False, tokenizer="t",
        source="openrouter:https://example.test#x/m", as_of=dt.date(2026, 1, 1),
    )  # fmt: skip
    good = msgspec.structs.replace(bad, name="M")
    with pytest.raises(CatalogInvalid) as caught:
        list(file_chunks({"models": [good, bad]}, b"", None, Path("imported.yaml")))
    assert str(caught.value).startswith("imported.yaml: models[1].name: ")
    assert "(entry from openrouter:https://example.test#x/m)" in str(caught.value)


entry_numbers = st.one_of(
    st.decimals(allow_nan=False, allow_infinity=False, min_value=-10, max_value=10**7),
    st.decimals(allow_nan=False, allow_infinity=False, places=25, min_value=0, max_value=1),
)


@settings(max_examples=150, deadline=None)
@given(
    prices=st.tuples(entry_numbers, entry_numbers, optional(entry_numbers)),
    tier=optional(st.tuples(limits, entry_numbers, entry_numbers)),
    discount=optional(entry_numbers),
    window=optional(st.integers(min_value=-5, max_value=10**12)),
)
def test_every_number_an_import_writes_was_bounds_checked_where_it_was_read(
    prices: tuple[Decimal, Decimal, Decimal | None],
    tier: tuple[int, Decimal, Decimal] | None,
    discount: Decimal | None,
    window: int | None,
) -> None:
    """The writer does not walk added entries for bounds (``additions._chunk``): ``check_entry``
    refuses exactly the entries whose model or offer would be out of range."""
    entry = SourceEntry(
        key="newco/fresh",
        provider="openrouter",
        provider_model_id="newco/fresh",
        names=("newco/fresh",),
        prices=Prices(
            input=prices[0],
            output=prices[1],
            cache_read=prices[2],
            tiers=() if tier is None else (Tier(above=tier[0], input=tier[1], output=tier[2]),),
            batch=None if discount is None else Batch(discount=discount),
        ),
        name="Fresh",
        context_window=window,
        max_output=window,
    )
    try:
        check_entry(entry, "source")
        refused = False
    except DataError:
        refused = True
    source = SourceInfo("openrouter", "source", RETRIEVED)
    plan = plan_import(
        load_catalog(), [entry], source, format_module("openrouter"), add_models=True
    )
    out_of_range = [first_problem(written) for written in (*plan.models, *plan.offers)]
    assert refused == any(out_of_range), out_of_range


def test_an_import_loads_back_with_the_models_and_offers_it_planned(tmp_path: Path) -> None:
    result = run_added(openrouter_source(tmp_path, 40), ImportTarget(as_version="2026-06-15.round"))
    catalog = load_path(result.path)
    ids = {model.id for model in result.plan.models}
    keys = {offer.key for offer in result.plan.offers}
    assert len(ids) == 40 and len(keys) == 40
    assert exact(tuple(m for m in catalog.models if m.id in ids)) == exact(result.plan.models)
    loaded = {offer.key: offer for offer in catalog.offers if offer.key in keys}
    assert exact([loaded[offer.key] for offer in result.plan.offers]) == exact(result.plan.offers)
    text = (result.path / "imported-openrouter.yaml").read_text()
    assert text.count("\n- {") == 80  # one line an entry


def _respaced(path: Path, model_id: str) -> str:
    """The earlier import's line of ``model_id`` rewritten with spaces after the colons (the
    same data, other text); the new line."""
    lines = path.read_text().splitlines(keepends=True)
    (index,) = [i for i, line in enumerate(lines) if line.startswith(f'- {{"id":"{model_id}"')]
    lines[index] = lines[index].replace('":', '": ')
    path.write_text("".join(lines))
    return lines[index].rstrip("\n")


def test_a_later_import_copies_the_entries_it_keeps_as_the_earlier_import_wrote_them(
    tmp_path: Path,
) -> None:
    source = openrouter_source(tmp_path, 30)
    first = run_added(source, ImportTarget(as_version="2026-06-15.first"))
    respaced = _respaced(first.path / "imported-openrouter.yaml", "model-3")
    repriced = json.loads(source.read_text())
    for item in repriced["data"][:10]:
        item["pricing"]["prompt"] = "0.000005"
    source.write_text(json.dumps(repriced))
    later = run_added(source, ImportTarget(as_version="2026-06-16.later"))
    text = (later.path / "imported-openrouter.yaml").read_text()
    assert respaced in text.splitlines()  # kept as written, not encoded again
    assert text.count("\n- {") == 60
    catalog, earlier = load_path(later.path), load_path(first.path)
    models = {model.id: model for model in catalog.models}
    assert exact([models[model.id] for model in first.plan.models]) == exact(first.plan.models)
    inputs = {o.model: o.input for o in catalog.offers if o.provider == "openrouter"}
    assert {inputs[f"model-{index}"] for index in range(10)} == {Decimal(5)}
    assert {inputs[f"model-{index}"] for index in range(10, 30)} == {Decimal(3)}
    assert len(catalog.models) == len(earlier.models)


def test_an_earlier_import_edited_into_block_style_is_encoded_again(tmp_path: Path) -> None:
    import yaml

    source = openrouter_source(tmp_path, 12)
    first = run_added(source, ImportTarget(as_version="2026-06-15.first"))
    written = first.path / "imported-openrouter.yaml"
    data = yaml.safe_load(written.read_text())
    written.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True))
    assert (
        flow.entry_lines(
            written.read_text(), parse_file(SourceFile(written, written.read_text())).data
        )
        is None
    )
    later = run_added(source, ImportTarget(as_version="2026-06-16.later"))
    text = (later.path / "imported-openrouter.yaml").read_text()
    assert text.count("\n- {") == 24
    ids = {model.id for model in first.plan.models}
    loaded = [m for m in load_path(later.path).models if m.id in ids]
    assert exact(sorted(loaded, key=lambda m: m.id)) == exact(
        sorted(first.plan.models, key=lambda m: m.id)
    )


def test_additions_over_the_file_limit_are_split_and_load_as_one_catalog(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = openrouter_source(tmp_path, 60)
    whole = run_added(source, ImportTarget(as_version="2026-06-15.whole"))
    monkeypatch.setattr("tokenexport_cli.catalog.importers.write.MAX_FILE_BYTES", 16_384)
    split = run_added(source, ImportTarget(as_version="2026-06-15.split"))
    files = sorted(path.name for path in split.path.glob("imported-openrouter*.yaml"))
    assert len(files) > 2
    assert all(path.stat().st_size <= 16_384 for path in split.path.glob("imported-*.yaml"))
    one, parts = load_path(whole.path), load_path(split.path)
    assert exact(sorted(parts.models, key=lambda m: m.id)) == exact(
        sorted(one.models, key=lambda m: m.id)
    )
    assert sorted(o.key for o in parts.offers) == sorted(o.key for o in one.offers)
    # a later import of the same format folds every earlier part in, and drops none
    again = run_added(source, ImportTarget(as_version="2026-06-16.again"))
    assert {m.id for m in load_path(again.path).models} == {m.id for m in one.models}


@pytest.mark.parametrize("limit", [1, 300, 700, 2_000, None])
def test_chunks_hold_every_entry_once_in_order_under_the_limit(limit: int | None) -> None:
    """Files of at most ``limit`` bytes (but for a line longer than that, which goes alone),
    each holding as many entries as fit."""
    model = Model(
        id="m", name="M", vendor="v", origin="ZZ", open_weights=False, tokenizer="t",
        source="s", as_of=dt.date(2026, 1, 1),
    )  # fmt: skip
    sections = {
        "models": [msgspec.structs.replace(model, id=f"m{index}") for index in range(7)],
        "offers": [],
        "providers": [],
    }
    head = b"schema_version: 1\n"
    chunks = list(file_chunks(sections, head, limit, Path("imported.yaml")))
    ids = [entry.id for _, contents in chunks for entry in contents.models]
    assert ids == [f"m{index}" for index in range(7)]
    for text, contents in chunks:
        one_line = len(contents.models) == 1
        assert limit is None or len(text) <= limit or one_line
        read = parse_file(SourceFile(Path("imported.yaml"), text.decode())).data
        assert exact(read) == exact(contents)
    # each file is as full as it may be: the next file's first line would not have fitted
    for (text, _), (_, following) in itertools.pairwise(chunks):
        assert limit is not None
        assert len(text) + len(flow.lines([flow.encode(following.models[0])[0]])) > limit


def test_an_overlay_over_the_file_limit_is_refused_before_anything_is_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("tokenexport_cli.catalog.importers.write.MAX_FILE_BYTES", 4096)
    target = tmp_path / "overlay.yaml"
    with pytest.raises(UsageError, match="over the 4,096"):
        run_added(openrouter_source(tmp_path, 60), ImportTarget(output=target))
    assert list(tmp_path.iterdir()) == [tmp_path / "openrouter.json"]


def test_models_and_offers_keep_the_source_order_and_the_report_lists_them_by_key(
    tmp_path: Path,
) -> None:
    source = tmp_path / "openrouter.json"
    data = [
        {"id": f"newco/{name}", "pricing": {"prompt": "0.000001", "completion": "0.000002"}}
        for name in ("zeta", "alpha", "mu")
    ]
    source.write_text(json.dumps({"data": data}))
    result = run_added(source, ImportTarget(as_version="2026-06-15.order"))
    assert [model.id for model in result.plan.models] == ["zeta", "alpha", "mu"]
    assert [offer.model for offer in result.plan.offers] == ["zeta", "alpha", "mu"]
    text = (result.path / "imported-openrouter.yaml").read_text()
    assert text.index('"id":"zeta"') < text.index('"id":"alpha"') < text.index('"id":"mu"')
    report = report_payload(result)
    assert report.models_added == ["alpha", "mu", "zeta"]
    assert [offer.model for offer in report.offers_added] == ["alpha", "mu", "zeta"]


def test_an_id_with_nothing_after_its_vendor_becomes_a_model_without_an_empty_alias(
    tmp_path: Path,
) -> None:
    source = tmp_path / "openrouter.json"
    odd = {"id": "odd/", "name": "Odd", "pricing": {"prompt": "0.000001", "completion": "0"}}
    source.write_text(json.dumps({"data": [odd]}))
    result = run_added(source, ImportTarget(output=tmp_path / "overlay.yaml"))
    (model,) = result.plan.models
    assert (model.id, model.aliases) == ("model", ("odd/",))  # the slug of an empty tail
