"""Render a catalog diff (``tokx catalog diff``) as a table, JSON or markdown."""

from __future__ import annotations

from decimal import Decimal

from tokenexport_cli.catalog.diff import CatalogDiff, FieldChange, OfferKey
from tokenexport_cli.render import payloads
from tokenexport_cli.render.output import json_text
from tokenexport_cli.render.payloads_bound import LimitChange


def _number(value: Decimal | None) -> str:
    return "" if value is None else format(value.normalize(), "f")


def _percent(value: Decimal | None) -> str:
    return "" if value is None else f"{value.quantize(Decimal('0.01')):+}%"


def _signed(value: Decimal | None) -> str:
    return "" if value is None else ("+" if value >= 0 else "") + _number(value)


def _label(key: OfferKey) -> str:
    model, provider, region = key
    return f"{model} @ {provider}" + (f" ({region})" if region else "")


def _change_rows(diff: CatalogDiff) -> list[list[str]]:
    # across a currency change, differences would compare different units: left blank
    return [
        [
            _label(offer.key),
            change.field,
            _number(change.old),
            _number(change.new),
            "" if offer.currency_changed else _signed(change.absolute),
            "" if offer.currency_changed else _percent(change.percent),
            offer.currency,
        ]
        for offer in diff.changed_offers
        if offer.priced_differently
        for change in offer.changes or (FieldChange("currency", None, None),)
    ]


def _limit_rows(diff: CatalogDiff) -> list[list[str]]:
    def tokens(value: int | None) -> str:
        return "none" if value is None else f"{value:,}"

    return [
        [_label(offer.key), change.field, tokens(change.old), tokens(change.new)]
        for offer in diff.changed_offers
        for change in offer.limits
    ]


LIMIT_HEADERS = ["offer", "field", "old", "new"]
LIMIT_TITLE = "lengths from which prices are not published (tokens)"


HEADERS = ["offer", "field", "old", "new", "change", "percent", "currency"]


def _ref(key: OfferKey) -> payloads.OfferRef:
    return payloads.OfferRef(model=key[0], provider=key[1], region=key[2] or None)


def diff_payload(diff: CatalogDiff) -> payloads.CatalogDiffOutput:
    changed = []
    for offer in diff.changed_offers:
        ref = _ref(offer.key)
        changes = [
            payloads.PriceChange(
                field=change.field,
                old=None if change.old is None else _number(change.old),
                new=None if change.new is None else _number(change.new),
                absolute=None
                if change.absolute is None or offer.currency_changed
                else _number(change.absolute),
                percent=None
                if change.percent is None or offer.currency_changed
                else str(change.percent.quantize(Decimal("0.01"))),
            )
            for change in offer.changes
        ]
        changed.append(
            payloads.ChangedOffer(
                model=ref.model,
                provider=ref.provider,
                region=ref.region,
                currency=offer.currency,
                changes=changes,
                limits=[
                    LimitChange(field=change.field, old=change.old, new=change.new)
                    for change in offer.limits
                ],
            )
        )
    return payloads.CatalogDiffOutput(
        old=diff.old,
        new=diff.new,
        added_models=list(diff.added_models),
        removed_models=list(diff.removed_models),
        added_offers=[_ref(key) for key in diff.added_offers],
        removed_offers=[_ref(key) for key in diff.removed_offers],
        changed_offers=changed,
    )


def to_json(diff: CatalogDiff) -> str:
    return json_text(diff_payload(diff))


def _summary(diff: CatalogDiff) -> str:
    priced = sum(1 for offer in diff.changed_offers if offer.priced_differently)
    limited = sum(1 for offer in diff.changed_offers if offer.limits)
    return (
        f"{diff.old} -> {diff.new}: {len(diff.added_models)} models added, "
        f"{len(diff.removed_models)} removed; {len(diff.added_offers)} offers added, "
        f"{len(diff.removed_offers)} removed, {priced} with price changes"
        + (f", {limited} with changed {LIMIT_TITLE.split(' (')[0]}" if limited else "")
    )


def to_markdown(diff: CatalogDiff) -> str:
    lines = [f"## Catalog diff {diff.old} → {diff.new}", "", _summary(diff), ""]
    for title, items in (
        ("Added models", list(diff.added_models)),
        ("Removed models", list(diff.removed_models)),
        ("Added offers", [_label(key) for key in diff.added_offers]),
        ("Removed offers", [_label(key) for key in diff.removed_offers]),
    ):
        if items:
            lines += [f"### {title}", "", *(f"- `{item}`" for item in items), ""]
    rows = _change_rows(diff)
    if rows:
        lines += ["### Price changes (per million tokens)", ""]
        lines.append("| " + " | ".join(HEADERS) + " |")
        lines.append("|" + "|".join("---" if i < 2 else "---:" for i in range(len(HEADERS))) + "|")
        lines += ["| " + " | ".join(row) + " |" for row in rows]
    limits = _limit_rows(diff)
    if limits:
        lines += ["", f"### {LIMIT_TITLE[0].upper()}{LIMIT_TITLE[1:]}", ""]
        lines.append("| " + " | ".join(LIMIT_HEADERS) + " |")
        lines.append("|---|---|---:|---:|")
        lines += ["| " + " | ".join(row) + " |" for row in limits]
    return "\n".join(lines).rstrip() + "\n"


def to_table(diff: CatalogDiff) -> str:
    lines = [_summary(diff)]
    for title, items in (
        ("added models", list(diff.added_models)),
        ("removed models", list(diff.removed_models)),
        ("added offers", [_label(key) for key in diff.added_offers]),
        ("removed offers", [_label(key) for key in diff.removed_offers]),
    ):
        if items:
            lines += [
                "",
                f"{title}:",
                *(f"  + {item}" if "added" in title else f"  - {item}" for item in items),
            ]
    for title, headers, rows in (
        ("price changes (per million tokens)", HEADERS, _change_rows(diff)),
        (LIMIT_TITLE, LIMIT_HEADERS, _limit_rows(diff)),
    ):
        if rows:
            lines += ["", f"{title}:", *_aligned([headers, *rows])]
    return "\n".join(lines) + "\n"


def _aligned(table: list[list[str]]) -> list[str]:
    """Plain columns: the offer, the field and the currency to the left, numbers right."""
    widths = [max(len(row[i]) for row in table) for i in range(len(table[0]))]
    lines = []
    for number, row in enumerate(table):
        cells = [
            cell.ljust(width) if i < 2 or i == 6 else cell.rjust(width)
            for i, (cell, width) in enumerate(zip(row, widths, strict=True))
        ]
        lines.append("  " + "  ".join(cells).rstrip())
        if number == 0:
            lines.append("  " + "  ".join("-" * width for width in widths))
    return lines
