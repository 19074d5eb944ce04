"""Workload file rules: each one's exact message (file:line: key.path: problem; where msgspec
words the problem, only the place is asserted), volume and traffic expansion."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from tokenexport_cli.errors import DataError
from tokenexport_cli.workload import load_workload
from tokenexport_cli.workload.traffic import HOURS_PER_WEEK, normalise, traffic_profile

BASE = """\
name: test
requests_per_day: 100
inputs:
  - path: prompt.txt
output_tokens:
  fixed: 50
"""


def write(tmp_path: Path, text: str) -> Path:
    (tmp_path / "prompt.txt").write_text("Summarise this.\n")
    (tmp_path / "chat.jsonl").write_text('{"messages": [{"role": "user", "content": "hi"}]}\n')
    path = tmp_path / "w.yaml"
    path.write_text(text)
    return path


def error_of(tmp_path: Path, text: str) -> str:
    path = write(tmp_path, text)
    with pytest.raises(DataError) as caught:
        load_workload(path)
    message = str(caught.value)
    assert message.startswith(f"{path}:"), message
    return message[len(f"{path}:") :]


def test_minimal_workload_defaults(tmp_path: Path) -> None:
    workload = load_workload(write(tmp_path, BASE))
    assert workload.name == "test"
    assert workload.requests_per_month == Decimal("3044.00")
    assert workload.cache_hit_rate == 0 and workload.batch_fraction == 0
    assert workload.traffic.timezone == "UTC"
    assert workload.traffic.weights == normalise([Decimal(1)] * HOURS_PER_WEEK)
    assert workload.system_prompt is None
    assert [request.parts for request in workload.requests()] == [("Summarise this.\n",)]


def test_monthly_volume_is_taken_as_given(tmp_path: Path) -> None:
    text = BASE.replace("requests_per_day: 100", "requests_per_month: 12345.5")
    assert load_workload(write(tmp_path, text)).requests_per_month == Decimal("12345.5")


# Stands for a problem that msgspec words (a type or bound): tokx only promises where it is.
VALIDATOR_WORDS = "<msgspec's words>"

RULES = [
    # (old, new, expected "line: key.path: problem")
    ("name: test\n", "", "1: name: missing required key 'name'"),
    ("name: test\n", "name: ''\n", "1: name: " + VALIDATOR_WORDS),
    ("name: test\n", "name: test\ncolour: blue\n", "2: colour: unknown key 'colour'"),
    (
        "requests_per_day: 100\n",
        "",
        "1: requests_per_day: missing; give requests_per_day or requests_per_month",
    ),
    (
        "requests_per_day: 100\n",
        "requests_per_day: 100\nrequests_per_month: 3000\n",
        "3: requests_per_month: give requests_per_day or requests_per_month, not both",
    ),
    (
        "requests_per_day: 100",
        "requests_per_day: -5",
        "2: requests_per_day: must not be negative (got -5)",
    ),
    ("requests_per_day: 100", "requests_per_day: lots", "2: requests_per_day: expected a number"),
    (
        "requests_per_day: 100",
        "requests_per_day: 100\ngrowth_percent_per_month: -100",
        "3: growth_percent_per_month: must be above -100 (got -100)",
    ),
    (
        "requests_per_day: 100",
        "requests_per_day: 100\ncache_hit_rate: 1.5",
        "3: cache_hit_rate: must be between 0 and 1 (got 1.5)",
    ),
    (
        "requests_per_day: 100",
        "requests_per_day: 100\nbatch_fraction: -0.1",
        "3: batch_fraction: must be between 0 and 1 (got -0.1)",
    ),
    (
        "requests_per_day: 100",
        "requests_per_day: 100\ncache_hit_rate: true",
        "3: cache_hit_rate: " + VALIDATOR_WORDS,
    ),
    (
        "inputs:\n  - path: prompt.txt\n",
        "inputs: []\n",
        "3: inputs: " + VALIDATOR_WORDS,
    ),
    (
        "  - path: prompt.txt\n",
        "  - path: prompt.txt\n    glob: '*.txt'\n",
        "4: inputs[0]: give exactly one of path, glob, chat_jsonl, usage_csv, logs",
    ),
    (
        "  - path: prompt.txt\n",
        "  - {}\n",
        "4: inputs[0]: give exactly one of path, glob, chat_jsonl, usage_csv, logs",
    ),
    ("  - path: prompt.txt\n", "  - url: http://x\n", "4: inputs[0].url: unknown key 'url'"),
    (
        "  - path: prompt.txt\n",
        "  - path: nope.txt\n",
        "4: inputs[0].path: 'nope.txt' not found (in {dir})",
    ),
    (
        "  - path: prompt.txt\n",
        "  - glob: '*.md'\n",
        "4: inputs[0].glob: '*.md' matched no files (in {dir})",
    ),
    (
        "  - path: prompt.txt\n",
        "  - path: prompt.txt\n  - chat_jsonl: missing.jsonl\n",
        "5: inputs[1].chat_jsonl: 'missing.jsonl' not found (in {dir})",
    ),
    ("output_tokens:\n  fixed: 50\n", "", "1: output_tokens: missing required key 'output_tokens'"),
    (
        "  fixed: 50\n",
        "  fixed: 50\n  ratio: 0.5\n",
        "5: output_tokens: give exactly one of fixed, ratio, from_logs",
    ),
    ("  fixed: 50\n", "  fixed: -1\n", "6: output_tokens.fixed: " + VALIDATOR_WORDS),
    ("  fixed: 50\n", "  ratio: -0.5\n", "6: output_tokens.ratio: must not be negative (got -0.5)"),
    (
        "  fixed: 50\n",
        "  from_logs: false\n",
        "6: output_tokens.from_logs: must be true when given; use fixed or ratio instead",
    ),
    (
        "  fixed: 50\n",
        "  from_logs: true\n",
        "6: output_tokens.from_logs: no input records output tokens; add a chat_jsonl or usage_csv input",
    ),
    (
        "name: test\n",
        "name: test\nsystem_prompt: Be brief.\nsystem_prompt_file: prompt.txt\n",
        "3: system_prompt_file: give system_prompt or system_prompt_file, not both",
    ),
    (
        "name: test\n",
        "name: test\nsystem_prompt_file: sys.md\n",
        "2: system_prompt_file: 'sys.md' not found",
    ),
    ("name: test\n", "name: test\ntraffic: nightly\n", "2: traffic: invalid enum value 'nightly'"),
    (
        "name: test\n",
        "name: test\ntraffic:\n  preset: uniform\n  weights: {mon: ["
        + ", ".join(["1"] * 24)
        + "]}\n",
        "2: traffic: give either 'preset' or 'weights'",
    ),
    ("name: test\n", "name: test\ntraffic: {}\n", "2: traffic: give either 'preset' or 'weights'"),
    (
        "name: test\n",
        "name: test\ntraffic:\n  preset: weekdays\n  timezone: Mars/Olympus\n",
        "4: traffic.timezone: unknown timezone 'Mars/Olympus'",
    ),
    (
        "name: test\n",
        "name: test\ntraffic:\n  weights: [1, 2, 3]\n",
        "3: traffic.weights: expected 168 hour-of-week weights (Monday 00:00 first), got 3",
    ),
    (
        "name: test\n",
        "name: test\ntraffic:\n  weights:\n    mon: [1, 2]\n",
        "4: traffic.weights.mon: expected 24 hourly weights, got 2",
    ),
    (
        "name: test\n",
        "name: test\ntraffic:\n  weights:\n    mon: [" + ", ".join(["1"] * 23) + ", -2]\n",
        "4: traffic.weights.mon[23]: must not be negative (got -2)",
    ),
    (
        "name: test\n",
        "name: test\ntraffic:\n  weights:\n    mon: [" + ", ".join(["0"] * 24) + "]\n",
        "3: traffic.weights: weights must not all be zero",
    ),
    (
        "name: test\n",
        "name: test\ntraffic:\n  weights:\n    funday: [1]\n",
        "3: traffic.weights: unknown key 'funday'",
    ),
    ("name: test\n", "name: test\nname: again\n", "2: duplicate key 'name'"),
    ("name: test\n", "name: &n test\n", "1: YAML anchors and aliases are not allowed"),
]


@pytest.mark.parametrize(("old", "new", "expected"), RULES)
def test_rule_message(tmp_path: Path, old: str, new: str, expected: str) -> None:
    assert old in BASE
    message = error_of(tmp_path, BASE.replace(old, new, 1))
    expected = expected.replace("{dir}", str(tmp_path))
    if expected.endswith(VALIDATOR_WORDS):
        where = expected.removesuffix(VALIDATOR_WORDS)
        assert message.startswith(where) and len(message) > len(where), message
        assert "\n" not in message
    else:
        assert message == expected


def test_all_problems_are_reported_together(tmp_path: Path) -> None:
    text = BASE.replace("requests_per_day: 100", "requests_per_day: 100\ncache_hit_rate: 2")
    text = text.replace("fixed: 50", "ratio: -0.5")
    path = write(tmp_path, text)
    with pytest.raises(DataError) as caught:
        load_workload(path)
    assert str(caught.value) == (
        f"{path}:3: cache_hit_rate: must be between 0 and 1 (got 2) (and 1 more problems)"
    )
    assert caught.value.problems == [  # type: ignore[attr-defined]
        f"{path}:3: cache_hit_rate: must be between 0 and 1 (got 2)",
        f"{path}:7: output_tokens.ratio: must not be negative (got -0.5)",
    ]


def test_semantic_problems_are_reported_together(tmp_path: Path) -> None:
    text = BASE.replace("requests_per_day: 100", "requests_per_day: 100\nrequests_per_month: 9")
    text = text.replace("fixed: 50", "from_logs: false")
    path = write(tmp_path, text)
    with pytest.raises(DataError) as caught:
        load_workload(path)
    assert len(caught.value.problems) == 2  # type: ignore[attr-defined]
    assert caught.value.problems[1] == (  # type: ignore[attr-defined]
        f"{path}:7: output_tokens.from_logs: must be true when given; use fixed or ratio instead"
    )


def test_oversized_workload_file_is_refused(tmp_path: Path) -> None:
    path = write(tmp_path, BASE + "#" * (1024 * 1024))
    with pytest.raises(DataError, match="over the 1,048,576-byte limit"):
        load_workload(path)


def test_system_prompt_file_is_read_relative_to_the_workload(tmp_path: Path) -> None:
    (tmp_path / "prompts").mkdir()
    (tmp_path / "prompts" / "system.md").write_text("You are terse.")
    text = BASE + "system_prompt_file: prompts/system.md\ncache_hit_rate: 0.8\n"
    workload = load_workload(write(tmp_path, text))
    assert workload.system_prompt == "You are terse."
    assert workload.cache_hit_rate == Decimal("0.8")


def test_business_hours_preset_in_a_timezone() -> None:
    from tokenexport_cli.workload.traffic import TrafficSpec

    profile = traffic_profile(TrafficSpec(preset="business-hours", timezone="America/New_York"))
    assert profile.timezone == "America/New_York"
    assert sum(profile.weights) == 1
    busy = [hour for hour, weight in enumerate(profile.weights) if weight]
    # Monday to Friday, 09:00 to 17:59 local time
    assert busy == [day * 24 + hour for day in range(5) for hour in range(9, 18)]
    assert profile.weights[9] == Decimal(1) / 45


def test_weekdays_preset_as_a_bare_word_is_utc() -> None:
    profile = traffic_profile("weekdays")
    assert profile.timezone == "UTC"
    assert [bool(weight) for weight in profile.weights] == [True] * 120 + [False] * 48
    assert sum(profile.weights) == 1


def test_weights_by_day_leave_other_days_empty(tmp_path: Path) -> None:
    day = ", ".join(["0"] * 12 + ["3"] + ["0"] * 10 + ["1"])
    text = BASE + f"traffic:\n  timezone: Asia/Shanghai\n  weights:\n    sat: [{day}]\n"
    profile = load_workload(write(tmp_path, text)).traffic
    assert profile.timezone == "Asia/Shanghai"
    saturday = 5 * 24
    assert profile.weights[saturday + 12] == Decimal("0.75")
    assert profile.weights[saturday + 23] == Decimal("0.25")
    assert sum(profile.weights) == 1 and len(profile.weights) == 168


def test_168_weights_are_normalised_to_sum_exactly_to_one(tmp_path: Path) -> None:
    weights = ", ".join(str(hour % 7 + 1) for hour in range(168))
    profile = load_workload(write(tmp_path, BASE + f"traffic:\n  weights: [{weights}]\n")).traffic
    assert sum(profile.weights) == Decimal(1)
    assert profile.weights[6] == 7 * profile.weights[0]
