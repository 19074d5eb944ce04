"""Requests logged without usage, counted locally: text with the model's tokenizer family,
images by each provider's documented rule from the size in their header, tool definitions and
tool-use overhead as each provider counts them; bounded and safe on hostile image data.

Image figures are the providers' own worked examples (tokenexport_cli/logs/images.py cites the
pages); the fixtures are described field by field in tests/fixtures/logs/SOURCES.md."""

from __future__ import annotations

import base64
import json
import struct
import zlib
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from tokenexport_cli.api.choices import CatalogChoice, open_catalog
from tokenexport_cli.api.replay import ReplayRequest, replay
from tokenexport_cli.cli import app
from tokenexport_cli.errors import DataError
from tokenexport_cli.logs.detect import read_logs
from tokenexport_cli.logs.images import (
    MAX_HEADER_BYTES,
    anthropic_tokens,
    decode_prefix,
    gemini_tokens,
    image_size,
    openai_tokens,
)
from tokenexport_cli.logs.local_count import LocalCounter, _openai_tools, _Tokens
from tokenexport_cli.tokens.registry import encoder

LOGS = Path(__file__).parent.parent / "fixtures" / "logs"
PINNED = CatalogChoice(version="2026-08-21")
MILLION = Decimal(1_000_000)
runner = CliRunner()


def _png(width: int, height: int) -> bytes:
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    chunk = struct.pack(">I", 13) + b"IHDR" + ihdr + struct.pack(">I", zlib.crc32(b"IHDR" + ihdr))
    return b"\x89PNG\r\n\x1a\n" + chunk


def _jpeg(width: int, height: int, exif: int = 0) -> bytes:
    app1 = b"\xff\xe1" + struct.pack(">H", exif + 2) + b"\x00" * exif if exif else b""
    sof = b"\xff\xc2" + struct.pack(">HBHHB", 17, 8, height, width, 3) + b"\x01\x22\x00" * 3
    return b"\xff\xd8" + app1 + sof


def _webp_lossless(width: int, height: int) -> bytes:
    bits = (width - 1) | ((height - 1) << 14)
    body = b"VP8L" + struct.pack("<I", 5) + b"\x2f" + bits.to_bytes(4, "little")
    return b"RIFF" + struct.pack("<I", 4 + len(body)) + b"WEBP" + body + b"\x00" * 8


def _webp_lossy(width: int, height: int) -> bytes:
    frame = b"\x00\x00\x00" + b"\x9d\x01\x2a" + struct.pack("<HH", width, height)
    body = b"VP8 " + struct.pack("<I", len(frame)) + frame
    return b"RIFF" + struct.pack("<I", 4 + len(body)) + b"WEBP" + body + b"\x00" * 8


@pytest.mark.parametrize(
    ("data", "size"),
    [
        (_png(1024, 512), (1024, 512)),
        (b"GIF89a" + struct.pack("<HH", 300, 200) + b"\x00" * 4, (300, 200)),
        (_webp_lossless(640, 480), (640, 480)),
        (_webp_lossy(1000, 800), (1000, 800)),
        (_jpeg(800, 600), (800, 600)),
        (_jpeg(4032, 3024, exif=60_000), (4032, 3024)),  # a frame header after a large EXIF
    ],
)
def test_sizes_come_from_each_format_header(data: bytes, size: tuple[int, int]) -> None:
    assert (
        image_size(decode_prefix("data:image/x;base64," + base64.b64encode(data).decode())) == size
    )


def test_documented_examples_of_each_provider_rule() -> None:
    # OpenAI: 1024 x 1024 high -> 765; 2048 x 4096 high -> 1105; any size low -> 85
    assert openai_tokens(1024, 1024, "high", "gpt-4o") == 765
    assert openai_tokens(2048, 4096, "high", "gpt-4o") == 1105
    assert openai_tokens(4096, 8192, "low", "gpt-4o") == 85
    # OpenAI patches: 1024 x 1024 -> 1,024 patches; 1800 x 2400 -> 1,452 (scaled to the cap)
    assert openai_tokens(1024, 1024, None, "gpt-4.1-mini") == 1659  # ceil(1024 x 1.62)
    assert openai_tokens(1800, 2400, None, "gpt-4.1-nano") == 3572  # ceil(1452 x 2.46)
    # Anthropic: 200 x 200 ~54, 1000 x 1000 ~1334, 1092 x 1092 ~1590 (its table)
    assert [anthropic_tokens(s, s) for s in (200, 1000, 1092)] == [54, 1334, 1590]
    assert anthropic_tokens(4000, 4000) <= 1600  # scaled down to fit
    # Gemini: both sides <= 384 -> 258; else 768 x 768 tiles of 258
    assert gemini_tokens(384, 384) == 258 and gemini_tokens(1000, 800) == 4 * 258


def test_gpt_4o_mini_and_gemini_3_image_rules() -> None:
    # GPT-4o mini: base 2,833 and tile 5,667, derived from the API's bills for a 128 x 64 image
    # plus five words (2,845 low, 8,512 high) less GPT-4o's 12 text tokens (97 - 85)
    assert openai_tokens(128, 64, "low", "gpt-4o-mini") + 12 == 2845
    assert openai_tokens(128, 64, "high", "gpt-4o-mini") + 12 == 8512
    assert openai_tokens(128, 64, "high", "gpt-4o") + 12 == 267  # the same bill on GPT-4o
    # the tile rule otherwise as GPT-4o's: 1024 x 1024 high -> 4 tiles
    assert openai_tokens(1024, 1024, "high", "gpt-4o-mini") == 2833 + 4 * 5667
    # auto and a missing detail are counted as high (OpenAI gives no rule for auto)
    assert openai_tokens(1024, 1024, "auto", "gpt-4o") == openai_tokens(1024, 1024, None, "gpt-4o")
    assert openai_tokens(1024, 1024, None, "gpt-4o") == 765
    # Gemini 3: the media_resolution budget per image, whatever the size; high when unspecified
    assert gemini_tokens(100, 100, None, "gemini-3-flash") == 1120
    assert gemini_tokens(4000, 3000, "media_resolution_low", "gemini-3.1-pro") == 280
    assert gemini_tokens(4000, 3000, "media_resolution_medium", "gemini-3.1-pro") == 560
    assert gemini_tokens(64, 64, "media_resolution_ultra_high", "gemini-3.5-flash") == 2240
    # an OpenAI detail value means nothing to Gemini 3: its default applies
    assert gemini_tokens(64, 64, "low", "gemini-3-flash") == 1120
    # Gemini 2.5 keeps the 258-per-tile rule
    assert gemini_tokens(100, 100, None, "gemini-2.5-flash") == 258


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=4096), st.sampled_from([b"", b"\x89PNG\r\n\x1a\n", b"\xff\xd8", b"RIFF"]))
def test_hostile_image_data_never_raises(noise: bytes, magic: bytes) -> None:
    size = image_size(magic + noise)
    assert size is None or (0 < size[0] <= 1_000_000 and 0 < size[1] <= 1_000_000)


def test_header_parsing_is_bounded_on_huge_and_broken_data() -> None:
    huge = "data:image/png;base64," + "A" * (64 * 1024 * 1024)  # 48 MiB once decoded
    assert len(decode_prefix(huge)) <= MAX_HEADER_BYTES
    assert image_size(decode_prefix("data:image/png;base64,!!not base64!!")) is None
    endless = b"\xff\xd8" + b"\xff\xe1\x00\x02" * 100_000  # empty segments, no frame header
    assert image_size(endless) is None
    assert image_size(_png(0, 10)) is None  # a zero side is a broken header, not an image


def test_openai_tool_definitions_as_the_cookbook_counts_them() -> None:
    # openai-cookbook "How to count tokens with tiktoken": these messages and tool come to 101
    # prompt tokens on gpt-4o, as the API reported; messages count 3 each plus role and
    # content, plus 3 to prime the reply
    (line,) = [
        json.loads(x)
        for x in (LOGS / "openai_requests.jsonl").read_text().splitlines()
        if '"tools"' in x
    ]
    count = encoder("o200k_base").count
    messages = sum(3 + count(m["role"]) + count(m["content"]) for m in line["messages"]) + 3
    tools = _openai_tools([line["tools"][0]["function"]], "gpt-4o", _Tokens("o200k_base"))
    assert messages + tools == 101


def test_anthropic_tool_use_system_prompt_by_model_and_choice() -> None:
    counter = LocalCounter(open_catalog(PINNED))
    request = json.loads((LOGS / "anthropic_requests.jsonl").read_text().splitlines()[0])
    auto = counter.record(request)
    request["request"]["tool_choice"] = {"type": "any"}
    forced = counter.record(request)
    # claude-haiku-4.5: 496 tokens with tool_choice auto/none, 588 with any/tool
    assert forced.input - auto.input == 588 - 496


def _replay(name: str):  # type: ignore[no-untyped-def]
    return replay(ReplayRequest(paths=(LOGS / name,), catalog=PINNED, alternatives=0))


def test_openai_requests_without_usage_are_counted_and_priced() -> None:
    result = _replay("openai_requests.jsonl")
    assert result.requests == 4
    (gpt,) = [s for s in result.sources if s.resolved == "gpt-4o"]
    # images: a 1024 x 512 PNG at high detail, 85 + 2 x 170 = 425; a URL image taken as
    # 1024 x 1024 (auto as high), 765
    assert gpt.counts["image_input"] == 425 + 765
    assert gpt.counts["output"] == 0  # no response logged
    (mini,) = [s for s in result.sources if s.resolved == "gpt-4o-mini"]
    text = "Summarise: the parcel left the depot on Monday."
    assert mini.counts["input"] == encoder("o200k_base").count(text) + 3  # + the message frame
    (line,) = [x for x in result.lines if x.cost.model == "gpt-4o"]
    # gpt-4o $2.50 per million input tokens, no cache, no output
    total = gpt.counts["input"] + gpt.counts["image_input"]
    assert line.cost.period_cost == total * Decimal("2.5") / MILLION
    assert (
        "4 calls without recorded usage counted locally from their request text" in line.cost.notes
    )
    messages = [w.message for w in result.warnings]
    assert any(
        "4 calls without recorded usage" in m and "4 without a logged response" in m
        for m in messages
    )
    assert any("1 of 2 images of unknown size" in m for m in messages)


def test_anthropic_and_gemini_requests_count_images_tools_and_logged_answers() -> None:
    anthropic = _replay("anthropic_requests.jsonl")
    (haiku,) = anthropic.sources
    # an 800 x 600 JPEG: 480,000 / 750 = 640; a URL image as 1024 x 1024: ceil(1,398.1) = 1,399
    assert haiku.counts["image_input"] == 640 + 1399
    assert haiku.counts["output"] > 0  # the logged response's text, counted
    gemini = _replay("gemini_requests.jsonl")
    (flash,) = gemini.sources
    # a 300 x 200 GIF: 258; a 1000 x 800 WebP: 2 x 2 tiles x 258; a file as 1024 x 1024: 4 x 258
    assert flash.counts["image_input"] == 258 + 4 * 258 + 4 * 258


def test_a_gemini_3_part_media_resolution_sets_its_image_tokens(tmp_path: Path) -> None:
    gif = "R0lGODlhLAHIAAAAADs="  # 300 x 200
    parts = [
        {"text": "Compare."},
        {"inlineData": {"mimeType": "image/gif", "data": gif}},  # unspecified: high, 1,120
        {
            "inlineData": {"mimeType": "image/gif", "data": gif},
            "mediaResolution": {"level": "media_resolution_low"},  # 280
        },
    ]
    log = tmp_path / "gemini3.jsonl"
    line = {"timestamp": "2026-08-04T08:00:00Z", "model": "gemini-3-flash"}
    log.write_text(json.dumps({**line, "contents": [{"role": "user", "parts": parts}]}) + "\n")
    result = replay(ReplayRequest(paths=(log,), catalog=PINNED, alternatives=0))
    (flash,) = result.sources
    assert flash.counts["image_input"] == 1120 + 280


def test_without_a_counter_requests_stay_bad_lines() -> None:
    with pytest.raises(DataError) as caught:
        read_logs([LOGS / "openai_requests.jsonl"])
    assert str(caught.value).startswith(f"{LOGS / 'openai_requests.jsonl'}:1: no usage recorded")


def test_the_cli_warns_and_notes_local_counting() -> None:
    result = runner.invoke(
        app,
        ["replay", str(LOGS / "gemini_requests.jsonl"), "--alternatives", "0", "--format", "json"],
    )
    assert result.exit_code == 0, result.stderr
    assert "2 calls without recorded usage: their prompts were counted locally" in result.stderr
    payload = json.loads(result.stdout)
    assert (
        "2 calls without recorded usage counted locally from their request text"
        in (payload["lines"][0]["notes"])
    )


def test_each_request_file_reports_its_vendor_format() -> None:
    counter = LocalCounter(open_catalog(PINNED))
    names = ("openai_requests.jsonl", "anthropic_requests.jsonl", "gemini_requests.jsonl")
    read = read_logs([LOGS / name for name in names], counter=counter)
    assert list(read.files.values()) == ["openai", "anthropic", "gemini"]
    assert read.counted_locally == 8


def test_a_request_logged_twice_counts_once_only_when_it_has_a_time(tmp_path: Path) -> None:
    request = {"model": "gpt-4o", "messages": [{"role": "user", "content": "Hi there"}]}
    untimed = tmp_path / "untimed.jsonl"
    untimed.write_text((json.dumps(request) + "\n") * 2)
    # without a timestamp two identical requests may be two calls: both are counted
    assert replay(ReplayRequest(paths=(untimed,), catalog=PINNED, alternatives=0)).requests == 2
    timed = tmp_path / "timed.jsonl"
    timed.write_text((json.dumps({"timestamp": "2026-08-03T09:00:00Z", **request}) + "\n") * 2)
    # the same body at the same moment is the same call logged twice
    assert replay(ReplayRequest(paths=(timed,), catalog=PINNED, alternatives=0)).requests == 1
