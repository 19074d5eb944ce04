"""`tokx --help`: the command list drawn with rich's panel and table, in Typer's layout.

Typer's own help renderer imports ``typer.rich_utils``, which pulls in rich's Markdown and
traceback support (about 50 ms here, a third of a bare ``import typer``). The root help needs
neither: its text is the app's docstring, the root options and the command table of
``cli/lazy.py``, so it is drawn here from rich's console, panel and table alone. ``tokx CMD
--help`` is still Typer's.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from typing import Any

BORDER = "dim"
NAME_STYLE = "bold cyan"


def _console() -> Any:
    from rich.console import Console

    # the environment switches Typer's help console honours, so both helps look alike
    width = os.environ.get("TERMINAL_WIDTH")
    force: bool | None = None
    if any(os.environ.get(name) for name in ("GITHUB_ACTIONS", "FORCE_COLOR", "PY_COLORS")):
        force = True
    if os.environ.get("_TYPER_FORCE_DISABLE_TERMINAL"):
        force = False
    return Console(highlight=False, width=int(width) if width else None, force_terminal=force)


def _panel(title: str, rows: Iterable[tuple[str, ...]], widths: tuple[int, ...] = ()) -> Any:
    from rich.panel import Panel
    from rich.table import Table

    table = Table(highlight=False, show_header=False, expand=True, box=None, pad_edge=False)
    table.padding = (0, 1)
    rows = list(rows)
    columns = len(rows[0]) if rows else 0
    for index in range(columns - 1):
        width = widths[index] if index < len(widths) else None
        table.add_column(style=NAME_STYLE, no_wrap=True, width=width)
    table.add_column(justify="left", no_wrap=False, ratio=10)
    for row in rows:
        table.add_row(*row)
    return Panel(table, border_style=BORDER, title=title, title_align="left")


def print_root_help(group: Any, ctx: Any, commands: Iterable[tuple[str, str]]) -> None:
    """Usage, the app's help, its options and every command with its help line."""
    from rich.padding import Padding
    from rich.text import Text

    console = _console()
    console.print(Padding(Text(group.get_usage(ctx)), 1), style="bold")
    if group.help:
        console.print(Padding(Text(group.help.strip()), (0, 1, 1, 1)))
    options = []
    for param in group.get_params(ctx):
        if getattr(param, "hidden", False) or not getattr(param, "opts", None):
            continue
        names = [*param.opts, *param.secondary_opts]
        long_names = ",".join(name for name in names if name.startswith("--"))
        short_names = ",".join(name for name in names if not name.startswith("--"))
        options.append((long_names, short_names, param.help or ""))
    if options:
        console.print(_panel("Options", options))
    rows = [(name, help_text) for name, help_text in commands]
    if rows:
        console.print(_panel("Commands", rows, (max(len(name) for name, _ in rows),)))
