"""Which benchmark scores are compared: one harness and one variant per benchmark, and one row
per model (never the maximum of several)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from decimal import Decimal

from tokenexport_cli.catalog import CatalogIndex
from tokenexport_cli.errors import InvalidValue, UsageError
from tokenexport_cli.schema import Benchmark

#: The variant compared for every benchmark: the first of these the chosen harness has for the
#: candidates (the score as the source headlines it, else single-attempt runs); failing all,
#: the variant most candidates have. Multiple-attempt figures are used only when pinned.
DEFAULT_VARIANT_ORDER = (
    "unspecified",
    "agentic-single-attempt",
    "single-attempt",
    "agentic",
    "agentless-single-attempt",
    "agentless",
)
_EFFORT = {"high": 0, "medium": 1, "low": 2}


def choose_harnesses(
    index: CatalogIndex, benchmarks: list[str], models: set[str], pinned: Mapping[str, str]
) -> dict[str, str]:
    """Per benchmark, the one harness whose scores are compared: the user's pin, else the
    harness that covers the most candidate models (ties: alphabetical)."""
    chosen: dict[str, str] = {}
    for name in benchmarks:
        rows = [b for b in index.catalog.benchmarks if b.benchmark == name]
        if not rows:
            known = sorted({b.benchmark for b in index.catalog.benchmarks})
            from tokenexport_cli.suggest import did_you_mean

            raise UsageError(f"unknown benchmark '{name}'{did_you_mean(name, known)}")
        if name in pinned:
            if pinned[name] not in {b.harness for b in rows}:
                harnesses = ", ".join(sorted({b.harness for b in rows}))
                raise InvalidValue(
                    f"no '{pinned[name]}' scores for {name} (available: {harnesses})",
                    "harnesses",
                    name,
                )
            chosen[name] = pinned[name]
            continue
        coverage = Counter(b.harness for b in rows if b.model in models)
        if not coverage:
            coverage = Counter(b.harness for b in rows)
        chosen[name] = sorted(coverage.items(), key=lambda item: (-item[1], item[0]))[0][0]
    return chosen


def choose_variants(
    index: CatalogIndex,
    harnesses: Mapping[str, str],
    models: set[str],
    pinned: Mapping[str, str] | None = None,
) -> dict[str, str]:
    """Per benchmark, the one variant compared: the user's pin, else the first of
    DEFAULT_VARIANT_ORDER the chosen harness has for the candidates, else the most covered
    single-attempt variant (ties: alphabetical)."""
    chosen: dict[str, str] = {}
    for name, harness in harnesses.items():
        rows = [b for b in index.catalog.benchmarks if b.benchmark == name and b.harness == harness]
        if pinned and name in pinned:
            if pinned[name] not in {b.variant for b in rows}:
                variants = ", ".join(sorted({b.variant for b in rows}))
                raise InvalidValue(
                    f"no '{pinned[name]}' variant of {name} in {harness} (available: {variants})",
                    "variants",
                    name,
                )
            chosen[name] = pinned[name]
            continue
        covered = [b for b in rows if b.model in models] or rows
        present = {b.variant for b in covered}
        preferred = [v for v in DEFAULT_VARIANT_ORDER if v in present]
        if preferred:
            chosen[name] = preferred[0]
            continue
        coverage = Counter(b.variant for b in covered if b.attempts != "multiple") or Counter(
            b.variant for b in covered
        )
        chosen[name] = sorted(coverage.items(), key=lambda item: (-item[1], item[0]))[0][0]
    return chosen


def _row_order(row: Benchmark) -> tuple[int, int, int, str]:
    """A model's rows within one harness and variant: the row with no stated mode first, then
    thinking, then non-thinking; higher stated reasoning effort first; newest first."""
    thinking = 0 if row.thinking is None else (1 if row.thinking else 2)
    effort = next((rank for word, rank in _EFFORT.items() if word in (row.setting or "")), 3)
    return (thinking, effort, -row.as_of.toordinal(), row.source)


def score_rows(
    index: CatalogIndex,
    model: str,
    harnesses: Mapping[str, str],
    variants: Mapping[str, str] | None = None,
) -> dict[str, Benchmark]:
    """The one row per benchmark compared for a model: chosen harness and variant, then
    ``_row_order``. Never the maximum of several rows."""
    found: dict[str, list[Benchmark]] = {}
    for row in index.benchmarks_by_model.get(model, []):
        if harnesses.get(row.benchmark) != row.harness:
            continue
        if variants is not None and variants.get(row.benchmark, row.variant) != row.variant:
            continue
        found.setdefault(row.benchmark, []).append(row)
    return {name: sorted(rows, key=_row_order)[0] for name, rows in found.items()}


def model_scores(
    index: CatalogIndex,
    model: str,
    harnesses: Mapping[str, str],
    variants: Mapping[str, str] | None = None,
) -> dict[str, Decimal]:
    """The model's score per benchmark in the chosen harness and variant (see ``score_rows``)."""
    return {name: row.score for name, row in score_rows(index, model, harnesses, variants).items()}
