"""A throwaway PostgreSQL server for the warehouse tests: initdb and pg_ctl from the installed
server binaries into a temporary folder, listening on 127.0.0.1 on a free port, run as the
``postgres`` user when the tests run as root (the server refuses root); driven through psql."""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

SERVER_USER = "postgres"


def server_bin() -> Path | None:
    """The newest ``/usr/lib/postgresql/N/bin`` (Debian's layout), else the folder of an
    ``initdb`` on PATH; None where there are no server binaries."""
    found = sorted(
        (Path(folder) for folder in glob.glob("/usr/lib/postgresql/*/bin")),
        key=lambda folder: int(folder.parent.name) if folder.parent.name.isdigit() else 0,
    )
    for folder in reversed(found):
        if (folder / "initdb").exists() and (folder / "pg_ctl").exists():
            return folder
    initdb = shutil.which("initdb")
    return Path(initdb).resolve().parent if initdb else None


def missing() -> str | None:
    """Why no server can be started here, or None."""
    folder = server_bin()
    if folder is None:
        return "no PostgreSQL server binaries (/usr/lib/postgresql/*/bin; .ci/run installs them)"
    if not (folder / "psql").exists() and shutil.which("psql") is None:
        return "no psql client next to the PostgreSQL server binaries"
    if os.geteuid() == 0:
        try:
            pwd.getpwnam(SERVER_USER)
        except KeyError:
            return "running as root and no 'postgres' user to run the server as"
        if shutil.which("runuser") is None:
            return "running as root and no runuser to start the server as 'postgres'"
    return None


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class Server:
    """A running server: ``psql`` runs commands as its superuser over TCP on 127.0.0.1."""

    def __init__(self, folder: Path, port: int) -> None:
        self.folder, self.port = folder, port
        psql = folder / "psql"
        self._psql = str(psql) if psql.exists() else str(shutil.which("psql"))

    def psql(self, *commands: str, stdin: str | None = None) -> str:
        """Run each command (``-c``) in one session, stopping at the first error; stdout."""
        arguments = [self._psql, "-X", "-q", "-v", "ON_ERROR_STOP=1"]
        arguments += ["-h", "127.0.0.1", "-p", str(self.port), "-U", SERVER_USER, "postgres"]
        for command in commands:
            arguments += ["-c", command]
        done = subprocess.run(
            arguments, input=stdin, capture_output=True, text=True, timeout=120, check=False
        )
        if done.returncode != 0:
            raise AssertionError(f"psql failed ({done.returncode}): {done.stderr.strip()}")
        return done.stdout


def _as_server_user(command: Sequence[str]) -> list[str]:
    if os.geteuid() != 0:
        return list(command)
    return ["runuser", "-u", SERVER_USER, "--", *command]


@contextmanager
def running() -> Iterator[Server]:
    """Start a fresh server (fsync off: it holds nothing worth keeping) and stop it after."""
    folder = server_bin()
    assert folder is not None
    base = Path(tempfile.mkdtemp(prefix="tokx-pg-"))
    if os.geteuid() == 0:
        user = pwd.getpwnam(SERVER_USER)
        os.chown(base, user.pw_uid, user.pw_gid)
    data, port = base / "data", _free_port()
    initdb = [str(folder / "initdb"), "-D", str(data), "-A", "trust", "-U", SERVER_USER]
    initdb += ["-E", "UTF8", "--locale", "C", "--no-sync"]
    subprocess.run(_as_server_user(initdb), capture_output=True, check=True, timeout=120)
    options = f"-p {port} -k {base} -c listen_addresses=127.0.0.1 -c fsync=off"
    pg_ctl = [str(folder / "pg_ctl"), "-D", str(data), "-l", str(base / "server.log")]
    started = subprocess.run(
        _as_server_user([*pg_ctl, "-o", options, "-w", "-t", "60", "start"]),
        capture_output=True,
        text=True,
        timeout=90,
        check=False,
    )
    try:
        if started.returncode != 0:
            log = base / "server.log"
            detail = log.read_text()[-2000:] if log.exists() else started.stderr
            raise AssertionError(f"PostgreSQL did not start: {detail}")
        yield Server(folder, port)
    finally:
        subprocess.run(
            _as_server_user([*pg_ctl, "-m", "immediate", "stop"]),
            capture_output=True,
            timeout=60,
            check=False,
        )
        shutil.rmtree(base, ignore_errors=True)
