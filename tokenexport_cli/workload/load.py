"""The Workload object: a validated spec with resolved inputs, from a YAML file or the quick form."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from decimal import ROUND_HALF_EVEN, Decimal
from pathlib import Path

from tokenexport_cli.errors import DataError, InvalidValue, UsageError
from tokenexport_cli.inputfile import special_kind
from tokenexport_cli.schema import CacheTtl
from tokenexport_cli.validation import Invalid, SourceFile
from tokenexport_cli.workload.inputs import (
    RequestStream,
    ResolvedInput,
    ResolveError,
    guess_input,
    resolve,
)
from tokenexport_cli.workload.request import Request
from tokenexport_cli.workload.spec import (
    DAYS_PER_MONTH,
    MAX_SYSTEM_PROMPT_BYTES,
    OutputTokens,
    WorkloadSpec,
    read_spec,
)
from tokenexport_cli.workload.traffic import TrafficProfile, traffic_profile
from tokenexport_cli.yamlsafe import read_text

ZERO = Decimal(0)


@dataclass(frozen=True)
class Workload:
    """Everything the tokens and pricing stages need to know about a workload.

    ``requests()`` streams the sample requests afresh on each call. ``system_prompt`` is the
    shared prefix sent before every request (one extra message); prompt caching reuses it on
    ``cache_hit_rate`` of requests. ``traffic.weights`` are local to ``traffic.timezone``.
    """

    name: str
    origin: str
    requests_per_month: Decimal
    growth_percent_per_month: Decimal
    traffic: TrafficProfile
    output: OutputTokens
    inputs: tuple[ResolvedInput, ...]
    system_prompt: str | None = None
    cache_hit_rate: Decimal = ZERO
    batch_fraction: Decimal = ZERO
    cache_ttl: CacheTtl = "5m"
    spec: WorkloadSpec | None = None
    source: SourceFile | None = None

    def requests(self) -> RequestStream:
        return RequestStream(self.inputs, self.origin)

    def output_tokens(self, request: Request, input_tokens: int) -> int | None:
        """Output tokens of one request (``input_tokens`` without the system prompt); None when
        taken from logs and this request has no record: see ``complete_outputs``."""
        return self.output.tokens_for(input_tokens, request.recorded_output)

    def complete_outputs(self, outputs: Sequence[int | None]) -> list[int]:
        """Fill requests without a recorded output with the mean of the recorded ones (rounded
        half-even); a DataError if none of them has one."""
        known = [value for value in outputs if value is not None]
        if not known:
            problem = (
                "no request in the inputs records output tokens "
                "(usage.completion_tokens or an output tokens column)"
            )
            if self.source is not None:
                raise DataError(self.source.problem("output_tokens.from_logs", problem))
            raise DataError(f"{self.origin}: {problem}; add --output-tokens N")
        if len(known) == len(outputs):
            return list(known)
        mean = int((Decimal(sum(known)) / len(known)).to_integral_value(ROUND_HALF_EVEN))
        return [mean if value is None else value for value in outputs]


def _system_prompt(spec: WorkloadSpec, source: SourceFile, base: Path) -> str | None:
    if spec.system_prompt_file is None:
        return spec.system_prompt
    path = base / spec.system_prompt_file
    special = special_kind(path)
    if not path.exists() or special is not None:
        problem = "not found" if special is None else f"is {special}, expected a file"
        raise Invalid(
            [source.problem("system_prompt_file", f"'{spec.system_prompt_file}' {problem}")]
        )
    return read_text(path, max_bytes=MAX_SYSTEM_PROMPT_BYTES)


def load_workload(path: Path) -> Workload:
    """Read, validate and resolve a workload YAML file. Paths in it are relative to its folder."""
    spec, source = read_spec(path)
    base = path.parent
    inputs: list[ResolvedInput] = []
    problems: list[str] = []
    for index, item in enumerate(spec.inputs):
        try:
            resolved = resolve(item.kind, item.location, base)
            if item.columns is not None:
                resolved = replace(resolved, columns=tuple(item.columns.mapping().items()))
            inputs.append(resolved)
        except ResolveError as exc:
            problems.append(source.problem(f"inputs[{index}].{item.kind}", str(exc)))
    if problems:
        raise Invalid(problems)
    return Workload(
        name=spec.name,
        origin=str(path),
        requests_per_month=spec.monthly_requests(),
        growth_percent_per_month=spec.growth_percent_per_month,
        traffic=traffic_profile(spec.traffic),
        output=spec.output_tokens,
        inputs=tuple(inputs),
        system_prompt=_system_prompt(spec, source, base),
        cache_hit_rate=spec.cache_hit_rate,
        batch_fraction=spec.batch_fraction,
        cache_ttl=spec.cache_ttl,
        spec=spec,
        source=source,
    )


def _quick_output(output_tokens: int | None, inputs: Sequence[ResolvedInput]) -> OutputTokens:
    """Fixed output tokens when given; else the completions the inputs record; never a
    silent zero."""
    if output_tokens is not None:
        return OutputTokens(fixed=output_tokens)
    if any(item.records_usage for item in inputs):
        return OutputTokens(from_logs=True)
    raise InvalidValue("the inputs record no output tokens: add --output-tokens N", "output_tokens")


def _share(option: str, value: Decimal) -> Decimal:
    if not value.is_finite() or not ZERO <= value <= 1:
        raise InvalidValue(f"must be between 0 and 1 (got {value})", option)
    return value


def quick_workload(
    inputs: Sequence[str | Path],
    *,
    requests_per_day: Decimal | None = None,
    requests_per_month: Decimal | None = None,
    output_tokens: int | None = 0,
    batch_fraction: Decimal = ZERO,
    cache_hit_rate: Decimal = ZERO,
    system_prompt: str | None = None,
    growth_percent_per_month: Decimal = ZERO,
    base: Path | None = None,
    name: str = "quick estimate",
) -> Workload:
    """The workload of ``tokx estimate --input FILES... --requests-per-day N --output-tokens N``:
    uniform traffic in UTC, fixed output tokens; problems are UsageErrors naming the option."""
    if not inputs:
        raise InvalidValue("give at least one file, directory or glob", "input_files")
    if (requests_per_day is None) == (requests_per_month is None):
        raise UsageError("give --requests-per-day or --requests-per-month (exactly one)")
    volume = (
        requests_per_month if requests_per_month is not None else requests_per_day * DAYS_PER_MONTH  # type: ignore[operator]
    )
    if not volume.is_finite() or volume < 0:
        raise UsageError(f"request volume must not be negative (got {volume})")
    if output_tokens is not None and output_tokens < 0:
        raise InvalidValue(f"must not be negative (got {output_tokens})", "output_tokens")
    folder = base if base is not None else Path.cwd()
    resolved: list[ResolvedInput] = []
    for value in inputs:
        try:
            resolved.append(guess_input(str(value), folder))
        except ResolveError as exc:
            raise InvalidValue(str(exc), "input_files") from None
    return Workload(
        name=name,
        origin="--input",
        requests_per_month=volume,
        growth_percent_per_month=growth_percent_per_month,
        traffic=traffic_profile("uniform"),
        output=_quick_output(output_tokens, resolved),
        inputs=tuple(resolved),
        system_prompt=system_prompt,
        cache_hit_rate=_share("cache_hit_rate", cache_hit_rate),
        batch_fraction=_share("batch_fraction", batch_fraction),
    )
