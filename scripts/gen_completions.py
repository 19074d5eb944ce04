"""Generate completions/tokx.bash, completions/_tokx and completions/tokx.fish from the Typer app.

Each script comes from Typer's own generator, run the way the installed ``tokx`` command runs
(``_TOKX_COMPLETE=source_<shell>``) in a fresh interpreter. The scripts only hold the shell
glue: the candidates come from ``tokx`` itself at <TAB> time, so they never go stale.

    python scripts/gen_completions.py           # write the files
    python scripts/gen_completions.py --check   # exit 1 if a committed file is out of date
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
TARGETS = {"bash": "tokx.bash", "zsh": "_tokx", "fish": "tokx.fish"}
# the console script is named tokx; `python -m` would otherwise name the program "python -m ..."
RUN_AS_TOKX = "from tokenexport_cli.cli import app; app(prog_name='tokx')"


def generate(shell: str) -> str:
    """The completion script for one shell, as ``tokx`` prints it."""
    env = {**os.environ, "_TOKX_COMPLETE": f"source_{shell}", "PYTHONPATH": str(REPO)}
    done = subprocess.run(
        [sys.executable, "-c", RUN_AS_TOKX],
        env=env,
        capture_output=True,
        text=True,
        check=False,
        cwd=REPO,
    )
    if done.returncode != 0 or not done.stdout.strip():
        raise SystemExit(f"generating the {shell} script failed: {done.stderr.strip()}")
    return done.stdout.strip() + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="compare instead of writing")
    parser.add_argument("--out", type=Path, default=REPO / "completions")
    options = parser.parse_args()
    stale = []
    for shell, name in TARGETS.items():
        target = options.out / name
        text = generate(shell)
        if options.check:
            current = target.read_text(encoding="utf-8") if target.exists() else None
            if current != text:
                stale.append(str(target))
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
        print(f"wrote {target}")
    if stale:
        print("out of date (run scripts/gen_completions.py): " + ", ".join(stale))
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
