"""Each catalog rule has a failing input and the exact one-line message it must produce.

Where the problem is worded by a dependency (msgspec, PyYAML), only tokx's part is asserted: the
file, line and key path."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from tokenexport_cli.cli import app

runner = CliRunner()


def mutate(folder: Path, name: str, old: str, new: str) -> Path:
    path = folder / name
    text = path.read_text()
    assert old in text, f"fixture changed: {old!r} not in {name}"
    path.write_text(text.replace(old, new, 1))
    return path


def validate(folder: Path) -> tuple[int, list[str]]:
    result = runner.invoke(app, ["catalog", "validate", str(folder)])
    return result.exit_code, result.stderr.splitlines()


CASES = [
    pytest.param(
        "models.yaml",
        "    vendor: AlphaLab\n",
        "    vendor: AlphaLab\n    colour: blue\n",
        "models.yaml:5: models[0].colour: unknown key 'colour'",
        id="unknown-key",
    ),
    pytest.param(
        "models.yaml",
        "id: beta-2",
        "id: alpha-1",
        "models.yaml:13: models[1]: duplicate id 'alpha-1', already defined in models.yaml at models[0]",
        id="duplicate-model-id",
    ),
    pytest.param(
        "offers/betaai.yaml",
        "model: beta-2",
        "model: beta-3",
        "offers/betaai.yaml:2: offers[0].model: unknown model 'beta-3'; did you mean 'beta-2'?",
        id="dangling-model",
    ),
    pytest.param(
        "offers/alphalab.yaml",
        "provider: router",
        "provider: routr",
        "offers/alphalab.yaml:17: offers[1].provider: unknown provider 'routr'; did you mean 'router'?",
        id="dangling-provider",
    ),
    pytest.param(
        "offers/alphalab.yaml",
        "input: 2.5",
        "input: -2.5",
        "offers/alphalab.yaml:4: offers[0].input: price must not be negative (got -2.5)",
        id="negative-price",
    ),
    pytest.param(
        "offers/alphalab.yaml",
        "    output: 10\n    cache_read",
        "    cache_read",
        "offers/alphalab.yaml:2: offers[0].output: missing required key 'output'",
        id="missing-price",
    ),
    pytest.param(
        "offers/betaai.yaml",
        "currency: CNY",
        "currency: JPY",
        "offers/betaai.yaml:4: offers[0].currency: unknown currency 'JPY' (no exchange rate in the manifest)",
        id="unknown-currency",
    ),
    pytest.param(
        "offers/betaai.yaml",
        '"00:30-08:30"',
        '"25:00-08:30"',
        "offers/betaai.yaml:12: offers[0].time_bands[0].hours[0]: '25:00-08:30' is not a valid time of day",
        id="bad-band-hour",
    ),
    pytest.param(
        "offers/betaai.yaml",
        '"00:30-08:30"',
        '"0030-0830"',
        "offers/betaai.yaml:12: offers[0].time_bands[0].hours[0]: expected an hour range 'HH:MM-HH:MM'",
        id="malformed-band-hours",
    ),
    pytest.param(
        "offers/betaai.yaml",
        "timezone: Asia/Shanghai",
        "timezone: Mars/Olympus",
        "offers/betaai.yaml:10: offers[0].time_bands[0].timezone: unknown timezone 'Mars/Olympus'",
        id="bad-band-timezone",
    ),
    pytest.param(
        "offers/betaai.yaml",
        "days: [mon, tue",
        "days: [mon, funday",
        # the problem after the key path is msgspec's own wording: only the place is tokx's
        "offers/betaai.yaml:11: offers[0].time_bands[0].days[1]: ",
        id="bad-band-day",
    ),
    pytest.param(
        "offers/alphalab.yaml",
        "    batch:\n      discount: 0.5\n",
        "    batch:\n      discount: 0.5\n      input: 1\n",
        "offers/alphalab.yaml:12: offers[0].batch: give either 'discount' or 'input'/'output' prices",
        id="batch-both-forms",
    ),
    pytest.param(
        "offers/alphalab.yaml",
        "discount: 0.5",
        "discount: 1.5",
        "offers/alphalab.yaml:13: offers[0].batch.discount: must be between 0 and 1 (got 1.5)",
        id="batch-discount-range",
    ),
    pytest.param(
        "offers/alphalab.yaml",
        "      - above: 100000\n",
        "      - above: 100000\n        input: 5\n        output: 15\n      - above: 50000\n",
        "offers/alphalab.yaml:12: offers[0].tiers[1].above: tiers must be in increasing order",
        id="tiers-out-of-order",
    ),
    pytest.param(
        "models.yaml",
        "aliases: [alphalab/alpha-1, alpha-one]",
        "aliases: [alphalab/alpha-1, beta-2]",
        "models.yaml:10: models[0].aliases[1]: alias 'beta-2' is already used by model 'beta-2'",
        id="alias-collision",
    ),
    pytest.param(
        "models.yaml",
        "aliases: [alphalab/alpha-1, alpha-one]",
        "aliases: [alphalab/alpha-1, Beta-2]",
        "models.yaml:10: models[0].aliases[1]: alias 'Beta-2' is already used by model 'beta-2' "
        "(as 'beta-2'; names ignore case)",
        id="alias-collision-ignoring-case",
    ),
    pytest.param(
        "models.yaml",
        "tokenizer: approx-beta",
        "tokenizer: approx-betta",
        "models.yaml:20: models[1].tokenizer: unknown tokenizer 'approx-betta'; did you mean 'approx-beta'?",
        id="dangling-tokenizer",
    ),
    pytest.param(
        "extra.yaml",
        "reference: o200k_base",
        "reference: approx-beta",
        "extra.yaml:8: tokenizers[1].reference: 'approx-beta' is not an exact family",
        id="approx-reference-not-exact",
    ),
    pytest.param(
        "extra.yaml",
        "  - model: alpha-1\n    benchmark",
        "  - model: alpha-9\n    benchmark",
        "extra.yaml:14: benchmarks[0].model: unknown model 'alpha-9'; did you mean 'alpha-1'?",
        id="dangling-benchmark",
    ),
    pytest.param(
        "offers/alphalab.yaml",
        "input: 2.5",
        "input: .nan",
        "offers/alphalab.yaml:4: offers[0].input: number '.nan' is not finite",
        id="non-finite-number",
    ),
    pytest.param(
        "offers/alphalab.yaml",
        "    output: 10\n    cache_read",
        "    output: 10\n    input: 3\n    cache_read",
        "offers/alphalab.yaml:6: duplicate key 'input'",
        id="duplicate-yaml-key",
    ),
    pytest.param(
        "providers.yaml",
        "  - id: betaai",
        "  - &anchor\n    id: betaai",
        "providers.yaml:15: YAML anchors and aliases are not allowed",
        id="yaml-anchor",
    ),
    pytest.param(
        "offers/betaai.yaml",
        "    provider: router\n    input: 0.3\n",
        "    provider: router\n    input: 0.3\n    cache_min_tokens: 1024\n",
        "offers/betaai.yaml:20: offers[1].cache_min_tokens: needs a cache_read price "
        "(the offer caches nothing)",
        id="caching-facts-without-cache-price",
    ),
    pytest.param(
        "providers.yaml",
        "kind: direct",
        "kind: directt",
        "providers.yaml:4: providers[0].kind: ",  # the rest is msgspec's wording
        id="bad-path-kind",
    ),
    pytest.param(
        "manifest.yaml",
        "schema_version: 1",
        "schema_version: 2",
        "manifest.yaml:2: schema_version: schema version 2 is not supported (tokx reads 1)",
        id="schema-version",
    ),
    pytest.param(
        "providers.yaml",
        "  - id: alphalab",
        "  - id: alphalab\n    extra: [",
        "providers.yaml:5: invalid YAML: ",  # the rest is PyYAML's wording
        id="yaml-syntax",
    ),
    pytest.param(
        "providers.yaml",
        "providers:",
        "providers: !!python/object:os.system\n  x:",
        "providers.yaml:1: invalid YAML: ",
        id="python-object-tag",
    ),
]


@pytest.mark.parametrize(("name", "old", "new", "expected"), CASES)
def test_rule_violation_is_reported_with_file_line_and_key(
    catalog_copy: Path, name: str, old: str, new: str, expected: str
) -> None:
    mutate(catalog_copy, name, old, new)
    code, lines = validate(catalog_copy)
    assert code == 3
    wanted = f"tokx: error: {catalog_copy}/{expected}"
    # a prefix ending in ": " stands for a problem worded by a dependency: it must still be there
    least = len(wanted) + 1 if wanted.endswith(": ") else len(wanted)
    assert any(line.startswith(wanted) and len(line) >= least for line in lines), "\n".join(lines)


def test_valid_fixture_passes(catalog_copy: Path) -> None:
    result = runner.invoke(app, ["catalog", "validate", str(catalog_copy)])
    assert result.exit_code == 0, result.stderr
    assert result.stdout.strip() == (
        f"ok: {catalog_copy}: 3 models, 3 providers, 4 offers, 1 benchmarks"
    )


def test_folder_name_must_match_catalog_version(catalog_copy: Path) -> None:
    renamed = catalog_copy.with_name("2026-01-02")
    catalog_copy.rename(renamed)
    result = runner.invoke(app, ["catalog", "list"])
    assert result.exit_code == 3
    assert result.stderr == (
        f"tokx: error: {renamed}/manifest.yaml:3: catalog_version: '2026-01-01' does not match "
        "its folder name '2026-01-02'\n"
    )


def test_every_problem_is_listed_by_validate(catalog_copy: Path) -> None:
    mutate(catalog_copy, "offers/alphalab.yaml", "input: 2.5", "input: -2.5")
    mutate(catalog_copy, "offers/betaai.yaml", "output: 8", "output: 1e30")
    code, lines = validate(catalog_copy)
    assert code == 3
    assert lines[-1] == "tokx: 2 problem(s) found"
    assert len(lines) == 3


def test_other_commands_report_the_first_problem_on_one_line(catalog_copy: Path) -> None:
    mutate(catalog_copy, "offers/alphalab.yaml", "input: 2.5", "input: -2.5")
    mutate(catalog_copy, "offers/betaai.yaml", "output: 8", "output: 1e30")
    result = runner.invoke(app, ["catalog", "show", "alpha-1"])
    assert result.exit_code == 3
    assert result.stdout == ""
    assert result.stderr == (
        f"tokx: error: {catalog_copy}/offers/alphalab.yaml:4: offers[0].input: "
        "price must not be negative (got -2.5) (and 1 more problems)\n"
    )
