"""Images on another model: where the log carries a call's images, their tokens on a target
are the target provider's own rule for the same sizes (converted back through the family ratio
the pricing applies), not the source's image tokens scaled like text."""

from __future__ import annotations

import base64
import json
import struct
import zlib
from fractions import Fraction
from pathlib import Path

from tokenexport_cli.api.choices import CatalogChoice, open_catalog
from tokenexport_cli.api.replay import ReplayRequest, replay
from tokenexport_cli.logs.detect import read_logs
from tokenexport_cli.logs.local_count import LocalCounter
from tokenexport_cli.logs.resolve import resolve_model
from tokenexport_cli.logs.retarget import target_images
from tokenexport_cli.tokens.family_ratio import family_ratio

LOGS = Path(__file__).parent.parent / "fixtures" / "logs"
PINNED = CatalogChoice(version="2026-08-21")


def _png(width: int, height: int) -> str:
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    chunk = struct.pack(">I", 13) + b"IHDR" + ihdr + struct.pack(">I", zlib.crc32(b"IHDR" + ihdr))
    return "data:image/png;base64," + base64.b64encode(b"\x89PNG\r\n\x1a\n" + chunk).decode()


def _retargeted(name: str, target: str) -> tuple[list[int], Fraction]:
    index = open_catalog(PINNED)
    read = read_logs([LOGS / name], counter=LocalCounter(index))
    sources = [resolve_model(index, model) for model, _ in read.table.sources]
    model = index.model(target)
    ratios = [family_ratio(s.tokenizer, model.tokenizer, index.tokenizers) for s in sources]  # type: ignore[union-attr]
    notes: set[str] = set()
    table = target_images(read.table, model, sources, ratios, notes)  # type: ignore[arg-type]
    assert any("image rule for" in note for note in notes)
    return list(table.columns["image_input"]), ratios[0].factor


def test_claude_calls_on_gpt_4o_take_openai_image_tokens() -> None:
    images, factor = _retargeted("anthropic_requests.jsonl", "gpt-4o")
    # an 800 x 600 JPEG (auto, taken as high): 2 x 2 tiles, 85 + 4 x 170 = 765; the URL image
    # as 1024 x 1024: 765; each divided by the claude -> o200k factor the pricing multiplies in
    assert images == [round(Fraction(765) / factor), round(Fraction(765) / factor)]


def test_claude_calls_on_gemini_take_gemini_image_tokens() -> None:
    images, factor = _retargeted("anthropic_requests.jsonl", "gemini-2.5-flash")
    # 800 x 600: 2 x 1 tiles of 768 px, 516; 1024 x 1024: 2 x 2 tiles, 1,032
    assert images == [round(Fraction(516) / factor), round(Fraction(1032) / factor)]


def test_a_pair_with_usage_moves_its_image_tokens_out_of_the_input(tmp_path: Path) -> None:
    log = tmp_path / "pairs.jsonl"
    request = {
        "model": "gpt-4o",
        "messages": [
            {
                "role": "user",
                "content": [
                    {"type": "text", "text": "What is this?"},
                    {"type": "image_url", "image_url": {"url": _png(1024, 512), "detail": "high"}},
                ],
            }
        ],
    }
    response = {
        "id": "chatcmpl-1",
        "object": "chat.completion",
        "created": 1785747600,
        "model": "gpt-4o-2024-08-06",
        "usage": {"prompt_tokens": 1000, "completion_tokens": 20, "total_tokens": 1020},
    }
    log.write_text(json.dumps({"request": request, "response": response}) + "\n")
    result = replay(
        ReplayRequest(
            paths=(log,),
            catalog=PINNED,
            models=("claude-haiku-4.5",),
            providers=("anthropic",),
            alternatives=0,
        )
    )
    (source,) = result.sources
    # OpenAI's rule for a 1024 x 512 image at high detail: 85 + 2 x 170 = 425 of the 1,000
    assert source.counts["input"] == 575 and source.counts["image_input"] == 425
    (target,) = [line for line in result.lines if line.role == "target"]
    assert "images of 1 call counted by anthropic's image rule for claude-haiku-4.5" in (
        target.cost.notes
    )


def test_claude_calls_on_gpt_4o_mini_take_its_own_tile_tokens() -> None:
    images, factor = _retargeted("anthropic_requests.jsonl", "gpt-4o-mini")
    # GPT-4o mini's base 2,833 and tile 5,667 (logs/images.py): 800 x 600 at auto (high),
    # 2 x 2 tiles -> 2,833 + 4 x 5,667 = 25,501; the URL image as 1024 x 1024, the same
    assert images == [round(Fraction(25501) / factor), round(Fraction(25501) / factor)]


def test_claude_calls_on_gemini_3_take_the_media_resolution_budget() -> None:
    images, factor = _retargeted("anthropic_requests.jsonl", "gemini-3-flash")
    # Gemini 3 bills an image at its media_resolution budget whatever its size: unspecified
    # is high for images, 1,120 tokens each
    assert images == [round(Fraction(1120) / factor), round(Fraction(1120) / factor)]
