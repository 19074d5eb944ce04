"""Fetch external price sources over HTTPS (the only httpx user) and import them as catalogs."""

from __future__ import annotations

import datetime as dt
import email.utils
import json
import os
import time
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from tokenexport_cli.errors import NetworkError, UsageError

if TYPE_CHECKING:
    import httpx

    from tokenexport_cli.catalog.importers.pipeline import ImportResult

RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
JSON_TYPES = ("application/json", "text/json", "text/plain", "application/octet-stream")
DEFAULT_MAX_BYTES = 64 * 1024 * 1024
CHUNK = 64 * 1024


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


def fetch(url: str, policy: FetchPolicy) -> Fetched:
    """GET ``url`` with retries on 429/5xx, following only https redirects, within the limits;
    the body must be JSON. NetworkError (exit 4) on any failure."""
    import httpx

    from tokenexport_cli import __version__

    check_url(url, policy)
    headers = {"User-Agent": f"tokx/{__version__}", "Accept": "application/json"}
    current = url
    attempt = 0
    redirects = 0
    with httpx.Client(timeout=policy.timeout, headers=headers, follow_redirects=False) as client:
        while True:
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
                    data = _read_capped(response, current, policy)
            except httpx.TimeoutException:
                raise NetworkError(f"{current}: timed out (limit {policy.timeout:g} s)") from None
            except httpx.ConnectError as exc:
                raise NetworkError(
                    f"{current}: cannot connect ({exc}); is the network available? "
                    "A mirror can be set with the source's TOKX_*_URL variable"
                ) from None
            except (httpx.RemoteProtocolError, httpx.ReadError) as exc:
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
    target = str(response.url.join(location))
    if urlsplit(target).scheme.lower() != "https":
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


def _read_capped(response: httpx.Response, url: str, policy: FetchPolicy) -> bytes:
    declared = response.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > policy.max_bytes:
        raise NetworkError(
            f"{url}: response of {int(declared):,} bytes is over the {policy.max_bytes:,}-byte cap"
        )
    deadline = time.monotonic() + policy.timeout * policy.total_factor
    chunks: list[bytes] = []
    size = 0
    for chunk in response.iter_bytes(CHUNK):
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
    try:
        json.loads(data, parse_float=Decimal)
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
    from tokenexport_cli.catalog.importers import format_module, parse_bytes
    from tokenexport_cli.catalog.importers.base import SourceInfo
    from tokenexport_cli.catalog.importers.pipeline import ImportTarget, run_import

    module = format_module(format_name)
    fetched = fetch(source_url(module), policy)
    source = SourceInfo(module.FORMAT, fetched.url, fetched.retrieved)
    entries = parse_bytes(module, fetched.data, fetched.url, source.as_of)
    return run_import(
        module,
        entries,
        source,
        ImportTarget(output, as_version),
        base_version=base_version,
        base_as_of=base_as_of,
        add_models=add_models,
    )
