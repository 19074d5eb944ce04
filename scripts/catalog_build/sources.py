"""The reference data the build reads: the four price sources through tokx's own importers
(tokenexport_cli.catalog.importers), and the CSV files and articles that only the build uses."""

from __future__ import annotations

import csv
import datetime as dt
from functools import cached_property
from pathlib import Path

from tokenexport_cli.catalog.importers import genai_prices, litellm, models_dev, openrouter
from tokenexport_cli.catalog.importers.base import SourceEntry

GENAI_COMMIT = "47df840"
GENAI_DATE = dt.date(2026, 8, 21)
LITELLM_DATE = dt.date(2026, 7, 24)
MODELSDEV_COMMIT = "f3fc692"
MODELSDEV_DATE = dt.date(2026, 7, 2)
OPENROUTER_DATE = dt.date(2026, 5, 15)
OPENROUTER_FILE = "openrouter/models_api_v1_snapshot_2026-05-15.json"
LITELLM_FILE = "litellm/model_prices_and_context_window.json"


class Reference:
    """Lazy, cached access to the reference data under ``root`` (the ``shared`` folder). Every
    price source is parsed by the package's importer for its format, so the build and
    ``tokx catalog import`` read a source the same way."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.data = root / "reference-data"
        self.articles = root / "reference" / "articles"
        self._genai: dict[tuple[str, dt.date], dict[str, SourceEntry]] = {}
        self._modelsdev: dict[str, SourceEntry | None] = {}

    @cached_property
    def _openrouter(self) -> dict[str, SourceEntry]:
        path = self.data / OPENROUTER_FILE
        return {entry.key: entry for entry in openrouter.parse(path.read_bytes(), str(path))}

    def openrouter(self, model_id: str) -> SourceEntry | None:
        """The snapshot's entry for an OpenRouter model id (``deepseek/deepseek-v3.2``)."""
        return self._openrouter.get(model_id)

    def openrouter_entries(self) -> list[SourceEntry]:
        return list(self._openrouter.values())

    def litellm_entries(self) -> list[SourceEntry]:
        return list(self._litellm.values())

    def genai(self, provider_file: str, model_id: str, at: dt.date) -> SourceEntry | None:
        """A model of ``providers/<provider_file>.yml`` with the prices in force on ``at``; None
        if the snapshot has no such file or model."""
        key = (provider_file, at)
        if key not in self._genai:
            path = self.data / "genai-prices" / "providers" / f"{provider_file}.yml"
            exists = path.is_file()
            entries = genai_prices.parse(path.read_bytes(), str(path), at) if exists else []
            self._genai[key] = {entry.provider_model_id: entry for entry in entries}
        return self._genai[key].get(model_id)

    @cached_property
    def _litellm(self) -> dict[str, SourceEntry]:
        path = self.data / LITELLM_FILE
        return {entry.key: entry for entry in litellm.parse(path.read_bytes(), str(path))}

    def litellm(self, key: str) -> SourceEntry | None:
        """The entry with this full litellm key (``deepseek/deepseek-v3.2``)."""
        return self._litellm.get(key)

    def modelsdev(self, relpath: str) -> SourceEntry | None:
        """A models.dev TOML by its path in the repository (``providers/azure/models/x.toml``
        or ``models/<vendor>/<id>.toml``); None if the snapshot has no such file."""
        if relpath not in self._modelsdev:
            root = self.data / "models.dev"
            path = root / relpath
            self._modelsdev[relpath] = models_dev.parse_file(root, path) if path.is_file() else None
        return self._modelsdev[relpath]

    def csv_rows(self, relpath: str) -> list[dict[str, str]]:
        with (self.data / relpath).open(encoding="utf-8", newline="") as handle:
            return list(csv.DictReader(handle))

    def article(self, name: str) -> str:
        return (self.articles / name).read_text(encoding="utf-8")
