"""Sealed catalog files: the files an import writes (``importers.flow``: comments, then
``schema_version: 1``, then sections of one JSON object a line) open with a seal, the sha256 of
every byte below it. A file whose seal matches is that writer's text exactly as written, and
it is read by msgspec's JSON decoder, in C, straight into the schema types. A cold load of a
catalog with 20,000 models added takes 1.2 s of CPU and 217 MB where reading the same files as
YAML takes 15 s and 555 MB (issue 18; ``benchmarks/bench_import.py --load``).

JSON and tokx's YAML loader read the writer's lines to the same entries (the writer escapes
what YAML would read otherwise; ``tests/sync/test_sealed.py`` checks both readings agree), but
the two languages differ on text the writer never writes (a duplicate key, YAML 1.1's
``1e3``). The seal is what keeps such text away from the JSON reading: a file edited by hand
no longer matches its seal and is read as YAML, like any catalog file. A sealed file the JSON
reading does not accept (a newer schema, say) is also read as YAML, which locates its problems.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence

import msgspec

from tokenexport_cli.schema import CatalogFile

SEAL = b"# tokx seal (sha256 of the lines below): "
#: Bytes of the seal line: the prefix, 64 hex digits and a newline.
SEAL_BYTES = len(SEAL) + 64 + 1
#: What may come before the first section: comment lines and the schema version.
_HEAD = re.compile(rb"(?:#[^\n]*\n)*schema_version: 1\n")
#: A section's header line; every other line of the body is an entry (``- {...}``).
_SECTION = re.compile(rb"^([a-z_]+):\n", re.MULTILINE)
_DECODER = msgspec.json.Decoder(CatalogFile)


def sealed(pieces: Sequence[bytes | memoryview]) -> bytes:
    """The text of ``pieces`` joined, under the seal line that vouches for them."""
    hasher = hashlib.sha256()
    for piece in pieces:
        hasher.update(piece)
    return b"".join((SEAL, hasher.hexdigest().encode(), b"\n", *pieces))


def read(text: str) -> CatalogFile | None:
    """The entries of a file whose seal matches, decoded as JSON; None for any other text (no
    seal, a seal that does not match, a shape or a value the JSON reading does not take):
    the caller reads that as YAML."""
    if not text.startswith(SEAL.decode()):
        return None
    data = text.encode("utf-8")
    end = data.find(b"\n")
    if end != SEAL_BYTES - 1 or data[len(SEAL) : end] != hashlib.sha256(
        memoryview(data)[end + 1 :]
    ).hexdigest().encode("ascii"):
        return None
    head = _HEAD.match(data, end + 1)
    if head is None:
        return None
    headers = list(_SECTION.finditer(data, head.end()))
    if (headers[0].start() if headers else len(data)) != head.end():
        return None
    sections = [header[1] for header in headers]
    if len(set(sections)) != len(sections):
        return None
    parts = [b'{"schema_version":1']
    ends = [header.start() for header in headers[1:]] + [len(data)]
    for header, stop in zip(headers, ends[: len(headers)], strict=True):
        body = data[header.end() : stop]
        if not body.startswith(b"- {") or not body.endswith(b"}\n"):
            return None
        # one entry a line: each "\n- " between two entries becomes a comma; any other line
        # left in the body is not JSON, and the decoder refuses it
        parts += (b',"', header[1], b'":[', body[2:-1].replace(b"\n- ", b","), b"]")
    parts.append(b"}")
    try:
        return _DECODER.decode(b"".join(parts))
    except (msgspec.DecodeError, msgspec.ValidationError):
        return None
