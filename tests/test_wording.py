"""Counted nouns read right at 1 and above."""

from tokenexport_cli.wording import calls, counted


def test_singular_only_at_one() -> None:
    assert [calls(n) for n in (0, 1, 2)] == ["0 calls", "1 call", "2 calls"]
    assert calls(12345, grouped=True) == "12,345 calls"
    assert counted(1, "batch request") == "1 batch request"
    assert counted(3, "entry", "entries") == "3 entries"
