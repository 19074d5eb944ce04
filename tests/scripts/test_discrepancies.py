"""scripts/check_discrepancies.py: every offer of the newest catalog against every reference that
carries it; each difference is listed in catalogs/known-differences/<version>.yaml with a reason
and its source, and a hand edit that nothing explains fails the check."""

from __future__ import annotations

import shutil
from pathlib import Path
from types import ModuleType

import pytest

from tokenexport_cli.yamlsafe import load_yaml

REPO = Path(__file__).parents[2]
SCRIPTS = REPO / "scripts"
SHARED = REPO.parent / "shared"
NEWEST = "2026-11-27"

pytestmark = pytest.mark.skipif(
    not (SHARED / "reference-data").is_dir(),
    reason=f"the reference data is not checked out at {SHARED} (it lives beside the repository)",
)


@pytest.fixture
def check(monkeypatch: pytest.MonkeyPatch) -> ModuleType:
    monkeypatch.syspath_prepend(str(SCRIPTS))
    import check_discrepancies

    return check_discrepancies


def test_every_difference_of_the_newest_catalog_is_explained(check: ModuleType) -> None:
    new, stale, found = check.run(SHARED, REPO / "catalogs", NEWEST)
    assert new == []
    assert stale == []
    table = load_yaml(REPO / "catalogs" / "known-differences" / f"{NEWEST}.yaml")
    rows = table["known_differences"]
    assert len(rows) == found  # one row per difference, no more
    assert all(row["reason"] and row["reason_source"] for row in rows)


def test_the_issue_s_named_offers_differ_only_for_a_stated_reason() -> None:
    table = load_yaml(REPO / "catalogs" / "known-differences" / f"{NEWEST}.yaml")
    rows = table["known_differences"]
    direct = [r for r in rows if (r["model"], r["provider"]) == ("deepseek-v3.2", "deepseek")]
    assert {r["source"].split(":")[0] for r in direct} == {"genai-prices", "litellm"}
    assert all("DeepSeek's own list" in r["reason"] for r in direct)
    # OpenRouter offers equal OpenRouter's own API on every price it states; they add only
    # what the API has no field for (tiers, Anthropic's 1-hour writes)
    api = [
        r for r in rows if r["provider"] == "openrouter" and r["source"].startswith("openrouter:")
    ]
    assert api
    assert {r["field"] for r in api} <= {"tiers", "cache_write_1h"}
    assert all(r["reference"] == "-" for r in api)


def _copy(tmp_path: Path) -> Path:
    root = tmp_path / "catalogs"
    shutil.copytree(REPO / "catalogs" / NEWEST, root / NEWEST)
    shutil.copytree(REPO / "catalogs" / "known-differences", root / "known-differences")
    return root


def test_a_hand_edited_price_is_unexplained(check: ModuleType, tmp_path: Path) -> None:
    root = _copy(tmp_path)
    offers = root / NEWEST / "offers" / "deepseek.yaml"
    text = offers.read_text(encoding="utf-8")
    block_start = text.index("- model: deepseek-v3.2\n")
    edited = text[:block_start] + text[block_start:].replace("input: 0.28\n", "input: 0.29\n", 1)
    offers.write_text(edited, encoding="utf-8")
    new, stale, _ = check.run(SHARED, root, NEWEST)
    assert "deepseek-v3.2 @ deepseek: input: catalog 0.29, genai-prices:deepseek-v3.2 0.2288" in new
    # the rows explaining the old value no longer match anything
    assert any(line.startswith("deepseek-v3.2 @ deepseek: input:") for line in stale)
    assert check.main(["--reference", str(SHARED), "--catalogs", str(root)]) == 1


def test_an_unlisted_difference_fails_and_a_complete_table_passes(
    check: ModuleType, tmp_path: Path
) -> None:
    root = _copy(tmp_path)
    assert check.main(["--reference", str(SHARED), "--catalogs", str(root)]) == 0
    table_path = root / "known-differences" / f"{NEWEST}.yaml"
    lines = table_path.read_text(encoding="utf-8").splitlines(keepends=True)
    first_row = next(i for i, line in enumerate(lines) if line.startswith("  - model:"))
    next_row = next(i for i, line in enumerate(lines) if i > first_row and line.startswith("  - "))
    table_path.write_text("".join(lines[:first_row] + lines[next_row:]), encoding="utf-8")
    new, stale, _ = check.run(SHARED, root, NEWEST)
    assert len(new) == 1
    assert stale == []
