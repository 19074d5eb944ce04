"""Where tokx keeps user files: one convention (platformdirs, no app author, so every platform
gets one ``tokx`` folder per kind), each overridable by an environment variable."""

from __future__ import annotations

import os
from pathlib import Path

APP = "tokx"


def cache_dir() -> Path:
    """Caches (compiled catalogs, token counts, tokenizer ranks); ``TOKX_CACHE_DIR``."""
    import platformdirs

    return _override("TOKX_CACHE_DIR") or Path(platformdirs.user_cache_dir(APP, appauthor=False))


def data_dir() -> Path:
    """Synced catalog versions; ``TOKX_DATA_DIR``."""
    import platformdirs

    return _override("TOKX_DATA_DIR") or Path(platformdirs.user_data_dir(APP, appauthor=False))


def config_dir() -> Path:
    """The saved calibration; ``TOKX_CONFIG_DIR``."""
    import platformdirs

    return _override("TOKX_CONFIG_DIR") or Path(platformdirs.user_config_dir(APP, appauthor=False))


def _override(variable: str) -> Path | None:
    value = os.environ.get(variable)
    return Path(value) if value else None
