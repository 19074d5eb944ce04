"""Importer for models.dev: its ``providers/`` TOML tree or its published ``api.json`` (both USD
per million tokens, with ``[[cost.tiers]]`` or ``cost.context_over_200k`` long-context prices)."""

from __future__ import annotations

import tomllib
from decimal import Decimal
from pathlib import Path
from typing import Any

from tokenexport_cli.catalog.importers.base import (
    PRICE_FIELDS,
    Prices,
    SourceEntry,
    date_or_none,
    expect,
    parse_json,
    per_million_exact,
    positive_int,
    tier_of,
)
from tokenexport_cli.errors import DataError

FORMAT = "models-dev"
DEFAULT_URL = "https://models.dev/api.json"
URL_ENV = "TOKX_MODELS_DEV_URL"
KEPT_FIELDS = ("time_bands", "batch")
PROVIDER_MAP = {
    "moonshotai": "moonshot",
    "moonshotai-cn": "moonshot-cn",
    "zhipuai": "zhipu",
    "alibaba": "alibaba-cloud",
    "alibaba-cn": "alibaba-cloud-cn",
    "google": "google-ai-studio",
    "togetherai": "together",
    "fireworks-ai": "fireworks",
    "novita-ai": "novita",
    "amazon-bedrock": "aws-bedrock",
    "azure": "azure-ai-foundry",
    "google-vertex": "gcp-vertex",
}
MAX_TOML_BYTES = 1024 * 1024


def parse(data: bytes, where: str) -> list[SourceEntry]:
    """models.dev ``api.json``: ``{provider: {models: {model id: {...}}}}``."""
    document = parse_json(data, where)
    expect(isinstance(document, dict), where, "not a models.dev api.json (expected an object)")
    entries = []
    for provider_id, provider in document.items():
        expect(
            isinstance(provider, dict) and isinstance(provider.get("models"), dict),
            f"{where}: {provider_id}",
            "not a models.dev provider (expected a 'models' object)",
        )
        for model_id, model in provider["models"].items():
            model_where = f"{where}: {provider_id}.models.{model_id}"
            expect(isinstance(model, dict), model_where, "model is not an object")
            entries.append(_entry(str(provider_id), str(model_id), model, model_where))
    return entries


def parse_tree(root: Path) -> list[SourceEntry]:
    """A models.dev checkout (or its ``providers/`` folder): one TOML file per offer."""
    providers = root / "providers" if (root / "providers").is_dir() else root
    base_models = providers.parent / "models"
    entries = []
    for provider_dir in sorted(p for p in providers.iterdir() if (p / "models").is_dir()):
        models_dir = provider_dir / "models"
        for path in sorted(models_dir.rglob("*.toml")):
            model_id = path.relative_to(models_dir).with_suffix("").as_posix()
            entries.append(_offer_file(provider_dir.name, model_id, path, base_models))
    expect(bool(entries), str(root), "no models.dev provider TOML files found")
    return entries


def parse_file(root: Path, path: Path) -> SourceEntry:
    """One TOML file of a models.dev checkout at ``root``: a provider's offer
    (``providers/<provider>/models/<model id>.toml``, its ``base_model`` resolved) or a model's
    own metadata (``models/<vendor>/<model id>.toml``, with the vendor as provider)."""
    parts = path.relative_to(root).with_suffix("").parts
    if len(parts) >= 4 and parts[0] == "providers" and parts[2] == "models":
        return _offer_file(parts[1], "/".join(parts[3:]), path, root / "models")
    if len(parts) >= 3 and parts[0] == "models":
        return _entry(parts[1], "/".join(parts[2:]), _load_toml(path), str(path))
    raise DataError(
        f"{path}: not a models.dev file (expected providers/<provider>/models/<id>.toml "
        "or models/<vendor>/<id>.toml)"
    )


def _offer_file(provider_id: str, model_id: str, path: Path, base_models: Path) -> SourceEntry:
    data = _resolve_base(_load_toml(path), base_models, str(path))
    return _entry(provider_id, model_id, data, str(path))


def _load_toml(path: Path) -> dict[str, Any]:
    from tokenexport_cli.yamlsafe import read_text

    text = read_text(path, max_bytes=MAX_TOML_BYTES)
    try:
        return tomllib.loads(text, parse_float=Decimal)
    except tomllib.TOMLDecodeError as exc:
        raise DataError(f"{path}: invalid TOML: {exc}") from None


def _resolve_base(data: dict[str, Any], base_models: Path, where: str) -> dict[str, Any]:
    """Fill a file that names a ``base_model`` from ``models/<base_model>.toml`` the way
    models.dev generates its API: the provider file deep-merged over the base model, then the
    ``base_model_omit`` dot-paths removed ("removes inherited model metadata fields after local
    overrides are merged", models.dev README; packages/core/src/sync/base-model.ts)."""
    base_name = data.get("base_model")
    if not isinstance(base_name, str):
        return data
    base_path = base_models / f"{base_name}.toml"
    if not base_path.is_file():
        return data
    merged = _merge_deep(_load_toml(base_path), data)
    for omitted in data.get("base_model_omit") or ():
        _omit(merged, str(omitted).split("."))
    return merged


def _merge_deep(base: dict[str, Any], override: dict[str, Any]) -> dict[str, Any]:
    """Tables merge key by key at every depth; any other value (arrays too) replaces."""
    merged = dict(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = _merge_deep(merged[key], value)
        else:
            merged[key] = value
    return merged


def _omit(table: dict[str, Any], path: list[str]) -> None:
    """Remove one dot-path, and any table the removal leaves empty."""
    head, rest = path[0], path[1:]
    if not rest:
        table.pop(head, None)
        return
    child = table.get(head)
    if isinstance(child, dict):
        _omit(child, rest)
        if not child:
            table.pop(head)


def _entry(provider_id: str, model_id: str, data: dict[str, Any], where: str) -> SourceEntry:
    cost = data.get("cost")
    limit = data.get("limit") or {}
    modalities = data.get("modalities") or {}
    names = [model_id, f"{provider_id}/{model_id}"]
    if "/" in model_id:
        names.append(model_id.rsplit("/", 1)[1])
    if isinstance(data.get("base_model"), str):
        names.append(data["base_model"])
    prices = _prices(cost, where) if isinstance(cost, dict) else None
    return SourceEntry(
        key=f"{provider_id}/{model_id}",
        provider=provider_id,
        provider_model_id=model_id,
        names=tuple(dict.fromkeys(names)),
        prices=prices,
        skip_reason=None if prices is not None else "no token price",
        name=str(data.get("name") or model_id),
        vendor=str(data["family"]) if isinstance(data.get("family"), str) else None,
        context_window=positive_int(limit.get("context")),
        max_output=positive_int(limit.get("output")),
        open_weights=data.get("open_weights")
        if isinstance(data.get("open_weights"), bool)
        else None,
        released=date_or_none(data.get("release_date")),
        input_modalities=tuple(str(m) for m in modalities.get("input") or ()),
        output_modalities=tuple(str(m) for m in modalities.get("output") or ()),
    )


def _prices(cost: dict[str, Any], where: str) -> Prices | None:
    if cost.get("input") is None or cost.get("output") is None:
        return None
    base = {
        name: per_million_exact(cost[name], f"{where}: cost.{name}")
        for name in PRICE_FIELDS
        if cost.get(name) is not None
    }
    raw_tiers: list[tuple[int, dict[str, Any]]] = []
    for tier in cost.get("tiers") or ():
        size = (tier.get("tier") or {}).get("size") if isinstance(tier, dict) else None
        if isinstance(size, int) and size > 0:
            raw_tiers.append((size, tier))
    over = cost.get("context_over_200k")
    if isinstance(over, dict) and not any(size == 200_000 for size, _ in raw_tiers):
        raw_tiers.append((200_000, over))
    tiers = []
    for size, tier in sorted(raw_tiers, key=lambda pair: pair[0]):
        values = {
            name: per_million_exact(tier[name], f"{where}: cost.tiers")
            if tier.get(name) is not None
            else base.get(name)
            for name in PRICE_FIELDS
        }
        if values["input"] is not None and values["output"] is not None:
            tiers.append(tier_of(size, values))
    return Prices(
        input=base["input"],
        output=base["output"],
        cache_read=base.get("cache_read"),
        cache_write=base.get("cache_write"),
        tiers=tuple(tiers),
    )
