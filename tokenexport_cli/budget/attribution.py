"""Which input files moved a workload's cost: per-file token counts (kept in baselines) and
each file's token change priced at the workload's average price per input and output token.

The definition (README, "Which file moved the cost"). A workload is priced from N sample
requests, each standing for R/N of its R monthly requests. Its monthly cost M splits into an
input side and an output side in proportion to the list-price parts of its breakdown:
``M_in = M * (input + cached input + cache write) / (those + output)`` and ``M_out = M - M_in``
(tier surcharges, time-of-day prices, batch savings and fees are shared in the same
proportion). ``I`` and ``O`` are the input and output tokens of all N samples together (the
system prompt counted once per sample). A file's cost change is then

    (its input token change x W) x M_in / I  +  (its output token change) x M_out / O

where W is N for the system prompt (every request carries it) and 1 for an input file, and M,
I, O and N are the newer side's (the current check, or the newer baseline of a diff). It is a
share of the workload's per-request tokens at today's average prices: price changes, tiers
crossed and samples added or removed are not attributed to files.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import TYPE_CHECKING

import msgspec

from tokenexport_cli.bounds import Money, TokenCount
from tokenexport_cli.pricing.engine import CostLine, to_decimal

if TYPE_CHECKING:
    from tokenexport_cli.tokens.workload_counts import FamilyCounts
    from tokenexport_cli.workload.load import Workload

NO_FILE_COUNTS = "baseline has no per-file counts; re-run tokx baseline"


class _Strict(msgspec.Struct, frozen=True, forbid_unknown_fields=True, kw_only=True):
    """Base: immutable, keyword-only, unknown keys rejected."""


class FileTokens(_Strict, frozen=True, kw_only=True):
    """One input file's tokens as the workload counts them (its model's tokenizer)."""

    path: str  # relative to the config's folder, with forward slashes
    shared: bool = False  # the system prompt: sent once with every request
    requests: TokenCount  # sample requests it holds (the system prompt: all of them)
    input_tokens: TokenCount  # prompt tokens of its requests (the system prompt: itself, once)
    output_tokens: TokenCount  # output tokens of its requests (0 for the system prompt)


class TokenProfile(_Strict, frozen=True, kw_only=True):
    """What a file's share of a workload's cost is priced from, and the per-file counts."""

    family: str
    requests: TokenCount  # N: sample requests
    input_tokens: TokenCount  # I: input tokens of all samples, system prompt included in each
    output_tokens: TokenCount  # O
    monthly_input: Money  # M_in: the input side of the monthly cost
    monthly_output: Money  # M_out
    files: tuple[FileTokens, ...]


def relative_name(path: Path, root: Path) -> str:
    """``path`` relative to ``root`` (the config's folder), so baselines move between machines."""
    try:
        return Path(os.path.relpath(path.resolve(), root.resolve())).as_posix()
    except ValueError:  # another drive on Windows
        return path.resolve().as_posix()


def _system_prompt_path(workload: Workload) -> Path | None:
    spec = workload.spec
    if spec is None or workload.origin == "--input":
        return None
    base = Path(workload.origin).parent
    return base / spec.system_prompt_file if spec.system_prompt_file else Path(workload.origin)


def token_profile(
    workload: Workload, counts: FamilyCounts, line: CostLine, root: Path
) -> TokenProfile:
    """The per-file counts of ``workload`` in ``counts``' family, and ``line``'s cost split."""
    files: dict[tuple[str, bool], list[int]] = {}
    position = 0
    for path, held in counts.files:
        prompts = counts.prompts[position : position + held]
        outputs = counts.outputs[position : position + held]
        position += held
        totals = files.setdefault((relative_name(path, root), False), [0, 0, 0])
        totals[0] += held
        totals[1] += sum(prompts)
        totals[2] += sum(outputs)
    samples = len(counts.prompts)
    prompt_path = _system_prompt_path(workload) if workload.system_prompt else None
    if prompt_path is not None:
        files[(relative_name(prompt_path, root), True)] = [samples, counts.prefix, 0]
    listed = line.breakdown
    input_side = Fraction(listed.input + listed.cached_input + listed.cache_write)
    output_side = Fraction(listed.output)
    listed_total = input_side + output_side
    monthly_input = (
        to_decimal(Fraction(line.monthly) * input_side / listed_total)
        if listed_total
        else Decimal(0)
    )
    return TokenProfile(
        family=counts.family,
        requests=samples,
        input_tokens=sum(counts.prompts) + counts.prefix * samples,
        output_tokens=sum(counts.outputs),
        monthly_input=monthly_input,
        monthly_output=line.monthly - monthly_input if listed_total else Decimal(0),
        files=tuple(
            FileTokens(
                path=path,
                shared=shared,
                requests=held,
                input_tokens=input_tokens,
                output_tokens=output_tokens,
            )
            for (path, shared), (held, input_tokens, output_tokens) in files.items()
        ),
    )


@dataclass(frozen=True)
class FileChange:
    """One file whose tokens changed; ``None`` before: a new file; ``None`` after: removed."""

    path: str
    shared: bool
    input_before: int | None
    input_after: int | None
    output_before: int | None
    output_after: int | None
    cost_change: Decimal  # a month, in the workload's currency

    @property
    def input_change(self) -> int:
        return (self.input_after or 0) - (self.input_before or 0)


@dataclass(frozen=True)
class Attribution:
    """The files that moved a workload's cost, largest cost change first; or why none can be
    named (``note``)."""

    changes: tuple[FileChange, ...] = ()
    note: str | None = None


def file_cost_change(
    input_change: int, output_change: int, shared: bool, prices: TokenProfile
) -> Decimal:
    """A file's token change priced as the workload's share (module docstring)."""
    weight = prices.requests if shared else 1
    input_part = (
        Fraction(input_change * weight) * Fraction(prices.monthly_input) / prices.input_tokens
        if prices.input_tokens
        else Fraction(0)
    )
    output_part = (
        Fraction(output_change) * Fraction(prices.monthly_output) / prices.output_tokens
        if prices.output_tokens
        else Fraction(0)
    )
    return to_decimal(input_part + output_part)


def _same_counts(was: FileTokens, now: FileTokens) -> bool:
    return (was.input_tokens, was.output_tokens) == (now.input_tokens, now.output_tokens)


def attribute(before: TokenProfile | None, after: TokenProfile | None) -> Attribution:
    """Files whose token counts differ between ``before`` and ``after``, each priced at
    ``after``'s figures; a note instead when the two cannot be compared."""
    if after is None:
        return Attribution(note="no per-file counts: the inputs are recorded usage, not files")
    if before is None:
        return Attribution(note=NO_FILE_COUNTS)
    if before.family != after.family:
        return Attribution(
            note=f"baseline counted tokens as {before.family}, now {after.family}: "
            "per-file counts are not comparable; re-run tokx baseline"
        )
    old = {(f.path, f.shared): f for f in before.files}
    new = {(f.path, f.shared): f for f in after.files}
    changes = []
    for key in [*new, *(k for k in old if k not in new)]:
        was, now = old.get(key), new.get(key)
        if was is not None and now is not None and _same_counts(was, now):
            continue
        input_change = (now.input_tokens if now else 0) - (was.input_tokens if was else 0)
        output_change = (now.output_tokens if now else 0) - (was.output_tokens if was else 0)
        changes.append(
            FileChange(
                path=key[0],
                shared=key[1],
                input_before=was.input_tokens if was else None,
                input_after=now.input_tokens if now else None,
                output_before=was.output_tokens if was else None,
                output_after=now.output_tokens if now else None,
                cost_change=file_cost_change(input_change, output_change, key[1], after),
            )
        )
    changes.sort(key=lambda change: (-abs(change.cost_change), change.path))
    return Attribution(tuple(changes))
