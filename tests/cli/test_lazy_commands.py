"""Lazy command loading: the command table in cli/lazy.py matches what the command modules
register, `tokx --help` lists every command from it, and running one command imports that
command's module alone (checked in a fresh interpreter through sys.modules, not by timing)."""

from __future__ import annotations

import inspect
import json
import subprocess
import sys
from collections.abc import Iterator, Mapping
from pathlib import Path

import typer
from typer.testing import CliRunner

from tokenexport_cli.cli import app
from tokenexport_cli.cli.lazy import (
    ROOT_COMMANDS,
    Entry,
    LazyCommand,
    LazySubgroup,
    registered_name,
    source_app,
)

REPO = Path(__file__).resolve().parents[2]
runner = CliRunner()
QUICK_JSON = [
    *("estimate", "--input-tokens", "1000", "--output-tokens", "200"),
    *("--requests-per-month", "1000", "-m", "deepseek-v3.2", "--format", "json"),
]


def walk(entries: Mapping[str, Entry], path: tuple[str, ...] = ()) -> Iterator[tuple]:
    for name, entry in entries.items():
        yield (*path, name), entry
        if isinstance(entry, LazySubgroup):
            yield from walk(entry.commands, (*path, name))


def command_modules() -> set[str]:
    return {
        entry.source.partition(":")[0]
        for _, entry in walk(ROOT_COMMANDS)
        if isinstance(entry, LazyCommand)
    }


def flat(text: str) -> str:
    """Help text without the panel borders and line wrapping."""
    return " ".join(text.replace("│", " ").split())


def test_each_help_line_is_the_first_paragraph_of_the_command_docstring() -> None:
    root = typer.main.get_command(app)
    for path, entry in walk(ROOT_COMMANDS):
        command = root
        for name in path:
            command = command.commands[name]  # type: ignore[attr-defined]
        assert command.name == path[-1]
        first_paragraph = inspect.cleandoc(command.help or "").split("\n\n")[0]
        assert entry.help == first_paragraph, path


def test_the_table_names_every_command_each_module_registers() -> None:
    registered: dict[str, set[str]] = {}
    listed: dict[str, set[str]] = {}
    for path, entry in walk(ROOT_COMMANDS):
        if isinstance(entry, LazyCommand):
            listed.setdefault(entry.source, set()).add(path[-1])
            if entry.source not in registered:
                found = source_app(entry.source).registered_commands
                registered[entry.source] = {registered_name(info) for info in found}
    assert registered == listed


def test_root_help_lists_every_command_with_its_help_line() -> None:
    result = runner.invoke(app, ["--help"])
    assert result.exit_code == 0
    shown = flat(result.stdout)
    for name, entry in ROOT_COMMANDS.items():
        assert f"{name} {flat(entry.help)}" in shown
    assert "--version" in shown


def test_group_help_lists_its_commands() -> None:
    catalog = ROOT_COMMANDS["catalog"]
    assert isinstance(catalog, LazySubgroup)
    result = runner.invoke(app, ["catalog", "--help"])
    assert result.exit_code == 0
    for name, entry in catalog.commands.items():
        assert f"{name} {flat(entry.help)}" in flat(result.stdout)


def test_a_mistyped_command_still_gets_a_suggestion() -> None:
    result = runner.invoke(app, ["estimat"])
    assert result.exit_code == 2
    assert "'estimate'" in result.stderr


PROBE = """
import json, os, sys
sys.argv = ["tokx", *json.loads(os.environ["PROBE_ARGV"])]
from tokenexport_cli.cli import main
code = 0
try:
    main()
except SystemExit as exit:
    code = exit.code or 0
print("\\nMODULES " + json.dumps([code, sorted(sys.modules)]))
"""


def loaded_modules(argv: list[str], **env: str) -> set[str]:
    """The modules a fresh interpreter has imported after running tokx with ``argv``."""
    import os

    done = subprocess.run(
        [sys.executable, "-c", PROBE],
        capture_output=True,
        text=True,
        check=True,
        cwd=REPO,
        env={**os.environ, "PROBE_ARGV": json.dumps(argv), **env},
    )
    marker = done.stdout.rindex("\nMODULES ")
    code, modules = json.loads(done.stdout[marker + len("\nMODULES ") :])
    assert code == 0, (argv, done.stderr)
    return set(modules)


def test_root_help_imports_no_command_module() -> None:
    loaded = loaded_modules(["--help"])
    assert command_modules() & loaded == set()


def test_name_completion_imports_no_command_module() -> None:
    loaded = loaded_modules(
        [], _TOKX_COMPLETE="complete_bash", COMP_WORDS="tokx est", COMP_CWORD="1"
    )
    assert command_modules() & loaded == set()


def test_command_help_imports_only_its_own_module_and_no_pydantic() -> None:
    loaded = loaded_modules(["estimate", "--help"])
    assert command_modules() & loaded == {"tokenexport_cli.cli.cost_cmd"}
    assert "pydantic" not in loaded


def test_a_quick_json_estimate_imports_nothing_it_does_not_use() -> None:
    loaded_modules(QUICK_JSON)  # the first run compiles the catalog into the cache
    loaded = loaded_modules(QUICK_JSON)
    assert command_modules() & loaded == {"tokenexport_cli.cli.cost_cmd"}
    heavy = {"pydantic", "rich", "tiktoken", "tokenizers", "httpx", "yaml"}
    assert heavy & loaded == set()  # the warm catalog comes from the compiled cache


def test_json_output_loads_no_rich() -> None:
    loaded_modules(QUICK_JSON)  # warm the catalog cache
    quick = QUICK_JSON[1:7]  # the traffic flags alone
    for argv in (
        ["catalog", "list", "--format", "json"],
        ["compare", "deepseek-v3.2", *quick, "--format", "json"],
        ["recommend", *quick, "--format", "json"],
    ):
        loaded = loaded_modules(argv)
        assert {"rich", "yaml", "tiktoken", "tokenizers", "httpx"} & loaded == set(), argv


def test_the_core_imports_no_cli_library() -> None:
    """Every module outside cli/ and render/ imports without typer, rich or click."""
    package = REPO / "tokenexport_cli"
    names = []
    for path in sorted(package.rglob("*.py")):
        parts = list(path.relative_to(REPO).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        if len(parts) > 1 and parts[1] in {"cli", "render", "__main__"}:
            continue
        names.append(".".join(parts))
    code = (
        "import importlib, json, sys\n"
        f"for name in {names!r}:\n"
        "    importlib.import_module(name)\n"
        "print(json.dumps(sorted(m for m in sys.modules if m.split('.')[0] in"
        " {'typer', 'rich', 'click', 'pydantic', 'httpx', 'tiktoken', 'tokenizers'})))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=REPO
    )
    assert len(names) > 40
    assert json.loads(done.stdout) == []
