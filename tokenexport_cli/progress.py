"""Progress notices for slow steps: the core names the step, whoever runs the core shows it.

The core wraps a step that can take seconds on a cold run (compiling a catalog, building a
tokenizer) in ``with step("compiling catalog 2026-08-21"):``. Nothing is shown unless a caller
has installed a notifier with `set_notifier`; the CLI installs one that writes a line on a
terminal's stderr when a step is still running after a second. The core stays free of any
terminal or CLI library.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager

Notifier = Callable[[str], AbstractContextManager[object]]

_notifier: Notifier | None = None


def set_notifier(notifier: Notifier | None) -> Notifier | None:
    """Install ``notifier`` (None removes it); returns the one it replaces."""
    global _notifier
    previous, _notifier = _notifier, notifier
    return previous


Warner = Callable[[str], None]
_warner: Warner | None = None


def set_warner(warner: Warner | None) -> Warner | None:
    """Install ``warner`` for ``warn`` (None removes it); returns the one it replaces."""
    global _warner
    previous, _warner = _warner, warner
    return previous


def warn(message: str) -> None:
    """Something a user should know that does not stop the command (a cache not written)."""
    if _warner is not None:
        _warner(message)


@contextmanager
def step(label: str) -> Iterator[None]:
    """Run the body as one named step, announced by the installed notifier if there is one."""
    notifier = _notifier
    if notifier is None:
        yield
        return
    with notifier(label):
        yield
