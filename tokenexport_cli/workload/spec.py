"""The workload file format (msgspec Structs) and its semantic rules, with located messages."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import ROUND_HALF_EVEN, Decimal
from pathlib import Path
from typing import Annotated, Literal

import msgspec

from tokenexport_cli.bounds import (
    ChangePercent,
    Ratio,
    ReasoningRatio,
    Requests,
    Share,
    TokenCount,
)
from tokenexport_cli.schema import CacheTtl, Weekday
from tokenexport_cli.validation import Invalid, SourceFile, convert
from tokenexport_cli.workload.traffic import TrafficSpec, check_traffic
from tokenexport_cli.yamlsafe import parse_yaml, read_text

# A workload file is small: a few KB of YAML. The cap keeps a mistaken path from loading GBs.
MAX_WORKLOAD_BYTES = 1024 * 1024
MAX_SYSTEM_PROMPT_BYTES = 8 * 1024 * 1024
DAYS_PER_MONTH = Decimal("30.44")
ZERO = Decimal(0)

NonEmpty = Annotated[str, msgspec.Meta(min_length=1)]
Preset = Literal["uniform", "business-hours", "weekdays"]
INPUT_KINDS = ("path", "glob", "chat_jsonl", "usage_csv", "logs")
OUTPUT_KINDS = ("fixed", "ratio", "from_logs")

__all__ = ["DAYS_PER_MONTH", "InputSource", "OutputTokens", "Preset", "Weekday", "WorkloadSpec"]


class _Strict(msgspec.Struct, frozen=True, forbid_unknown_fields=True, kw_only=True):
    """Base: immutable, keyword-only, unknown keys rejected."""


class LogColumns(_Strict, frozen=True, kw_only=True):
    """Roles of a logs table in no known format, each the header of its column (the roles of
    ``tokx replay --column ROLE=HEADER``); model, input and output are required."""

    model: NonEmpty | None = None
    timestamp: NonEmpty | None = None
    input: Annotated[
        NonEmpty | None,
        msgspec.Meta(description="Prompt tokens not read from or written to cache."),
    ] = None
    cache_read: NonEmpty | None = None
    cache_write: NonEmpty | None = None
    output: NonEmpty | None = None
    reasoning: NonEmpty | None = None
    cost: NonEmpty | None = None
    provider: NonEmpty | None = None
    request_id: NonEmpty | None = None

    def mapping(self) -> dict[str, str]:
        return {
            name: value
            for name in self.__struct_fields__
            if (value := getattr(self, name)) is not None
        }


class InputSource(_Strict, frozen=True, kw_only=True):
    """One source of sample requests; give exactly one key. Paths are relative to the workload
    file."""

    path: Annotated[
        NonEmpty | None,
        msgspec.Meta(description="A text file (one request) or a directory (one per file)."),
    ] = None
    glob: Annotated[
        NonEmpty | None,
        msgspec.Meta(description="A glob such as 'prompts/**/*.md'; one request per file."),
    ] = None
    chat_jsonl: Annotated[
        NonEmpty | None,
        msgspec.Meta(description="JSONL, one OpenAI-style {'messages': [...]} request a line."),
    ] = None
    usage_csv: Annotated[
        NonEmpty | None,
        msgspec.Meta(description="A usage export: one request a row with recorded token counts."),
    ] = None
    logs: Annotated[
        NonEmpty | None,
        msgspec.Meta(
            description="Request logs, provider exports or agent session logs (a file or "
            "folder, the formats of tokx replay): their recorded calls are priced."
        ),
    ] = None
    columns: Annotated[
        LogColumns | None,
        msgspec.Meta(description="With logs: map roles to the headers of a CSV/TSV table."),
    ] = None

    @property
    def kind(self) -> str:
        return next(name for name in INPUT_KINDS if getattr(self, name) is not None)

    @property
    def location(self) -> str:
        value: str = getattr(self, self.kind)
        return value


class OutputTokens(_Strict, frozen=True, kw_only=True):
    """Output tokens per request; give exactly one key."""

    fixed: (
        Annotated[TokenCount, msgspec.Meta(description="The same output tokens every request.")]
        | None
    ) = None
    ratio: Annotated[
        Ratio | None,
        msgspec.Meta(description="Output tokens as a multiple of the request's own input tokens."),
    ] = None
    from_logs: Annotated[
        bool | None,
        msgspec.Meta(description="Use the completion tokens recorded in chat_jsonl or usage_csv."),
    ] = None

    @property
    def kind(self) -> str:
        return next(name for name in OUTPUT_KINDS if getattr(self, name) is not None)

    def tokens_for(self, input_tokens: int, recorded: int | None) -> int | None:
        """Output tokens of one request. ``input_tokens`` is the request's own input, without the
        shared system prompt; ``None`` means "from_logs, and this request has no record"."""
        if self.fixed is not None:
            return self.fixed
        if self.ratio is not None:
            return int((Decimal(input_tokens) * self.ratio).to_integral_value(ROUND_HALF_EVEN))
        return recorded


class WorkloadSpec(_Strict, frozen=True, kw_only=True):
    """A tokx workload: what is sent, how often, and when."""

    name: NonEmpty
    description: str | None = None
    requests_per_day: Annotated[
        Requests | None, msgspec.Meta(description="Daily volume (x 30.44 for a month).")
    ] = None
    requests_per_month: Annotated[
        Requests | None, msgspec.Meta(description="Monthly volume; give this or requests_per_day.")
    ] = None
    growth_percent_per_month: Annotated[
        ChangePercent, msgspec.Meta(description="Compound growth of the volume, percent a month.")
    ] = ZERO
    traffic: Annotated[
        Preset | TrafficSpec,
        msgspec.Meta(description="When requests arrive over the week (UTC unless a timezone)."),
    ] = "uniform"
    inputs: Annotated[
        tuple[InputSource, ...],
        msgspec.Meta(min_length=1, description="Sample requests that tokx counts."),
    ]
    output_tokens: OutputTokens
    system_prompt: Annotated[
        str | None,
        msgspec.Meta(description="Shared prefix sent before every request (what caching reuses)."),
    ] = None
    system_prompt_file: Annotated[
        NonEmpty | None, msgspec.Meta(description="A file holding the system prompt.")
    ] = None
    cache_hit_rate: Annotated[
        Share, msgspec.Meta(description="Share of requests whose system prompt is a cache hit.")
    ] = ZERO
    batch_fraction: Annotated[
        Share, msgspec.Meta(description="Share of requests that can go through a batch API.")
    ] = ZERO
    cache_ttl: Annotated[
        CacheTtl,
        msgspec.Meta(
            description="How long cache writes are kept: 5m (default) or 1h, which offers "
            "with a 1-hour write price (Anthropic) bill at that price."
        ),
    ] = "5m"
    reasoning_ratio: Annotated[
        dict[NonEmpty, ReasoningRatio] | None,
        msgspec.Meta(
            description="With logs inputs: model -> its reasoning tokens per reasoning token "
            "logged on another model (default 1:1, an assumption the output notes); the "
            "workload form of tokx replay --reasoning-ratio."
        ),
    ] = None

    def monthly_requests(self) -> Decimal:
        """Requests a month: ``requests_per_month``, or ``requests_per_day`` x 30.44."""
        if self.requests_per_month is not None:
            return self.requests_per_month
        assert self.requests_per_day is not None  # guaranteed by check_spec
        return self.requests_per_day * DAYS_PER_MONTH


def _finite(value: Decimal) -> bool:
    return value.is_finite()


def _check_share(source: SourceFile, key: str, value: Decimal) -> Iterator[str]:
    if not _finite(value) or not ZERO <= value <= 1:
        yield source.problem(key, f"must be between 0 and 1 (got {value})")


def _check_volume(spec: WorkloadSpec, source: SourceFile) -> Iterator[str]:
    per_day, per_month = spec.requests_per_day, spec.requests_per_month
    if per_day is None and per_month is None:
        yield source.problem(
            "requests_per_day", "missing; give requests_per_day or requests_per_month"
        )
    elif per_day is not None and per_month is not None:
        yield source.problem(
            "requests_per_month", "give requests_per_day or requests_per_month, not both"
        )
    for key, value in (("requests_per_day", per_day), ("requests_per_month", per_month)):
        if value is not None and (not _finite(value) or value < 0):
            yield source.problem(key, f"must not be negative (got {value})")
    growth = spec.growth_percent_per_month
    if not _finite(growth) or growth <= -100:
        yield source.problem("growth_percent_per_month", f"must be above -100 (got {growth})")


def _check_inputs(spec: WorkloadSpec, source: SourceFile) -> Iterator[str]:
    for index, item in enumerate(spec.inputs):
        given = [name for name in INPUT_KINDS if getattr(item, name) is not None]
        if len(given) != 1:
            yield source.problem(
                f"inputs[{index}]", "give exactly one of path, glob, chat_jsonl, usage_csv, logs"
            )
        if item.columns is None:
            continue
        if item.logs is None:
            yield source.problem(f"inputs[{index}].columns", "only with logs")
            continue
        mapped = item.columns.mapping()
        missing = [role for role in ("model", "input", "output") if role not in mapped]
        if missing:
            yield source.problem(
                f"inputs[{index}].columns", f"map {', '.join(missing)} too (required roles)"
            )


def _check_output(spec: WorkloadSpec, source: SourceFile) -> Iterator[str]:
    output = spec.output_tokens
    given = [name for name in OUTPUT_KINDS if getattr(output, name) is not None]
    if len(given) != 1:
        yield source.problem("output_tokens", "give exactly one of fixed, ratio, from_logs")
        return
    if output.ratio is not None and (not _finite(output.ratio) or output.ratio < 0):
        yield source.problem("output_tokens.ratio", f"must not be negative (got {output.ratio})")
    if output.from_logs is False:
        yield source.problem(
            "output_tokens.from_logs", "must be true when given; use fixed or ratio instead"
        )
    elif output.from_logs and not any(
        item.chat_jsonl is not None or item.usage_csv is not None or item.logs is not None
        for item in spec.inputs
    ):
        yield source.problem(
            "output_tokens.from_logs",
            "no input records output tokens; add a chat_jsonl or usage_csv input",
        )


def check_spec(spec: WorkloadSpec, source: SourceFile) -> list[str]:
    """Every semantic problem of a structurally valid spec, as located one-line messages."""
    problems = [*_check_volume(spec, source)]
    if not isinstance(spec.traffic, str):
        problems += check_traffic(spec.traffic, source, "traffic")
    problems += _check_inputs(spec, source)
    problems += _check_output(spec, source)
    if spec.system_prompt is not None and spec.system_prompt_file is not None:
        problems.append(
            source.problem(
                "system_prompt_file", "give system_prompt or system_prompt_file, not both"
            )
        )
    if spec.reasoning_ratio and not any(item.logs is not None for item in spec.inputs):
        problems.append(source.problem("reasoning_ratio", "only with logs inputs"))
    problems += _check_share(source, "cache_hit_rate", spec.cache_hit_rate)
    problems += _check_share(source, "batch_fraction", spec.batch_fraction)
    return sorted(problems, key=lambda problem: _line_in(problem, source))


def _line_in(problem: str, source: SourceFile) -> int:
    """The line a located message points at, so problems are listed in file order."""
    rest = problem[len(str(source.path)) + 1 :]
    number = rest.split(":", 1)[0]
    return int(number) if number.isdigit() else 0


def parse_spec(source: SourceFile) -> WorkloadSpec:
    """Validate a workload file's text: structure first, then every semantic rule."""
    data = parse_yaml(source.text, source.path)
    spec: WorkloadSpec = convert(source, data, WorkloadSpec)
    problems = check_spec(spec, source)
    if problems:
        raise Invalid(problems)
    return spec


def read_spec(path: Path) -> tuple[WorkloadSpec, SourceFile]:
    """Read and validate a workload YAML file (size-capped, no aliases, duplicate keys refused)."""
    source = SourceFile(path, read_text(path, max_bytes=MAX_WORKLOAD_BYTES))
    return parse_spec(source), source
