"""Compare every offer of a catalog version with every reference source that carries it, through
tokx's importers; fail on any difference catalogs/known-differences/<version>.yaml does not list
with a reason and its source, and on any listed difference that no longer occurs.

Exit codes: 0 every difference explained, 1 unexplained or stale differences, 3 unreadable data.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

from catalog_build import discrepancies  # noqa: E402
from catalog_build.build import VERSIONS, version_specs  # noqa: E402
from catalog_build.sources import Reference  # noqa: E402

from tokenexport_cli.catalog import load_path  # noqa: E402
from tokenexport_cli.errors import TokxError  # noqa: E402
from tokenexport_cli.yamlsafe import load_yaml  # noqa: E402

CHECKED = sorted(v for v, (kind, _, _) in VERSIONS.items() if kind == "nov")


def run(reference: Path, catalogs: Path, version: str) -> tuple[list[str], list[str], int]:
    """(unexplained differences, stale table rows, number of differences found)."""
    kind, at, _ = VERSIONS[version]
    ref = Reference(reference)
    catalog = load_path(catalogs / version)
    diffs = discrepancies.compare(ref, catalog, version_specs(ref, kind), kind, at)
    table = load_yaml(catalogs / "known-differences" / f"{version}.yaml") or {}
    new, stale = discrepancies.check(diffs, list(table.get("known_differences") or ()))
    return new, stale, len(diffs)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--reference", type=Path, default=ROOT.parent / "shared")
    parser.add_argument("--catalogs", type=Path, default=ROOT / "catalogs")
    parser.add_argument("--version", choices=CHECKED, default=CHECKED[-1])
    args = parser.parse_args(argv)
    try:
        new, stale, found = run(args.reference.resolve(), args.catalogs, args.version)
    except TokxError as exc:
        print(exc, file=sys.stderr)
        return 3
    for line in new:
        print(f"unexplained: {line}")
    for line in stale:
        print(f"stale (listed, no longer found): {line}")
    explained = found - len(new)
    print(
        f"{args.version}: {found} differences from the references, {explained} explained, "
        f"{len(new)} unexplained, {len(stale)} stale",
        file=sys.stderr,
    )
    return 1 if new or stale else 0


if __name__ == "__main__":
    raise SystemExit(main())
