"""Fixtures of the sync tests: the small base catalog, a loopback HTTP server, tree hashing."""

from __future__ import annotations

import hashlib
import threading
from collections import defaultdict
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

SYNC_FIXTURES = Path(__file__).parent / "fixtures"
BASE_VERSION = "2026-06-01"
Behaviour = Callable[[BaseHTTPRequestHandler], None]


@pytest.fixture(autouse=True)
def sync_base(monkeypatch: pytest.MonkeyPatch) -> Path:
    """The sync fixture catalog is the only bundled version; no proxy may intercept loopback."""
    root = SYNC_FIXTURES / "catalogs"
    monkeypatch.setenv("TOKX_CATALOG_ROOT", str(root))
    for name in (
        "HTTP_PROXY",
        "HTTPS_PROXY",
        "ALL_PROXY",
        "http_proxy",
        "https_proxy",
        "all_proxy",
    ):
        monkeypatch.delenv(name, raising=False)
    for name in (
        "TOKX_SYNC_ALLOW_HTTP",
        "TOKX_SYNC_TIMEOUT",
        "TOKX_SYNC_RETRIES",
        "TOKX_SYNC_MAX_BYTES",
    ):
        monkeypatch.delenv(name, raising=False)
    return root


def tree_hash(root: Path) -> str:
    """Hash of every path and file content under ``root`` (empty-string hash when absent)."""
    digest = hashlib.sha256()
    if root.exists():
        for path in sorted(root.rglob("*")):
            digest.update(str(path.relative_to(root)).encode() + b"\0")
            if path.is_file():
                digest.update(path.read_bytes())
    return digest.hexdigest()


class LoopbackServer:
    """A real HTTP server on 127.0.0.1; each path serves a queue of behaviours (the last repeats)."""

    def __init__(self) -> None:
        self.routes: dict[str, list[Behaviour]] = {}
        self.hits: dict[str, int] = defaultdict(int)
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                outer.hits[self.path] += 1
                queue = outer.routes.get(self.path)
                if not queue:
                    self.send_error(404)
                    return
                behaviour = queue.pop(0) if len(queue) > 1 else queue[0]
                behaviour(self)

            def log_message(self, format: str, *args: object) -> None:
                return

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.httpd.block_on_close = False  # stalled handlers must not block teardown
        self.thread = threading.Thread(
            target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self.thread.start()

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}{path}"

    def serve(self, path: str, *behaviours: Behaviour) -> str:
        self.routes[path] = list(behaviours)
        return self.url(path)

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def server() -> Iterator[LoopbackServer]:
    running = LoopbackServer()
    yield running
    running.close()


def respond(
    body: bytes,
    status: int = 200,
    content_type: str = "application/json",
    headers: dict[str, str] | None = None,
) -> Behaviour:
    def behaviour(handler: BaseHTTPRequestHandler) -> None:
        handler.send_response(status)
        handler.send_header("Content-Type", content_type)
        handler.send_header("Content-Length", str(len(body)))
        for name, value in (headers or {}).items():
            handler.send_header(name, value)
        handler.end_headers()
        handler.wfile.write(body)

    return behaviour


@pytest.fixture
def hash_tree() -> Callable[[Path], str]:
    return tree_hash


@pytest.fixture
def reply() -> Callable[..., Behaviour]:
    return respond
