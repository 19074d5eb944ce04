"""Provider facts (billing entity and country, regions, residency) from data/provider_facts.yaml."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path
from typing import Any

from tokenexport_cli.yamlsafe import load_yaml

FACTS_FILE = Path(__file__).resolve().parent / "data" / "provider_facts.yaml"
FACT_KEYS = ("billing_entity", "billing_country", "regions", "data_residency", "compliance")
NO_FACTS = "Billing entity, country and regions not recorded: no page stating them was found."


def load_facts(path: Path = FACTS_FILE) -> dict[str, dict[str, Any]]:
    """provider id -> its facts and their sources, as written in the data file."""
    data = load_yaml(path)
    out: dict[str, dict[str, Any]] = {}
    for provider, entry in (data.get("providers") or {}).items():
        facts = [
            {
                "fields": list(fact["fields"]),
                "url": fact["url"],
                "as_of": _date(fact["as_of"]),
                "says": " ".join(str(fact["says"]).split()),
                **({"note": " ".join(str(fact["note"]).split())} if fact.get("note") else {}),
            }
            for fact in entry.get("facts", [])
        ]
        values = {key: entry[key] for key in FACT_KEYS if key in entry}
        if isinstance(values.get("data_residency"), str):
            values["data_residency"] = " ".join(values["data_residency"].split())
        out[provider] = {**values, "facts": facts}
        if "fees" in entry:
            out[provider]["fees"] = [_fee(fee) for fee in entry["fees"]]
    return out


def _fee(fee: dict[str, Any]) -> dict[str, Any]:
    out = dict(fee)
    for key in ("percent", "fixed_usd"):
        if key in out:
            out[key] = Decimal(str(out[key]))
    out["note"] = " ".join(str(out.get("note", "")).split()) or None
    out["as_of"] = _date(out["as_of"])
    return {key: value for key, value in out.items() if value is not None}


def _date(value: Any) -> dt.date:
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))


def with_facts(entry: dict[str, Any], facts: dict[str, Any] | None) -> dict[str, Any]:
    """The provider entry with its sourced facts, keys in schema order; notes that claimed no
    facts were recorded are replaced when facts now exist."""
    if not facts:
        return entry
    head = {key: entry[key] for key in ("id", "name", "kind")}
    rest = {key: value for key, value in entry.items() if key not in head}
    values = {key: facts[key] for key in FACT_KEYS if key in facts}
    out = {**head, **values, **rest}
    if "fees" in facts:
        out["fees"] = facts["fees"]
    if facts["facts"]:
        out["facts"] = facts["facts"]
        order = [*head, *values, "fees", "facts", "url", "source", "as_of", "note"]
        out = {key: out[key] for key in order if key in out}
    note = out.get("note")
    if isinstance(note, str) and note.startswith("Billing entity"):
        known = ", ".join(key.replace("_", " ") for key in values)
        missing = [
            key.replace("_", " ")
            for key in ("billing_entity", "billing_country", "regions")
            if key not in values
        ]
        sentence = note.split(". ", 1)
        tail = sentence[1] if len(sentence) > 1 else ""
        out["note"] = " ".join(
            part
            for part in (
                f"Sourced facts: {known} (see facts).",
                f"Unknown (no page found): {', '.join(missing)}." if missing else "",
                tail,
            )
            if part
        )
    return out
