"""Importers of external price sources into tokx's catalog schema, one module per format."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from types import ModuleType

from tokenexport_cli.catalog.importers import genai_prices, litellm, models_dev, openrouter
from tokenexport_cli.catalog.importers.base import (
    SourceEntry,
    SourceInfo,
    check_entry,
    collector_paused,
)
from tokenexport_cli.errors import DataError, UsageError

FORMATS: dict[str, ModuleType] = {
    "openrouter": openrouter,
    "litellm": litellm,
    "genai-prices": genai_prices,
    "models-dev": models_dev,
}
MAX_SOURCE_BYTES = 256 * 1024 * 1024
#: The most entries one source may have (README, "Sync limits"); real sources have a few
#: thousand. Checked before anything is matched or written.
MAX_MODELS = 20_000

__all__ = ["FORMATS", "SourceEntry", "SourceInfo", "format_module", "parse_bytes", "parse_path"]


def format_module(name: str) -> ModuleType:
    """The importer for a format name; UsageError with the choices otherwise."""
    module = FORMATS.get(name.strip().lower().replace("_", "-"))
    if module is None:
        raise UsageError(f"unknown source format '{name}' (choose from {', '.join(FORMATS)})")
    return module


def parse_bytes(module: ModuleType, data: bytes, where: str, at: dt.date) -> list[SourceEntry]:
    """Entries of one document (a response body or a file's bytes)."""
    with collector_paused():
        return _parse_bytes(module, data, where, at)


def _parse_bytes(module: ModuleType, data: bytes, where: str, at: dt.date) -> list[SourceEntry]:
    try:
        if module is genai_prices:
            entries: list[SourceEntry] = genai_prices.parse(data, where, at)
        else:
            entries = module.parse(data, where)
    except (KeyError, TypeError, IndexError, AttributeError, ValueError) as exc:
        raise DataError(f"{where}: unexpected {module.FORMAT} structure ({exc!r})") from None
    if len(entries) > MAX_MODELS:
        raise TooManyModels(
            f"{where}: more than {MAX_MODELS:,} models ({len(entries):,}); refusing to import"
        )
    for entry in entries:
        check_entry(entry, where)
    return entries


class TooManyModels(DataError):
    """A source with more entries than ``MAX_MODELS`` (a sync reports it as a network error)."""


def parse_path(module: ModuleType, path: Path, at: dt.date) -> list[SourceEntry]:
    """Entries of a local file, or of a folder for the tree formats (genai-prices, models-dev)."""
    try:
        if path.is_dir():
            with collector_paused():
                if module is genai_prices:
                    return genai_prices.parse_tree(path, at)
                if module is models_dev:
                    return models_dev.parse_tree(path)
            raise UsageError(f"{path}: is a folder; the {module.FORMAT} format is one JSON file")
        data = _read_capped(path)
    except (KeyError, TypeError, IndexError, AttributeError, ValueError) as exc:
        raise DataError(f"{path}: unexpected {module.FORMAT} structure ({exc!r})") from None
    return parse_bytes(module, data, str(path), at)


def _read_capped(path: Path) -> bytes:
    from tokenexport_cli.inputfile import read_bytes

    return read_bytes(path, max_bytes=MAX_SOURCE_BYTES, what="file", missing=UsageError)
