"""The files of the entries an import adds: each section validated and encoded at once
(``flow``), entries an earlier import wrote and the import keeps copied as they were written,
split into files under a size limit, each with the entries it holds."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import msgspec

from tokenexport_cli.catalog import sealed
from tokenexport_cli.catalog.importers import flow
from tokenexport_cli.catalog.parse import CatalogInvalid
from tokenexport_cli.errors import located
from tokenexport_cli.safetext import one_line
from tokenexport_cli.schema import CatalogFile


def file_chunks(
    sections: Mapping[str, list[Any]],
    head: bytes,
    limit: int | None,
    where: Path,
    verbatim: Mapping[str, list[bytes | None]] | None = None,
) -> Iterator[tuple[bytes, CatalogFile]]:
    """The entries of ``sections`` validated and encoded (``flow``), as the text of files of at
    most ``limit`` bytes each (None: one file; a line longer than that goes alone), each under
    its seal (``sealed``), with the entries each holds; an entry that breaks the schema is a CatalogInvalid naming ``where``,
    the entry and the key. An entry with a line in ``verbatim`` is written as that line."""
    parts: list[tuple[str, memoryview, list[Any]]] = []
    size = empty = sealed.SEAL_BYTES + len(head)  # a file's bytes before its first section
    for section, entries in sections.items():
        if not entries:
            continue
        kept = verbatim.get(section) if verbatim is not None else None
        body, written = _kept_or_encoded(section, entries, kept, where)
        label = len(section) + 2  # "name:\n"
        start = first = 0  # where the rest of the body begins, in bytes and in entries
        while start < len(body):
            room = len(body) - start if limit is None else limit - size - label
            if len(body) - start <= room:
                cut = len(body)
            else:  # after the last whole line that fits (none: 0)
                cut = body.rfind(b"\n", start, start + room) + 1 if room > 0 else 0
            if cut <= start and parts:  # not one more line fits: the next file
                yield _chunk(head, parts)
                parts, size = [], empty
                continue
            if cut <= start:
                cut = body.index(b"\n", start) + 1
            count = body.count(b"\n", start, cut)
            parts.append((section, memoryview(body)[start:cut], written[first : first + count]))
            size += label + cut - start
            start, first = cut, first + count
            if start < len(body):
                yield _chunk(head, parts)
                parts, size = [], empty
    yield _chunk(head, parts)


def _kept_or_encoded(
    section: str, entries: list[Any], kept: list[bytes | None] | None, where: Path
) -> tuple[bytes, list[Any]]:
    """The section's lines and the entries as written: a line of ``kept`` as it is, the other
    entries encoded (``_encoded``)."""
    todo = [index for index, line in enumerate(kept or ()) if line is None]
    if kept is None or len(todo) == len(entries):
        return _encoded(section, entries, where)
    assert len(kept) == len(entries)
    lines: list[bytes | None] = list(kept)
    written = list(entries)
    if todo:
        body, encoded = _encoded(section, [entries[index] for index in todo], where, todo)
        for index, line, entry in zip(todo, body.split(b"\n")[:-1], encoded, strict=True):
            lines[index], written[index] = line, entry
    done = [line for line in lines if line is not None]
    assert len(done) == len(entries)  # every entry has its line, kept or encoded
    return b"\n".join(done) + b"\n", written


def _encoded(
    section: str, entries: list[Any], where: Path, positions: list[int] | None = None
) -> tuple[bytes, list[Any]]:
    """The section's lines and the entries as written (``flow.section_lines``); ``positions``:
    where each entry is in its section (for messages), when not its place in ``entries``."""
    try:
        return flow.section_lines(section, entries)
    except msgspec.ValidationError:
        for index, entry in enumerate(entries):  # the first entry that breaks the schema
            try:
                flow.encode(entry)
            except msgspec.ValidationError as exc:
                from tokenexport_cli.validation import describe as describe_error

                key_path, problem = describe_error(exc)
                at = positions[index] if positions is not None else index
                key = f"{section}[{at}]{'.' if key_path else ''}{key_path}"
                source = getattr(entry, "source", None)
                problem += f" (entry from {one_line(source)})" if isinstance(source, str) else ""
                raise CatalogInvalid([located(where, None, key, problem)]) from None
        raise


def _chunk(
    head: bytes, parts: list[tuple[str, memoryview, list[Any]]]
) -> tuple[bytes, CatalogFile]:
    pieces: list[bytes | memoryview] = [head]
    for name, body, _ in parts:
        pieces += (f"{name}:\n".encode(), body)
    text = sealed.sealed(pieces)  # the file's one copy of the encoded entries, under its seal
    # no bounds walk: every number here was checked once, where the import read it (the
    # source's entries by ``base.check_entry``, entries kept from the base by its load)
    contents = CatalogFile(schema_version=1, **{name: tuple(written) for name, _, written in parts})
    return text, contents
