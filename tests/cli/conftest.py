"""Fixtures of the CLI tests."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def ci_repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of examples/ (the CI sample refers to the support-bot sample) to work in, as the
    current folder and the GitHub workspace, outside GitHub Actions."""
    shutil.copytree(REPO / "examples", tmp_path / "examples")
    root = tmp_path / "examples" / "ci"
    monkeypatch.chdir(root)
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)
    monkeypatch.delenv("GITHUB_STEP_SUMMARY", raising=False)
    monkeypatch.setenv("GITHUB_WORKSPACE", str(root))
    return root
