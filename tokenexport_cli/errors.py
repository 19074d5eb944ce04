"""The one exception tree of tokx; each error class carries its process exit code."""

from __future__ import annotations


class TokxError(Exception):
    """Base of every error tokx reports to a user.

    ``exit_code`` is part of the command-line contract (see README, "Exit codes").
    """

    exit_code = 1

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class UsageError(TokxError):
    """The command line itself is wrong: bad option value, unknown id, missing argument."""

    exit_code = 2


class DataError(TokxError):
    """A catalog, overlay, workload, config or input file is malformed or inconsistent."""

    exit_code = 3


class NetworkError(TokxError):
    """A network fetch failed: no network, timeout, bad status, oversized or malformed body."""

    exit_code = 4


class BudgetExceeded(TokxError):
    """A budget check failed (``tokx check``)."""

    exit_code = 1


def located(path: object, line: int | None, key_path: str | None, problem: str) -> str:
    """Format ``file:line: key.path: problem`` leaving out the parts that are unknown."""
    where = str(path)
    if line is not None:
        where += f":{line}"
    if key_path:
        return f"{where}: {key_path}: {problem}"
    return f"{where}: {problem}"
