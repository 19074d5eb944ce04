"""Special files as inputs and unwritable targets as outputs: each ends at once with one line
naming the file and a documented exit code, and a failed write leaves the previous file."""

from __future__ import annotations

import errno
import os
import shutil
import socket
import stat
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tokenexport_cli.cli import app

REPO = Path(__file__).parent.parent.parent
WORKLOAD = REPO / "examples" / "support-bot.yaml"
QUICK = ["--input-tokens", "1000", "--output-tokens", "100", "--requests-per-day", "10"]
runner = CliRunner()

needs_posix = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="FIFOs need a POSIX system")


def _error(result) -> str:  # type: ignore[no-untyped-def]
    lines = [line for line in result.stderr.splitlines() if line.startswith("tokx: error: ")]
    assert len(lines) == 1, result.output
    return lines[0]


@pytest.fixture
def fifo(tmp_path: Path) -> Path:
    if not hasattr(os, "mkfifo"):
        pytest.skip("FIFOs need a POSIX system")
    path = tmp_path / "pipe.yaml"
    os.mkfifo(path)
    return path


@needs_posix
@pytest.mark.parametrize(
    "args",
    [
        ["workload", "show", "{path}"],
        ["estimate", "{path}", "-m", "deepseek-v3.2"],
        ["catalog", "validate", "{path}"],
        ["estimate", *QUICK, "--catalog", "{path}"],
        ["diff", "{path}", "{path}"],
        ["check", "--config", "{path}"],
    ],
    ids=["workload", "estimate", "validate-overlay", "overlay", "baseline", "config"],
)
def test_a_fifo_given_as_a_file_is_a_usage_error_naming_it(fifo: Path, args: list[str]) -> None:
    result = runner.invoke(app, [arg.format(path=fifo) for arg in args])
    assert result.exit_code == 2, result.output
    assert _error(result) == f"tokx: error: {fifo}: is a FIFO (named pipe), expected a " + (
        "baseline file" if args[0] == "diff" else "YAML file"
    )


@pytest.mark.skipif(not Path("/dev/urandom").exists(), reason="needs /dev/urandom")
@pytest.mark.parametrize(
    "args",
    [
        ["workload", "show", "/dev/urandom"],
        ["catalog", "validate", "/dev/urandom"],
        ["estimate", *QUICK, "--catalog", "/dev/urandom"],
        ["diff", "/dev/urandom", "/dev/urandom"],
    ],
)
def test_a_device_given_as_a_file_is_refused_before_reading(args: list[str]) -> None:
    result = runner.invoke(app, args)
    assert result.exit_code == 2, result.output
    assert _error(result).startswith("tokx: error: /dev/urandom: is a device, expected a ")


def test_a_directory_or_socket_given_as_a_file_is_a_usage_error(tmp_path: Path) -> None:
    result = runner.invoke(app, ["workload", "show", str(tmp_path)])
    assert result.exit_code == 2, result.output
    assert str(tmp_path) in _error(result)
    assert "directory" in _error(result)
    if hasattr(socket, "AF_UNIX"):
        path = tmp_path / "s.yaml"
        server = socket.socket(socket.AF_UNIX)
        try:
            server.bind(str(path))
        except OSError:  # a path too long for a socket address
            pytest.skip("cannot bind a socket here")
        try:
            result = runner.invoke(app, ["workload", "show", str(path)])
        finally:
            server.close()
        assert result.exit_code == 2, result.output
        assert _error(result) == f"tokx: error: {path}: is a socket, expected a YAML file"


def test_an_unreadable_file_is_an_error_naming_it(tmp_path: Path, deny_read) -> None:
    path = tmp_path / "secret.yaml"
    shutil.copy(WORKLOAD, path)
    deny_read(path)
    result = runner.invoke(app, ["workload", "show", str(path)])
    assert result.exit_code == 3, result.output
    assert _error(result) == f"tokx: error: {path}: cannot read: {os.strerror(errno.EACCES)}"


def test_a_file_larger_than_the_cap_is_refused_from_its_size(tmp_path: Path) -> None:
    path = tmp_path / "huge.yaml"
    with path.open("wb") as handle:
        handle.truncate(2 * 1024 * 1024)  # sparse: nothing is read
    result = runner.invoke(app, ["workload", "show", str(path)])
    assert result.exit_code == 3, result.output
    assert _error(result) == (
        f"tokx: error: {path}: file is 2,097,152 bytes, over the 1,048,576-byte limit"
    )


def _estimate_to(target: Path | str) -> list[str]:
    return ["estimate", *QUICK, "-m", "deepseek-v3.2", "-f", "json", "-o", str(target)]


def test_output_to_a_directory_or_a_missing_folder_is_one_line_exit_2(tmp_path: Path) -> None:
    result = runner.invoke(app, _estimate_to(tmp_path))
    assert result.exit_code == 2, result.output
    assert _error(result) == f"tokx: error: --output: cannot write '{tmp_path}': it is a directory"
    missing = tmp_path / "nope" / "out.json"
    result = runner.invoke(app, _estimate_to(missing))
    assert result.exit_code == 2, result.output
    assert _error(result) == f"tokx: error: --output: folder '{missing.parent}' does not exist"


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
def test_output_to_a_full_disk_is_exit_2_and_the_device_stays_a_device() -> None:
    result = runner.invoke(app, _estimate_to("/dev/full"))
    assert result.exit_code == 2, result.output
    assert _error(result) == (
        f"tokx: error: --output: cannot write '/dev/full': {os.strerror(errno.ENOSPC)}"
    )
    assert stat.S_ISCHR(os.stat("/dev/full").st_mode)


@pytest.mark.skipif(not Path("/dev/null").exists(), reason="needs /dev/null")
def test_output_to_dev_null_works() -> None:
    result = runner.invoke(app, _estimate_to("/dev/null"))
    assert result.exit_code == 0, result.output
    assert stat.S_ISCHR(os.stat("/dev/null").st_mode)


def test_a_failed_write_leaves_the_previous_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "out.json"
    target.write_text("previous good result\n")

    def full(descriptor: int) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(os, "fsync", full)
    result = runner.invoke(app, _estimate_to(target))
    assert result.exit_code == 2, result.output
    assert _error(result) == (
        f"tokx: error: --output: cannot write '{target}': {os.strerror(errno.ENOSPC)}"
    )
    assert target.read_text() == "previous good result\n"
    assert sorted(path.name for path in tmp_path.iterdir()) == ["out.json"]  # no temporary


CI = REPO / "examples" / "ci"


@pytest.fixture
def ci_repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    shutil.copytree(REPO / "examples", tmp_path / "examples")
    monkeypatch.chdir(tmp_path / "examples" / "ci")
    return tmp_path / "examples" / "ci"


@pytest.mark.parametrize("kind", ["directory", "missing-folder", "full-disk"])
def test_an_unwritable_step_summary_is_one_line_exit_2(
    ci_repo: Path, monkeypatch: pytest.MonkeyPatch, kind: str
) -> None:
    targets = {
        "directory": ci_repo,
        "missing-folder": ci_repo / "nope" / "summary.md",
        "full-disk": Path("/dev/full"),
    }
    target = targets[kind]
    if kind == "full-disk" and not target.exists():
        pytest.skip("needs /dev/full")
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(target))
    result = runner.invoke(app, ["check", "-f", "github"])
    assert result.exit_code == 2, result.output
    line = _error(result)
    assert line.startswith("tokx: error: GITHUB_STEP_SUMMARY: ")
    assert str(target if kind != "missing-folder" else target.parent) in line


def test_the_step_summary_is_appended_to(ci_repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    summary = ci_repo / "summary.md"
    summary.write_text("# earlier step\n")
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    result = runner.invoke(app, ["check", "-f", "github"])
    assert result.exit_code == 0, result.output
    text = summary.read_text()
    assert text.startswith("# earlier step\n")
    assert len(text) > len("# earlier step\n")


def test_a_cache_that_cannot_be_written_is_a_warning(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the cache folder should be")
    monkeypatch.setenv("TOKX_CACHE_DIR", str(blocker))
    result = runner.invoke(app, ["estimate", *QUICK, "-m", "deepseek-v3.2", "-f", "json"])
    assert result.exit_code == 0, result.output
    assert "tokx: warning: cache not written" in result.stderr
    assert str(blocker) in result.stderr


@needs_posix
def test_a_fifo_or_device_given_to_tokens_is_named(fifo: Path) -> None:
    result = runner.invoke(app, ["tokens", str(fifo)])
    assert result.exit_code == 2, result.output
    assert _error(result) == f"tokx: error: {fifo}: is a FIFO (named pipe), expected a file"
    if Path("/dev/urandom").exists():
        result = runner.invoke(app, ["tokens", "/dev/urandom"])
        assert result.exit_code == 2, result.output
        assert _error(result) == "tokx: error: /dev/urandom: is a device, expected a file"
