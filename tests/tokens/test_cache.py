"""The count cache: hits on unchanged content, re-counts only changed files, keys on data version."""

from __future__ import annotations

from pathlib import Path

import pytest

from tokenexport_cli.tokens import counting
from tokenexport_cli.tokens.cache import CountCache
from tokenexport_cli.tokens.counting import count_paths


@pytest.fixture
def prompts(tmp_path: Path) -> list[Path]:
    folder = tmp_path / "prompts"
    folder.mkdir()
    paths = []
    for i in range(3):
        path = folder / f"p{i}.txt"
        path.write_text(f"prompt number {i}\n" * (i + 1), encoding="utf-8")
        paths.append(path)
    return paths


def _spy(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    counted: list[str] = []
    original = counting._count_range

    def spy(path: str, *args: object) -> object:
        counted.append(Path(path).name)
        return original(path, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(counting, "_count_range", spy)
    return counted


def test_rerun_hits_cache_and_change_recounts_only_that_file(
    prompts: list[Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    counted = _spy(monkeypatch)
    with CountCache(tmp_path / "c.sqlite3") as cache:
        first = count_paths(prompts, ["o200k_base", "qwen"], cache=cache)
        assert sorted(counted) == ["p0.txt", "p1.txt", "p2.txt"]
        counted.clear()
        second = count_paths(prompts, ["o200k_base", "qwen"], cache=cache)
        assert counted == [] and all(item.cached for item in second.inputs)
        assert [i.counts for i in second.inputs] == [i.counts for i in first.inputs]
        prompts[1].write_text("a different prompt, longer than before\n", encoding="utf-8")
        third = count_paths(prompts, ["o200k_base", "qwen"], cache=cache)
        assert counted == ["p1.txt"]
        assert [i.cached for i in third.inputs] == [True, False, True]
        assert third.inputs[1].counts != first.inputs[1].counts


def test_new_family_counts_only_that_family(prompts: list[Path], tmp_path: Path) -> None:
    with CountCache(tmp_path / "c.sqlite3") as cache:
        count_paths(prompts, ["o200k_base"], cache=cache)
        report = count_paths(prompts, ["o200k_base", "cl100k_base"], cache=cache)
        assert not any(item.cached for item in report.inputs)
        assert cache.get(next(iter(_digests(prompts))), "cl100k_base") is not None


def _digests(paths: list[Path]) -> list[str]:
    from tokenexport_cli.tokens.cache import sha256_of

    return [sha256_of(path.open("rb")) for path in paths]


def test_other_data_version_misses(prompts: list[Path], tmp_path: Path) -> None:
    db = tmp_path / "c.sqlite3"
    with CountCache(db) as cache:
        count_paths(prompts, ["qwen"], cache=cache)
    with CountCache(db, version="other") as cache:
        assert all(cache.get(d, "qwen") is None for d in _digests(prompts))


def test_replaced_sequences_survive_a_cache_hit(tmp_path: Path) -> None:
    path = tmp_path / "bad.txt"
    path.write_bytes(b"bad \xff byte\n")
    with CountCache(tmp_path / "c.sqlite3") as cache:
        count_paths([path], ["qwen"], cache=cache)
        again = count_paths([path], ["qwen"], cache=cache).inputs[0]
    assert again.cached and again.warnings[0].count == 1


def test_unwritable_cache_degrades_to_no_cache(prompts: list[Path], tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    cache = CountCache(blocker / "sub" / "c.sqlite3")
    assert not cache.usable
    assert count_paths(prompts, ["qwen"], cache=cache).inputs[0].count_for("qwen").tokens > 0
