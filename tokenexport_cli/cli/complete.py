"""Dynamic shell completion from the catalog: fast, quiet, and never loads tokenizers or httpx."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

if TYPE_CHECKING:
    from tokenexport_cli.schema import Catalog

Completions = list[tuple[str, str]]

PATH_KIND_HELP = {
    "direct": "the model vendor's own API",
    "aggregator": "a router reselling many vendors (e.g. OpenRouter)",
    "platform": "an inference platform hosting open models",
    "hyperscaler": "a cloud provider's model service",
    "selfhost": "rented GPUs running the model yourself",
}


def _split(incomplete: str) -> tuple[str, str]:
    """Options take comma-separated lists: complete only the part after the last comma."""
    head, comma, tail = incomplete.rpartition(",")
    return (head + comma, tail)


def _matches(incomplete: str, candidates: Iterable[tuple[str, str]]) -> Completions:
    prefix, word = _split(incomplete)
    needle = word.lower()
    seen: dict[str, str] = {}
    for value, help_text in candidates:
        if value.lower().startswith(needle) and value not in seen:
            seen[value] = help_text
    return [(prefix + value, help_text) for value, help_text in seen.items()]


def _param(ctx: typer.Context | None, name: str) -> Any:
    """A value typed earlier on the command line, e.g. --catalog-version (None when absent)."""
    node: Any = ctx
    while node is not None:
        value = (node.params or {}).get(name)
        if value:
            return value
        node = node.parent
    return None


def _catalog(ctx: typer.Context | None) -> Catalog | None:
    """The catalog the command would use, from the compiled cache; None on any problem, since
    a completion must never print a traceback into the user's prompt."""
    try:
        from tokenexport_cli.catalog import load_catalog
        from tokenexport_cli.dates import parse_date

        overlays = tuple(Path(p) for p in _param(ctx, "catalog") or ())
        as_of = _param(ctx, "as_of")
        return load_catalog(
            _param(ctx, "catalog_version"),
            overlays,
            parse_date(as_of) if as_of else None,
        )
    except Exception:
        return None


def complete_model(ctx: typer.Context, incomplete: str) -> Completions:
    """Model ids with their names; aliases (``deepseek-ai/DeepSeek-V3.2``) only when no id
    matches, so that a short prefix lists models rather than every vendor's spelling."""
    catalog = _catalog(ctx)
    if catalog is None:
        return []
    models = sorted(catalog.models, key=lambda model: model.id)
    found = _matches(incomplete, [(model.id, model.name) for model in models])
    if found:
        return found
    return _matches(
        incomplete, [(alias, f"alias of {model.id}") for model in models for alias in model.aliases]
    )


def complete_provider(ctx: typer.Context, incomplete: str) -> Completions:
    """Provider ids with their name and path kind."""
    catalog = _catalog(ctx)
    if catalog is None:
        return []
    providers = sorted(catalog.providers, key=lambda provider: provider.id)
    return _matches(incomplete, [(p.id, f"{p.name} ({p.kind})") for p in providers])


def complete_tokenizer(ctx: typer.Context, incomplete: str) -> Completions:
    """Tokenizer family ids, exact or approximate."""
    catalog = _catalog(ctx)
    if catalog is None:
        return []
    families = sorted(catalog.tokenizers, key=lambda family: family.id)
    return _matches(
        incomplete,
        [
            (f.id, f.kind if f.reference is None else f"{f.kind}, from {f.reference}")
            for f in families
        ],
    )


def complete_catalog_version(incomplete: str) -> Completions:
    """Catalog version names, newest first; needs no catalog load at all."""
    try:
        from tokenexport_cli.catalog import list_versions

        versions = list(reversed(list_versions()))
    except Exception:
        return []
    return _matches(incomplete, [(v.name, v.origin) for v in versions])


def complete_path_kind(incomplete: str) -> Completions:
    """The five delivery path kinds."""
    return _matches(incomplete, PATH_KIND_HELP.items())


def complete_benchmark(ctx: typer.Context, incomplete: str) -> Completions:
    """``BENCHMARK=`` prefixes for --min, --weight and --harness."""
    catalog = _catalog(ctx)
    if catalog is None or "=" in _split(incomplete)[1]:
        return []
    names = sorted({row.benchmark for row in catalog.benchmarks})
    return _matches(incomplete, [(f"{name}=", "benchmark") for name in names])


def complete_currency(ctx: typer.Context, incomplete: str) -> Completions:
    """USD plus every currency the catalog has an exchange rate for."""
    catalog = _catalog(ctx)
    rates = sorted(catalog.fx, key=lambda rate: rate.currency) if catalog else []
    return _matches(
        incomplete.upper(),
        [("USD", "US dollar"), *((r.currency, f"{r.per_usd} per USD") for r in rates)],
    )
