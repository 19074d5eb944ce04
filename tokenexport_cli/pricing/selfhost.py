"""Self-hosting cost: whole replicas of a measured serving unit rented all month, as many as a
workload's average traffic needs at a target utilization, and the break-even volume against an
API price."""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from tokenexport_cli.catalog import CatalogIndex
from tokenexport_cli.errors import InvalidValue
from tokenexport_cli.pricing.engine import (
    Breakdown,
    CostLine,
    Exclusion,
    PricingOptions,
    Usage,
    fit_shapes,
    to_decimal,
)
from tokenexport_cli.pricing.fx import Fx
from tokenexport_cli.schema import GpuPrice, Model, ServingProfile

HOURS_PER_MONTH = Fraction(73044, 100)  # 30.44 days x 24 h
DEFAULT_UTILIZATION = Decimal("0.6")


@dataclass(frozen=True)
class SelfhostOptions:
    """User overrides; ``None`` means take it from the catalog."""

    gpu: str | None = None
    gpus: int | None = None
    gpu_price: Decimal | None = None
    utilization: Decimal = DEFAULT_UTILIZATION

    def __post_init__(self) -> None:
        from tokenexport_cli.bounds import check_fields, checked

        utilization = checked(self.utilization, "fraction_positive", "utilization")
        object.__setattr__(self, "utilization", utilization)
        check_fields(self, {"gpu_price": "hourly_price", "gpus": "count"})
        if self.gpu_price is not None and self.gpu_price <= 0:
            raise InvalidValue(f"must be positive, got {self.gpu_price}", "gpu_price")


@dataclass(frozen=True)
class Rig:
    """One serving replica on rented GPUs, with what it costs and how fast it serves."""

    profile: ServingProfile
    gpu_price: GpuPrice | None
    gpus: int
    usd_per_gpu_hour: Decimal
    utilization: Decimal

    @property
    def usd_per_hour(self) -> Fraction:
        return Fraction(self.usd_per_gpu_hour) * self.gpus

    def shares(self, input_tokens: Fraction, output_tokens: Fraction) -> tuple[Fraction, Fraction]:
        """Replica-seconds of prefill and of decode capacity the tokens take, at full load.

        A replica processes input and output at the same time (prefill and decode node
        groups, or one mixed batch), so work occupies max(prefill, decode), never their sum.
        With more GPUs than the measured unit, throughput is scaled linearly (stated)."""
        scale = Fraction(self.gpus, self.profile.gpus_per_replica)
        return (
            input_tokens / (Fraction(self.profile.input_tokens_per_s) * scale),
            output_tokens / (Fraction(self.profile.output_tokens_per_s) * scale),
        )

    def seconds(self, input_tokens: Fraction, output_tokens: Fraction) -> tuple[Fraction, Fraction]:
        """Replica-seconds spent on prefill and on decode at the target utilization."""
        prefill, decode = self.shares(input_tokens, output_tokens)
        utilization = Fraction(self.utilization)
        return prefill / utilization, decode / utilization

    def usd_per_million(self) -> tuple[Decimal, Decimal]:
        prefill, decode = self.seconds(Fraction(1_000_000), Fraction(1_000_000))
        per_second = self.usd_per_hour / 3600
        return to_decimal(prefill * per_second), to_decimal(decode * per_second)

    def monthly_fixed_usd(self) -> Decimal:
        """One replica rented all month, busy or not."""
        return to_decimal(self.usd_per_hour * HOURS_PER_MONTH)

    def assumptions(self) -> list[str]:
        source = (
            f"{self.gpu_price.provider} {self.gpu_price.gpu} ({self.gpu_price.source}, "
            f"as of {self.gpu_price.as_of})"
            if self.gpu_price
            else "--gpu-price"
        )
        return [
            f"serving profile {self.profile.id}: {self.profile.engine} on "
            f"{self.profile.gpus_per_replica} x {self.profile.gpu}, "
            f"{self.profile.input_tokens_per_s.normalize():f} input + "
            f"{self.profile.output_tokens_per_s.normalize():f} "
            f"output tokens/s per replica ({self.profile.source}, as of {self.profile.as_of})",
            f"GPU price ${self.usd_per_gpu_hour.normalize():f}/GPU-hour from {source}",
            f"{self.gpus} GPUs per replica"
            + (
                f" (the measured unit: {self.profile.layout})"
                if self.gpus == self.profile.gpus_per_replica and self.profile.layout
                else f"; throughput scaled linearly from the measured {self.profile.gpus_per_replica}"
            ),
            f"target utilization {self.utilization}: the average traffic may fill this share of "
            "the replicas' capacity; replicas are whole and rented all month",
            "prefill and decode capacity run at the same time (the busier one sets the load); "
            "no prompt-cache savings assumed",
        ]


def _matching_gpu_prices(index: CatalogIndex, gpu_name: str) -> list[GpuPrice]:
    """Prices of the profile's GPU model, cheapest first: the first word must match a whole
    word of the price's GPU name (H200 is not GH200)."""
    wanted = gpu_name.lower().split()[0]
    return sorted(
        (p for p in index.catalog.gpus if wanted in p.gpu.lower().replace("(", " ").split()),
        key=lambda p: (p.usd_per_gpu_hour, p.id),
    )


def rigs_for(index: CatalogIndex, model: Model, options: SelfhostOptions) -> list[Rig | str]:
    """One rig per serving profile of the model, or a reason string where none can be built."""
    found: list[Rig | str] = []
    for profile in index.catalog.serving:
        if profile.model != model.id:
            continue
        if options.gpu and options.gpu.lower() not in profile.gpu.lower():
            found.append(f"serving profile {profile.id} runs on {profile.gpu}, not {options.gpu}")
            continue
        prices = _matching_gpu_prices(index, profile.gpu)
        if options.gpu_price is not None:
            price, chosen = options.gpu_price, None
        elif prices:
            price, chosen = prices[0].usd_per_gpu_hour, prices[0]
        else:
            found.append(f"no GPU price for {profile.gpu} in the catalog (give --gpu-price)")
            continue
        found.append(
            Rig(
                profile,
                chosen,
                options.gpus or profile.gpus_per_replica,
                price,
                options.utilization,
            )
        )
    return found


@dataclass(frozen=True)
class ReplicaPlan:
    """Whole replicas a workload's average traffic needs, rented all month."""

    rig: Rig
    load: Fraction  # replicas' worth of capacity the average traffic uses at full load
    replicas: int
    monthly_usd: Fraction
    input_share: Fraction  # part of the cost attributed to prefill, by capacity used

    @property
    def utilization_used(self) -> Fraction:
        """The share of the committed replicas' capacity the average traffic fills."""
        return self.load / self.replicas


def plan_replicas(rig: Rig, input_tokens: Fraction, output_tokens: Fraction) -> ReplicaPlan:
    """Replicas for ``input_tokens`` and ``output_tokens`` a month: the busier phase's load
    divided by the target utilization, rounded up to whole replicas (at least one)."""
    seconds = HOURS_PER_MONTH * 3600
    prefill, decode = rig.shares(input_tokens / seconds, output_tokens / seconds)
    load = max(prefill, decode)
    replicas = max(1, math.ceil(load / Fraction(rig.utilization)))
    busy = prefill + decode
    return ReplicaPlan(
        rig=rig,
        load=load,
        replicas=replicas,
        monthly_usd=rig.usd_per_hour * HOURS_PER_MONTH * replicas,
        input_share=prefill / busy if busy else Fraction(1, 2),
    )


def selfhost_lines(
    index: CatalogIndex,
    model: Model,
    usage: Usage,
    fx: Fx,
    options: PricingOptions,
    selfhost: SelfhostOptions | None,
) -> list[CostLine | Exclusion]:
    """Cost lines for running an open-weight model on the catalog's serving units: the committed
    monthly cost of the whole replicas the workload needs, not a share of one."""
    if not model.open_weights:
        return []
    results: list[CostLine | Exclusion] = []
    for rig in rigs_for(index, model, selfhost or SelfhostOptions()):
        if isinstance(rig, str):
            results.append(Exclusion(model.id, "selfhost", rig, "no usable serving profile"))
            continue
        shapes, reason = fit_shapes(
            usage.shapes, model.context_window, usage.prefix_tokens, options.long_inputs
        )
        if reason is not None:
            results.append(Exclusion(model.id, f"selfhost/{rig.profile.id}", reason))
            continue
        requests = Fraction(usage.requests_per_month)
        per_request_in = Fraction(sum(s.input_tokens for s in shapes)) / len(usage.shapes)
        per_request_out = Fraction(sum(s.output_tokens for s in shapes)) / len(usage.shapes)
        plan = plan_replicas(rig, per_request_in * requests, per_request_out * requests)
        monthly = plan.monthly_usd * fx.rate_fraction("USD", options.currency)
        prefill = monthly * plan.input_share
        zero = Decimal(0)
        results.append(
            CostLine(
                model=model.id,
                provider=f"selfhost/{rig.profile.id}",
                region=None,
                path_kind="selfhost",
                currency=options.currency,
                monthly=to_decimal(monthly),
                per_request=to_decimal(monthly / requests) if requests else zero,
                breakdown=Breakdown(
                    to_decimal(prefill),
                    zero,
                    zero,
                    to_decimal(monthly - prefill),
                    zero,
                    zero,
                    zero,
                    zero,
                ),
                calls_per_request=Decimal(len(shapes)) / len(usage.shapes),
                context_window=model.context_window,
                notes=(replica_note(plan),),
                band_percent=usage.band_percent,
                reconstructed=usage.reconstructed,
            )
        )
    return results


def replica_note(plan: ReplicaPlan) -> str:
    """How a self-host line's monthly cost is committed, e.g. '2 replicas of 104 x H100 ...'."""
    rig = plan.rig
    percent = to_decimal(plan.utilization_used * 100).quantize(Decimal("0.1"))
    used = f"{percent}%" if percent >= Decimal("0.1") else "under 0.1%"
    return (
        f"committed: {plan.replicas} replica{'s' if plan.replicas > 1 else ''} of {rig.gpus} x "
        f"{rig.profile.gpu} at ${rig.usd_per_gpu_hour}/GPU-h, rented all month; the average "
        f"traffic fills {used} of their capacity (target utilization {rig.utilization})"
    )


@dataclass(frozen=True)
class Breakeven:
    """Always-on rented replicas against the cheapest API path, for one workload."""

    rig: Rig
    seconds_per_request: Decimal
    capacity_per_replica: Decimal  # requests a month one replica serves at the utilization
    replicas_needed: int
    monthly_fixed: Decimal  # all needed replicas, all month
    cost_per_request_full: Decimal  # one replica's month / its capacity
    api_line: CostLine | None
    breakeven_requests: Decimal | None  # None: never cheaper


def breakeven(rig: Rig, usage: Usage, api_line: CostLine | None) -> Breakeven:
    """When do always-on replicas beat paying per token? Self-hosting costs whole replicas:
    below one replica's capacity it pays the full month; above, one more replica per capacity.
    It beats the API from ``fixed / api_cost_per_request`` requests a month, provided a full
    replica serves a request for less than the API charges."""
    total_in = Fraction(sum(s.input_tokens for s in usage.shapes))
    total_out = Fraction(sum(s.output_tokens for s in usage.shapes))
    prefill, decode = rig.seconds(total_in, total_out)
    seconds = max(prefill, decode) / len(usage.shapes)
    capacity = HOURS_PER_MONTH * 3600 / seconds if seconds else Fraction(10**18)
    replica_month = rig.usd_per_hour * HOURS_PER_MONTH
    volume = Fraction(usage.requests_per_month)
    replicas = max(1, math.ceil(volume / capacity))
    full_cost = replica_month / capacity
    point: Fraction | None = None
    if api_line is not None and api_line.per_request > 0:
        api = Fraction(api_line.per_request)
        if full_cost < api:
            point = replica_month / api
    return Breakeven(
        rig=rig,
        seconds_per_request=to_decimal(seconds),
        capacity_per_replica=to_decimal(capacity),
        replicas_needed=replicas,
        monthly_fixed=to_decimal(replica_month * replicas),
        cost_per_request_full=to_decimal(full_cost),
        api_line=api_line,
        breakeven_requests=to_decimal(point) if point is not None else None,
    )
