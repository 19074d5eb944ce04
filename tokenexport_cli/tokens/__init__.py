"""The tokens stage: exact and approximate tokenizer families, the counting engine and the count cache.

Public API (imported lazily so ``import tokenexport_cli.tokens`` stays cheap):
``count_text``, ``count_bytes``, ``count_paths``, ``count_stream`` (counting), ``ApproximateFamily``,
``TokenCount``, ``InputCount``, ``InputWarning``, ``CountReport`` (results),
``CountCache`` (cache), ``exact_family_names``, ``get_exact_family``, ``data_version`` (registry).
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

_EXPORTS = {
    "count_text": "counting",
    "count_bytes": "counting",
    "count_paths": "counting",
    "count_stream": "counting",
    "ApproximateFamily": "results",
    "TokenCount": "results",
    "InputCount": "results",
    "InputWarning": "results",
    "CountReport": "results",
    "CountCache": "cache",
    "exact_family_names": "registry",
    "get_exact_family": "registry",
    "data_version": "registry",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        return getattr(import_module(f"{__name__}.{_EXPORTS[name]}"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
