"""Per-entry cost of ``tokx catalog import`` with and without ``--add-models`` (issue 18).

The input is a synthetic OpenRouter ``/api/v1/models`` response (made up ids and prices, the
shape of ``tests/sync/fixtures/openrouter.json``) whose models match no catalog model: a plain
import reports each one as unmatched, ``--add-models`` writes each as a new model and offer.
Both import into a new catalog version in a temporary data directory, on the newest bundled
catalog. A third figure is a plain import that writes as much: every entry matches a catalog
model (the large response added first with ``--add-models``) and changes its price; it writes
each offer it re-prices (the earlier import's entries it keeps are copied as written) and no
model, and reading that base (seconds of fixed cost) makes it vary from run to run. Each round
runs the three imports in turn, so a burst of load from others hits each alike. The fixed cost
(loading the base catalog, copying it) is taken out by timing a small and a large response:
per entry = (large - small) / (large entries - small entries). ``--load`` also times a cold
load of the catalog the large ``--add-models`` import wrote (each in a new process, with its peak
memory): its files as written (sealed, read as JSON: ``catalog.sealed``) and the same files
without their seal (read as YAML, as an edited file is). Prints figures; asserts nothing.

    python benchmarks/bench_import.py [--small 1000] [--large 20000] [--repeat 3] [--steps]
        [--load]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import tempfile
import time
from pathlib import Path
from typing import Any


def response(entries: int, prompt: str = "0.000003") -> bytes:
    """A synthetic OpenRouter response of ``entries`` priced models from 50 vendors."""
    data = [
        {
            "id": f"benchvendor{index % 50}/bench-model-{index}",
            "name": f"BenchVendor: Bench Model {index}",
            "created": 1767225600,
            "context_length": 128000,
            "architecture": {"input_modalities": ["text"], "output_modalities": ["text"]},
            "pricing": {"prompt": prompt, "completion": "0.000012"},
            "top_provider": {"max_completion_tokens": 8192},
        }
        for index in range(entries)
    ]
    return json.dumps({"data": data}).encode()


def timed_import(source: Path, base: str, add_models: bool, attempt: int) -> float:
    """CPU time of one import of ``source`` on ``base`` into a new version, in seconds (CPU,
    not wall time: figures stay comparable on a machine shared with others)."""
    from tokenexport_cli.api.catalog import ImportRequest, import_prices
    from tokenexport_cli.api.choices import CatalogChoice

    request = ImportRequest(
        "openrouter",
        source,
        retrieved=dt.date(2026, 11, 27),
        as_version=f"2026-11-27.bench-{int(add_models)}-{source.stem}-{attempt}",
        base=CatalogChoice(base),
        add_models=add_models,
    )
    start = time.process_time()
    result = import_prices(request)
    spent = time.process_time() - start
    if add_models and not result.plan.models:
        raise SystemExit("--add-models added no model: the benchmark measures nothing")
    return spent


def steps(sources: dict[int, Path], base_name: str, repeat: int) -> None:
    """CPU time per entry of each step of an import (the larger response's time less the
    smaller's, over the difference in entries), the cycle collector paused as in an import."""
    import gc
    import shutil

    from tokenexport_cli.catalog.importers import format_module, parse_path, write
    from tokenexport_cli.catalog.importers.base import SourceInfo
    from tokenexport_cli.catalog.importers.match import plan_import
    from tokenexport_cli.catalog.load import compile_files, read_files
    from tokenexport_cli.catalog.locate import resolve_version

    module = format_module("openrouter")
    version = resolve_version(base_name)
    files = read_files(version)
    catalog, contents = compile_files(files, version.name)
    base = write.BaseFiles(version, files, contents)
    best: dict[tuple[str, int], float] = {}
    scratch = next(iter(sources.values())).parent / "steps"

    def timed(label: str, size: int, step: Any, *args: Any, **kwargs: Any) -> Any:
        start = time.process_time()
        result = step(*args, **kwargs)
        spent = time.process_time() - start
        best[label, size] = min(best.get((label, size), float("inf")), spent)
        return result

    for _ in range(repeat):
        for size, source in sources.items():
            info = SourceInfo("openrouter", str(source), dt.datetime(2026, 11, 27, tzinfo=dt.UTC))
            gc.disable()
            try:
                entries = timed(
                    "parse and check the source", size, parse_path, module, source, info.as_of
                )
                timed("plan, plain", size, plan_import, catalog, entries, info, module)
                plan = timed(
                    "plan, --add-models (make models, offers)",
                    size,
                    plan_import,
                    catalog,
                    entries,
                    info,
                    module,
                    add_models=True,
                )
                shutil.rmtree(scratch, ignore_errors=True)
                scratch.mkdir()
                name = "2026-11-27.steps"
                label = "write the version (validate, encode)"
                known = timed(label, size, write._build, plan, base, scratch, name)
                timed(
                    "check the new version (merge, rules)",
                    size,
                    write._validate,
                    scratch,
                    name,
                    known,
                )
            finally:
                gc.enable()
    small, large = sorted(sources)
    for label in dict.fromkeys(label for label, _ in best):
        per_entry = (best[label, large] - best[label, small]) / (large - small)
        print(f"  {label:42s} {per_entry * 1e6:6.1f} us an entry")


LOAD = """
import resource, sys, time
from pathlib import Path
from tokenexport_cli.catalog.load import compile_files, read_files
from tokenexport_cli.catalog.locate import VersionDir
start = time.process_time()
catalog, _ = compile_files(read_files(VersionDir("bench", Path(sys.argv[1]), "synced")))
spent = time.process_time() - start
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(f"{spent:.2f} s CPU, peak {peak:.0f} MB RSS, {len(catalog.models):,} models")
"""


def loads(with_models: str, repeat: int) -> None:
    """A cold load (parse, validate, merge, no cache) of the catalog ``with_models``, in a new
    process each time: as written (sealed) and with the seals taken off (YAML)."""
    import shutil
    import subprocess
    import sys

    from tokenexport_cli.catalog.locate import resolve_version

    sealed = resolve_version(with_models).path
    unsealed = sealed.parent / "bench-unsealed"
    shutil.copytree(sealed, unsealed)
    for path in unsealed.glob("imported-*.yaml"):
        path.write_text(path.read_text().split("\n", 1)[1])  # the first line is the seal
    for attempt in range(repeat):
        for label, folder in (("sealed (JSON)", sealed), ("unsealed (YAML)", unsealed)):
            done = subprocess.run(
                [sys.executable, "-c", LOAD, str(folder)],
                capture_output=True,
                text=True,
                check=True,
                env={**os.environ, "TOKX_NO_CACHE": "1"},
            )
            print(f"  cold load, {label:15s} round {attempt + 1}: {done.stdout.strip()}")


def _with_models(root: Path, sources: dict[int, Path], base: str) -> tuple[str, dict[int, Path]]:
    """The base of the re-pricing figure: the large response added with ``--add-models``; and
    responses of the same models at a new input price (the import writes each offer anew)."""
    from tokenexport_cli.api.catalog import ImportRequest, import_prices
    from tokenexport_cli.api.choices import CatalogChoice

    added = "2026-11-27.bench-with-models"
    import_prices(
        ImportRequest(
            "openrouter",
            sources[max(sources)],
            retrieved=dt.date(2026, 11, 27),
            as_version=added,
            base=CatalogChoice(base),
            add_models=True,
        )
    )
    changed = {}
    for size in sources:
        changed[size] = root / f"openrouter-{size}-repriced.json"
        changed[size].write_bytes(response(size, prompt="0.000004"))
    return added, changed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--small", type=int, default=1000, help="entries of the small response")
    parser.add_argument("--large", type=int, default=20000, help="entries of the large one")
    parser.add_argument("--repeat", type=int, default=3, help="best of this many runs")
    parser.add_argument("--steps", action="store_true", help="also time each step of an import")
    parser.add_argument(
        "--load", action="store_true", help="also time a cold load of the catalog it wrote"
    )
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as scratch:
        root = Path(scratch)
        os.environ["TOKX_DATA_DIR"] = str(root / "data")
        os.environ["TOKX_CACHE_DIR"] = str(root / "cache")
        sources = {}
        for entries in (args.small, args.large):
            sources[entries] = root / f"openrouter-{entries}.json"
            sources[entries].write_bytes(response(entries))
        from tokenexport_cli.catalog.locate import resolve_version

        base = resolve_version().name  # before the imports add newer versions
        print(
            f"catalog {base}: synthetic OpenRouter responses of "
            f"{args.small:,} and {args.large:,} new models; CPU seconds, best of {args.repeat}"
        )
        print(f"load average at the start (1, 5, 15 min): {_load()}")
        with_models, repriced = _with_models(root, sources, base)
        # each figure is the least of its runs
        runs = {
            "plain import": (sources, base, False),
            "--add-models": (sources, base, True),
            "re-pricing": (repriced, with_models, False),
        }
        best = {(label, size): float("inf") for label in runs for size in sources}
        for attempt in range(args.repeat):
            for label, (files, on, add_models) in runs.items():
                for size, source in files.items():
                    spent = timed_import(source, on, add_models, attempt)
                    best[label, size] = min(best[label, size], spent)
        per_entry = {}
        for label in runs:
            small, large = best[label, args.small], best[label, args.large]
            per_entry[label] = (large - small) / (args.large - args.small)
            print(
                f"{label:13s} {args.small:>7,}: {small:7.2f} s   {args.large:>7,}: {large:7.2f} s"
                f"   per entry {per_entry[label] * 1000:.3f} ms"
            )
        added = per_entry["--add-models"]
        print(f"--add-models / plain import, per entry: {added / per_entry['plain import']:.2f}x")
        print(
            "--add-models / a plain import re-pricing every entry (on a catalog that has the "
            f"models), per entry: {added / per_entry['re-pricing']:.2f}x"
        )
        if args.steps:
            print("per step (--add-models writes the version; a plain import copies the base):")
            steps(sources, base, args.repeat)
        if args.load:
            print(f"the catalog with the {args.large:,} models added (the base of re-pricing):")
            loads(with_models, args.repeat)
        print(f"load average at the end (1, 5, 15 min): {_load()}")


def _load() -> str:
    return ", ".join(f"{value:.2f}" for value in os.getloadavg())


if __name__ == "__main__":
    main()
