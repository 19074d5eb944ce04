"""Option groups for Typer: a set of flags declared once and handed to a command as one object.

A command takes one parameter (say ``workload_flags: WorkloadFlags``) and is decorated with
``option_group("workload_flags", FLAGS, WorkloadFlags)``; the decorator puts the flags in that
parameter's place in the signature Typer reads, and hands the command their values built into
the group's object. Like sqlite-utils' option decorators, for Typer.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable, Mapping, Sequence
from typing import Any


def option_group(
    parameter: str,
    flags: Sequence[tuple[str, Any]],
    make: Callable[..., object],
    defaults: Mapping[str, Any] | None = None,
) -> Callable[[Callable[..., None]], Callable[..., None]]:
    """Declare ``flags`` ((name, Typer annotation) pairs, in the order ``--help`` shows them;
    each defaults to None unless ``defaults`` names it) in place of the command's
    ``parameter``, and call the command with ``make(**values)``."""
    names = [name for name, _ in flags]

    def decorate(command: Callable[..., None]) -> Callable[..., None]:
        signature = inspect.signature(command, eval_str=True)
        parameters = list(signature.parameters.values())
        at = [each.name for each in parameters].index(parameter)
        parameters[at : at + 1] = [
            inspect.Parameter(
                name,
                inspect.Parameter.POSITIONAL_OR_KEYWORD,
                default=(defaults or {}).get(name),
                annotation=annotation,
            )
            for name, annotation in flags
        ]

        @functools.wraps(command)
        def wrapper(**kwargs: Any) -> None:
            given = {name: kwargs.pop(name) for name in names}
            command(**kwargs, **{parameter: make(**given)})

        wrapper.__signature__ = signature.replace(parameters=parameters)  # type: ignore[attr-defined]
        wrapper.__annotations__ = {
            **{each.name: each.annotation for each in parameters},
            "return": signature.return_annotation,
        }
        return wrapper

    return decorate
