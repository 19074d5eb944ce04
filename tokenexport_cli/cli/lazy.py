"""Lazy command loading: a command's module is imported, and its parameters built, only when run.

``tokx --help`` and completion of command names read the name and help line from the tables
below, so listing commands imports none of them. Running ``tokx estimate`` imports
``cost_cmd`` alone and builds only ``estimate``'s parameters. A module offers its commands the
way it always has: a ``register(app)`` function or a module-level ``app`` Typer; the table names
where to look. ``tests/cli/test_lazy_commands.py`` checks that each help line here is the first
paragraph of the command's own docstring, so the two cannot drift apart.
"""

from __future__ import annotations

import importlib
import importlib.util
from collections.abc import Iterator, Mapping, MutableMapping
from contextlib import contextmanager
from typing import Any

import typer
import typer.main
from typer.core import TyperCommand, TyperGroup


class LazyCommand:
    """Where a command lives: ``module:attribute`` (a ``register`` function or a Typer app)
    and the name it registers there; ``help`` is the first paragraph of its docstring."""

    __slots__ = ("help", "source")

    def __init__(self, source: str, help: str) -> None:  # plain class: cheaper than a dataclass
        self.source = source
        self.help = help


class LazySubgroup:
    """A command group (``tokx catalog ...``) whose own commands are loaded lazily too."""

    __slots__ = ("commands", "help")

    def __init__(self, help: str, commands: Mapping[str, Entry]) -> None:
        self.help = help
        self.commands = commands


Entry = LazyCommand | LazySubgroup

_COST = "tokenexport_cli.cli.cost_cmd:register"
_MODEL = "tokenexport_cli.cli.model_cmd:register"
_BUDGET = "tokenexport_cli.cli.budget_cmd:register"
_CATALOG = "tokenexport_cli.cli.catalog_cmd:app"
_CATALOG_SYNC = "tokenexport_cli.cli.catalog_sync_cmd:register"

CATALOG_COMMANDS: dict[str, Entry] = {
    "list": LazyCommand(_CATALOG, "List the models in the catalog."),
    "show": LazyCommand(
        _CATALOG,
        "Show one model: its facts, every offer across delivery paths, benchmarks and sources.",
    ),
    "validate": LazyCommand(
        _CATALOG,
        "Validate a catalog version or an overlay file; exit 0 when valid, 3 when not.",
    ),
    "versions": LazyCommand(
        _CATALOG,
        "List the catalog versions: bundled with tokx and synced into your data directory.",
    ),
    "import": LazyCommand(
        _CATALOG_SYNC,
        "Import a price file in another format as a new catalog version (or an overlay).",
    ),
    "sync": LazyCommand(
        _CATALOG_SYNC,
        "Fetch current prices from a public source and import them as a new catalog version.",
    ),
    "diff": LazyCommand(
        _CATALOG_SYNC,
        "Show added and removed models and offers, and every price change, between two catalogs.",
    ),
}

WORKLOAD_COMMANDS: dict[str, Entry] = {
    "show": LazyCommand(
        "tokenexport_cli.cli.workload_cmd:app",
        "A workload's volume, traffic and token statistics per tokenizer family.",
    ),
}

# The order here is the order of `tokx --help`.
ROOT_COMMANDS: dict[str, Entry] = {
    "estimate": LazyCommand(
        _COST, "Monthly cost of a workload on every model and delivery path, cheapest first."
    ),
    "recommend": LazyCommand(
        _COST, "Rank models and paths for a workload under constraints, and explain the choice."
    ),
    "schema": LazyCommand(
        _COST,
        "Print the JSON Schema of tokx's --format json output (estimate, recommend, check).",
    ),
    "replay": LazyCommand(
        "tokenexport_cli.cli.replay_cmd:register",
        "Price recorded traffic as billed, and the same calls on other models and paths.",
    ),
    "compare": LazyCommand(
        _MODEL,
        "One model across all its delivery paths: cost, context, billing, regions, cache, batch,\n"
        "fees, sources, and the cheapest path under your constraints.",
    ),
    "selfhost": LazyCommand(
        _MODEL,
        "Cost per million tokens when self-hosting an open-weight model on rented GPUs, and the\n"
        "break-even monthly volume against the cheapest API path (figures in USD).",
    ),
    "tokens": LazyCommand(
        "tokenexport_cli.cli.tokens_cmd:register",
        "Count tokens exactly with each family's own tokenizer (approximate families say so).",
    ),
    "check": LazyCommand(
        _BUDGET,
        "Check every budget in tokx.yaml: exit 0 when all hold, 1 when any is exceeded.",
    ),
    "baseline": LazyCommand(
        _BUDGET,
        "Write the current projection per workload as a baseline JSON for later checks and diffs.",
    ),
    "diff": LazyCommand(
        _BUDGET,
        "Per-workload change in money and percent between two baselines, like a cost diff on a PR.",
    ),
    "calibrate": LazyCommand(
        "tokenexport_cli.cli.workload_cmd:register",
        "Fit, per model, the ratio between API-reported prompt tokens and tokx's local count, and\n"
        "save it to your config directory; estimates use it from then on.",
    ),
    "report": LazyCommand(
        "tokenexport_cli.cli.report_cmd:register",
        "Write one self-contained HTML report: the pick and why, cost vs quality, projection,\n"
        "delivery paths, exclusions and sources. It loads nothing when opened, and prints well.",
    ),
    "catalog": LazySubgroup(
        "Browse, validate and list versions of the price catalog.", CATALOG_COMMANDS
    ),
    "workload": LazySubgroup("Inspect workload files.", WORKLOAD_COMMANDS),
}


def source_app(source: str) -> typer.Typer:
    """The Typer app holding a module's commands: its ``app``, or a scratch app that its
    ``register`` function fills (registering only records functions; nothing is built)."""
    module_name, _, attribute = source.partition(":")
    found = getattr(importlib.import_module(module_name), attribute)
    if isinstance(found, typer.Typer):
        return found
    scratch = typer.Typer()
    found(scratch)
    return scratch


def registered_name(info: Any) -> str:
    """The name a registered command answers to (Typer derives it from the function name)."""
    return str(info.name or typer.main.get_command_name(info.callback.__name__))


def build_command(name: str, entry: LazyCommand, rich_markup_mode: Any) -> Any:
    """Import the entry's module and build the one Click command registered there as ``name``."""
    for info in source_app(entry.source).registered_commands:
        if registered_name(info) == name:
            return typer.main.get_command_from_info(
                info,
                pretty_exceptions_short=LazyGroup.pretty_exceptions_short,
                rich_markup_mode=rich_markup_mode,
            )
    raise LookupError(f"{entry.source} registers no command named {name!r}")


def has_rich() -> bool:
    """Typer draws help with rich only when rich is installed; so does the root help."""
    return importlib.util.find_spec("rich") is not None


class LazyCommands(MutableMapping[str, Any]):
    """The group's ``commands`` mapping: the keys are known up front, each value is built on
    first access (``commands["estimate"]``), so code that walks all commands still works."""

    def __init__(self, entries: Mapping[str, Entry], group: LazyGroup) -> None:
        self.entries = entries
        self.group = group
        self.built: dict[str, Any] = {}

    def __getitem__(self, name: str) -> Any:
        if name not in self.built:
            entry = self.entries[name]  # KeyError for an unknown command, as a dict would
            self.built[name] = self.group.build(name, entry)
        return self.built[name]

    def __setitem__(self, name: str, command: Any) -> None:
        self.built[name] = command

    def __delitem__(self, name: str) -> None:
        del self.built[name]

    def __iter__(self) -> Iterator[str]:
        yield from self.entries
        yield from (name for name in self.built if name not in self.entries)

    def __len__(self) -> int:
        return len(set(self.entries) | set(self.built))

    def __contains__(self, name: object) -> bool:
        return name in self.entries or name in self.built

    def stand_in(self, name: str) -> Any:
        """A command carrying only the name and help line, for listings."""
        if name in self.built or name not in self.entries:
            return self.built.get(name)
        return TyperCommand(name=name, help=self.entries[name].help)


class LazyGroup(TyperGroup):
    """A Typer group whose commands come from a table of `LazyCommand`/`LazySubgroup` entries."""

    entries: Mapping[str, Entry] = ROOT_COMMANDS
    pretty_exceptions_short = True  # Typer's default; tokx turns pretty exceptions off anyway

    def __init__(self, *, entries: Mapping[str, Entry] | None = None, **attrs: Any) -> None:
        super().__init__(**attrs)
        self.listing = False
        self.commands = LazyCommands(self.entries if entries is None else entries, self)

    def build(self, name: str, entry: Entry) -> Any:
        if isinstance(entry, LazySubgroup):
            return LazyGroup(
                name=name,
                entries=entry.commands,
                help=entry.help,
                no_args_is_help=True,
                rich_markup_mode=self.rich_markup_mode,
            )
        return build_command(name, entry, self.rich_markup_mode)

    def list_commands(self, ctx: Any) -> list[str]:
        return list(self.commands)

    def get_command(self, ctx: Any, cmd_name: str) -> Any:
        commands = self.commands
        if self.listing and isinstance(commands, LazyCommands):
            return commands.stand_in(cmd_name)
        return commands.get(cmd_name)

    @contextmanager
    def listing_only(self) -> Iterator[None]:
        """While help or name completion lists the commands, hand out stand-ins."""
        self.listing = True
        try:
            yield
        finally:
            self.listing = False

    def format_help(self, ctx: Any, formatter: Any) -> None:
        if ctx.parent is None and self.rich_markup_mode is not None and has_rich():
            from tokenexport_cli.cli.root_help import print_root_help

            print_root_help(self, ctx, [(name, self.entries[name].help) for name in self.entries])
            return
        with self.listing_only():
            super().format_help(ctx, formatter)

    def shell_complete(self, ctx: Any, incomplete: str) -> Any:
        with self.listing_only():
            return super().shell_complete(ctx, incomplete)
