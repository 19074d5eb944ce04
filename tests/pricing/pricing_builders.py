"""Builders for hand-made offers, models and providers used by the pricing tests."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import msgspec

from tokenexport_cli.schema import Model, Offer, Provider

AS_OF = dt.date(2026, 1, 1)


def D(value: str | int) -> Decimal:
    return Decimal(str(value))


def make_offer(**fields: Any) -> Offer:
    base: dict[str, Any] = {
        "model": "m",
        "provider": "p",
        "input": D("1"),
        "output": D("2"),
        "source": "test",
        "as_of": AS_OF,
    }
    base.update(fields)
    return msgspec.convert(base, Offer)


def make_model(**fields: Any) -> Model:
    base: dict[str, Any] = {
        "id": "m",
        "name": "M",
        "vendor": "V",
        "origin": "US",
        "open_weights": False,
        "tokenizer": "o200k_base",
        "context_window": 10_000_000,
        "source": "test",
        "as_of": AS_OF,
    }
    base.update(fields)
    return msgspec.convert(base, Model)


def make_provider(**fields: Any) -> Provider:
    base: dict[str, Any] = {
        "id": "p",
        "name": "P",
        "kind": "direct",
        "source": "test",
        "as_of": AS_OF,
    }
    base.update(fields)
    return msgspec.convert(base, Provider)
