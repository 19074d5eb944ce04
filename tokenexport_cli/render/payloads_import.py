"""The JSON contract of ``tokx catalog import|sync --format json`` (beside ``payloads.py``, so
that both stay small; ``json_schema.OUTPUTS`` publishes it with the others)."""

from __future__ import annotations

from tokenexport_cli.render.payloads import SCHEMA_VERSION, _Out


class ImportedOffer(_Out, frozen=True, kw_only=True):
    model: str
    provider: str
    region: str | None


class Written(_Out, frozen=True, kw_only=True):
    kind: str  # "version" (a new catalog version folder) or "overlay" (one YAML file)
    path: str


class UnmatchedEntry(_Out, frozen=True, kw_only=True):
    key: str
    provider: str | None
    reason: str
    detail: str | None


class ImportOutput(_Out, frozen=True, kw_only=True):
    """``tokx catalog import`` and ``tokx catalog sync`` with ``--format json``."""

    schema_version: int = SCHEMA_VERSION
    format: str
    source: str
    retrieved: str
    base_version: str
    written: Written
    catalog_version: str
    entries: int
    offers_replaced: list[ImportedOffer]
    offers_added: list[ImportedOffer]
    models_added: list[str]
    unmatched_count: int
    unmatched_by_reason: dict[str, int]
    unmatched: list[UnmatchedEntry]
