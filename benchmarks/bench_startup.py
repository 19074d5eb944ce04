"""Start-up time of tokx against `python -c "import typer, rich.table"` on the same machine.

Runs each command in a fresh interpreter, interleaved (one of each per round, so a busy moment
hits all of them alike), and prints the median wall time and its ratio to the baseline next to
the target of issue 12. A warm-up round first fills the compiled catalog cache and the bytecode
caches. Prints figures; asserts nothing (a run whose command fails is reported as failed).

    python benchmarks/bench_startup.py [--rounds N]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

# What the `tokx` console script does, for a checkout that is not installed.
AS_TOKX = "import sys; sys.argv[0] = 'tokx'; from tokenexport_cli.cli import main; sys.exit(main())"
QUICK_ESTIMATE = [
    *("estimate", "--input-tokens", "1000", "--output-tokens", "200"),
    *("--requests-per-month", "1000", "-m", "deepseek-v3.2", "--format", "json"),
]
COMPLETION_WORDS = "tokx estimate -m deeps"


def tokx_command() -> list[str]:
    """The installed console script beside this interpreter, else the same call via -c."""
    script = Path(sys.executable).with_name("tokx")
    if script.is_file() and os.access(script, os.X_OK):
        return [str(script)]
    return [sys.executable, "-c", AS_TOKX]


def cases() -> list[tuple[str, list[str], dict[str, str], float | None, str | None]]:
    """(label, argv, extra environment, target ratio, text the output must contain)."""
    tokx = tokx_command()
    completion_env = {
        "_TOKX_COMPLETE": "complete_bash",
        "COMP_WORDS": COMPLETION_WORDS,
        "COMP_CWORD": str(len(COMPLETION_WORDS.split()) - 1),
    }
    return [
        ('python -c "import typer, rich.table"', [sys.executable, "-c", "import typer, rich.table"],
         {}, None, None),
        ("tokx " + " ".join(QUICK_ESTIMATE), [*tokx, *QUICK_ESTIMATE], {}, 2.0, '"deepseek-v3.2"'),
        ("tokx --help", [*tokx, "--help"], {}, 1.5, "estimate"),
        (f"completion of '{COMPLETION_WORDS}' (bash)", tokx, completion_env, 1.5, "deepseek-v3.2"),
    ]  # fmt: skip


def run_once(argv: list[str], extra_env: dict[str, str]) -> tuple[float, int, str]:
    env = {**os.environ, **extra_env, "COLUMNS": "100"}
    # an installed tokx runs from bytecode (pip compiles it, like typer and rich); without
    # this a checkout would be recompiled from source on every run and timed doing so
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    start = time.perf_counter()
    done = subprocess.run(argv, env=env, capture_output=True, text=True, check=False)
    return time.perf_counter() - start, done.returncode, done.stdout


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=15, help="timed runs of each command")
    options = parser.parse_args()
    table = cases()
    failed: dict[str, str] = {}
    for label, argv, extra_env, _, must_contain in table:  # warm-up; checks each one works
        _, code, out = run_once(argv, extra_env)
        if code != 0 or (must_contain is not None and must_contain not in out):
            failed[label] = f"exit {code}, output {out[:80]!r}"
    times: dict[str, list[float]] = {label: [] for label, *_ in table}
    for _ in range(options.rounds):
        for label, argv, extra_env, _, _ in table:
            times[label].append(run_once(argv, extra_env)[0])
    print(f"python {sys.version.split()[0]}, {options.rounds} interleaved rounds, median wall time")
    print(f"tokx runs as: {' '.join(tokx_command())}")
    baseline = statistics.median(times[table[0][0]])
    for label, _, _, target, _ in table:
        median = statistics.median(times[label])
        line = f"{median * 1000:7.0f} ms  {median / baseline:4.2f}x  {label}"
        if target is not None:
            verdict = "meets" if median / baseline <= target else "MISSES"
            line += f"  (target <= {target}x: {verdict})"
        if label in failed:
            line += f"  FAILED: {failed[label]}"
        print(line)


if __name__ == "__main__":
    main()
