"""Test helpers for the HTML report: a stdlib HTML scan, an app with the report command, and a
pure-Python PNG decoder for browser screenshots."""

from __future__ import annotations

import struct
import zlib
from dataclasses import dataclass
from html.parser import HTMLParser

import typer

QUICK = ["--input-tokens", "1000", "--output-tokens", "1000", "--requests-per-month", "1000"]


def report_app() -> typer.Typer:
    """The real estimate/recommend commands plus ``report``, on an app of its own, so the tests
    run whether or not ``tokx report`` is registered on the main app yet."""
    from tokenexport_cli.cli import cost_cmd, report_cmd

    app = typer.Typer(pretty_exceptions_enable=False)

    @app.callback()
    def root() -> None:
        """Test app."""

    cost_cmd.register(app)
    report_cmd.register(app)
    return app


@dataclass
class Cell:
    text: str = ""
    value: str | None = None  # the exact decimal in data-value, where the cell has one


class Scan(HTMLParser):
    """Tags with attributes, the text of each section, and each section's tables as cells."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: dict[str, str] = {}
        self.tables: dict[str, list[list[list[Cell]]]] = {}
        self.section = ""
        self.cell: Cell | None = None
        self.in_style = False
        self.style = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        self.tags.append((tag, values))
        if tag == "section":
            self.section = values.get("id") or ""
            self.text.setdefault(self.section, "")
            self.tables.setdefault(self.section, [])
        elif tag == "table":
            self.tables.setdefault(self.section, []).append([])
        elif tag == "tr":
            self.tables[self.section][-1].append([])
        elif tag in ("td", "th"):
            self.cell = Cell(value=values.get("data-value"))
            self.tables[self.section][-1][-1].append(self.cell)
        elif tag == "style":
            self.in_style = True

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th"):
            self.cell = None
        elif tag == "style":
            self.in_style = False
        elif tag == "section":
            self.section = ""

    def handle_data(self, data: str) -> None:
        if self.in_style:
            self.style += data
            return
        self.text[self.section] = self.text.get(self.section, "") + data
        if self.cell is not None:
            self.cell.text += data


def scan(html: str) -> Scan:
    parser = Scan()
    parser.feed(html)
    parser.close()
    return parser


def decode_png(data: bytes) -> tuple[int, int, int, list[bytes]]:
    """(width, height, bytes per pixel, rows) of an 8-bit, non-interlaced RGB(A) PNG."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG file"
    position, chunks = 8, []
    width = height = color_type = 0
    while position < len(data):
        length, kind = struct.unpack(">I4s", data[position : position + 8])
        body = data[position + 8 : position + 8 + length]
        position += 12 + length
        if kind == b"IHDR":
            width, height, depth, color_type, _, _, interlace = struct.unpack(">IIBBBBB", body)
            assert depth == 8 and interlace == 0 and color_type in (2, 6), "unexpected PNG format"
        elif kind == b"IDAT":
            chunks.append(body)
        elif kind == b"IEND":
            break
    raw = zlib.decompress(b"".join(chunks))
    bpp = 3 if color_type == 2 else 4
    stride = width * bpp
    rows: list[bytes] = []
    previous = bytearray(stride)
    for y in range(height):
        start = y * (stride + 1)
        kind, line = raw[start], bytearray(raw[start + 1 : start + 1 + stride])
        if kind == 1:
            for i in range(bpp, stride):
                line[i] = (line[i] + line[i - bpp]) & 255
        elif kind == 2:
            line = bytearray((a + b) & 255 for a, b in zip(line, previous, strict=True))
        elif kind == 3:
            for i in range(stride):
                left = line[i - bpp] if i >= bpp else 0
                line[i] = (line[i] + ((left + previous[i]) >> 1)) & 255
        elif kind == 4:
            for i in range(stride):
                a = line[i - bpp] if i >= bpp else 0
                b = previous[i]
                c = previous[i - bpp] if i >= bpp else 0
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        rows.append(bytes(line))
        previous = line
    return width, height, bpp, rows
