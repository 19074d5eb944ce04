"""``tokx catalog sync`` against a real loopback HTTP server: success, retries and every fault
(each fault leaves the synced catalogs byte-identical and exits 4)."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from decimal import Decimal
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tokenexport_cli.catalog.load import load_catalog
from tokenexport_cli.catalog.locate import list_versions, synced_root
from tokenexport_cli.cli import app

FIXTURES = Path(__file__).parent / "fixtures"
OPENROUTER = (FIXTURES / "openrouter.json").read_bytes()
runner = CliRunner()
FAST = ["--allow-http", "--timeout", "1", "--retries", "2"]


def _sync(monkeypatch: pytest.MonkeyPatch, url: str, *args: str, source: str = "openrouter"):
    variable = {
        "openrouter": "TOKX_OPENROUTER_URL",
        "litellm": "TOKX_LITELLM_URL",
        "genai-prices": "TOKX_GENAI_PRICES_URL",
        "models-dev": "TOKX_MODELS_DEV_URL",
    }
    monkeypatch.setenv(variable[source], url)
    return runner.invoke(app, ["catalog", "sync", source, *FAST, *args])


@pytest.fixture
def previous(server, reply, monkeypatch: pytest.MonkeyPatch, hash_tree) -> str:
    """A synced catalog that every fault must leave byte-identical; returns its tree hash."""
    url = server.serve("/seed", reply(OPENROUTER))
    result = _sync(monkeypatch, url, "--as-version", "2026-06-10.openrouter")
    assert result.exit_code == 0, result.output
    return hash_tree(synced_root())


def test_good_response_becomes_the_newest_version(server, reply, monkeypatch) -> None:
    url = server.serve("/api/v1/models", reply(OPENROUTER))
    result = _sync(monkeypatch, url, "--format", "json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["source"] == url
    assert report["catalog_version"].endswith(".openrouter")
    catalog = load_catalog()
    assert catalog.version == report["catalog_version"]
    alpha = next(o for o in catalog.offers if o.key == ("alpha-1", "openrouter", ""))
    assert alpha.input == Decimal(3)
    assert alpha.source == f"openrouter:{url}#alphalab/alpha-1"
    assert [v.origin for v in list_versions()] == ["bundled", "synced"]


@pytest.mark.parametrize(
    ("source", "fixture", "content_type"),
    [
        ("litellm", "litellm.json", "text/plain; charset=utf-8"),  # raw.githubusercontent.com
        ("models-dev", "models-dev-api.json", "application/json"),
    ],
)
def test_other_sources_sync_from_their_url(
    server, reply, monkeypatch, source: str, fixture: str, content_type: str
) -> None:
    url = server.serve(
        f"/{fixture}", reply((FIXTURES / fixture).read_bytes(), content_type=content_type)
    )
    result = _sync(monkeypatch, url, source=source)
    assert result.exit_code == 0, result.output
    assert load_catalog().version.endswith(f".{source}")


def test_500s_then_success_is_retried(server, reply, monkeypatch) -> None:
    url = server.serve("/flaky", reply(b"oops", 500), reply(b"oops", 503), reply(OPENROUTER))
    result = _sync(monkeypatch, url)
    assert result.exit_code == 0, result.output
    assert server.hits["/flaky"] == 3


def test_429_honours_retry_after(server, reply, monkeypatch) -> None:
    url = server.serve(
        "/limited", reply(b"{}", 429, headers={"Retry-After": "1"}), reply(OPENROUTER)
    )
    started = time.monotonic()
    result = _sync(monkeypatch, url)
    assert result.exit_code == 0, result.output
    assert time.monotonic() - started >= 1.0
    assert server.hits["/limited"] == 2


def _truncated(handler: BaseHTTPRequestHandler) -> None:
    handler.send_response(200)
    handler.send_header("Content-Type", "application/json")
    handler.send_header("Content-Length", str(len(OPENROUTER)))
    handler.end_headers()
    handler.wfile.write(OPENROUTER[: len(OPENROUTER) // 2])
    handler.wfile.flush()
    handler.close_connection = True


def _slow(handler: BaseHTTPRequestHandler) -> None:
    time.sleep(3)
    _truncated(handler)


def _huge(handler: BaseHTTPRequestHandler) -> None:
    # no Content-Length: the cap must be enforced while streaming
    handler.send_response(200)
    handler.send_header("Content-Type", "application/json")
    handler.end_headers()
    handler.wfile.write(b'{"data": [' + b" " * 300_000)
    for _ in range(20):
        try:
            handler.wfile.write(b" " * 100_000)
        except OSError:
            return


def _redirect_to(location: str) -> Callable[[BaseHTTPRequestHandler], None]:
    def behaviour(handler: BaseHTTPRequestHandler) -> None:
        handler.send_response(302)
        handler.send_header("Location", location)
        handler.send_header("Content-Length", "0")
        handler.end_headers()

    return behaviour


@pytest.mark.parametrize(
    ("fault", "message"),
    [
        ("always-500", "HTTP 500 after 3 attempts"),
        ("truncated", "connection broke mid-response"),
        ("invalid-json", "not valid JSON"),
        ("html", "unexpected content type 'text/html'"),
        ("slow", "timed out"),
        ("huge", "over the 1,000,000-byte cap"),
        ("huge-declared", "over the 1,000,000-byte cap"),
        ("redirect-to-http", "refusing to follow a redirect to non-https"),
        ("404", "HTTP 404"),
    ],
)
def test_faults_exit_4_and_leave_the_synced_catalog_byte_identical(
    server, reply, monkeypatch, previous: str, hash_tree, fault: str, message: str
) -> None:
    behaviours = {
        "always-500": [reply(b"down", 500)],
        "truncated": [_truncated],
        "invalid-json": [reply(OPENROUTER[:-20] + b"<<<garbage")],
        "html": [reply(b"<html>captive portal</html>", content_type="text/html")],
        "slow": [_slow],
        "huge": [_huge],
        "huge-declared": [reply(b" " * 1_000_001)],
        "redirect-to-http": [_redirect_to(server.url("/seed"))],
        "404": [reply(b"{}", 404)],
    }
    url = server.serve("/fault", *behaviours[fault])
    result = _sync(monkeypatch, url, "--max-bytes", "1000000")
    assert result.exit_code == 4, result.output
    assert message in result.stderr
    assert hash_tree(synced_root()) == previous


def test_network_unavailable_exits_4(monkeypatch, previous: str, hash_tree) -> None:
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    result = _sync(monkeypatch, f"http://127.0.0.1:{port}/api/v1/models")
    assert result.exit_code == 4
    assert "cannot connect" in result.stderr and "network" in result.stderr
    assert hash_tree(synced_root()) == previous


def test_plain_http_needs_allow_http(monkeypatch) -> None:
    monkeypatch.setenv("TOKX_OPENROUTER_URL", "http://127.0.0.1:9/api/v1/models")
    result = runner.invoke(app, ["catalog", "sync", "openrouter"])
    assert result.exit_code == 2
    assert "--allow-http" in result.stderr


def test_valid_json_of_the_wrong_shape_is_a_data_error(server, reply, monkeypatch) -> None:
    url = server.serve("/shape", reply(b'{"models": []}'))
    result = _sync(monkeypatch, url)
    assert result.exit_code == 3
    assert "not an OpenRouter models response" in result.stderr


def test_kill_9_mid_download_leaves_the_previous_catalog_intact(
    server, monkeypatch, previous: str, hash_tree
) -> None:
    started = threading.Event()

    def stall(handler: BaseHTTPRequestHandler) -> None:
        handler.send_response(200)
        handler.send_header("Content-Type", "application/json")
        handler.send_header("Content-Length", str(len(OPENROUTER)))
        handler.end_headers()
        handler.wfile.write(OPENROUTER[:200])
        handler.wfile.flush()
        started.set()
        time.sleep(15)

    monkeypatch.setenv("TOKX_OPENROUTER_URL", server.serve("/stall", stall))
    process = subprocess.Popen(
        [sys.executable, "-m", "tokenexport_cli", "catalog", "sync", "openrouter", "--allow-http"],
        env=dict(os.environ),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        assert started.wait(20), "the sync subprocess never reached the server"
        time.sleep(0.2)
    finally:
        os.kill(process.pid, signal.SIGKILL)
        process.wait(10)
    assert process.returncode == -signal.SIGKILL
    assert hash_tree(synced_root()) == previous
    assert load_catalog().version == "2026-06-10.openrouter"
