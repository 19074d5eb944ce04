"""The report of an import or sync: what was written, replaced, added and left unmatched."""

from __future__ import annotations

from collections import Counter, defaultdict

from tokenexport_cli.catalog.importers.match import Unmatched
from tokenexport_cli.catalog.importers.pipeline import ImportResult
from tokenexport_cli.render.output import json_text
from tokenexport_cli.render.payloads_import import (
    ImportedOffer,
    ImportOutput,
    UnmatchedEntry,
    Written,
)

TABLE_LIMIT = 50
REASONS = {
    "no-model": "no catalog model matches (use --add-models to add them)",
    "no-provider": "the source's provider is not in the catalog",
    "no-price": "no per-token price (not a text model, variable or missing price)",
    "duplicate": "another entry of the source already priced the same offer",
}


def _offer(key: tuple[str, str, str]) -> ImportedOffer:
    return ImportedOffer(model=key[0], provider=key[1], region=key[2] or None)


def report_payload(result: ImportResult) -> ImportOutput:
    plan = result.plan
    return ImportOutput(
        format=plan.source.format,
        source=plan.source.location,
        retrieved=plan.source.stamp,
        base_version=plan.base_version,
        written=Written(kind=result.kind, path=str(result.path)),
        catalog_version=result.path.name if result.kind == "version" else plan.base_version,
        entries=plan.entries,
        # the plan keeps the source's order; the report lists by key, as before
        offers_replaced=[_offer(key) for key in sorted(plan.replaced)],
        offers_added=[_offer(key) for key in sorted(plan.added)],
        models_added=sorted(model.id for model in plan.models),
        unmatched_count=len(plan.unmatched),
        unmatched_by_reason=dict(sorted(Counter(u.reason for u in plan.unmatched).items())),
        unmatched=[
            UnmatchedEntry(key=u.key, provider=u.provider, reason=u.reason, detail=u.detail)
            for u in plan.unmatched
        ],
    )


def report_json(result: ImportResult) -> str:
    return json_text(report_payload(result))


def report_table(result: ImportResult) -> str:
    plan = result.plan
    what = f"catalog version {result.path.name}" if result.kind == "version" else "overlay"
    lines = [
        f"wrote {what}: {result.path}",
        f"source: {plan.source.format} {plan.source.location} (retrieved {plan.source.stamp})",
        f"base: {plan.base_version}; {plan.entries} source entries: {len(plan.replaced)} offers "
        f"replaced, {len(plan.added)} added, {len(plan.models)} new models, "
        f"{len(plan.unmatched)} unmatched",
    ]
    if plan.models:
        lines += [
            "",
            "new models:",
            *(f"  {model_id}" for model_id in sorted(m.id for m in plan.models)),
        ]
    grouped: dict[str, list[Unmatched]] = defaultdict(list)
    for entry in plan.unmatched:
        grouped[entry.reason].append(entry)
    for reason, entries in sorted(grouped.items()):
        lines += ["", f"unmatched, {reason} ({len(entries)}): {REASONS.get(reason, reason)}"]
        for entry in entries[:TABLE_LIMIT]:
            detail = f"  [{entry.detail}]" if entry.detail and reason != "no-model" else ""
            lines.append(f"  {entry.key}{detail}")
        if len(entries) > TABLE_LIMIT:
            lines.append(f"  ... and {len(entries) - TABLE_LIMIT} more (--format json lists all)")
    return "\n".join(lines) + "\n"
