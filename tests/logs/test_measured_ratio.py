"""Counts converted by the ratio measured on the log's own request text: a Chinese log replayed
onto Claude gets the ratio of counting its texts directly, with an interval that contains the
point and the band shown containing it; a log given twice still doubles nothing; a log without
text (or too few calls) keeps the catalog's global ratio."""

from __future__ import annotations

import json
import re
import shutil
from fractions import Fraction
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from tokenexport_cli.api.choices import CatalogChoice, open_catalog
from tokenexport_cli.api.replay import ReplayRequest, ReplayResult, replay
from tokenexport_cli.logs.measured_ratio import MIN_CALLS, measure
from tokenexport_cli.logs.text_sample import SAMPLE_CALLS, TextSample
from tokenexport_cli.pricing.engine import to_decimal
from tokenexport_cli.tokens.claude import count_content
from tokenexport_cli.tokens.registry import encoder

LOGS = Path(__file__).parent.parent / "fixtures" / "logs"
CHINESE = LOGS / "openai_chinese_pairs.jsonl"
PINNED = CatalogChoice(version="2026-08-21")
NOTE = re.compile(r"ratio measured on (\d+) calls of this log: ([\d.]+) \[([\d.]+), ([\d.]+)\]")


def run(*paths: Path, model: str = "claude-sonnet-4.5") -> ReplayResult:
    return replay(
        ReplayRequest(
            paths=paths, catalog=PINNED, models=(model,), providers=("anthropic",), alternatives=0
        )
    )


def _direct_ratio() -> tuple[Fraction, int, int, int]:
    """Each call's messages counted here, Claude by the reconstruction, against o200k_base;
    and the log's recorded input and output totals."""
    claude = o200k = inputs = outputs = 0
    for line in CHINESE.read_text(encoding="utf-8").splitlines():
        call = json.loads(line)
        text = "\n".join(message["content"] for message in call["request"]["messages"])
        claude += count_content(text, "claude")
        o200k += encoder("o200k_base").count(text)
        inputs += call["response"]["usage"]["prompt_tokens"]
        outputs += call["response"]["usage"]["completion_tokens"]
    return Fraction(claude, o200k), inputs, outputs, len(CHINESE.read_text().splitlines())


def test_a_chinese_log_on_claude_takes_the_ratio_of_its_own_text() -> None:
    result = run(CHINESE)
    source, target = result.lines
    assert source.cost.model == "gpt-4o" and target.cost.model == "claude-sonnet-4.5"
    ratio, inputs, outputs, calls = _direct_ratio()
    (note,) = [n for n in target.cost.notes if "measured on" in n]
    found = NOTE.search(note)
    assert found is not None
    assert int(found[1]) == calls
    point, low, high = (float(found[i]) for i in (2, 3, 4))
    assert point == round(float(ratio), 3)
    assert low <= point <= high  # the interval contains the point
    band = float(target.cost.band_percent or 0) / 100
    assert point * (1 - band) <= float(ratio) <= point * (1 + band)  # and so does the band
    # Chinese counts ~1.45x o200k_base on Claude (the catalog's measured Chinese ratio); the
    # global 1.27 every call got before lies outside what this log's text shows
    index = open_catalog(PINNED)
    family = index.tokenizers["claude"]
    assert family.measured is not None and family.factor is not None
    assert low <= float(family.measured.chinese) <= high
    assert not low <= float(family.factor) <= high
    # the cost is the recorded counts times that ratio at Sonnet 4.5's list prices ($3/$15)
    expected = (inputs * 3 + outputs * 15) * ratio / 1_000_000
    assert target.cost.period_cost == to_decimal(expected)


def test_the_same_calls_given_twice_measure_and_price_the_same(tmp_path: Path) -> None:
    once = run(CHINESE)
    doubled = tmp_path / "doubled.jsonl"
    doubled.write_text(CHINESE.read_text() * 2)  # every call logged twice, same ids
    shutil.copy(CHINESE, tmp_path / "copy.jsonl")
    twice = run(CHINESE, doubled, tmp_path / "copy.jsonl")
    assert twice.requests == once.requests
    assert [line.cost for line in twice.lines] == [line.cost for line in once.lines]


def test_too_few_calls_with_text_keep_the_global_ratio(tmp_path: Path) -> None:
    few = tmp_path / "few.jsonl"
    few.write_text("".join(CHINESE.read_text().splitlines(keepends=True)[: MIN_CALLS - 1]))
    (target,) = [line for line in run(few).lines if line.role == "target"]
    assert not any("measured on" in note for note in target.cost.notes)
    assert "by the measured ratio 1.270" in " ".join(target.cost.notes)


def test_a_log_without_request_text_keeps_the_global_ratio() -> None:
    (target,) = [line for line in run(LOGS / "openai_chat.jsonl").lines if line.role == "target"]
    assert not any("measured on" in note for note in target.cost.notes)


def test_measure_needs_enough_calls_and_counts_every_one() -> None:
    texts = [f"第{n}次：今天天气很好，我们去公园散步。" for n in range(MIN_CALLS)]
    assert measure(texts[:-1], "o200k_base", "cl100k_base") is None
    measured = measure(texts, "o200k_base", "cl100k_base")
    assert measured is not None and measured.calls == MIN_CALLS
    o200k = sum(encoder("o200k_base").count(t) for t in texts)
    cl100k = sum(encoder("cl100k_base").count(t) for t in texts)
    assert measured.factor == Fraction(cl100k, o200k)  # exact families: no counting error
    assert measured.low <= measured.factor <= measured.high


@settings(max_examples=30, deadline=None)
@given(st.lists(st.integers(0, 3), min_size=1, max_size=400))
def test_the_sample_stays_bounded_and_keeps_each_call_once(sources: list[int]) -> None:
    sample = TextSample()
    for number, source in enumerate(sources):
        slot = sample.slot(source)
        if slot is not None:
            sample.put(source, slot, f"call {number}")
    for source in set(sources):
        kept = sample.of(source)
        offered = sources.count(source)
        assert len(kept) == min(offered, SAMPLE_CALLS)
        assert len(set(kept)) == len(kept)
        assert all(sources[int(text.split()[1])] == source for text in kept)


def test_reconstruction_is_bounded_for_the_whole_log_and_counts_each_text_once() -> None:
    from tokenexport_cli.logs.measured_ratio import TOTAL_RECONSTRUCT_BYTES, TextCounts
    from tokenexport_cli.tokens.families import family_spec

    claude = family_spec(open_catalog(PINNED), "claude")
    texts = [f"第{n}次：今天天气很好，我们去公园散步。" for n in range(MIN_CALLS)]
    counter = TextCounts()
    first = measure(texts, "o200k_base", claude, counter=counter)
    spent = counter.reconstructed
    assert first is not None and spent == sum(len(t.encode()) for t in texts)
    # the same texts for another target: counted from the memo, no reconstruction spent
    assert measure(texts, claude, "cl100k_base", counter=counter) is not None
    assert counter.reconstructed == spent
    # once the log's budget is spent, a pair needing the reconstruction keeps the catalog ratio
    counter.reconstructed = TOTAL_RECONSTRUCT_BYTES
    others = [text + "。" for text in texts]
    assert measure(others, "o200k_base", claude, counter=counter) is None
    assert measure(others, "o200k_base", "cl100k_base", counter=counter) is not None


def test_the_sample_is_uniform_over_the_calls() -> None:
    """Over many seeds, each part of a long log is kept in proportion to its length (a sample
    biased to the log's start or end fails)."""
    kept = [0] * 4
    for seed in range(200):
        sample = TextSample(seed)
        for number in range(2000):
            slot = sample.slot(0)
            if slot is not None:
                sample.put(0, slot, str(number))
        for text in sample.of(0):
            kept[int(text) * 4 // 2000] += 1
    assert sum(kept) == 200 * SAMPLE_CALLS
    for quarter in kept:  # 3,200 expected in each; a binomial sd is about 49
        assert abs(quarter - 200 * SAMPLE_CALLS / 4) < 300
