"""How the build reads a score's variant and benchmark id from the source's own labels."""

from __future__ import annotations

from pathlib import Path
from types import ModuleType

import pytest

SCRIPTS = Path(__file__).resolve().parents[2] / "scripts"


@pytest.fixture
def extras(monkeypatch: pytest.MonkeyPatch) -> ModuleType:
    monkeypatch.syspath_prepend(str(SCRIPTS))
    import catalog_build.extras

    return catalog_build.extras


@pytest.mark.parametrize(
    ("label", "model", "expected"),
    [
        (
            "SWE-bench Verified (Agentic Coding) [Multiple Attempts (Acc)]",
            "Claude Opus 4 (w/o extended thinking)",
            {
                "thinking": False,
                "agentic": True,
                "attempts": "multiple",
                "variant": "agentic-multiple-attempts",
            },
        ),
        (
            "SWE-bench Verified (Agentless Coding) [Single Patch w/o Test (Acc)]",
            "Kimi K2 0905",
            {"agentic": False, "attempts": "single", "variant": "agentless-single-attempt"},
        ),
        ("SWE Verified (Resolved)", "DeepSeek V3", {"variant": "unspecified"}),
        (
            "GPQA-Diamond",
            "Claude Sonnet 4.5 (Thinking)",
            {"thinking": True, "variant": "unspecified"},
        ),
        ("Terminal-Bench (Terminus)", "GLM-4.6", {"agentic": True, "variant": "agentic"}),
    ],
)
def test_variant_from_labels(
    extras: ModuleType, label: str, model: str, expected: dict[str, object]
) -> None:
    assert extras.variant(label, model) == expected


@pytest.mark.parametrize(
    ("family", "label", "expected"),
    [
        ("Terminal-Bench", "Terminal-Bench Hard", "terminal-bench-hard"),
        ("Terminal-Bench", "Terminal-Bench-Hard", "terminal-bench-hard"),
        ("Terminal-Bench", "Terminal Bench 2.0", "terminal-bench-2.0"),
        ("Terminal-Bench", "TerminalBench [Terminus (Acc)]", "terminal-bench"),
        ("SWE-bench Verified", "SWE Verified (Agent mode)", "swe-bench-verified"),
    ],
)
def test_distinct_benchmarks_get_distinct_ids(
    extras: ModuleType, family: str, label: str, expected: str
) -> None:
    assert extras.benchmark_id(family, label) == expected
