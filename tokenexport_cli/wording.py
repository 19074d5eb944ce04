"""Counted nouns in messages and notes: "1 call", "2 calls"."""

from __future__ import annotations


def counted(number: int, noun: str, plural: str | None = None, grouped: bool = False) -> str:
    """``number`` and ``noun``, plural unless the number is 1 (``grouped``: 1,234)."""
    shown = f"{number:,}" if grouped else str(number)
    return f"{shown} {noun if number == 1 else plural or noun + 's'}"


def calls(number: int, grouped: bool = False) -> str:
    return counted(number, "call", grouped=grouped)
