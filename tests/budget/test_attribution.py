"""Which file moved the cost: per-file counts of a workload and their token changes priced at the
workload's average input and output token prices (figures worked by hand)."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import msgspec
import pytest

from tokenexport_cli.budget.attribution import (
    NO_FILE_COUNTS,
    FileTokens,
    TokenProfile,
    attribute,
    token_profile,
)
from tokenexport_cli.budget.baseline import Baseline, BaselineEntry, read_baseline
from tokenexport_cli.pricing.engine import Breakdown, CostLine


def profile(files: tuple[FileTokens, ...], **figures: object) -> TokenProfile:
    base: dict[str, object] = {
        "family": "o200k_base",
        "requests": 4,
        "input_tokens": 1000,
        "output_tokens": 400,
        "monthly_input": Decimal("30"),
        "monthly_output": Decimal("60"),
    }
    return TokenProfile(files=files, **{**base, **figures})  # type: ignore[arg-type]


def tokens(
    path: str, input_tokens: int, output_tokens: int = 0, shared: bool = False
) -> FileTokens:
    return FileTokens(
        path=path,
        shared=shared,
        requests=4 if shared else 1,
        input_tokens=input_tokens,
        output_tokens=output_tokens,
    )


def test_hand_worked_cost_changes() -> None:
    # The newer side: 4 samples with 1,000 input and 400 output tokens in all; its monthly cost
    # is $30 on the input side and $60 on the output side, so an input token of the samples
    # costs 30/1000 = $0.03 a month and an output token 60/400 = $0.15.
    before = profile(
        (
            tokens("system.md", 50, shared=True),
            tokens("a.txt", 100, 40),
            tokens("old.txt", 200, 80),
            tokens("same.txt", 300, 120),
        )
    )
    after = profile(
        (
            tokens("system.md", 60, shared=True),
            tokens("a.txt", 150, 60),
            tokens("same.txt", 300, 120),
            tokens("new.txt", 10, 2),
        )
    )
    found = attribute(before, after)
    assert found.note is None
    by_path = {change.path: change for change in found.changes}
    # a.txt: +50 input x 0.03 + 20 output x 0.15 = 1.50 + 3.00
    assert by_path["a.txt"].cost_change == Decimal("4.5")
    # system.md: +10 tokens on each of the 4 samples = 40 input tokens x 0.03
    assert by_path["system.md"].cost_change == Decimal("1.2")
    # old.txt removed: -(200 x 0.03 + 80 x 0.15) = -(6 + 12)
    assert by_path["old.txt"].cost_change == Decimal("-18")
    assert (by_path["old.txt"].input_before, by_path["old.txt"].input_after) == (200, None)
    # new.txt: 10 x 0.03 + 2 x 0.15 = 0.30 + 0.30
    assert by_path["new.txt"].cost_change == Decimal("0.6")
    assert by_path["new.txt"].input_before is None
    assert "same.txt" not in by_path  # unchanged files are not named
    # largest change first, whatever its sign
    assert [c.path for c in found.changes] == ["old.txt", "a.txt", "system.md", "new.txt"]


def test_notes_instead_of_files() -> None:
    current = profile((tokens("a.txt", 1),))
    assert attribute(None, current).note == NO_FILE_COUNTS
    assert attribute(None, current).changes == ()
    other = profile((tokens("a.txt", 1),), family="deepseek-v3")
    assert "deepseek-v3, now o200k_base" in (attribute(other, current).note or "")
    assert attribute(current, None).note is not None


def test_free_workload_moves_nothing() -> None:
    free = profile((tokens("a.txt", 10),), monthly_input=Decimal(0), monthly_output=Decimal(0))
    changed = profile((tokens("a.txt", 20),), monthly_input=Decimal(0), monthly_output=Decimal(0))
    assert attribute(free, changed).changes[0].cost_change == 0


def _line(breakdown: Breakdown) -> CostLine:
    return CostLine(
        "m", "p", None, "direct", "USD", breakdown.total, Decimal(0), breakdown, Decimal(1), None
    )


def test_profile_splits_cost_and_traces_counts_to_files(tmp_path: Path) -> None:
    from tokenexport_cli.tokens.workload_counts import count_workload
    from tokenexport_cli.workload.load import load_workload

    (tmp_path / "prompts").mkdir()
    (tmp_path / "prompts" / "a.txt").write_text("Summarise the billing ticket below.")
    (tmp_path / "prompts" / "b.txt").write_text("Summarise the delivery ticket below, briefly.")
    (tmp_path / "system.md").write_text("You are a careful support agent.")
    (tmp_path / "w.yaml").write_text(
        "name: w\nrequests_per_day: 100\ninputs:\n  - path: prompts\n"
        "system_prompt_file: system.md\noutput_tokens:\n  ratio: 0.5\n"
    )
    workload = load_workload(tmp_path / "w.yaml")
    counts = count_workload(workload, "o200k_base")
    # list prices: input side 2 + 1 + 0 = 3, output side 6; batch savings -1 share the split
    breakdown = Breakdown(*[Decimal(v) for v in (2, 1, 0, 6, 0, 0, -1, 0)])
    found = token_profile(workload, counts, _line(breakdown), tmp_path)
    assert found.monthly_input == Decimal("2.666666666666666666666666667")  # 8 x 3/9
    assert found.monthly_input + found.monthly_output == 8
    by_path = {f.path: f for f in found.files}
    assert set(by_path) == {"prompts/a.txt", "prompts/b.txt", "system.md"}
    assert by_path["system.md"].shared and by_path["system.md"].requests == 2
    assert by_path["system.md"].input_tokens == counts.prefix > 0
    assert sorted(f.input_tokens for f in found.files if not f.shared) == sorted(counts.prompts)
    assert found.input_tokens == sum(counts.prompts) + 2 * counts.prefix
    assert found.output_tokens == sum(f.output_tokens for f in found.files) == sum(counts.outputs)


def test_version_1_baselines_stay_readable(tmp_path: Path) -> None:
    old = {
        "schema_version": 1,
        "catalog_version": "2026-08-21",
        "created": "2026-11-23T12:11:05+00:00",
        "workloads": [
            {
                "name": "w",
                "model": "m",
                "provider": "p",
                "currency": "USD",
                "monthly": "1.5",
                "per_1k_requests": "0.05",
                "workload_digest": "sha256:0",
            }
        ],
    }
    path = tmp_path / "old.json"
    path.write_bytes(msgspec.json.encode(old))
    baseline = read_baseline(path)
    assert isinstance(baseline, Baseline)
    entry = baseline.entry("w")
    assert isinstance(entry, BaselineEntry) and entry.tokens is None
    path.write_bytes(msgspec.json.encode({**old, "schema_version": 3}))
    from tokenexport_cli.errors import DataError

    with pytest.raises(DataError):
        read_baseline(path)
