"""The workload option group: the workload argument and the quick-form flags, declared once
for every pricing command (estimate, recommend, compare, selfhost, report).

A command takes one ``workload_flags: WorkloadFlags`` parameter and is decorated with
``@workload_options()``; the decorator puts the argument and the flags in that parameter's
place in the signature Typer reads, and hands the command their values as one object. The
command parses them (``WorkloadFlags.choice()``) where it used to, so errors come in the same
order as before. Like sqlite-utils' option decorators, for Typer.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

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
    names = [name for name, _ in flags]

    def decorate(command: Callable[..., None]) -> Callable[..., None]:
        signature = inspect.signature(command, eval_str=True)
        parameters = list(signature.parameters.values())
        at = [parameter.name for parameter in parameters].index(GROUP_PARAMETER)
        declared = [
            inspect.Parameter(
                name, inspect.Parameter.POSITIONAL_OR_KEYWORD, default=None, annotation=annotation
            )
            for name, annotation in flags
        ]
        parameters[at : at + 1] = declared

        @functools.wraps(command)
        def wrapper(**kwargs: Any) -> None:
            given = {name: kwargs.pop(name) for name in names}
            command(**kwargs, **{GROUP_PARAMETER: WorkloadFlags(**given)})

        wrapper.__signature__ = signature.replace(parameters=parameters)  # type: ignore[attr-defined]
        wrapper.__annotations__ = {
            **{parameter.name: parameter.annotation for parameter in parameters},
            "return": signature.return_annotation,
        }
        return wrapper

    return decorate
