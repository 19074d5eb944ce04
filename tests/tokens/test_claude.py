"""Claude reconstruction: agrees with ctok 1.3.0's counts within the stated bound; sampled counts
carry an interval computed from the sample that contains the full reconstruction."""

from __future__ import annotations

import json
import random
from decimal import Decimal
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tokenexport_cli.cli import app
from tokenexport_cli.tokens import reconstruct
from tokenexport_cli.tokens.claude import RECONSTRUCTION_BOUND, count_content
from tokenexport_cli.tokens.counting import count_paths, count_text
from tokenexport_cli.tokens.results import ReconstructedFamily

FIXTURE = json.loads(
    (Path(__file__).parent / "fixtures" / "claude_reference.json").read_text(encoding="utf-8")
)
ROWS = FIXTURE["rows"]
FAMILIES = ("claude", "claude-v4.7")


def _within_bound(ours: int, reference: int) -> bool:
    return abs(ours - reference) <= max(1, RECONSTRUCTION_BOUND * reference)


def _spec(name: str) -> ReconstructedFamily:
    return ReconstructedFamily(
        name, "o200k_base", Decimal("1.3"), Decimal("0.2"), "test", bound=RECONSTRUCTION_BOUND
    )


@pytest.mark.parametrize("family", FAMILIES)
def test_every_fixture_text_agrees_within_the_bound(family: str) -> None:
    misses = [
        (row["class"], count_content(row["text"], family), row["content_tokens"][family])
        for row in ROWS
        if not _within_bound(count_content(row["text"], family), row["content_tokens"][family])
    ]
    assert misses == []


def test_fixture_covers_english_chinese_code_and_emoji() -> None:
    classes = {row["class"] for row in ROWS}
    assert {"english", "chinese", "code", "mixed"} <= classes
    assert any("😀" in row["text"] for row in ROWS)


def test_count_text_reports_reconstructed_count_with_its_bound() -> None:
    row = next(row for row in ROWS if row["class"] == "english")
    (count,) = count_text(row["text"], [_spec("claude")])
    assert count.reconstructed and not count.exact
    assert count.low <= row["content_tokens"]["claude"] <= count.high
    assert count.band == RECONSTRUCTION_BOUND


def _big_file(tmp_path: Path) -> tuple[Path, str]:
    rng = random.Random(5)
    texts = [row["text"] for row in ROWS if row["class"] in ("english", "chinese", "code")]
    parts: list[str] = []
    while sum(len(p.encode()) for p in parts) < 400_000:
        parts.append(rng.choice(texts))
    text = "\n".join(parts) + "\n"
    path = tmp_path / "big.txt"
    path.write_text(text, encoding="utf-8")
    return path, text


@pytest.mark.parametrize("family", FAMILIES)
def test_sampled_interval_contains_the_full_reconstruction(tmp_path: Path, family: str) -> None:
    path, text = _big_file(tmp_path)
    assert path.stat().st_size > reconstruct.FULL_BYTES
    report = count_paths([path], ["o200k_base", _spec(family)], jobs=1)
    total = report.totals[1]
    full = count_content(text, family)
    assert total.reconstructed
    assert total.low <= full <= total.high
    # The interval comes from the sample: wider than the reconstruction's own bound.
    assert total.band is not None and total.band > RECONSTRUCTION_BOUND


def test_interval_is_computed_from_the_segments() -> None:
    steady = [(120, 100)] * 10
    noisy = [(100, 100), (140, 100)] * 5
    _, steady_variance = reconstruct.ratio_and_variance(steady)
    _, noisy_variance = reconstruct.ratio_and_variance(noisy)
    assert steady_variance == 0.0
    assert noisy_variance is not None and noisy_variance > 0.0


def test_cli_prints_reconstructed_counts_within_two_percent(tmp_path: Path) -> None:
    folder = tmp_path / "texts"
    folder.mkdir()
    for index, row in enumerate(ROWS):
        (folder / f"{index:03d}-{row['class']}.txt").write_text(row["text"], encoding="utf-8")
    models = "claude-sonnet-4.5,claude-opus-4.7"
    result = CliRunner().invoke(app, ["tokens", str(folder), "-m", models, "--format", "json"])
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    totals = {t["family"]: t for t in payload["totals"]}
    for family in FAMILIES:
        reference = sum(row["content_tokens"][family] for row in ROWS)
        shown = totals[family]
        assert shown["kind"] == "reconstructed"
        assert abs(shown["tokens"] - reference) <= Decimal("0.02") * reference
        assert shown["low"] <= reference <= shown["high"]
    for item in payload["inputs"]:
        row = ROWS[int(Path(item["source"]).name[:3])]
        for count in item["counts"]:
            assert count["low"] <= row["content_tokens"][count["family"]] <= count["high"]


def test_table_marks_reconstructed_counts(tmp_path: Path) -> None:
    path = tmp_path / "one.txt"
    path.write_text(ROWS[0]["text"], encoding="utf-8")
    result = CliRunner().invoke(app, ["tokens", str(path), "-m", "claude-opus-4.7"])
    assert result.exit_code == 0, result.output
    assert "≈" in result.stdout and "reconstructed" in result.stdout


def test_vocabulary_data_ships_verified_with_its_licence() -> None:
    from tokenexport_cli.tokens.registry import DATA_DIR, read_verified
    from tokenexport_cli.tokens.sources import RECONSTRUCTION_SOURCES

    provenance = (DATA_DIR / "PROVENANCE.md").read_text(encoding="utf-8")
    for source in RECONSTRUCTION_SOURCES:
        assert len(read_verified(source)) == source.size  # raises DataError on a hash mismatch
        assert source.sha256 in provenance
        assert all((DATA_DIR / "licenses" / name).is_file() for name in source.licence_files)


def test_many_small_files_are_sampled_as_a_group(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(reconstruct, "MIN_SAMPLE", 6_000)
    rng = random.Random(9)
    texts = [row["text"] for row in ROWS if row["class"] in ("english", "code")]
    paths = []
    for index in range(60):
        path = tmp_path / f"{index:02d}.txt"
        path.write_text("\n".join(rng.choice(texts) for _ in range(3)), encoding="utf-8")
        paths.append(path)
    report = count_paths(paths, ["o200k_base", _spec("claude")], jobs=1)
    total = report.totals[1]
    full = sum(count_content(path.read_text(encoding="utf-8"), "claude") for path in paths)
    assert total.low <= full <= total.high
    assert total.band is not None and total.band > RECONSTRUCTION_BOUND
