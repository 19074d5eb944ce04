"""Image tokens of logged requests: the image's size read from the PNG, JPEG, GIF or WebP header
of inline base64 data (bounded: at most ``MAX_HEADER_BYTES`` are decoded and scanned, whatever
the data's length or content), and each provider's own rule for the tokens of that size.

Rules, as the providers document them:

- OpenAI: per model, 32 px patches or 512 px tiles, as its "Images and vision" guide gives them
  (``logs/openai_images.py``, with the page and what tokx decides where it is silent). An API
  measurement agrees with GPT-4o mini's table figures: a 128 x 64 image plus a five-word text
  billed 2,845 (low) and 8,512 (high) input tokens on gpt-4o-mini-2024-07-18 against 97 and 267
  on gpt-4o-2024-08-06, i.e. 12 text tokens plus 2,833 and 2,833 + 5,667
  (https://community.openai.com/t/vision-more-than-one-way-to-send-a-request-undocumented-and-different-pricing-realized/1262691).
- Anthropic (https://platform.claude.com/docs/en/build-with-claude/vision, "Evaluate image
  size"): tokens = width x height / 750 (rounded up); an image whose long edge exceeds 1568 px
  or that would take more than about 1,600 tokens is first scaled down, preserving aspect
  ratio, until it fits both.
- Gemini before Gemini 3 (https://ai.google.dev/gemini-api/docs/tokens, images): both
  dimensions at most 384 px: 258 tokens; larger images are cropped and scaled into 768 x 768
  tiles of 258 tokens each (counted here as ceil(width / 768) x ceil(height / 768) tiles).
- Gemini 3 (``gemini-3*``): ``media_resolution`` sets "the maximum number of tokens allocated"
  per image, whatever its size (https://ai.google.dev/gemini-api/docs/media-resolution, page
  last updated 2026-02-19, read 2026-11-27 in the copy am0n666/Gemini-API-Docs@bb0ea2e,
  docs/media-resolution.md; per part on Gemini 3 only, as ``mediaResolution.level``). Its "Token
  counts" table for Gemini 3 models gives, per image: ``MEDIA_RESOLUTION_UNSPECIFIED`` (default)
  1120, ``LOW`` 280, ``MEDIUM`` 560, ``HIGH`` 1120, ``ULTRA_HIGH`` 2240
  (``GEMINI3_IMAGE_TOKENS``; the default counts as high). tokx counts that maximum, so a
  Gemini 3 image is an upper bound.

An image whose size is unknown (a URL, an uploaded file, data that is not one of the four
formats) is counted as ``DEFAULT_SIZE`` by the same rule; the caller counts such images and
says so in a warning.
"""

from __future__ import annotations

import base64
import binascii
import math
import struct
from typing import Literal

from tokenexport_cli.logs.openai_images import openai_tokens

Vendor = Literal["openai", "anthropic", "google"]
#: the size assumed where the log does not carry the image: a common screenshot/photo size
DEFAULT_SIZE = (1024, 1024)
#: decoded bytes scanned for a header (JPEG EXIF blocks can push the frame header this far)
MAX_HEADER_BYTES = 256 * 1024
#: JPEG markers looked at before giving up (bounds the loop on hostile data)
MAX_JPEG_SEGMENTS = 256
MAX_SIDE = 1_000_000  # larger "sizes" are corrupt headers, not images
#: Gemini 3 tokens per image by ``media_resolution`` level, from Google's "Token counts" table
#: (module docstring; unspecified: the same 1120 as high)
GEMINI3_IMAGE_TOKENS = {
    "media_resolution_low": 280,
    "media_resolution_medium": 560,
    "media_resolution_high": 1120,
    "media_resolution_ultra_high": 2240,
}
GEMINI3_DEFAULT_LEVEL = "media_resolution_high"


def decode_prefix(data: str) -> bytes:
    """The first ``MAX_HEADER_BYTES`` of base64 ``data`` (a ``data:`` URL or bare base64);
    empty when it is not base64."""
    if data.startswith("data:"):
        data = data.partition(",")[2]
    chunk = data[: (MAX_HEADER_BYTES // 3) * 4]
    chunk = chunk[: len(chunk) - len(chunk) % 4]
    try:
        return base64.b64decode(chunk, validate=False)
    except (binascii.Error, ValueError):
        return b""


def image_size(head: bytes) -> tuple[int, int] | None:
    """(width, height) from a PNG, GIF, WebP or JPEG header; None when not found."""
    size = _png(head) or _gif(head) or _webp(head) or _jpeg(head)
    if size is None:
        return None
    width, height = size
    return size if 0 < width <= MAX_SIDE and 0 < height <= MAX_SIDE else None


def _png(head: bytes) -> tuple[int, int] | None:
    if head[:8] == b"\x89PNG\r\n\x1a\n" and head[12:16] == b"IHDR" and len(head) >= 24:
        width, height = struct.unpack(">II", head[16:24])
        return int(width), int(height)
    return None


def _gif(head: bytes) -> tuple[int, int] | None:
    if head[:6] in (b"GIF87a", b"GIF89a") and len(head) >= 10:
        width, height = struct.unpack("<HH", head[6:10])
        return int(width), int(height)
    return None


def _webp(head: bytes) -> tuple[int, int] | None:
    if head[:4] != b"RIFF" or head[8:12] != b"WEBP" or len(head) < 30:
        return None
    chunk = head[12:16]
    if chunk == b"VP8X":  # canvas size, 24-bit little-endian, minus one
        return 1 + int.from_bytes(head[24:27], "little"), 1 + int.from_bytes(head[27:30], "little")
    if chunk == b"VP8 " and head[23:26] == b"\x9d\x01\x2a":  # key frame start code
        width, height = struct.unpack("<HH", head[26:30])
        return int(width) & 0x3FFF, int(height) & 0x3FFF
    if chunk == b"VP8L" and head[20] == 0x2F:  # lossless signature
        bits = int.from_bytes(head[21:25], "little")
        return (bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1
    return None


def _jpeg(head: bytes) -> tuple[int, int] | None:
    if head[:2] != b"\xff\xd8":
        return None
    position = 2
    for _ in range(MAX_JPEG_SEGMENTS):
        while position < len(head) and head[position] == 0xFF:  # fill bytes before a marker
            position += 1
        if position + 3 > len(head):
            return None
        marker = head[position]
        position += 1
        if marker in (0xD8, 0x01) or 0xD0 <= marker <= 0xD7:  # markers without a length
            continue
        length = int.from_bytes(head[position : position + 2], "big")
        if length < 2:
            return None
        # SOF0-SOF15 carry the frame size, except DHT (C4), JPG (C8) and DAC (CC)
        if 0xC0 <= marker <= 0xCF and marker not in (0xC4, 0xC8, 0xCC):
            if position + 7 > len(head):
                return None
            height, width = struct.unpack(">HH", head[position + 3 : position + 7])
            return int(width), int(height)
        position += length
    return None


def anthropic_tokens(width: int, height: int) -> int:
    scale = min(1.0, 1568 / max(width, height))
    w, h = width * scale, height * scale
    if w * h / 750 > 1600:
        shrink = math.sqrt(1600 * 750 / (w * h))
        w, h = w * shrink, h * shrink
    return math.ceil(math.floor(w) * math.floor(h) / 750)


def gemini_tokens(width: int, height: int, detail: str | None = None, model: str = "") -> int:
    if model.startswith("gemini-3"):
        level = detail if detail in GEMINI3_IMAGE_TOKENS else GEMINI3_DEFAULT_LEVEL
        return GEMINI3_IMAGE_TOKENS[level]
    if width <= 384 and height <= 384:
        return 258
    return 258 * math.ceil(width / 768) * math.ceil(height / 768)


def image_tokens(
    vendor: Vendor, size: tuple[int, int] | None, detail: str | None = None, model: str = ""
) -> int:
    """Tokens one image costs on ``vendor``'s rule; ``DEFAULT_SIZE`` where ``size`` is None."""
    width, height = size or DEFAULT_SIZE
    if vendor == "anthropic":
        return anthropic_tokens(width, height)
    if vendor == "google":
        return gemini_tokens(width, height, detail, model)
    return openai_tokens(width, height, detail, model)


#: catalog model ids whose provider's image rule above applies (gpt-oss and other open models
#: served elsewhere take no OpenAI rule)
_RULE_PREFIXES: tuple[tuple[str, Vendor], ...] = (
    ("claude", "anthropic"),
    ("gemini", "google"),
    ("gpt-4o", "openai"),
    ("gpt-4.1", "openai"),
    ("gpt-4.5", "openai"),
    ("gpt-5", "openai"),
    ("chatgpt", "openai"),
    ("o1", "openai"),
    ("o3", "openai"),
    ("o4", "openai"),
    ("computer-use", "openai"),
)


def image_rule(model_id: str) -> Vendor | None:
    """Whose image rule bills images sent to ``model_id``; None where tokx knows none."""
    return next((vendor for prefix, vendor in _RULE_PREFIXES if model_id.startswith(prefix)), None)


def images_tokens(
    vendor: Vendor, images: tuple[tuple[int, int, str | None], ...], model: str
) -> int:
    """Tokens of a call's images on ``vendor``'s rule (unknown sizes as ``DEFAULT_SIZE``)."""
    return sum(
        image_tokens(vendor, (width, height) if width else None, detail, model)
        for width, height, detail in images
    )
