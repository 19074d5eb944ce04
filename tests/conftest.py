"""Shared fixtures: every test runs with its own cache and data directories."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

FIXTURES = Path(__file__).parent / "fixtures"
REPO = Path(__file__).parent.parent


@pytest.fixture(autouse=True)
def isolated_dirs(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    base = tmp_path_factory.mktemp("tokx-home")
    monkeypatch.setenv("TOKX_CACHE_DIR", str(base / "cache"))
    monkeypatch.setenv("TOKX_DATA_DIR", str(base / "data"))
    monkeypatch.setenv("TOKX_CONFIG_DIR", str(base / "config"))
    for name in (
        "TOKX_CATALOG_ROOT",
        "TOKX_CATALOG_VERSION",
        "TOKX_CATALOG",
        "TOKX_AS_OF",
        "TOKX_FORMAT",
        "TOKX_NO_CACHE",
    ):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("COLUMNS", "200")


@pytest.fixture
def fixture_root(monkeypatch: pytest.MonkeyPatch) -> Path:
    """Point tokx at the two small hand-written fixture catalog versions."""
    root = FIXTURES / "catalogs"
    monkeypatch.setenv("TOKX_CATALOG_ROOT", str(root))
    return root


@pytest.fixture
def catalog_copy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A writable copy of the fixture version 2026-01-01, made the only version available."""
    root = tmp_path / "catalogs"
    target = root / "2026-01-01"
    shutil.copytree(FIXTURES / "catalogs" / "2026-01-01", target)
    monkeypatch.setenv("TOKX_CATALOG_ROOT", str(root))
    return target


@pytest.fixture
def deny_read(monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    """``deny_read(path)``: opening ``path`` fails with EACCES. Root ignores file modes, so
    the refusal is simulated at ``os.open``, which every tokx reader goes through."""
    import errno
    import os

    real_open = os.open
    denied_paths: set[str] = set()

    def opener(name, flags, *args, **kwargs):  # type: ignore[no-untyped-def]
        if str(name) in denied_paths:
            raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), str(name))
        return real_open(name, flags, *args, **kwargs)

    monkeypatch.setattr(os, "open", opener)
    return lambda path: denied_paths.add(str(path))
