"""Importer for pydantic/genai-prices: provider YAMLs (one file or a ``providers/`` folder) or the
generated ``data.json`` feed (USD per million tokens, tiers, date and time-of-day constraints)."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from pathlib import Path
from typing import Any

from tokenexport_cli.catalog.importers.base import (
    PRICE_FIELDS,
    Prices,
    SourceEntry,
    date_or_none,
    decimal_of,
    expect,
    parse_json,
    per_million_exact,
    positive_int,
    tier_of,
)
from tokenexport_cli.errors import DataError
from tokenexport_cli.schema import Batch, Tier, TimeBand

FORMAT = "genai-prices"
DEFAULT_URL = (
    "https://raw.githubusercontent.com/pydantic/genai-prices/main/prices/new_data/v2/data.json"
)
URL_ENV = "TOKX_GENAI_PRICES_URL"
KEPT_FIELDS = ("batch",)
PROVIDER_MAP = {
    "moonshotai": "moonshot",
    "google": "google-ai-studio",
    "x_ai": "xai",
    "aws": "aws-bedrock",
    "azure": "azure-ai-foundry",
    "zhipuai": "zhipu",
}
_FIELDS = {
    "input_mtok": "input",
    "output_mtok": "output",
    "cache_read_mtok": "cache_read",
    "cache_write_mtok": "cache_write",
    "cache_write_1h_mtok": "cache_write_1h",
}
# genai-prices has no batch field; where a vendor's batch discount is known, the model's
# ``price_comments`` say so in this form (google.yml: "Batch API offers 50% discount on
# input/output")
_BATCH_COMMENT = re.compile(r"Batch API offers (\d+(?:\.\d+)?)% discount")
# ``TimeOfDateConstraint`` times (schema format "time"): HH:MM[:SS[.f]], UTC as Z or +00:00
_TIME_OF_DAY = re.compile(r"^(\d{2}):(\d{2})(?::\d{2}(?:\.\d+)?)?(Z|[+-]00:00)?$")


def parse(data: bytes, where: str, at: dt.date) -> list[SourceEntry]:
    """A JSON feed (a list of providers) or one provider YAML; prices in force on ``at``."""
    stripped = data.lstrip()
    if stripped[:1] in (b"[", b"{"):
        document = parse_json(data, where)
        providers = document if isinstance(document, list) else [document]
    else:
        from tokenexport_cli.yamlsafe import parse_yaml

        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            raise DataError(f"{where}: not valid UTF-8") from None
        providers = [parse_yaml(text, Path(where))]
    entries = []
    for index, provider in enumerate(providers):
        entries.extend(
            _provider(provider, f"{where}[{index}]" if len(providers) > 1 else where, at)
        )
    return entries


def parse_tree(root: Path, at: dt.date) -> list[SourceEntry]:
    """A ``providers/`` folder of YAML files (or its parent)."""
    folder = root / "providers" if (root / "providers").is_dir() else root
    files = sorted(folder.glob("*.yml")) + sorted(folder.glob("*.yaml"))
    expect(bool(files), str(root), "no genai-prices provider YAML files (*.yml) found")
    entries = []
    for path in files:
        from tokenexport_cli.yamlsafe import load_yaml

        entries.extend(_provider(load_yaml(path), str(path), at))
    return entries


def _provider(provider: Any, where: str, at: dt.date) -> list[SourceEntry]:
    expect(
        isinstance(provider, dict) and isinstance(provider.get("models"), list),
        where,
        "not a genai-prices provider (expected 'id' and a 'models' list)",
    )
    provider_id = str(provider.get("id") or Path(where).stem)
    entries = []
    for index, model in enumerate(provider["models"]):
        model_where = f"{where}: models[{index}]"
        expect(isinstance(model, dict) and "id" in model, model_where, "model has no 'id'")
        entries.append(_model(provider_id, model, f"{model_where} ({model['id']})", at))
    return entries


def _match_names(match: Any) -> list[str]:
    if not isinstance(match, dict):
        return []
    if isinstance(match.get("equals"), str):
        return [match["equals"]]
    names: list[str] = []
    for clause in match.get("or") or ():
        names.extend(_match_names(clause))
    return names


def _model(provider_id: str, model: dict[str, Any], where: str, at: dt.date) -> SourceEntry:
    model_id = str(model["id"])
    raw = model.get("prices")
    conditional = raw if isinstance(raw, list) else [{"prices": raw}]
    base_prices: Any = None
    band_items = []
    for item in conditional:
        constraint = (item or {}).get("constraint") or {}
        start = date_or_none(constraint.get("start_date"))
        if start is not None and start > at:
            continue  # not yet in force on the retrieval date
        if "start_time" in constraint:
            band_items.append(item)
        else:
            base_prices = item.get("prices")
    comments = " ".join(str(model.get("price_comments") or "").split())
    notes = [f"genai-prices: {comments}"] if comments else []
    prices = None
    skip = None
    if not isinstance(base_prices, dict):
        skip = "no token price in force"
    else:
        base, tiers = _flat(base_prices, where)
        if "input" not in base or "output" not in base:
            skip = "no token price"
        else:
            bands = tuple(_band(item, where) for item in band_items)
            prices = Prices(
                input=base["input"],
                output=base["output"],
                cache_read=base.get("cache_read"),
                cache_write=base.get("cache_write"),
                cache_write_1h=base.get("cache_write_1h"),
                tiers=tiers,
                time_bands=tuple(band for band in bands if band is not None),
                batch=batch_of(comments),
            )
    return SourceEntry(
        key=f"{provider_id}/{model_id}",
        provider=provider_id,
        provider_model_id=model_id,
        names=tuple(dict.fromkeys([model_id, *_match_names(model.get("match"))])),
        prices=prices,
        skip_reason=skip,
        name=str(model.get("name") or model_id),
        context_window=positive_int(model.get("context_window")),
        checked=date_or_none(model.get("prices_checked")),
        notes=tuple(notes),
    )


def batch_of(price_comments: str) -> Batch | None:
    """The batch discount a model's ``price_comments`` state, if they state one."""
    match = _BATCH_COMMENT.search(price_comments)
    percent = decimal_of(match.group(1), "price_comments") if match else None
    if match is None or percent is None or not 0 < percent < 100:
        return None
    return Batch(
        discount=percent / 100,
        note=f"genai-prices price_comments: Batch API offers {match.group(1)}% discount",
    )


def _flat(prices: dict[str, Any], where: str) -> tuple[dict[str, Decimal], tuple[Tier, ...]]:
    """Base prices and long-context tiers of one genai-prices ModelPrice."""
    base: dict[str, Decimal] = {}
    steps: dict[str, list[tuple[int, Decimal]]] = {}
    for key, name in _FIELDS.items():
        value = prices.get(key)
        if value is None:
            continue
        if isinstance(value, dict):
            base[name] = per_million_exact(value["base"], f"{where}: {key}.base")
            steps[name] = sorted(
                (int(tier["start"]), per_million_exact(tier["price"], f"{where}: {key}.tiers"))
                for tier in value.get("tiers") or ()
            )
        else:
            base[name] = per_million_exact(value, f"{where}: {key}")
    tiers = []
    for start in sorted({start for values in steps.values() for start, _ in values}):
        tier: dict[str, Decimal] = {}
        for name in PRICE_FIELDS:
            if name not in base:
                continue
            current = base[name]
            for step_start, price in steps.get(name, []):
                if step_start <= start:
                    current = price
            tier[name] = current
        if "input" in tier and "output" in tier:
            tiers.append(tier_of(start, dict(tier)))
    return base, tuple(tiers)


def _band(item: dict[str, Any], where: str) -> TimeBand | None:
    constraint = item["constraint"]
    band, _ = _flat(item.get("prices") or {}, where)
    if "input" not in band or "output" not in band:
        return None
    # genai-prices' TimeOfDateConstraint requires both start_time and end_time (its schema's
    # "required"); an interval with no end has no meaning there, so it is not guessed here
    start = _time_of_day(constraint.get("start_time"), f"{where}: constraint.start_time")
    end = _time_of_day(constraint.get("end_time"), f"{where}: constraint.end_time")
    return TimeBand(
        name="genai-prices time constraint",
        timezone="UTC",
        hours=(f"{start}-{end}",),
        input=band["input"],
        output=band["output"],
        cache_read=band.get("cache_read"),
        cache_write=band.get("cache_write"),
    )


def _time_of_day(value: Any, where: str) -> str:
    """``HH:MM`` of a UTC time-of-day constraint bound."""
    if value is None:
        raise DataError(f"{where}: missing (a time constraint needs start_time and end_time)")
    match = _TIME_OF_DAY.match(str(value).strip())
    if match is None or int(match.group(1)) > 23 or int(match.group(2)) > 59:
        raise DataError(f"{where}: expected a UTC time of day such as 16:30:00Z, got {value!r}")
    return f"{match.group(1)}:{match.group(2)}"
