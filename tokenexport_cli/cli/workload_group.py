"""The workload option group: the workload argument and the quick-form flags, declared once
for every pricing command (estimate, recommend, compare, selfhost, report).

A command takes one ``workload_flags: WorkloadFlags`` parameter and is decorated with
``@workload_options()`` (an ``option_group``); the command parses the flags
(``WorkloadFlags.choice()``) where it used to, so errors come in the same order as before.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tokenexport_cli.cli.option_group import option_group
from tokenexport_cli.cli.options import (
    BatchFraction,
    InputFiles,
    InputTokens,
    OutputTokens,
    PerDay,
    PerMonth,
    WorkloadArg,
)

if TYPE_CHECKING:
    from tokenexport_cli.api.choices import WorkloadChoice

GROUP_PARAMETER = "workload_flags"
#: (parameter name, its Typer declaration), in the order the commands have always shown them
FLAGS: tuple[tuple[str, Any], ...] = (
    ("workload", WorkloadArg),
    ("input_files", InputFiles),
    ("input_tokens", InputTokens),
    ("output_tokens", OutputTokens),
    ("requests_per_day", PerDay),
    ("requests_per_month", PerMonth),
    ("batch_fraction", BatchFraction),
)


@dataclass(frozen=True)
class WorkloadFlags:
    """The workload argument and quick flags as given on the command line."""

    workload: Path | None = None
    input_files: list[Path] | None = None
    input_tokens: int | None = None
    output_tokens: int | None = None
    requests_per_day: str | None = None
    requests_per_month: str | None = None
    batch_fraction: str | None = None

    def choice(self) -> WorkloadChoice:
        """The flags parsed into the core's choice (a UsageError names a bad flag)."""
        from tokenexport_cli.cli.common import workload_choice

        return workload_choice(
            self.workload,
            self.input_files,
            self.input_tokens,
            self.output_tokens,
            self.requests_per_day,
            self.requests_per_month,
            self.batch_fraction,
        )


def workload_options(
    batch: bool = True,
) -> Callable[[Callable[..., None]], Callable[..., None]]:
    """Declare the workload group in place of the command's ``workload_flags`` parameter;
    ``batch=False`` leaves out ``--batch-fraction`` (self-hosting has no batch API)."""
    flags = [(name, declared) for name, declared in FLAGS if batch or name != "batch_fraction"]
    return option_group(GROUP_PARAMETER, flags, WorkloadFlags)
