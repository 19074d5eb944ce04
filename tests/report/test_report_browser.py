"""Render the HTML report in headless Chromium: it paints, logs no console message, and
requests nothing.

How "no requests" is checked, twice over:
- Chromium writes a NetLog (``--log-net-log``): every URL request the network stack starts,
  with its initiator. Requests the page starts carry the page's origin; Chromium's own
  background traffic (updater, sign-in) carries "not an origin". Any page-initiated request
  fails the test, whatever its scheme or host.
- The report's Content-Security-Policy (``default-src 'none'``) blocks any load outright, and
  a blocked load is a console message; ``--enable-logging=stderr`` prints console messages as
  ``CONSOLE`` lines, and the report (which has no script) must print none at all.
A canary page that does load an image from a server on 127.0.0.1 and logs a console error
proves both detectors work with the installed Chromium. ``--host-resolver-rules`` keeps
Chromium's own background requests off the network during the test.
"""

from __future__ import annotations

import http.server
import json
import re
import shutil
import subprocess
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

import pytest
from report_scan import decode_png, report_app
from typer.testing import CliRunner

CANDIDATES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "chrome")


def find_browser() -> str | None:
    for name in CANDIDATES:
        found = shutil.which(name)
        if found:
            return found
    return "/usr/bin/chromium" if Path("/usr/bin/chromium").is_file() else None


BROWSER = find_browser()
pytestmark = pytest.mark.skipif(
    BROWSER is None,
    reason=f"no Chromium or Chrome found (looked for {', '.join(CANDIDATES)} on PATH): "
    "install one, e.g. Debian's `apt-get install chromium fonts-liberation`, as .ci/run does; "
    "the test drives the browser directly and needs no Python driver",
)
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
    "--hide-scrollbars",
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
    "--enable-logging=stderr",
    "--v=0",
]
CONSOLE = re.compile(r":CONSOLE[(:]")
PICK = (0xC2, 0x41, 0x0C)  # --pick in report.css: the pick card's border and the pick point
ACCENT = (0x1F, 0x6F, 0x8B)  # --accent: the header rule, frontier points and step line


@dataclass(frozen=True)
class Rendered:
    png: bytes
    console: list[str]
    page_requests: list[str]


def render(page: Path, work: Path) -> Rendered:
    """Screenshot ``page`` at 1280x2000 and collect its console lines and network requests."""
    assert BROWSER is not None
    shot, netlog = work / "shot.png", work / "netlog.json"
    command = [
        BROWSER,
        *FLAGS,
        f"--user-data-dir={work / 'profile'}",
        f"--log-net-log={netlog}",
        f"--screenshot={shot}",
        "--window-size=1280,2000",
        page.resolve().as_uri(),
    ]
    # the timeout only guards against a hung browser; nothing is asserted about speed
    done = subprocess.run(command, capture_output=True, text=True, timeout=180, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    assert shot.is_file(), f"no screenshot written: {done.stderr[-2000:]}"
    console = [line for line in done.stderr.splitlines() if CONSOLE.search(line)]
    return Rendered(shot.read_bytes(), console, page_requests(netlog))


def page_requests(netlog: Path) -> list[str]:
    """URLs of the requests a page started (initiator is an origin, even the opaque "null")."""
    text = netlog.read_text(encoding="utf-8")
    try:
        log = json.loads(text)
    except json.JSONDecodeError:  # a log cut short still lists the events it has
        log = json.loads(text.rstrip().rstrip(",") + "]}")
    start_job = log["constants"]["logEventTypes"]["URL_REQUEST_START_JOB"]
    return [
        event["params"]["url"]
        for event in log["events"]
        if event["type"] == start_job
        and event.get("params", {}).get("initiator", "not an origin") != "not an origin"
    ]


def colour_counts(png: bytes) -> tuple[float, int, dict[tuple[int, int, int], int]]:
    """(share of non-white pixels, distinct colours, hits near PICK and ACCENT), sampled."""
    width, height, bpp, rows = decode_png(png)
    assert (width, height) == (1280, 2000)
    sampled = inked = 0
    colours: set[tuple[int, int, int]] = set()
    hits = {PICK: 0, ACCENT: 0}
    for row in rows[::2]:
        for x in range(0, width * bpp, bpp * 2):
            pixel = (row[x], row[x + 1], row[x + 2])
            sampled += 1
            colours.add(pixel)
            if min(pixel) < 235:
                inked += 1
            for target in hits:
                if all(abs(a - b) <= 12 for a, b in zip(pixel, target, strict=True)):
                    hits[target] += 1
    return inked / sampled, len(colours), hits


class Recorder(http.server.BaseHTTPRequestHandler):
    seen: ClassVar[list[str]] = []

    def do_GET(self) -> None:
        Recorder.seen.append(self.path)
        self.send_response(404)
        self.end_headers()

    def log_message(self, format: str, *args: object) -> None:
        """Quiet."""


@pytest.fixture
def local_server() -> Iterator[str]:
    Recorder.seen = []
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Recorder)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def test_detectors_catch_a_leaky_page(tmp_path: Path, local_server: str) -> None:
    """The canary: without these detections the report test below would prove nothing."""
    page = tmp_path / "leaky.html"
    page.write_text(
        f'<!DOCTYPE html><html><body><h1>leaky</h1><img src="{local_server}/canary.png">'
        '<script>console.error("tokx-canary")</script></body></html>',
        encoding="utf-8",
    )
    rendered = render(page, tmp_path)
    assert f"{local_server}/canary.png" in rendered.page_requests
    assert Recorder.seen == ["/canary.png"]
    assert any("tokx-canary" in line for line in rendered.console)


def test_report_renders_without_requests_or_console_messages(tmp_path: Path) -> None:
    page = tmp_path / "report.html"
    quick = ["--input-tokens", "3000", "--output-tokens", "500", "--requests-per-day", "10000"]
    result = CliRunner().invoke(report_app(), ["report", *quick, "-o", str(page)])
    assert result.exit_code == 0, result.stderr
    rendered = render(page, tmp_path)
    assert rendered.page_requests == []
    assert rendered.console == []
    inked, colours, hits = colour_counts(rendered.png)
    assert inked > 0.03  # text, tables and the plot, not a blank page
    assert colours > 50  # anti-aliased text and several fills
    assert hits[PICK] > 50 and hits[ACCENT] > 50  # the stylesheet and the SVG were applied
