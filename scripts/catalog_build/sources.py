"""Readers for the reference data: every price comes back as an exact Decimal per million tokens."""

from __future__ import annotations

import csv
import datetime as dt
import json
import tomllib
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property
from pathlib import Path
from typing import Any

import yaml

MILLION = Decimal(1_000_000)

GENAI_COMMIT = "47df840"
GENAI_DATE = dt.date(2026, 8, 21)
LITELLM_DATE = dt.date(2026, 7, 24)
MODELSDEV_COMMIT = "f3fc692"
MODELSDEV_DATE = dt.date(2026, 7, 2)
OPENROUTER_DATE = dt.date(2026, 5, 15)


def per_million(per_token: Any) -> Decimal:
    """Exact per-million price from a per-token figure (a Decimal, int or numeric string)."""
    return norm(Decimal(str(per_token)) * MILLION)


def norm(value: Decimal) -> Decimal:
    """Drop trailing zeros without switching to exponent notation for integers."""
    value = value.normalize()
    return value.quantize(Decimal(1)) if value == value.to_integral() else value


class _DecimalLoader(yaml.CSafeLoader):
    """Safe YAML loader that reads floats as exact Decimals."""


def _decimal_float(loader: yaml.SafeLoader, node: yaml.Node) -> Decimal:
    return Decimal(loader.construct_scalar(node).replace("_", ""))  # type: ignore[arg-type]


_DecimalLoader.add_constructor("tag:yaml.org,2002:float", _decimal_float)


def load_yaml(path: Path) -> Any:
    with path.open(encoding="utf-8") as handle:
        return yaml.load(handle, Loader=_DecimalLoader)


@dataclass(frozen=True)
class Price:
    """One offer's prices as read from one source, before it becomes catalog YAML."""

    input: Decimal
    output: Decimal
    cache_read: Decimal | None = None
    cache_write: Decimal | None = None
    tiers: tuple[dict[str, Any], ...] = ()
    time_bands: tuple[dict[str, Any], ...] = ()
    batch: dict[str, Any] | None = None
    context_window: int | None = None
    max_output: int | None = None
    source: str = ""
    as_of: dt.date | None = None
    note: str | None = None
    provider_model_id: str | None = None
    currency: str = "USD"
    notes: list[str] = field(default_factory=list)


class Reference:
    """Lazy access to every reference-data file under ``root`` (the ``shared`` folder)."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.data = root / "reference-data"
        self.articles = root / "reference" / "articles"

    # -- OpenRouter snapshot -------------------------------------------------------------
    @cached_property
    def openrouter(self) -> dict[str, dict[str, Any]]:
        path = self.data / "openrouter" / "models_api_v1_snapshot_2026-05-15.json"
        return {m["id"]: m for m in json.loads(path.read_text(encoding="utf-8"))["data"]}

    # -- genai-prices provider YAMLs -----------------------------------------------------
    @cached_property
    def genai(self) -> dict[str, dict[str, Any]]:
        """provider file stem -> {'file': data, 'models': {model id: entry}}."""
        out: dict[str, dict[str, Any]] = {}
        for path in sorted((self.data / "genai-prices" / "providers").glob("*.yml")):
            data = load_yaml(path)
            out[path.stem] = {"file": data, "models": {m["id"]: m for m in data["models"]}}
        return out

    # -- litellm -------------------------------------------------------------------------
    @cached_property
    def litellm(self) -> dict[str, dict[str, Any]]:
        path = self.data / "litellm" / "model_prices_and_context_window.json"
        raw = json.loads(path.read_text(encoding="utf-8"), parse_float=Decimal)
        return {k: v for k, v in raw.items() if isinstance(v, dict)}

    # -- models.dev ----------------------------------------------------------------------
    def modelsdev(self, relpath: str) -> dict[str, Any] | None:
        """A models.dev TOML (path under the repo, e.g. providers/azure/models/x.toml)."""
        path = self.data / "models.dev" / relpath
        if not path.is_file():
            return None
        with path.open("rb") as handle:
            return tomllib.load(handle, parse_float=Decimal)

    # -- CSV files -----------------------------------------------------------------------
    def csv_rows(self, relpath: str) -> list[dict[str, str]]:
        with (self.data / relpath).open(encoding="utf-8", newline="") as handle:
            return list(csv.DictReader(handle))

    def article(self, name: str) -> str:
        return (self.articles / name).read_text(encoding="utf-8")
