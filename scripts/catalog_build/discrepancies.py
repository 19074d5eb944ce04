"""Every difference between a catalog's offers and the reference sources that carry them, and why
each is there: the comparison behind scripts/check_discrepancies.py and the table of known
differences the build writes (catalogs/known-differences/<version>.yaml)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from tokenexport_cli.schema import Batch, Catalog, Offer, Tier

from . import caching, vendor_nov
from .offers import OPENROUTER_PRECEDENCE, PRECEDENCE, SOURCE_TITLES, offer_plan, resolve
from .quotes import Quote
from .registry import ModelSpec
from .sources import Reference

FIELDS = ("input", "output", "cache_read", "cache_write", "cache_write_1h", "tiers", "batch")
KIND_OF = {"gp": "genai-prices", "ll": "litellm", "md": "models.dev", "or": "openrouter"}
PRECEDENCE_DOC = "catalogs/README.md (source precedence)"
# Specific reasons for offers whose primary source is a vendor page or notice
OFFER_REASONS = {
    ("deepseek-v3.2", "deepseek"): (
        "DeepSeek's own list ranks first for a direct offer; genai-prices' deepseek.yml gives "
        "OpenRouter's price for deepseek-v3.2, and litellm's deepseek/deepseek-v3.2 key differs "
        "from its deepseek/deepseek-chat key, which the vendor_prices row records",
        vendor_nov.DEEPSEEK_PAGE_COPY,
    ),
}


@dataclass(frozen=True)
class Difference:
    """One field of one offer that one reference gives differently (``-`` = not given)."""

    model: str
    provider: str
    region: str
    source: str
    field: str
    catalog: str
    reference: str

    @property
    def key(self) -> tuple[str, ...]:
        return (self.model, self.provider, self.region, self.source, self.field)

    def describe(self) -> str:
        where = f"{self.model} @ {self.provider}" + (f"/{self.region}" if self.region else "")
        return f"{where}: {self.field}: catalog {self.catalog}, {self.source} {self.reference}"


def _money(value: Decimal | None) -> str:
    return "-" if value is None else f"{value.normalize():f}"


def _tiers(tiers: tuple[Tier, ...]) -> str:
    parts = [f">{t.above}: {_money(t.input)}/{_money(t.output)}" for t in tiers if t.until is None]
    return "; ".join(parts) or "-"


def _batch(batch: Batch | None, base_input: Decimal, base_output: Decimal) -> str:
    """Batch prices as the input/output they bill, so a discount and explicit prices compare."""
    if batch is None:
        return "-"
    if batch.discount is not None:
        keep = 1 - batch.discount
        return f"{_money(base_input * keep)}/{_money(base_output * keep)}"
    return f"{_money(batch.input)}/{_money(batch.output)}"


def _values(offer: Offer | None, quote: Quote | None) -> dict[str, str]:
    if offer is not None:
        return {
            "input": _money(offer.input),
            "output": _money(offer.output),
            "cache_read": _money(offer.cache_read),
            "cache_write": _money(offer.cache_write),
            "cache_write_1h": _money(offer.cache_write_1h),
            "tiers": _tiers(offer.tiers),
            "batch": _batch(offer.batch, offer.input, offer.output),
        }
    assert quote is not None
    prices = quote.prices
    return {
        "input": _money(prices.input),
        "output": _money(prices.output),
        "cache_read": _money(prices.cache_read),
        "cache_write": _money(prices.cache_write),
        "cache_write_1h": _money(prices.cache_write_1h),
        "tiers": _tiers(prices.tiers),
        "batch": _batch(prices.batch, prices.input, prices.output),
    }


def source_kind(reference: str) -> str:
    """Which source an offer's ``source`` names: one of the four price sources, or a vendor page."""
    for prefix, kind in (
        ("pydantic/genai-prices", "genai-prices"),
        ("BerriAI/litellm", "litellm"),
        ("anomalyco/models.dev", "models.dev"),
        ("openrouter/models_api", "openrouter"),
    ):
        if reference.startswith(prefix):
            return kind
    return "vendor"


def rank(kind: str, provider: str, version: str) -> int:
    """0 for a vendor page, then the version's precedence for this provider."""
    if kind == "vendor":
        return 0
    order = OPENROUTER_PRECEDENCE[version] if provider == "openrouter" else PRECEDENCE[version]
    short = {value: key for key, value in KIND_OF.items()}[kind]
    return 1 + order.index(short) if short in order else 99


def compare(
    ref: Reference, catalog: Catalog, specs: list[ModelSpec], version: str, at: dt.date
) -> list[Difference]:
    """Every field of every offer that a reference carrying the offer gives differently."""
    plans = {spec.id: offer_plan(ref, spec, version) for spec in specs}
    found = []
    for offer in catalog.offers:
        path = offer.provider + (f"@{offer.region}" if offer.region else "")
        tokens = plans.get(offer.model, {}).get(path, [])
        if not tokens and offer.region:
            tokens = plans.get(offer.model, {}).get(offer.provider, [])
        mine = _values(offer, None)
        for token in tokens:
            quote = resolve(ref, offer.provider, token, at)
            if quote is None:
                continue
            theirs = _values(None, quote)
            for field in FIELDS:
                if mine[field] != theirs[field]:
                    found.append(
                        Difference(
                            offer.model,
                            offer.provider,
                            offer.region or "",
                            f"{quote.source}:{token.split(':', 1)[1]}",
                            field,
                            mine[field],
                            theirs[field],
                        )
                    )
    return found


def explain(diff: Difference, offer: Offer, version: str) -> tuple[str, str] | None:
    """(reason, source of the reason) for one difference, or None if nothing explains it."""
    kind = diff.source.split(":", 1)[0]
    primary = source_kind(offer.source)
    note = offer.note or ""
    if offer.currency != "USD":
        return (
            f"the offer is in {offer.currency}, the path's billing currency; {kind} gives USD",
            offer.source,
        )
    specific = OFFER_REASONS.get((offer.model, offer.provider))
    if specific is not None and diff.field in ("input", "output", "cache_read"):
        return specific
    if diff.field == "cache_write_1h" and "1-hour write multiplier" in note:
        return "1-hour write price derived as 2 x base input", caching.ANTHROPIC_PRICING
    if diff.field == "tiers" and any(t.until for t in offer.tiers) and diff.catalog == "-":
        return f"the tier was withdrawn on {caching.TIER_REMOVED_ON}", caching.TIER_REMOVAL
    if diff.field == "batch" and "Batch discount from the vendor's batch page" in note:
        page = next(p for _, p in caching.VENDOR_BATCH.values() if p in note)
        return "batch discount from the vendor's own batch page", page
    if diff.field in ("cache_write_1h", "tiers", "batch", "cache_read", "cache_write"):
        filled = any(
            diff.field in sentence.split(" from ")[0].split(", ")
            for sentence in note.split(". ")
            if " from " in sentence
        )
        if diff.reference == "-" and filled:
            return (
                f"{kind} does not state {diff.field}; the catalog fills it from an agreeing "
                "lower-ranked source (see the offer's note)",
                PRECEDENCE_DOC,
            )
    if primary == kind and primary != "vendor":
        return None  # an offer differing from its own source: a hand edit or a build bug
    mine, theirs = rank(primary, offer.provider, version), rank(kind, offer.provider, version)
    if theirs > mine:
        title = SOURCE_TITLES.get(kind, kind)  # type: ignore[call-overload]
        return (
            f"precedence: the offer's source ({primary}) ranks above {title} for this path",
            f"{PRECEDENCE_DOC}; {offer.source}",
        )
    if diff.reference == "-":
        return f"{kind} does not state {diff.field}", PRECEDENCE_DOC
    return None


def table(
    diffs: list[Difference], catalog: Catalog, version: str
) -> tuple[list[dict[str, Any]], list[Difference]]:
    """The known-differences rows (each with reason and source), and what nothing explains."""
    offers = {(o.model, o.provider, o.region or ""): o for o in catalog.offers}
    rows, unexplained = [], []
    for diff in sorted(diffs, key=lambda d: d.key):
        offer = offers[(diff.model, diff.provider, diff.region)]
        reason = explain(diff, offer, version)
        if reason is None:
            unexplained.append(diff)
            continue
        row: dict[str, Any] = {"model": diff.model, "provider": diff.provider}
        if diff.region:
            row["region"] = diff.region
        row.update(
            {
                "source": diff.source,
                "field": diff.field,
                "catalog": diff.catalog,
                "reference": diff.reference,
                "reason": reason[0],
                "reason_source": reason[1],
            }
        )
        rows.append(row)
    return rows, unexplained


def check(diffs: list[Difference], known: list[dict[str, Any]]) -> tuple[list[str], list[str]]:
    """(differences not in the table, table rows that no longer match a difference)."""
    listed = {
        (
            row["model"],
            row["provider"],
            row.get("region", ""),
            row["source"],
            row["field"],
            str(row["catalog"]),
            str(row["reference"]),
        ): row
        for row in known
        if row.get("reason") and row.get("reason_source")
    }
    current = {(*d.key, d.catalog, d.reference): d for d in diffs}
    new = [d.describe() for key, d in sorted(current.items()) if key not in listed]
    stale = [
        f"{k[0]} @ {k[1]}{'/' + k[2] if k[2] else ''}: {k[4]}: {k[3]} (catalog {k[5]}, reference {k[6]})"
        for k in sorted(listed)
        if k not in current
    ]
    return new, stale
