"""Rebuild catalogs/<version>/ from ../shared/reference-data and ../shared/reference/articles."""

from __future__ import annotations

import argparse
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

from catalog_build.build import VERSIONS, write_version  # noqa: E402
from catalog_build.sources import Reference  # noqa: E402

from tokenexport_cli.catalog import CatalogInvalid  # noqa: E402
from tokenexport_cli.errors import TokxError  # noqa: E402
from tokenexport_cli.schema import Catalog  # noqa: E402


def summary(version: str, catalog: Catalog) -> str:
    kinds = {p.id: p.kind for p in catalog.providers}
    paths: dict[str, set[str]] = {}
    for offer in catalog.offers:
        paths.setdefault(offer.model, set()).add(kinds[offer.provider])
    multi = sorted(m for m, k in paths.items() if len(k) >= 3)
    return (
        f"{version}: {len(catalog.models)} models, providers {dict(Counter(kinds.values()))}, "
        f"{len(catalog.offers)} offers, {len(multi)} models on >=3 path kinds, "
        f"{sum(len(o.tiers) > 0 for o in catalog.offers)} offers with tiers, "
        f"{sum(len(o.time_bands) > 0 for o in catalog.offers)} with time bands, "
        f"{sum(o.batch is not None for o in catalog.offers)} with batch, "
        f"{len(catalog.benchmarks)} benchmarks, {len(catalog.gpus)} gpus, "
        f"{len(catalog.serving)} serving, {len(catalog.market)} market rows"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "--reference",
        type=Path,
        default=ROOT.parent / "shared",
        help="folder holding reference-data/ and reference/articles/ (default: ../shared)",
    )
    parser.add_argument(
        "--out", type=Path, default=ROOT / "catalogs", help="catalogs folder to write"
    )
    parser.add_argument(
        "--version", choices=sorted(VERSIONS), action="append", help="build only this version"
    )
    args = parser.parse_args(argv)
    ref = Reference(args.reference.resolve())
    start = time.perf_counter()
    for version in args.version or sorted(VERSIONS):
        try:
            catalog = write_version(ref, args.out, version)
        except CatalogInvalid as exc:
            print("\n".join(exc.problems), file=sys.stderr)
            return exc.exit_code
        except TokxError as exc:  # a reference file the package importers cannot read
            print(exc, file=sys.stderr)
            return exc.exit_code
        print(summary(version, catalog), file=sys.stderr)
    print(f"built in {time.perf_counter() - start:.1f}s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
