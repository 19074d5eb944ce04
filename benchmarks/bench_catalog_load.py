"""Catalog load times: cold (parse + validate + compile) against warm (compiled cache), next to
plain PyYAML on the same files. Prints figures; asserts nothing.

    python benchmarks/bench_catalog_load.py [--version V] [--repeat N]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time


def best_of(repeat: int, func) -> tuple[float, float]:  # type: ignore[no-untyped-def]
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        func()
        times.append(time.perf_counter() - start)
    return min(times) * 1000, statistics.median(times) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--version", default=None, help="catalog version (default newest)")
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as cache:
        os.environ["TOKX_CACHE_DIR"] = cache
        import yaml

        from tokenexport_cli.catalog import load_catalog
        from tokenexport_cli.catalog.load import _cache_path, read_files
        from tokenexport_cli.catalog.locate import resolve_version

        version = resolve_version(args.version)
        files = read_files(version)
        total_bytes = sum(len(s.text.encode()) for s in (files.manifest, *files.data))
        loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

        def raw_yaml() -> None:
            for source in (files.manifest, *files.data):
                yaml.load(source.text, Loader=loader)

        def cold() -> None:
            _cache_path(files.digest()).unlink(missing_ok=True)
            load_catalog(args.version)

        def warm() -> None:
            load_catalog(args.version)

        catalog = load_catalog(args.version)
        print(
            f"catalog {version.name}: {len(files.data) + 1} files, {total_bytes / 1e6:.2f} MB, "
            f"{len(catalog.models)} models, {len(catalog.offers)} offers, "
            f"{len(catalog.benchmarks)} benchmarks"
        )
        rows = [
            ("PyYAML CSafeLoader, parse only", best_of(args.repeat, raw_yaml)),
            ("tokx cold load (parse+validate+compile+cache write)", best_of(args.repeat, cold)),
            ("tokx warm load (hash files + decode cache)", best_of(args.repeat, warm)),
        ]
        for label, (best, median) in rows:
            print(f"{label:55s} best {best:8.2f} ms   median {median:8.2f} ms")
        print(f"warm/cold speed-up: {rows[1][1][1] / rows[2][1][1]:.0f}x (medians)")

        env = dict(os.environ)
        command = [
            sys.executable,
            "-m",
            "tokenexport_cli",
            "catalog",
            "show",
            "deepseek-v3.2",
            "--format",
            "json",
        ]
        if args.version:
            command += ["--catalog-version", args.version]

        def process() -> None:
            subprocess.run(command, env=env, check=True, capture_output=True)

        best, median = best_of(args.repeat, process)
        print(
            f"{'whole process: tokx catalog show deepseek-v3.2 (warm)':55s} best {best:8.2f} ms"
            f"   median {median:8.2f} ms"
        )


if __name__ == "__main__":
    main()
