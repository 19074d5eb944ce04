"""The one exception tree of tokx and the one table that maps it to process exit codes."""

from __future__ import annotations

import errno


class TokxError(Exception):
    """Base of every error tokx reports to a user.

    Its exit code (``exit_code_for``) is part of the command-line contract (README, "Exit codes").
    """

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message

    @property
    def exit_code(self) -> int:
        return exit_code_for(self)


class UsageError(TokxError):
    """The command line itself is wrong: bad option value, unknown id, missing argument."""


class InvalidValue(UsageError):
    """A value is outside what it may be. Raised by the core with a neutral message (no flag or
    file name); the caller that knows where the value came from re-raises it located, as a
    ``UsageError`` naming the flag or a ``DataError`` naming ``file:line: key``. ``field`` names
    the request field at fault (``fx``, ``utilization``); ``key`` the entry of a mapping or list
    (a currency, a benchmark) where there is one."""

    def __init__(self, message: str, field: str | None = None, key: str | None = None) -> None:
        super().__init__(message)
        self.field = field
        self.key = key


class DataError(TokxError):
    """A catalog, overlay, workload, config or input file is malformed or inconsistent."""


class NetworkError(TokxError):
    """A network fetch failed: no network, timeout, bad status, oversized or malformed body."""


class BudgetExceeded(TokxError):
    """A budget check failed (``tokx check``)."""


class NoCandidates(TokxError):
    """Every candidate was excluded; the message counts the exclusions per reason."""


#: The exit-code contract, most specific class first. README "Exit codes" lists the same.
EXIT_CODES: tuple[tuple[type[BaseException], int], ...] = (
    (BudgetExceeded, 1),
    (UsageError, 2),
    (DataError, 3),
    (NetworkError, 4),
    (NoCandidates, 5),
    (TokxError, 1),
    (KeyboardInterrupt, 130),
)
#: A closed stdout (``tokx ... | head -1``): what a shell reports for a process ended by SIGPIPE,
#: never 1, which means "budget exceeded".
BROKEN_PIPE_EXIT = 141
#: Anything else is a tokx bug.
INTERNAL_ERROR_EXIT = 70


def is_broken_pipe(exc: BaseException) -> bool:
    return isinstance(exc, BrokenPipeError) or (
        isinstance(exc, OSError) and exc.errno == errno.EPIPE
    )


def exit_code_for(exc: BaseException) -> int:
    """The documented exit code of an exception that ends a command."""
    if is_broken_pipe(exc):
        return BROKEN_PIPE_EXIT
    for kind, code in EXIT_CODES:
        if isinstance(exc, kind):
            return code
    return INTERNAL_ERROR_EXIT


def located(path: object, line: int | None, key_path: str | None, problem: str) -> str:
    """Format ``file:line: key.path: problem`` leaving out the parts that are unknown."""
    where = str(path)
    if line is not None:
        where += f":{line}"
    if key_path:
        return f"{where}: {key_path}: {problem}"
    return f"{where}: {problem}"
