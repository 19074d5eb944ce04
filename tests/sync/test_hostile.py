"""``tokx catalog sync`` against a hostile loopback server: deep nesting, extreme numbers and
dates, odd redirects, a trickling body, terminal escapes in ids and too many models. Each ends
with a documented exit code, one line naming the source, and the synced catalogs untouched."""

from __future__ import annotations

import json
import time
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tokenexport_cli.catalog.locate import synced_root
from tokenexport_cli.cli import app

FIXTURES = Path(__file__).parent / "fixtures"
runner = CliRunner()
FAST = ["--allow-http", "--timeout", "1", "--retries", "0"]


def _models(*items: dict[str, object]) -> bytes:
    base = json.loads((FIXTURES / "openrouter.json").read_text())
    return json.dumps({"data": [*base["data"], *items]}).encode()


def _model(model_id: str, **changes: object) -> dict[str, object]:
    item: dict[str, object] = {
        "id": model_id,
        "name": model_id,
        "created": 1767225600,
        "context_length": 8192,
        "pricing": {"prompt": "0.000001", "completion": "0.000002"},
    }
    item.update(changes)
    return item


def _sync(monkeypatch: pytest.MonkeyPatch, url: str, *args: str):
    monkeypatch.setenv("TOKX_OPENROUTER_URL", url)
    return runner.invoke(app, ["catalog", "sync", "openrouter", *FAST, *args])


def _one_error_line(stderr: str) -> str:
    lines = [line for line in stderr.splitlines() if line.startswith("tokx: error:")]
    assert len(lines) == 1, stderr
    return lines[0]


@pytest.mark.parametrize(
    ("body", "code", "words"),
    [
        (b"[" * 100_000 + b"]" * 100_000, 4, "nested too deeply"),
        (b'{"data": ' + b'{"a": ' * 50_000 + b"1" + b"}" * 50_001, 4, "nested too deeply"),
        (b'{"data": [1e999999999]}', 4, "out of range"),
        (b'{"data": [' + b"9" * 5000 + b"]}", 4, "out of range"),
    ],
    ids=["deep-arrays", "deep-objects", "huge-exponent-number", "huge-integer"],
)
def test_hostile_json_is_refused_while_decoding(
    server, reply, monkeypatch, hash_tree, body: bytes, code: int, words: str
) -> None:
    before = hash_tree(synced_root())
    result = _sync(monkeypatch, server.serve("/bad", reply(body)))
    assert result.exit_code == code, result.output
    assert words in _one_error_line(result.stderr)
    assert hash_tree(synced_root()) == before


@pytest.mark.parametrize(
    ("item", "where"),
    [
        (_model("x/huge", pricing={"prompt": "1e999999999", "completion": "1"}), "pricing.prompt"),
        (_model("x/tiny", pricing={"prompt": "1e-999999999", "completion": "1"}), "pricing.prompt"),
        (_model("x/big", pricing={"prompt": "1", "completion": 1e300}), "pricing.completion"),
        (_model("x/created", created=10**30), "created"),
        (_model("x/window", context_length=10**30), "context_length"),
    ],
    ids=["huge-price", "tiny-price", "huge-float-price", "created-out-of-range", "huge-window"],
)
def test_extreme_values_are_a_data_error_naming_the_entry(
    server, reply, monkeypatch, hash_tree, item: dict[str, object], where: str
) -> None:
    before = hash_tree(synced_root())
    result = _sync(monkeypatch, server.serve("/values", reply(_models(item))))
    assert result.exit_code == 3, result.output
    line = _one_error_line(result.stderr)
    assert str(item["id"]) in line
    assert where in line
    assert hash_tree(synced_root()) == before


def _redirect(location: str):
    def behaviour(handler: BaseHTTPRequestHandler) -> None:
        handler.send_response(302)
        handler.send_header("Location", location)
        handler.send_header("Content-Length", "0")
        handler.end_headers()

    return behaviour


@pytest.mark.parametrize(
    "location", ["javascript:alert(1)", "file:///etc/passwd", "ftp://127.0.0.1/x", "http://[::1"]
)
def test_a_redirect_to_anything_but_https_is_exit_4(server, monkeypatch, location: str) -> None:
    result = _sync(monkeypatch, server.serve("/moved", _redirect(location)))
    assert result.exit_code == 4, result.output
    assert "redirect" in _one_error_line(result.stderr)


def _trickle(handler: BaseHTTPRequestHandler) -> None:
    handler.send_response(200)
    handler.send_header("Content-Type", "application/json")
    handler.end_headers()
    try:
        for _ in range(120):
            handler.wfile.write(b" ")
            handler.wfile.flush()
            time.sleep(0.5)
    except OSError:
        return


def _trickle_headers(handler: BaseHTTPRequestHandler) -> None:
    try:
        for byte in b"HTTP/1.1 200 OK\r\nX-Slow: " + b"a" * 200:
            handler.wfile.write(bytes([byte]))
            handler.wfile.flush()
            time.sleep(0.5)
    except OSError:
        return


@pytest.mark.parametrize("behaviour", [_trickle, _trickle_headers], ids=["body", "headers"])
def test_a_trickling_server_meets_the_total_deadline(server, monkeypatch, behaviour) -> None:
    started = time.monotonic()
    result = _sync(monkeypatch, server.serve("/trickle", behaviour))
    elapsed = time.monotonic() - started
    assert result.exit_code == 4, result.output
    assert "took longer than" in _one_error_line(result.stderr)
    # the deadline is 4 x --timeout (4 s); the bound here only tells a deadline from a hang
    assert elapsed < 30


def test_terminal_escapes_in_remote_ids_never_reach_the_output(
    server, reply, monkeypatch, tmp_path: Path
) -> None:
    hostile = _model("evil\u001b[2J\u001b]0;pwned\u0007/model\u009b31m", name="\u001b[31mRed")
    target = tmp_path / "overlay.yaml"
    result = _sync(
        monkeypatch,
        server.serve("/escapes", reply(_models(hostile))),
        "--add-models",
        "--to",
        str(target),
    )
    assert result.exit_code == 0, result.output
    for text in (result.stdout, result.stderr, target.read_text()):
        assert "\u001b" not in text
        assert "\u009b" not in text
        assert "\u0007" not in text
    overlay = target.read_text()
    assert "evil[2J" not in overlay  # whole sequences go, not just their ESC bytes
    assert '"provider_model_id":"evil/model"' in overlay


def test_more_models_than_the_cap_is_exit_4_before_any_write(
    server, reply, monkeypatch, hash_tree, tmp_path: Path
) -> None:
    from tokenexport_cli.catalog import importers

    monkeypatch.setattr(importers, "MAX_MODELS", 5)
    before = hash_tree(synced_root())
    target = tmp_path / "overlay.yaml"
    body = _models(_model("x/one"))  # the fixture's five models and one more
    result = _sync(
        monkeypatch, server.serve("/many", reply(body)), "--add-models", "--to", str(target)
    )
    assert result.exit_code == 4, result.output
    assert "more than 5 models" in _one_error_line(result.stderr)
    assert not target.exists()
    assert hash_tree(synced_root()) == before


def test_timeout_must_be_a_finite_positive_number() -> None:
    for value in ("nan", "inf", "-1", "0"):
        result = runner.invoke(app, ["catalog", "sync", "openrouter", "--timeout", value])
        assert result.exit_code == 2, (value, result.output)
        assert _one_error_line(result.stderr).startswith("tokx: error: --timeout: ")
