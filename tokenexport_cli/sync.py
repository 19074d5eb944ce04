"""Fetch external price sources over HTTPS (the only httpx user) and import them as catalogs."""

from __future__ import annotations

import contextlib
import datetime as dt
import email.utils
import os
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from tokenexport_cli.errors import NetworkError, UsageError

if TYPE_CHECKING:
    import httpx

    from tokenexport_cli.catalog.importers.pipeline import ImportResult

#: Generous: a model takes 2-6 JSON objects in the supported formats.
OBJECTS_PER_MODEL = 50
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
JSON_TYPES = ("application/json", "text/json", "text/plain", "application/octet-stream")
DEFAULT_MAX_BYTES = 64 * 1024 * 1024


@dataclass(frozen=True)
class FetchPolicy:
    """Limits of one fetch; ``timeout`` bounds every connect and read, and a whole attempt
    (headers and body) may take at most ``total_factor`` times that."""

    timeout: float = 30.0
    retries: int = 3
    max_bytes: int = DEFAULT_MAX_BYTES
    allow_http: bool = False
    backoff: float = 0.5
    max_retry_after: float = 30.0
    max_redirects: int = 5
    total_factor: float = 4.0

    def __post_init__(self) -> None:
        from tokenexport_cli.bounds import checked

        checked(self.timeout, "seconds", "timeout")  # a float stays a float: httpx takes it
        object.__setattr__(self, "retries", checked(self.retries, "retries", "retries"))
        object.__setattr__(self, "max_bytes", checked(self.max_bytes, "max_bytes", "max_bytes"))


@dataclass(frozen=True)
class Fetched:
    url: str
    data: bytes
    retrieved: dt.datetime


def source_url(module: ModuleType) -> str:
    """The source's URL: its ``TOKX_*_URL`` environment variable, or the public default."""
    return os.environ.get(module.URL_ENV) or str(module.DEFAULT_URL)


def check_url(url: str, policy: FetchPolicy) -> None:
    scheme = urlsplit(url).scheme.lower()
    if scheme == "https" or (scheme == "http" and policy.allow_http):
        return
    if scheme == "http":
        raise UsageError(f"{url}: plain http is refused; use https (or --allow-http for a mirror)")
    raise UsageError(f"{url}: not an http(s) URL")


class _Transfer:
    """What the watchdog of one fetch shares with the worker thread doing it."""

    def __init__(self) -> None:
        self.attempt_started = time.monotonic()
        self.cancelled = threading.Event()
        self.client: httpx.Client | None = None
        self.result: Fetched | None = None
        self.error: BaseException | None = None


def fetch(url: str, policy: FetchPolicy) -> Fetched:
    """GET ``url`` with retries on 429/5xx, following only https redirects, within the limits;
    the body must be JSON. NetworkError (exit 4) on any failure.

    Each attempt (connect, headers, body) must end within ``timeout x total_factor`` seconds:
    a worker thread does the transfer and this thread ends it at the deadline, so a server
    trickling one byte at a time (which no per-read timeout catches) cannot stall a sync.
    """
    check_url(url, policy)
    limit = policy.timeout * policy.total_factor
    transfer = _Transfer()
    worker = threading.Thread(target=_run, args=(url, policy, transfer), daemon=True)
    worker.start()
    while worker.is_alive():
        worker.join(0.05)
        if worker.is_alive() and time.monotonic() - transfer.attempt_started > limit:
            transfer.cancelled.set()
            client = transfer.client
            if client is not None:
                with contextlib.suppress(Exception):  # best effort: the worker is abandoned
                    client.close()
            raise NetworkError(f"{url}: download took longer than {limit:g} s (the total limit)")
    if transfer.error is not None:
        raise transfer.error
    assert transfer.result is not None
    return transfer.result


def _run(url: str, policy: FetchPolicy, transfer: _Transfer) -> None:
    try:
        transfer.result = _fetch(url, policy, transfer)
    except BaseException as exc:  # handed to the calling thread, which raises it
        transfer.error = exc


def _fetch(url: str, policy: FetchPolicy, transfer: _Transfer) -> Fetched:
    import httpx

    from tokenexport_cli import __version__

    headers = {"User-Agent": f"tokx/{__version__}", "Accept": "application/json"}
    current = url
    attempt = 0
    redirects = 0
    with httpx.Client(timeout=policy.timeout, headers=headers, follow_redirects=False) as client:
        transfer.client = client
        while True:
            transfer.attempt_started = time.monotonic()
            try:
                with client.stream("GET", current) as response:
                    if response.is_redirect:
                        current = _redirect_target(response, current, policy, redirects)
                        redirects += 1
                        continue
                    if response.status_code in RETRY_STATUSES and attempt < policy.retries:
                        delay = _retry_delay(response, attempt, policy)
                        attempt += 1
                        time.sleep(delay)
                        continue
                    if response.status_code != 200:
                        tries = f" after {attempt + 1} attempts" if attempt else ""
                        raise NetworkError(f"{current}: HTTP {response.status_code}{tries}")
                    _check_content_type(response, current)
                    data = _read_capped(response, current, policy, transfer.cancelled)
            except httpx.InvalidURL:  # httpx resolves a Location header as it reads it
                raise NetworkError(
                    f"{current}: refusing to follow a redirect to an invalid URL"
                ) from None
            except httpx.TimeoutException:
                raise NetworkError(f"{current}: timed out (limit {policy.timeout:g} s)") from None
            except httpx.ConnectError as exc:
                raise NetworkError(
                    f"{current}: cannot connect ({exc}); is the network available? "
                    "A mirror can be set with the source's TOKX_*_URL variable"
                ) from None
            except (httpx.RemoteProtocolError, httpx.ReadError) as exc:
                if "location" in str(exc).lower():  # httpx parses Location itself
                    raise NetworkError(
                        f"{current}: refusing to follow a redirect to an invalid URL"
                    ) from None
                raise NetworkError(f"{current}: connection broke mid-response ({exc})") from None
            except httpx.HTTPError as exc:
                raise NetworkError(f"{current}: {type(exc).__name__}: {exc}") from None
            _check_json(data, current)
            return Fetched(current, data, dt.datetime.now(dt.UTC).replace(microsecond=0))


def _redirect_target(
    response: httpx.Response, current: str, policy: FetchPolicy, count: int
) -> str:
    location = response.headers.get("location")
    if not location:
        raise NetworkError(f"{current}: HTTP {response.status_code} redirect without Location")
    import httpx

    try:
        target = str(response.url.join(location))
        scheme = urlsplit(target).scheme.lower()
    except (httpx.InvalidURL, ValueError):
        raise NetworkError(f"{current}: refusing to follow a redirect to an invalid URL") from None
    if scheme != "https":
        raise NetworkError(f"{current}: refusing to follow a redirect to non-https {target}")
    if count >= policy.max_redirects:
        raise NetworkError(f"{current}: more than {policy.max_redirects} redirects")
    return target


def _retry_delay(response: httpx.Response, attempt: int, policy: FetchPolicy) -> float:
    """Retry-After (seconds or an HTTP date) when given, else exponential backoff; capped."""
    delay = policy.backoff * (2**attempt)
    header = response.headers.get("retry-after")
    if header:
        header = header.strip()
        if header.isdigit():
            delay = float(header)
        else:
            try:
                when = email.utils.parsedate_to_datetime(header)
                delay = (when - dt.datetime.now(dt.UTC)).total_seconds()
            except (TypeError, ValueError):
                pass
    return max(0.0, min(delay, policy.max_retry_after))


def _check_content_type(response: httpx.Response, url: str) -> None:
    content_type = response.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type and not (content_type in JSON_TYPES or content_type.endswith("+json")):
        raise NetworkError(f"{url}: unexpected content type '{content_type}' (expected JSON)")


def _read_capped(
    response: httpx.Response, url: str, policy: FetchPolicy, cancelled: threading.Event
) -> bytes:
    declared = response.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > policy.max_bytes:
        raise NetworkError(
            f"{url}: response of {int(declared):,} bytes is over the {policy.max_bytes:,}-byte cap"
        )
    deadline = time.monotonic() + policy.timeout * policy.total_factor
    chunks: list[bytes] = []
    size = 0
    for chunk in response.iter_bytes():  # whatever arrived: a trickle is seen at once
        if cancelled.is_set():
            raise NetworkError(f"{url}: cancelled at the total time limit")
        size += len(chunk)
        if size > policy.max_bytes:
            raise NetworkError(f"{url}: response is over the {policy.max_bytes:,}-byte cap")
        if time.monotonic() > deadline:
            raise NetworkError(
                f"{url}: download took longer than {policy.timeout * policy.total_factor:g} s"
            )
        chunks.append(chunk)
    return b"".join(chunks)


def _check_json(data: bytes, url: str) -> None:
    """The body is JSON within ``jsonsafe``'s limits (nesting, number sizes): exit 4 if not."""
    from tokenexport_cli.catalog.importers import MAX_MODELS
    from tokenexport_cli.jsonsafe import JsonProblem, decode

    try:
        # a source far over the model cap is refused before it is decoded (memory)
        decode(data, max_objects=MAX_MODELS * OBJECTS_PER_MODEL)
    except JsonProblem as exc:
        raise NetworkError(f"{url}: response refused: {exc}") from None
    except (ValueError, UnicodeDecodeError) as exc:
        raise NetworkError(f"{url}: response is not valid JSON ({exc})") from None


def sync_source(
    format_name: str,
    policy: FetchPolicy,
    *,
    output: Path | None = None,
    as_version: str | None = None,
    base_version: str | None = None,
    base_as_of: dt.date | None = None,
    add_models: bool = False,
) -> ImportResult:
    """Fetch a source and import it (see ``catalog.importers.pipeline.run_import``)."""
    from tokenexport_cli.catalog.importers import TooManyModels, format_module, parse_bytes
    from tokenexport_cli.catalog.importers.base import SourceInfo
    from tokenexport_cli.catalog.importers.pipeline import ImportTarget, run_import

    module = format_module(format_name)
    fetched = fetch(source_url(module), policy)
    source = SourceInfo(module.FORMAT, fetched.url, fetched.retrieved)
    try:
        entries = parse_bytes(module, fetched.data, fetched.url, source.as_of)
    except TooManyModels as exc:
        raise NetworkError(exc.message) from None
    return run_import(
        module,
        entries,
        source,
        ImportTarget(output, as_version),
        base_version=base_version,
        base_as_of=base_as_of,
        add_models=add_models,
    )
