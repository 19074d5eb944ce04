"""The progress line a slow step shows on a terminal: ``tokx: compiling catalog 2026-08-21…``.

It appears only when the step is still running after ``TOKX_PROGRESS_DELAY`` seconds (default
1), only when stderr is a terminal, and is wiped when the step ends, so pipes, logs and tests
see nothing.
"""

from __future__ import annotations

import os
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TextIO

from tokenexport_cli.progress import set_notifier, set_warner

DEFAULT_DELAY = 1.0


class TerminalNotice:
    """A notifier (see `tokenexport_cli.progress`) that writes to a terminal after a delay."""

    def __init__(self, stream: TextIO, delay: float = DEFAULT_DELAY) -> None:
        self.stream = stream
        self.delay = delay
        self.lock = threading.Lock()

    @contextmanager
    def __call__(self, label: str) -> Iterator[None]:
        line = f"tokx: {label}…"
        state = {"shown": False, "done": False}

        def show() -> None:
            with self.lock:
                if state["done"]:
                    return
                self.stream.write(line)
                self.stream.flush()
                state["shown"] = True

        timer = threading.Timer(self.delay, show)
        timer.daemon = True
        timer.start()
        try:
            yield
        finally:
            timer.cancel()
            # Gone before the command goes on: counting forks its workers only from a
            # single-threaded process, and a lingering timer thread would stop it.
            timer.join()
            with self.lock:
                state["done"] = True
                if state["shown"]:  # wipe it: the command's own output follows
                    self.stream.write("\r" + " " * len(line) + "\r")
                    self.stream.flush()


def progress_delay() -> float:
    """Seconds before a progress line appears (``TOKX_PROGRESS_DELAY``; a bad value: 1)."""
    try:
        return max(0.0, float(os.environ.get("TOKX_PROGRESS_DELAY", DEFAULT_DELAY)))
    except ValueError:
        return DEFAULT_DELAY


def install(stream: TextIO | None = None) -> bool:
    """Show progress lines on ``stream`` (stderr) if it is a terminal; True when installed."""
    stream = sys.stderr if stream is None else stream
    try:
        is_terminal = stream.isatty()
    except (AttributeError, ValueError):  # a closed or stand-in stream
        is_terminal = False
    set_notifier(TerminalNotice(stream, progress_delay()) if is_terminal else None)
    set_warner(_warning)
    return is_terminal


def _warning(message: str) -> None:
    from tokenexport_cli.safetext import one_line

    sys.stderr.write(f"tokx: warning: {one_line(message)}\n")
