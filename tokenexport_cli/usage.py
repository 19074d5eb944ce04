"""Turn what the user said about traffic (flags or a workload) into pricing Usage objects."""

from __future__ import annotations

from dataclasses import dataclass, replace
from decimal import ROUND_HALF_EVEN, Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from tokenexport_cli.catalog import CatalogIndex
from tokenexport_cli.errors import DataError, InvalidValue, UsageError
from tokenexport_cli.pricing.engine import Shape, Usage
from tokenexport_cli.schema import Model
from tokenexport_cli.textfiles import InputWarning
from tokenexport_cli.workload.spec import DAYS_PER_MONTH, OutputTokens

if TYPE_CHECKING:  # quick flags need none of the token-counting stack
    from tokenexport_cli.tokens.workload_counts import FamilyCounts
    from tokenexport_cli.workload.calibrate import Calibration
    from tokenexport_cli.workload.inputs import ResolvedInput
    from tokenexport_cli.workload.load import Workload


def requests_per_month(per_day: Decimal | None, per_month: Decimal | None) -> Decimal:
    """Monthly request volume; a daily volume is scaled by 30.44 days a month."""
    if per_day is not None and per_month is not None:
        raise UsageError("give --requests-per-day or --requests-per-month, not both")
    value = (
        per_month
        if per_month is not None
        else (per_day * DAYS_PER_MONTH if per_day is not None else None)
    )
    if value is None:
        raise UsageError("give a workload file, or --requests-per-day or --requests-per-month")
    if value < 0:
        raise UsageError(f"request volume must not be negative (got {value})")
    return value


def fixed_usage(
    input_tokens: int,
    output_tokens: int,
    monthly_requests: Decimal,
    batch_fraction: Decimal = Decimal(0),
) -> Usage:
    """Every request has the same token counts, whatever the model's tokenizer."""
    if input_tokens < 0 or output_tokens < 0:
        raise UsageError("token counts must not be negative")
    if not Decimal(0) <= batch_fraction <= 1:
        raise InvalidValue(f"must be between 0 and 1 (got {batch_fraction})", "batch_fraction")
    return Usage(
        shapes=(Shape(input_tokens, output_tokens),),
        requests_per_month=monthly_requests,
        batch_fraction=batch_fraction,
    )


@dataclass(frozen=True)
class QuickSpec:
    """The quick form of a workload, from command-line flags."""

    input_files: tuple[Path, ...] = ()
    input_tokens: int | None = None
    output_tokens: int | None = None
    requests_per_day: Decimal | None = None
    requests_per_month: Decimal | None = None
    batch_fraction: Decimal | None = None


class UsageSource(Protocol):
    """Gives each model the Usage its own tokenizer sees."""

    @property
    def growth_percent(self) -> Decimal: ...

    def usage_for(self, model: Model) -> Usage: ...

    def digest(self) -> str: ...

    def warnings(self) -> tuple[InputWarning, ...]:
        """What a user should know about the inputs (skipped lines, uncounted images)."""
        ...


@dataclass(frozen=True)
class FixedUsageSource:
    """Token counts given as numbers: the same for every model."""

    usage: Usage
    growth_percent: Decimal = Decimal(0)

    def usage_for(self, model: Model) -> Usage:
        return self.usage

    def digest(self) -> str:
        return usage_digest(self.usage)

    def warnings(self) -> tuple[InputWarning, ...]:
        return ()


def usage_source(
    index: CatalogIndex, workload: Path | None, quick: QuickSpec, fast: bool = False
) -> UsageSource:
    """The workload file, or the quick flags, as a per-model usage source."""
    if workload is not None:
        from tokenexport_cli.workload.load import load_workload

        if quick.input_files or quick.input_tokens is not None:
            raise UsageError(
                "give a workload file or the quick flags (--input, --input-tokens), not both"
            )
        loaded = load_workload(workload)
        if any(item.kind == "logs" for item in loaded.inputs):
            return _recorded(index, loaded.inputs, loaded.requests_per_month, loaded)
        if quick.output_tokens is not None:
            loaded = replace(loaded, output=OutputTokens(fixed=quick.output_tokens))
        return WorkloadUsageSource(index, loaded, fast)
    if quick.input_files:
        from tokenexport_cli.workload.load import quick_workload

        if quick.input_tokens is not None:
            raise UsageError("give --input FILES or --input-tokens N, not both")
        from tokenexport_cli.logs.sniff import is_usage_log

        logs = [path for path in quick.input_files if is_usage_log(Path(path))]
        if logs:
            if len(logs) != len(quick.input_files):
                raise UsageError(
                    "--input: give either logs with recorded usage or sample requests, not both"
                )
            volume = None
            if quick.requests_per_day is not None or quick.requests_per_month is not None:
                volume = requests_per_month(quick.requests_per_day, quick.requests_per_month)
            from tokenexport_cli.logs.usage_source import RecordedUsageSource

            return RecordedUsageSource(index, logs, volume)
        return WorkloadUsageSource(
            index,
            quick_workload(
                list(quick.input_files),
                requests_per_day=quick.requests_per_day,
                requests_per_month=quick.requests_per_month,
                output_tokens=quick.output_tokens,
                batch_fraction=quick.batch_fraction or Decimal(0),
            ),
            fast,
        )
    if quick.input_tokens is None:
        raise UsageError("give a workload file, --input FILES or --input-tokens N")
    monthly = requests_per_month(quick.requests_per_day, quick.requests_per_month)
    if quick.output_tokens is None:
        raise InvalidValue(
            "no output tokens given and none recorded: add --output-tokens N", "output_tokens"
        )
    return FixedUsageSource(
        fixed_usage(
            quick.input_tokens,
            quick.output_tokens or 0,
            monthly,
            quick.batch_fraction or Decimal(0),
        )
    )


def _recorded(
    index: CatalogIndex, inputs: tuple[ResolvedInput, ...], volume: Decimal, loaded: Workload
) -> UsageSource:
    """A workload whose inputs are logs: their recorded calls, scaled to its volume."""
    from tokenexport_cli.logs.usage_source import RecordedUsageSource

    if any(item.kind != "logs" for item in inputs):
        raise DataError(f"{loaded.origin}: inputs: logs cannot be mixed with other inputs")
    groups = [(item.files, dict(item.columns) or None) for item in inputs]
    ratios = _reasoning_ratios(index, loaded)
    return RecordedUsageSource(index, [], volume, loaded.growth_percent_per_month, groups, ratios)


def _reasoning_ratios(index: CatalogIndex, loaded: Workload) -> dict[str, Decimal]:
    """The workload's ``reasoning_ratio`` keyed by catalog model id; every unknown model is
    a located problem (the values were bounded when the file was read)."""
    from tokenexport_cli.errors import located
    from tokenexport_cli.validation import Invalid
    from tokenexport_cli.yamlsafe import line_of

    if loaded.spec is None or not loaded.spec.reasoning_ratio:
        return {}
    ratios: dict[str, Decimal] = {}
    problems: list[str] = []
    for name, value in loaded.spec.reasoning_ratio.items():
        try:
            ratios[index.model(name).id] = value
        except UsageError as exc:
            if loaded.source is None:
                raise
            text = loaded.source.text
            # a model id may hold dots, so the key is found on the lines below the mapping
            start = line_of(text, "reasoning_ratio") or 1
            line = next(
                (
                    number
                    for number, row in enumerate(text.splitlines()[start:], start + 1)
                    if row.strip().strip("'\"").startswith(name)
                ),
                start,
            )
            problems.append(located(loaded.source.path, line, f"reasoning_ratio.{name}", str(exc)))
    if problems:
        raise Invalid(problems)
    return ratios


class WorkloadUsageSource:
    """A workload's sample requests, counted with each model's own tokenizer family (once per
    family, through the count cache), calibrated where the user has calibrated that model."""

    def __init__(self, index: CatalogIndex, workload: Workload, fast: bool = False) -> None:
        self.index = index
        self.workload = workload
        self.fast = fast
        self._counts: dict[str, FamilyCounts] = {}
        self._calibration: Calibration | None = None

    @property
    def growth_percent(self) -> Decimal:
        return self.workload.growth_percent_per_month

    def counts(self, family: str) -> FamilyCounts:
        if family not in self._counts:
            from tokenexport_cli.tokens.cache import CountCache
            from tokenexport_cli.tokens.families import family_spec
            from tokenexport_cli.tokens.workload_counts import count_workload

            spec = family_spec(self.index, family)
            with CountCache() as cache:
                self._counts[family] = count_workload(
                    self.workload, spec, cache=cache, fast=self.fast
                )
        return self._counts[family]

    def digest(self) -> str:
        """Content hash of the workload: volume, traffic, system prompt and every sample."""
        import hashlib

        from tokenexport_cli.tokens.workload_counts import request_digest

        workload = self.workload
        hasher = hashlib.sha256(b"tokx-workload-v1\x00")
        # the default TTL adds nothing, so digests of existing workloads do not move
        ttl = f"ttl={workload.cache_ttl}|" if workload.cache_ttl != "5m" else ""
        hasher.update(
            f"{workload.requests_per_month}|{workload.growth_percent_per_month}|"
            f"{workload.cache_hit_rate}|{workload.batch_fraction}|{workload.output}|{ttl}"
            f"{workload.traffic.timezone}|".encode()
        )
        hasher.update(",".join(str(w) for w in workload.traffic.weights).encode())
        hasher.update((workload.system_prompt or "").encode())
        for request in workload.requests():
            hasher.update(request_digest(request).encode())
        return "sha256:" + hasher.hexdigest()[:16]

    def warnings(self) -> tuple[InputWarning, ...]:
        """The warnings of the inputs as counted (the same ones ``workload show`` prints)."""
        seen: dict[str, InputWarning] = {}
        for counts in self._counts.values():
            for warning in counts.warnings:
                seen.setdefault(warning.message, warning)
        return tuple(seen.values())

    def calibration(self) -> Calibration:
        if self._calibration is None:
            from tokenexport_cli.workload.calibrate import load_calibration

            self._calibration = load_calibration()
        return self._calibration

    def usage_for(self, model: Model) -> Usage:
        counts = self.counts(model.tokenizer)
        prompts, prefix = counts.prompts, counts.prefix
        band = counts.band_percent
        note = None
        fit = self.calibration().for_model(model.id)
        if fit is not None:
            prompts = tuple(_scaled(value, fit.ratio) for value in prompts)
            prefix = _scaled(prefix, fit.ratio)
            band = None
            note = f"tokens calibrated from {fit.requests} requests (x{fit.ratio:.3f})"
        reconstructed = counts.reconstructed and band is not None
        return Usage(
            shapes=tuple(
                Shape(prefix + prompt, output)
                for prompt, output in zip(prompts, counts.outputs, strict=True)
            ),
            requests_per_month=self.workload.requests_per_month,
            prefix_tokens=prefix,
            cache_hit_rate=self.workload.cache_hit_rate,
            batch_fraction=self.workload.batch_fraction,
            cache_ttl=self.workload.cache_ttl,
            traffic_weights=tuple(self.workload.traffic.weights),
            traffic_timezone=self.workload.traffic.timezone,
            family=counts.family,
            band_percent=band,
            reconstructed=reconstructed,
            note=note,
        )


def _scaled(tokens: int, ratio: Decimal) -> int:
    return int((Decimal(tokens) * ratio).to_integral_value(ROUND_HALF_EVEN))


def usage_digest(usage: Usage) -> str:
    """A short content hash of a workload as tokx priced it (token shapes and traffic)."""
    import hashlib

    hasher = hashlib.sha256()
    hasher.update(
        f"{usage.requests_per_month}|{usage.prefix_tokens}|{usage.cache_hit_rate}|"
        f"{usage.batch_fraction}|{usage.traffic_timezone}|".encode()
    )
    hasher.update(",".join(str(w) for w in usage.traffic_weights).encode())
    for shape in usage.shapes:
        hasher.update(f"{shape.input_tokens}:{shape.output_tokens};".encode())
    return "sha256:" + hasher.hexdigest()[:16]
