"""The README documents every command and every option."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer

from tokenexport_cli.cli import app

README = (Path(__file__).resolve().parents[2] / "README.md").read_text()
IGNORED = {"--help", "-h", "--install-completion", "--show-completion"}


def walk(command: Any, path: tuple[str, ...] = ()) -> Any:
    yield path, command
    if hasattr(command, "commands"):  # a group (typer bundles its own click)
        for name, sub in command.commands.items():
            yield from walk(sub, (*path, name))


def test_every_command_and_option_is_in_the_readme() -> None:
    missing = []
    walked = list(walk(typer.main.get_command(app)))
    assert len(walked) > 15
    for path, command in walked:
        if path and f"tokx {' '.join(path)}" not in README and f"`{path[-1]}" not in README:
            missing.append("tokx " + " ".join(path))
        for param in command.params:
            for name in getattr(param, "opts", []) + getattr(param, "secondary_opts", []):
                if name.startswith("--") and name not in IGNORED and name not in README:
                    missing.append(f"{' '.join(path)} {name}")
    assert missing == []
