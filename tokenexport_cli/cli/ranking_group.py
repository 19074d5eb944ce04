"""The ranking option group: objective, weights, harnesses and every constraint flag, declared
once for the two commands that rank (``recommend`` and ``report``), so both make the same pick
from the same flags.

A command takes one ``ranking_flags: RankingFlags`` parameter and is decorated with
``@ranking_options()`` (an ``option_group``); ``RankingFlags.request(...)`` builds the core's
``RecommendRequest`` where the command used to, so errors come in the same order as before.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from tokenexport_cli.cli.common import parse_decimal, parse_pairs, split_values
from tokenexport_cli.cli.option_group import option_group
from tokenexport_cli.cli.options import (
    BillingCountries,
    ExcludeOrigins,
    Harnesses,
    MaxMonthly,
    MinContext,
    Minimums,
    ObjectiveOption,
    OpenWeights,
    Origins,
    Paths,
    Providers,
    Regions,
    Weights,
    harness_pairs,
)

if TYPE_CHECKING:
    from tokenexport_cli.api.choices import CatalogChoice, PricingChoice, WorkloadChoice
    from tokenexport_cli.api.cost import RecommendRequest
    from tokenexport_cli.ranking import Constraints

GROUP_PARAMETER = "ranking_flags"
#: (parameter name, its Typer declaration), in the order the commands have always shown them
FLAGS: tuple[tuple[str, Any], ...] = (
    ("objective", ObjectiveOption),
    ("min_context", MinContext),
    ("max_monthly", MaxMonthly),
    ("minimum", Minimums),
    ("weight", Weights),
    ("harness", Harnesses),
    ("open_weights", OpenWeights),
    ("origin", Origins),
    ("exclude_origin", ExcludeOrigins),
    ("path", Paths),
    ("provider", Providers),
    ("region", Regions),
    ("billing_country", BillingCountries),
)


@dataclass(frozen=True)
class RankingFlags:
    """The ranking flags as given on the command line."""

    objective: str = "cheapest"
    min_context: int | None = None
    max_monthly: str | None = None
    minimum: list[str] | None = None
    weight: list[str] | None = None
    harness: list[str] | None = None
    open_weights: bool | None = None
    origin: list[str] | None = None
    exclude_origin: list[str] | None = None
    path: list[str] | None = None
    provider: list[str] | None = None
    region: list[str] | None = None
    billing_country: list[str] | None = None

    def constraints(self) -> Constraints:
        """The ranking constraints (a UsageError names a bad flag)."""
        from tokenexport_cli.ranking import Constraints

        return Constraints(
            min_context=self.min_context,
            max_monthly=parse_decimal(self.max_monthly, "--max-monthly"),
            minimums=parse_pairs(self.minimum, "--min"),
            open_weights=self.open_weights,
            origins=tuple(o.upper() for o in split_values(self.origin)),
            exclude_origins=tuple(o.upper() for o in split_values(self.exclude_origin)),
            path_kinds=split_values(self.path),
            providers=split_values(self.provider),
            regions=split_values(self.region),
            billing_countries=tuple(c.upper() for c in split_values(self.billing_country)),
        )

    def request(
        self, catalog: CatalogChoice, workload: WorkloadChoice, pricing: PricingChoice
    ) -> RecommendRequest:
        """The core's ranking request for these flags."""
        from tokenexport_cli.api.cost import RecommendRequest

        return RecommendRequest(
            catalog=catalog,
            workload=workload,
            pricing=pricing,
            constraints=self.constraints(),
            objective=self.objective,  # type: ignore[arg-type]  # the core checks it
            weights=parse_pairs(self.weight, "--weight") or None,
            harnesses=harness_pairs(self.harness),
        )


def ranking_options() -> Callable[[Callable[..., None]], Callable[..., None]]:
    """Declare the ranking group in place of the command's ``ranking_flags`` parameter."""
    return option_group(GROUP_PARAMETER, FLAGS, RankingFlags, {"objective": "cheapest"})
