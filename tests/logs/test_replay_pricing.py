"""Recorded traffic priced on the bundled catalog: on its own model exactly as billed (recorded
counts x list prices, checked per format against the offer's own figures and by hand), on other
models with the cache structure kept under their rules, and the properties of replaying."""

from __future__ import annotations

import datetime as dt
import math
import shutil
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tokenexport_cli.api.choices import CatalogChoice, open_catalog
from tokenexport_cli.api.replay import ReplayRequest, ReplayResult, replay
from tokenexport_cli.logs.record import UsageRecord, UsageTable
from tokenexport_cli.pricing.fx import Fx
from tokenexport_cli.pricing.replay import price_records
from tokenexport_cli.tokens.family_ratio import SAME, family_ratio

LOGS = Path(__file__).parent.parent / "fixtures" / "logs"
#: the catalog the hand-worked figures below were computed from (the newest may reprice them)
PINNED = "2026-08-21"
MILLION = Decimal(1_000_000)


def run(*paths: Path, **options: object) -> ReplayResult:
    options.setdefault("catalog", CatalogChoice(version=PINNED))
    return replay(ReplayRequest(paths=paths, alternatives=0, **options))  # type: ignore[arg-type]


def list_price(result: ReplayResult, model: str, provider: str) -> Decimal:
    """Recorded counts x the offer's base list prices, computed here from the catalog."""
    index = open_catalog(CatalogChoice(version=PINNED))
    (offer,) = [o for o in index.offers(model) if o.provider == provider]
    total = Decimal(0)
    for source in result.sources:
        if source.resolved != model:
            continue
        c = source.counts
        total += (
            (c["input"] + c["image_input"] + c["audio_input"]) * offer.input
            + c["cache_read"] * (offer.cache_read or 0)
            + (c["cache_write_5m"] + c["cache_write_1h"]) * (offer.cache_write or 0)
            + (c["output"] + c["reasoning"]) * offer.output
        ) / MILLION
    fees = sum((fee.percent for fee in index.providers[provider].fees), Decimal(0))
    return total * (1 + fees / 100)


def source_line(result: ReplayResult, model: str):  # type: ignore[no-untyped-def]
    (line,) = [x for x in result.lines if x.role == "source" and x.cost.model == model]
    return line.cost


@pytest.mark.parametrize(
    ("log", "model", "provider", "by_hand"),
    [
        # gpt-4o $2.50 in, $1.25 cached, $10 out: 176 x 2.5 + 1,024 x 1.25 + 300 x 10
        # + 5,000 x 2.5 + 800 x 10 = 25,220 -> $0.02522
        ("openai_chat.jsonl", "gpt-4o", "openai", "0.02522"),
        # gpt-5-mini $0.25 / $0.025 / $2: 952 x .25 + 2,048 x .025 + (476 + 1,024) x 2 -> $0.0032892
        ("openai_responses.jsonl", "gpt-5-mini", "openai", "0.0032892"),
        # haiku 4.5 $1 / $0.10 read / $1.25 write / $5: 70 x 1 + 4,000 x .1 + 4,000 x 1.25
        # + 650 x 5 = 8,720 -> $0.00872
        ("anthropic_messages.jsonl", "claude-haiku-4.5", "anthropic", "0.00872"),
        # gemini 2.5 flash $0.30 / $0.03 / $2.50: 2,000 + 1,300 uncached x .3 + 8,000 x .03
        # + (500 + 700 + 200) x 2.5 = 4,730 -> $0.00473
        ("gemini.jsonl", "gemini-2.5-flash", "google-ai-studio", "0.00473"),
        # sonnet 4.5 $3 / $0.30 / $3.75 / $15: 2,500 x 3 + 10,000 x .3 + 1,500 x 3.75
        # + 700 x 15 = 26,625 -> $0.026625
        ("otel_spans.json", "claude-sonnet-4.5", "anthropic", "0.026625"),
        # gpt-5 $1.25 / $0.125 / $10: 4,000 x 1.25 + 12,000 x .125 + 1,800 x 10 -> $0.0245
        ("codex_session.jsonl", "gpt-5", "openai", "0.0245"),
        # gpt-4o: 3,500 x 2.5 + 1,000 x 1.25 + 700 x 10 = 17,000 -> $0.017
        ("litellm_spendlogs.csv", "gpt-4o", "openai", "0.017"),
        # gpt-5-mini at OpenRouter, same list prices as above, plus the 5.5% credit purchase fee
        ("openrouter_activity.csv", "gpt-5-mini", "openrouter", "0.003470106"),
        # Anthropic response objects without their requests, haiku 4.5 as above (no 1-hour
        # write price on this catalog: all 2,000 writes at $1.25): 1,200 x 1 + 3,000 x .1
        # + 2,000 x 1.25 + 400 x 5 = 6,000; 500 x 1 + 100 x 5 = 1,000 -> $0.007
        ("anthropic_responses.jsonl", "claude-haiku-4.5", "anthropic", "0.007"),
        # Message Batches results (no batch price for haiku 4.5 here): 1,000 x 1 + 200 x 5
        ("anthropic_batch_results.jsonl", "claude-haiku-4.5", "anthropic", "0.002"),
        # Langfuse generations: openai_chat.jsonl line 1's and anthropic_messages.jsonl line 1's
        # counts (tests/fixtures/logs/SOURCES.md): 176 x 2.5 + 1,024 x 1.25 + 300 x 10 = 4,720
        ("langfuse_observations.jsonl", "gpt-4o", "openai", "0.00472"),
        # 70 x 1 + 4,000 x .1 + 4,000 x 1.25 + 650 x 5 = 8,720
        ("langfuse_observations.csv", "claude-haiku-4.5", "anthropic", "0.00872"),
        # a table in no known format, through column roles: openai_chat.jsonl's two calls
        ("custom_usage.csv", "gpt-4o", "openai", "0.02522"),
    ],
)
def test_priced_on_its_own_model_as_billed(log: str, model: str, provider: str, by_hand: str):
    columns = {
        "model": "engine",
        "timestamp": "when",
        "input": "fresh_prompt",
        "cache_read": "cached",
        "output": "completion",
    }
    result = run(LOGS / log, columns=columns if log == "custom_usage.csv" else {})
    cost = source_line(result, model)
    assert cost.provider == provider
    assert cost.period_cost == list_price(result, model, provider) == Decimal(by_hand)
    assert sum(cost.breakdown.values()) == cost.period_cost


def test_claude_code_folder_at_list_prices_with_the_long_context_tier() -> None:
    result = run(LOGS / "claude-projects", models=("claude-sonnet-4.5",), providers=("anthropic",))
    # Three calls at base prices ($3 in, $0.30 read, $3.75 write, $15 out):
    #   50 x 3 + 38,400 x .3 + 20,400 x 3.75 + 2,270 x 15 = 122,220 -> $0.12222
    # msg_014's whole prompt 5 + 15,000 + 190,000 = 205,005 > 200,000: the tier ($6, $0.60,
    # $7.50, $22.50) for the whole call: 30 + 114,000 + 112,500 + 45,000 -> $0.27153
    source, target = result.lines
    assert source.cost.period_cost == target.cost.period_cost == Decimal("0.39375")
    assert "1 call at long-context tier prices" in source.cost.notes
    # first call 2026-08-03 09:00:09 to last 2026-08-09 17:30:00 -> 6.3540625 days
    assert result.days == Decimal("6.3540625")
    assert source.monthly == Decimal("0.39375") * Decimal("30.44") / Decimal("6.3540625")


def claude_to_deepseek() -> tuple[Fraction, Decimal]:
    """The measured claude -> deepseek-v3 ratio and band, from the pinned catalog's families:
    claude 1.27 x o200k_base (band 14.5%), deepseek-v3 1.002 on chat content (band 12.5%)."""
    index = open_catalog(CatalogChoice(version=PINNED))
    ratio = family_ratio("claude", "deepseek-v3", {t.id: t for t in index.catalog.tokenizers})
    assert ratio.factor == Fraction(1002, 1000) / Fraction(127, 100)
    assert ratio.band_percent == Decimal("27.0")
    return ratio.factor, ratio.band_percent


def compacted_parts(factor: Fraction) -> list[int]:
    """msg_014 (prompt 5 + 190,000 + 15,000 = 205,005, output 2,000) compacted into
    deepseek-v3.2's 131,072 window: the window in the call's own tokens, less the output, and
    each prompt part shrunk in proportion, in whole tokens."""
    room = math.floor(Fraction(131_072) / factor) - 2000
    return [part * room // 205_005 for part in (5, 190_000, 15_000)]


def test_deepseek_keeps_no_cache_it_does_not_sell_and_caps_the_long_call() -> None:
    result = run(LOGS / "claude-projects", models=("deepseek-v3.2",), providers=("deepseek",))
    (_, line) = result.lines
    cost = line.cost
    # The catalog's deepseek-v3.2 offer at deepseek lists no cache price: reads and writes bill
    # as input. claude -> deepseek-v3 counts x 1.002 / 1.27, band 14.5% + 12.5%.
    factor, band = claude_to_deepseek()
    assert "no prompt caching on this offer: cache reads and writes billed as input" in cost.notes
    assert cost.band_percent == band
    assert cost.long_requests == 1 and cost.excluded_requests == 0
    compacted = sum(compacted_parts(factor))
    prompt = Fraction(12 + 18000 + 8 + 2400 + 18000 + 30 + 20400 + compacted) * factor
    output = Fraction(4270) * factor
    expected = (prompt * Fraction("0.2288") + output * Fraction("0.3432")) / 1_000_000
    assert abs(Fraction(cost.period_cost) - expected) < Fraction(1, 10**18)
    excluded = run(
        LOGS / "claude-projects",
        models=("deepseek-v3.2",),
        providers=("deepseek",),
        long_inputs="exclude",
    ).lines[1]
    assert excluded.cost.excluded_requests == 1 and excluded.cost.period_cost < cost.period_cost


def test_openrouter_export_reports_recorded_spend_and_unresolved_models() -> None:
    result = replay(ReplayRequest(paths=(LOGS / "openrouter_activity.csv",), alternatives=2))
    assert result.recorded_spend == Decimal("0.00329") + Decimal("0.0002952") + Decimal("0.0021")
    (unknown,) = [s for s in result.sources if s.resolved is None]
    assert unknown.model == "mistralai/mystery-model-2509" and unknown.requests == 1
    alternatives = [line for line in result.lines if line.role == "alternative"]
    assert len(alternatives) == 2
    assert all(any("left out: mistralai" in n for n in a.cost.notes) for a in alternatives)
    assert all(a.cost.requests == 2 for a in alternatives)  # never priced at zero


def _table(records: list[UsageRecord]) -> UsageTable:
    table = UsageTable()
    for record in records:
        table.add(record)
    return table


def _price(
    table: UsageTable, model: str, provider: str, version: str = PINNED, **options: object
) -> Decimal:
    index = open_catalog(CatalogChoice(version=version))
    offer = next(o for o in index.offers(model) if o.provider == provider and o.region is None)
    return price_records(
        table,
        offer,
        index.models[model],
        index.providers[provider],
        [SAME] * len(table.sources),
        Fx(index.catalog.fx),
        "USD",
        **options,  # type: ignore[arg-type]
    ).period_cost


counts = st.integers(min_value=0, max_value=50_000)
records = st.builds(
    UsageRecord,
    model=st.just("claude-sonnet-4.5"),
    timestamp=st.datetimes(
        min_value=dt.datetime(2026, 1, 1), max_value=dt.datetime(2026, 12, 31)
    ).map(lambda moment: moment.replace(tzinfo=dt.UTC)),
    input=counts,
    cache_read=counts,
    cache_write_5m=counts,
    output=counts,
)


@settings(max_examples=40, deadline=None)
@given(st.lists(records, min_size=1, max_size=12), st.integers(min_value=0, max_value=12))
def test_splitting_a_log_in_two_gives_the_same_sum(logged: list[UsageRecord], cut: int) -> None:
    whole = _price(_table(logged), "claude-sonnet-4.5", "anthropic")
    parts = _price(_table(logged[:cut]), "claude-sonnet-4.5", "anthropic") + (
        _price(_table(logged[cut:]), "claude-sonnet-4.5", "anthropic") if logged[cut:] else 0
    )
    assert whole == parts


@settings(max_examples=40, deadline=None)
@given(st.lists(records, min_size=1, max_size=12))
def test_the_same_calls_twice_without_ids_cost_exactly_double(logged: list[UsageRecord]) -> None:
    once = _price(_table(logged), "deepseek-v4-flash", "deepseek")
    assert _price(_table(logged + logged), "deepseek-v4-flash", "deepseek") == 2 * once


def test_time_band_by_timestamp_and_batch_prices() -> None:
    index = open_catalog(CatalogChoice(version=PINNED))
    offer = next(
        o for o in index.offers("deepseek-v4-flash") if o.provider == "deepseek" and not o.region
    )
    (band,) = offer.time_bands
    call = {"model": "deepseek-v4-flash", "input": 1_000_000, "output": 0}
    # weekday peak band 06:00-10:00 UTC: a Wednesday 08:00 call bills at the band's $0.44,
    # a Sunday 08:00 call at the base $0.22
    wednesday = UsageRecord(timestamp=dt.datetime(2026, 8, 5, 8, tzinfo=dt.UTC), **call)
    sunday = UsageRecord(timestamp=dt.datetime(2026, 8, 9, 8, tzinfo=dt.UTC), **call)
    assert _price(_table([wednesday]), "deepseek-v4-flash", "deepseek") == band.input
    assert _price(_table([sunday]), "deepseek-v4-flash", "deepseek") == offer.input
    gpt = UsageRecord(model="gpt-4o", input=100_000, output=10_000, batch=True)
    # gpt-4o batch: $1.25 in + $5 out per million: 0.125 + 0.05
    assert _price(_table([gpt]), "gpt-4o", "openai") == Decimal("0.175")


def test_one_hour_writes_and_targets_without_write_prices() -> None:
    hour = UsageRecord(model="claude-haiku-4.5", cache_write_1h=100_000)
    # no 1-hour price in the catalog yet: the 5-minute write price ($1.25), said in the notes
    assert _price(_table([hour]), "claude-haiku-4.5", "anthropic") == Decimal("0.125")
    # gpt-4o caches automatically (a read price, no write price): writes bill as input ($2.50)
    assert _price(_table([hour]), "gpt-4o", "openai") == Decimal("0.25")
    # a window the call does not fit is capped: 300,000 written tokens into haiku's 200,000
    capped = UsageRecord(model="claude-haiku-4.5", cache_write_5m=300_000)
    assert _price(_table([capped]), "claude-haiku-4.5", "anthropic") == Decimal("0.25")


def test_one_hour_writes_at_the_one_hour_price_where_the_catalog_has_it() -> None:
    hour = UsageRecord(model="claude-haiku-4.5", cache_write_1h=100_000)
    index = open_catalog(CatalogChoice(version="2026-11-27"))
    offer = next(
        o for o in index.offers("claude-haiku-4.5") if o.provider == "anthropic" and not o.region
    )
    assert offer.cache_write_1h is not None and offer.cache_write_1h > offer.cache_write
    # 100,000 one-hour write tokens x the 1-hour price per million
    expected = Decimal(100_000) * offer.cache_write_1h / 1_000_000
    assert _price(_table([hour]), "claude-haiku-4.5", "anthropic", "2026-11-27") == expected


def test_a_log_folder_split_into_two_files_gives_the_same_result(tmp_path: Path) -> None:
    lines = (LOGS / "openai_chat.jsonl").read_text().splitlines()
    (tmp_path / "a.jsonl").write_text(lines[0] + "\n")
    (tmp_path / "b.jsonl").write_text(lines[1] + "\n")
    split = run(tmp_path, models=("gpt-5-mini",), providers=("openai",))
    shutil.copy(LOGS / "openai_chat.jsonl", tmp_path / "whole.jsonl")
    whole = run(tmp_path / "whole.jsonl", models=("gpt-5-mini",), providers=("openai",))
    assert [x.cost.period_cost for x in split.lines] == [x.cost.period_cost for x in whole.lines]


def test_split_long_calls_repeat_the_output_per_chunk() -> None:
    split = run(
        LOGS / "claude-projects",
        models=("deepseek-v3.2",),
        providers=("deepseek",),
        long_inputs="split",
    ).lines[1]
    # msg_014: its prompt in chunks that fit the window: 2 calls, each billed the call's 2,000
    # output tokens; the prompt is billed once, whole
    assert "long calls split into 2 calls" in split.cost.notes
    capped = run(LOGS / "claude-projects", models=("deepseek-v3.2",), providers=("deepseek",))
    factor, _ = claude_to_deepseek()
    extra_prompt = (205005 - sum(compacted_parts(factor))) * factor * Fraction("0.2288")
    extra_output = 2000 * factor * Fraction("0.3432")
    difference = Fraction(split.cost.period_cost) - Fraction(capped.lines[1].cost.period_cost)
    assert abs(difference - (extra_prompt + extra_output) / 1_000_000) < Fraction(1, 10**18)


def test_batch_result_files_price_at_batch_prices_where_the_offer_has_them() -> None:
    # OpenAI Batch output: gpt-4o batch prices $1.25 in / $5 out: 3,000 x 1.25 + 600 x 5 = 6,750
    openai = source_line(run(LOGS / "openai_batch_output.jsonl"), "gpt-4o")
    assert openai.period_cost == Decimal("0.00675")
    assert "2 calls at batch prices" in openai.notes
    # Anthropic Message Batches: the catalog has no batch price for haiku 4.5, so real time:
    # 1,000 x 1 + 200 x 5 = 2,000 -> $0.002, and the note says so
    anthropic = source_line(run(LOGS / "anthropic_batch_results.jsonl"), "claude-haiku-4.5")
    assert anthropic.period_cost == Decimal("0.002")
    assert "1 batch calls at real-time prices (no batch price)" in anthropic.notes


def test_replay_runs_from_python_without_the_cli() -> None:
    import subprocess
    import sys

    code = (
        "import sys\n"
        "from pathlib import Path\n"
        "from tokenexport_cli.api.replay import ReplayRequest, replay\n"
        f"result = replay(ReplayRequest(paths=(Path({str(LOGS / 'gemini.jsonl')!r}),), "
        "alternatives=1))\n"
        "print(len(result.lines), sorted(m for m in ('typer', 'rich', 'click') "
        "if m in sys.modules))"
    )
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert run.stdout.strip() == "2 []"
