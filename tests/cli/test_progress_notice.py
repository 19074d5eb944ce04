"""Progress lines for slow cold steps: shown on a terminal's stderr only, only for a step still
running after the delay, and wiped when it ends; nothing on a pipe."""

from __future__ import annotations

import io
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from tokenexport_cli import progress
from tokenexport_cli.cli.notice import TerminalNotice, install

REPO = Path(__file__).resolve().parents[2]
AS_TOKX = "import sys; sys.argv[0] = 'tokx'; from tokenexport_cli.cli import main; main()"
QUICK = ["--input-tokens", "10", "--output-tokens", "10", "--requests-per-month", "10"]


class FakeTerminal(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.fixture(autouse=True)
def _no_notifier_left_behind() -> Iterator[None]:
    previous = progress.set_notifier(None)
    yield
    progress.set_notifier(previous)


def test_a_step_without_a_notifier_just_runs() -> None:
    ran = []
    with progress.step("anything"):
        ran.append(True)
    assert ran == [True]


def test_the_installed_notifier_hears_each_step() -> None:
    heard: list[str] = []

    @contextmanager
    def record(label: str) -> Iterator[None]:
        heard.append(label)
        yield

    progress.set_notifier(record)
    with progress.step("compiling catalog X"):
        pass
    assert heard == ["compiling catalog X"]


def test_a_slow_step_shows_its_line_then_wipes_it() -> None:
    terminal = FakeTerminal()
    with TerminalNotice(terminal, delay=0.05)("compiling catalog 2026-08-21"):
        time.sleep(0.5)
    written = terminal.getvalue()
    line = "tokx: compiling catalog 2026-08-21…"
    assert written == line + "\r" + " " * len(line) + "\r"


def test_a_fast_step_shows_nothing() -> None:
    terminal = FakeTerminal()
    with TerminalNotice(terminal, delay=5)("loading tokenizer qwen"):
        pass
    time.sleep(0.05)
    assert terminal.getvalue() == ""


def test_install_only_on_a_terminal() -> None:
    assert install(io.StringIO()) is False
    with progress.step("piped"):
        pass  # no notifier: nothing to write anywhere
    assert install(FakeTerminal()) is True
    assert install(io.StringIO()) is False  # and a later non-terminal run removes it


def run_tokx(args: list[str], stderr_is_terminal: bool, env: dict[str, str]) -> tuple[int, str]:
    """Run tokx with stdout on a pipe and stderr on a pseudo-terminal (or a pipe)."""
    command = [sys.executable, "-c", AS_TOKX, *args]
    if not stderr_is_terminal:
        done = subprocess.run(command, capture_output=True, env=env, check=False, cwd=REPO)
        return done.returncode, done.stderr.decode()
    import pty

    leader, follower = pty.openpty()
    try:
        done = subprocess.run(
            command, stdout=subprocess.PIPE, stderr=follower, env=env, check=False, cwd=REPO
        )
    finally:
        os.close(follower)
    seen = b""
    while True:
        try:
            chunk = os.read(leader, 4096)
        except OSError:  # Linux reports the closed terminal as EIO
            break
        if not chunk:
            break
        seen += chunk
    os.close(leader)
    return done.returncode, seen.decode()


@pytest.mark.skipif(sys.platform == "win32", reason="needs a POSIX pseudo-terminal")
def test_a_cold_catalog_compile_shows_a_line_on_a_terminal_only(fixture_root: Path) -> None:
    env = {**os.environ, "TOKX_PROGRESS_DELAY": "0"}  # every step counts as slow
    args = ["estimate", *QUICK, "--format", "json"]
    code, piped = run_tokx(args, stderr_is_terminal=False, env=env)  # cold, on a pipe
    assert (code, piped) == (0, "")
    env["TOKX_CACHE_DIR"] = env["TOKX_CACHE_DIR"] + "-second"
    code, shown = run_tokx(args, stderr_is_terminal=True, env=env)  # cold, on a terminal
    assert code == 0
    assert shown.startswith("tokx: compiling catalog 2026-03-01…\r")
    code, warm = run_tokx(args, stderr_is_terminal=True, env=env)  # warm: no slow step
    assert (code, warm) == (0, "")


@pytest.mark.skipif(sys.platform == "win32", reason="needs a POSIX pseudo-terminal")
def test_loading_a_tokenizer_shows_a_line_on_a_terminal(tmp_path: Path) -> None:
    sample = tmp_path / "sample.txt"
    sample.write_text("hello world\n", encoding="utf-8")
    env = {**os.environ, "TOKX_PROGRESS_DELAY": "0"}
    args = ["tokens", "--tokenizer", "o200k_base", str(sample), "--format", "json"]
    code, shown = run_tokx(args, stderr_is_terminal=True, env=env)
    assert code == 0
    assert "tokx: loading tokenizer o200k_base…\r" in shown
