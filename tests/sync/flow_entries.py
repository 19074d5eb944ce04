"""Hypothesis strategies for catalog entries of every shape the import's writer
(``importers.flow``) must carry, and the helpers of the tests that write and read them back
(``test_flow.py``, ``test_sealed.py``)."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import msgspec
from hypothesis import strategies as st

from tokenexport_cli.catalog.importers import format_module, parse_path
from tokenexport_cli.catalog.importers.base import SourceInfo, norm
from tokenexport_cli.catalog.importers.pipeline import ImportTarget, run_import
from tokenexport_cli.safetext import clean
from tokenexport_cli.schema import Batch, Modalities, Model, Offer, Tier, TimeBand

RETRIEVED = dt.datetime(2026, 6, 15, 9, 30, tzinfo=dt.UTC)

# any text, control characters, escapes, line separators and astral characters included
texts = st.text(max_size=30)
required = st.text(min_size=1, max_size=30).filter(lambda text: clean(text) != "")
slugs = st.from_regex(r"[a-z0-9][a-z0-9._-]{0,20}", fullmatch=True)
limits = st.integers(min_value=1, max_value=10**9)
dates = st.dates(min_value=dt.date(1, 1, 1))
# exact prices in every notation a Decimal takes: 3, 0.30, 3E-7, 1.5E-7, 12.000
prices = st.integers(min_value=0, max_value=18).flatmap(
    lambda places: st.decimals(min_value=0, max_value=1_000_000, places=places)
)
prices = st.one_of(prices, prices.map(norm), prices.map(lambda value: value.normalize()))


def optional(strategy: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.none() | strategy


models = st.builds(
    Model,
    id=slugs,
    name=required,
    vendor=required,
    origin=st.from_regex(r"[A-Z]{2}", fullmatch=True),
    open_weights=st.booleans(),
    license=optional(texts),
    released=optional(dates),
    context_window=optional(limits),
    max_output=optional(limits),
    tokenizer=slugs,
    modalities=st.builds(
        Modalities,
        input=st.lists(texts, max_size=3).map(tuple),
        output=st.lists(texts, max_size=3).map(tuple),
    ),
    aliases=st.lists(required, max_size=3).map(tuple),
    source=required,
    as_of=dates,
    note=optional(texts),
)
offers = st.builds(
    Offer,
    model=slugs,
    provider=slugs,
    region=optional(texts),
    provider_model_id=optional(texts),
    currency=st.sampled_from(["USD", "CNY", "EUR"]),
    input=prices,
    output=prices,
    cache_read=optional(prices),
    cache_write=optional(prices),
    tiers=st.lists(
        st.builds(Tier, above=limits, input=prices, output=prices, cache_read=optional(prices)),
        max_size=2,
    ).map(tuple),
    time_bands=st.lists(
        st.builds(
            TimeBand,
            name=required,
            timezone=required,
            hours=st.just(("00:00-08:00",)),
            input=prices,
            output=prices,
        ),
        max_size=1,
    ).map(tuple),
    batch=optional(st.builds(Batch, discount=st.just(Decimal("0.5")), note=optional(texts))),
    context_window=optional(limits),
    effective=optional(dates),
    source=required,
    as_of=dates,
    note=optional(texts),
)


def exact(entries: Any) -> bytes:
    """Entries as JSON with decimals as written (``0.30`` is not ``0.3``) and types kept."""
    return msgspec.json.encode(entries)


def openrouter_source(tmp_path: Path, entries: int) -> Path:
    data = [
        {
            "id": f"vendor/model-{index}",
            "name": f"Vendor: Model {index}\u2028",
            "context_length": 128000,
            "pricing": {"prompt": "0.000003", "completion": f"0.0000{index % 90 + 10}"},
        }
        for index in range(entries)
    ]
    path = tmp_path / "openrouter.json"
    path.write_text(json.dumps({"data": data}))
    return path


def run_added(source: Path, target: ImportTarget):
    module = format_module("openrouter")
    info = SourceInfo(module.FORMAT, "fixtures/openrouter.json", RETRIEVED)
    entries = parse_path(module, source, info.as_of)
    return run_import(module, entries, info, target, add_models=True)
