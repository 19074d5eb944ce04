"""Did-you-mean suggestions for unknown ids, worded the same way everywhere."""

from __future__ import annotations

import difflib
from collections.abc import Callable, Iterable

CUTOFF = 0.5


def close_matches(
    name: str,
    candidates: Iterable[object],
    limit: int = 3,
    *,
    key: Callable[[str], str] = str.lower,
    cutoff: float = CUTOFF,
) -> list[str]:
    """Up to ``limit`` candidates close to ``name`` (compared through ``key``), best first."""
    by_key: dict[str, str] = {}
    for candidate in candidates:
        by_key.setdefault(key(str(candidate)), str(candidate))
    wanted = key(name.strip())
    # a name that is the start of a candidate (``swe-bench`` -> ``swe-bench-verified``) is the
    # likeliest slip, whatever difflib's ratio says of longer candidates
    extended = sorted(
        (k for k in by_key if wanted and k.startswith(wanted) and k != wanted), key=len
    )
    close = difflib.get_close_matches(wanted, list(by_key), n=limit, cutoff=cutoff)
    found = list(dict.fromkeys([*extended, *close]))[:limit]
    return [by_key[match] for match in found]


def did_you_mean(
    name: str, candidates: Iterable[object], limit: int = 3, *, cutoff: float = CUTOFF
) -> str:
    """``"; did you mean 'a' or 'b'?"`` for the closest candidates, or ``""``."""
    return hint(close_matches(name, candidates, limit, cutoff=cutoff))


def hint(matches: Iterable[str]) -> str:
    names = list(dict.fromkeys(matches))
    return "; did you mean " + " or ".join(f"'{n}'" for n in names) + "?" if names else ""
