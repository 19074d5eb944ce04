"""Map catalog tokenizer families (exact, or approximate with a factor and band) and models to
the counting engine's family specs, and expand user paths into input files."""

from __future__ import annotations

from decimal import Decimal

from tokenexport_cli.catalog import CatalogIndex
from tokenexport_cli.errors import UsageError
from tokenexport_cli.suggest import did_you_mean
from tokenexport_cli.tokens.registry import exact_family_names
from tokenexport_cli.tokens.results import ApproximateFamily, ReconstructedFamily

FamilySpec = str | ApproximateFamily


def family_spec(index: CatalogIndex, name: str) -> FamilySpec:
    """An exact family by name, or the catalog's approximate family of that name."""
    if name in exact_family_names():
        return name
    family = index.tokenizers.get(name)
    if family is None:
        known = sorted({*exact_family_names(), *index.tokenizers})
        raise UsageError(f"unknown tokenizer family '{name}'{did_you_mean(name, known)}")
    if family.kind == "exact":
        raise UsageError(f"tokenizer family '{name}' has no shipped tokenizer file")
    assert family.reference and family.factor is not None and family.band_percent is not None
    approximate = ApproximateFamily.of(
        family.id, family.reference, family.factor, family.band_percent / 100, family.source
    )
    if family.kind != "reconstructed":
        return approximate
    from tokenexport_cli.tokens.claude import MESSAGE_FRAME, RECONSTRUCTION_BOUND

    if family.id not in MESSAGE_FRAME or family.reference != "o200k_base":
        raise UsageError(
            f"tokenizer family '{name}': tokx reconstructs only {', '.join(MESSAGE_FRAME)}, "
            "against o200k_base"
        )
    return ReconstructedFamily(*_fields(approximate), bound=RECONSTRUCTION_BOUND)


def _fields(family: ApproximateFamily) -> tuple[str, str, Decimal, Decimal, str]:
    return family.name, family.reference, family.factor, family.band, family.source


def model_family(index: CatalogIndex, model_name: str) -> FamilySpec:
    return family_spec(index, index.model(model_name).tokenizer)


def spec_name(spec: FamilySpec) -> str:
    return spec if isinstance(spec, str) else spec.name
