"""Counting a stream (stdin) in bounded memory: spooled to a private temp file, then counted
like a file."""

from __future__ import annotations

import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import BinaryIO

from tokenexport_cli.errors import UsageError
from tokenexport_cli.tokens.counting import CHUNK_BYTES, FamilySpec, count_paths, plan_families
from tokenexport_cli.tokens.results import CountReport


def count_stream(
    stream: BinaryIO,
    families: Sequence[FamilySpec],
    source: str = "<stdin>",
    *,
    fast: bool = False,
    jobs: int | None = None,
    block_bytes: int = CHUNK_BYTES,
) -> CountReport:
    """Count a stream (stdin) in bounded memory: spooled to a private temp file in blocks, then counted like a file.

    The temp file is removed afterwards, also on errors and interrupts.
    """
    plan = plan_families(families)  # an unknown family fails before the stream is read
    try:
        spool_dir = tempfile.TemporaryDirectory(prefix="tokx-stdin-")
    except OSError as exc:
        raise UsageError(f"{source}: no usable temp dir to spool to ({exc})") from None
    with spool_dir as folder:
        spool = Path(folder) / "stdin"
        try:
            with open(spool, "wb") as out:
                while block := stream.read(block_bytes):
                    out.write(block)
        except OSError as exc:
            raise UsageError(f"{source}: cannot spool to a temp file ({exc.strerror})") from None
        return count_paths([spool], plan.requested, jobs=jobs, fast=fast, labels=[source])
