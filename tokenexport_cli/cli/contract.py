"""The command-line error contract in one place: how every way a command can end becomes one
line on stderr and a documented exit code (README, "Exit codes")."""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from types import ModuleType
from typing import Any, TypeVar

import typer

from tokenexport_cli.cli.lazy import LazyGroup
from tokenexport_cli.errors import TokxError

F = TypeVar("F", bound=Callable[..., Any])


def _click_exceptions() -> ModuleType:
    """Click's exception classes: vendored inside Typer since 0.2x, else Click's own."""
    try:
        from typer._click import exceptions
    except ImportError:  # an older Typer that depends on Click
        from click import exceptions  # type: ignore[no-redef]
    return exceptions


click = _click_exceptions()
#: Endings that Click handles itself (usage errors, --help, exits); commands let them through.
_PASS_THROUGH: tuple[type[BaseException], ...] = (
    click.ClickException,
    typer.Exit,
    typer.Abort,
    SystemExit,
    GeneratorExit,
)


class _NeverRaised(Exception):
    """Stands in for Click's NoArgsIsHelpError where Click has none."""


_NO_ARGS_IS_HELP: type[Exception] = getattr(click, "NoArgsIsHelpError", _NeverRaised)


def error(message: str) -> None:
    """One line on stderr, no markup, no traceback, and no escape sequence or control character
    a file name or an id from a user's file may carry (``safetext.one_line``)."""
    from tokenexport_cli.safetext import one_line

    sys.stderr.write(f"tokx: error: {one_line(message)}\n")


def _with_flag(exc: TokxError) -> str:
    """An InvalidValue raised outside ``common.flag_errors`` (a request refusing a value as it
    is built) still names the flag its field comes from."""
    from tokenexport_cli.errors import InvalidValue

    if isinstance(exc, InvalidValue) and exc.field:
        from tokenexport_cli.cli.common import FLAGS

        flag = FLAGS.get(exc.field)
        if flag and not exc.message.startswith(f"{flag}:"):
            return f"{flag}: {exc.message}"
    return exc.message


def report_exception(exc: BaseException) -> int:
    """Print the one-line message an exception ends a command with; return its exit code.

    The whole contract is here and in ``errors.EXIT_CODES``: TokxError -> its message and code,
    Ctrl-C -> 130, a closed stdout -> a quiet 141, anything else -> a one-line internal error
    and 70 (``TOKX_DEBUG=1`` re-raises it for the traceback).
    """
    import os

    from tokenexport_cli.errors import exit_code_for, is_broken_pipe

    code = exit_code_for(exc)
    if is_broken_pipe(exc):
        _silence_stdout()
    elif isinstance(exc, TokxError):
        error(_with_flag(exc))
    elif isinstance(exc, KeyboardInterrupt):
        error("interrupted")
    else:
        if os.environ.get("TOKX_DEBUG"):
            raise exc
        first_line = (str(exc).splitlines() or [""])[0]
        error(
            f"internal error: {type(exc).__name__}: {first_line} "
            "(set TOKX_DEBUG=1 for the traceback, and please report it)"
        )
    return code


def _silence_stdout() -> None:
    """After EPIPE, point stdout at /dev/null so that the interpreter's final flush is quiet."""
    import os

    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError):  # no real file descriptor (a test's captured stream)
        pass


def handle_errors(func: F) -> F:
    """Run a command under the error contract (``report_exception``)."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            from tokenexport_cli.cli.common import check_numeric_options

            check_numeric_options(kwargs)
            result = func(*args, **kwargs)
            sys.stdout.flush()  # a closed pipe shows up here, inside the contract
            return result
        except _PASS_THROUGH:
            raise
        except BaseException as exc:
            raise typer.Exit(report_exception(exc)) from None

    return wrapper  # type: ignore[return-value]


def _usage_line(exc: Any) -> str:
    message = " ".join(exc.format_message().split())
    if exc.ctx is not None:
        message += f" (see '{exc.ctx.command_path} --help')"
    return message


def run_with_contract(invoke: Callable[[], Any]) -> int:
    """Run a Click main in non-standalone mode and turn its ending into an exit code."""
    try:
        result = invoke()
        sys.stdout.flush()
    except _NO_ARGS_IS_HELP as exc:
        exc.show()  # type: ignore[attr-defined]
        return int(exc.exit_code)  # type: ignore[attr-defined]
    except click.UsageError as exc:
        error(_usage_line(exc))
        return exc.exit_code
    except click.ClickException as exc:
        error(" ".join(exc.format_message().split()))
        return exc.exit_code
    except typer.Abort:
        error("interrupted")
        return 130
    except typer.Exit as exc:
        return int(exc.exit_code)
    except SystemExit:
        raise
    except BaseException as exc:
        return report_exception(exc)
    return result if isinstance(result, int) else 0


class ContractGroup(LazyGroup):
    """The root group: loads commands lazily and runs them under the error contract, even
    where Click would exit by itself."""

    def main(  # type: ignore[override]
        self,
        args: Any = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        **extra: Any,
    ) -> Any:
        def invoke() -> Any:
            return super(ContractGroup, self).main(
                args=args,
                prog_name=prog_name,
                complete_var=complete_var,
                standalone_mode=False,
                **extra,
            )

        if not standalone_mode:
            return invoke()
        sys.exit(run_with_contract(invoke))
