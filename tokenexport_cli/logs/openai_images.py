"""OpenAI's image tokens per model: 32 px patches on newer models, 512 px tiles on older ones.

Everything here is OpenAI's "Images and vision" guide
(https://developers.openai.com/api/docs/guides/images-vision, sections "Model sizing behavior"
and "Calculating costs", read 2026-11-27 in the archived copy
llms-txt-archive/openai-platform@209a95892777133f6787d8a2e9f52ad58ae01e7a,
api/docs/guides/images-vision.md):

- **Tiles** (GPT-4o, GPT-4.1, GPT-4o mini, computer-use-preview, the o-series except o4-mini,
  and gpt-5 / gpt-5-chat-latest in the page's table): ``low`` costs the model's base tokens;
  ``high`` is scaled to fit a 2048 x 2048 square, then so that its shortest side is 768 px
  (only ever down), and costs the tile tokens per 512 px tile plus the base. The table's
  (base, tile): gpt-5 and gpt-5-chat-latest 70/140; gpt-4o, gpt-4.1, gpt-4.5 85/170;
  gpt-4o-mini 2,833/5,667; o1, o1-pro, o3 75/150; computer-use-preview 65/129.
- **Patches**: the number of 32 x 32 patches covering the image; an image over the model's
  patch budget or maximum side is scaled down, preserving aspect ratio, to fit the lesser of
  the two (then to whole patches, as the page's formula does), and the count is multiplied by
  the model's multiplier (gpt-5.4-mini, gpt-5-mini, gpt-4.1-mini 1.62; gpt-5.4-nano,
  gpt-5-nano, gpt-4.1-nano 2.46; o4-mini 1.72; others 1). Budgets: 1,536 patches or 2,048 px
  for gpt-5.4-mini/nano, gpt-5-mini/nano, gpt-5.2 (and its codex/chat ids), gpt-5.3-codex,
  gpt-5-codex-mini, gpt-5.1-codex-mini, o4-mini and gpt-4.1-mini/nano; gpt-5.4 and gpt-5.5:
  ``high`` 2,500 patches or 2,048 px, ``original`` 10,000 patches or 6,000 px; the GPT-5.6
  family's ``original`` keeps the image's own size (no budget). ``auto`` (and a missing
  ``detail``) is ``original`` on gpt-5.5 and GPT-5.6, ``high`` elsewhere.

Where the page is silent, tokx decides, and says so here:
- ``low`` on a patch model: the page says the model "receives a low-resolution 512px x 512px
  version of the image"; tokx counts the patches of the image scaled to fit 512 x 512.
- ``high`` on GPT-5.6: the page says only that it "can resize images under their finite
  limits"; tokx uses gpt-5.5's documented ``high`` limits.
- ``auto`` on a tile model: the page gives no rule; tokx counts ``high``, the most it may bill.
- A model id the page does not name takes the rule of the longest documented id it starts
  with (``gpt-5.1`` and ``gpt-5-codex`` as ``gpt-5``, ``o3-pro`` as ``o3``, dated ids as their
  model); one that starts with none takes GPT-4o's tiles.
"""

from __future__ import annotations

import math
from dataclasses import dataclass


@dataclass(frozen=True)
class Tiles:
    base: int
    tile: int


@dataclass(frozen=True)
class Patches:
    budget: int = 1536  # patches at high
    side: int = 2048  # pixels, the longest side at high
    multiplier: float = 1.0
    original: tuple[int, int] | None = None  # (budget, side) at detail original
    unbounded_original: bool = False  # original keeps the image's own size
    auto_is_original: bool = False


_SMALL_BUDGET = Patches()
RULES: dict[str, Tiles | Patches] = {
    "gpt-4o": Tiles(85, 170),
    "gpt-4.1": Tiles(85, 170),
    "gpt-4.5": Tiles(85, 170),
    "gpt-4o-mini": Tiles(2833, 5667),
    "gpt-5": Tiles(70, 140),
    "o1": Tiles(75, 150),
    "o3": Tiles(75, 150),
    "computer-use-preview": Tiles(65, 129),
    "gpt-4.1-mini": Patches(multiplier=1.62),
    "gpt-4.1-nano": Patches(multiplier=2.46),
    "gpt-5-mini": Patches(multiplier=1.62),
    "gpt-5-nano": Patches(multiplier=2.46),
    "gpt-5.4-mini": Patches(multiplier=1.62),
    "gpt-5.4-nano": Patches(multiplier=2.46),
    "o4-mini": Patches(multiplier=1.72),
    "gpt-5.2": _SMALL_BUDGET,
    "gpt-5.3-codex": _SMALL_BUDGET,
    "gpt-5-codex-mini": _SMALL_BUDGET,
    "gpt-5.1-codex-mini": _SMALL_BUDGET,
    "gpt-5.4": Patches(budget=2500, original=(10_000, 6000)),
    "gpt-5.5": Patches(budget=2500, original=(10_000, 6000), auto_is_original=True),
    "gpt-5.6": Patches(budget=2500, unbounded_original=True, auto_is_original=True),
}
DEFAULT_RULE = RULES["gpt-4o"]


def rule_for(model: str) -> Tiles | Patches:
    """The documented rule of the longest id ``model`` starts with (GPT-4o's where none)."""
    matches = [prefix for prefix in RULES if model.startswith(prefix)]
    return RULES[max(matches, key=len)] if matches else DEFAULT_RULE


def openai_tokens(width: int, height: int, detail: str | None, model: str) -> int:
    rule = rule_for(model)
    if isinstance(rule, Patches):
        return math.ceil(_patch_count(width, height, detail, rule) * rule.multiplier)
    if detail == "low":
        return rule.base
    scale = min(1.0, 2048 / max(width, height))
    w, h = width * scale, height * scale
    scale = min(1.0, 768 / min(w, h))
    w, h = w * scale, h * scale
    return rule.base + rule.tile * math.ceil(w / 512) * math.ceil(h / 512)


def _patch_count(width: int, height: int, detail: str | None, rule: Patches) -> int:
    if detail in (None, "auto"):
        detail = "original" if rule.auto_is_original else "high"
    if detail == "low":
        return patches(width, height, budget=256, side=512)  # 16 x 16 patches of 32 px
    if detail == "original" and rule.unbounded_original:
        return math.ceil(width / 32) * math.ceil(height / 32)
    if detail == "original" and rule.original is not None:
        return patches(width, height, *rule.original)
    return patches(width, height, rule.budget, rule.side)


def patches(width: int, height: int, budget: int = 1536, side: int = 2048) -> int:
    """32 px patches covering the image after it is scaled down (aspect kept) to at most
    ``side`` px on its longest side and then to at most ``budget`` patches, by the page's
    formula: ``shrink = sqrt(32² x budget / (w x h))``, adjusted by
    ``min(floor(w x shrink / 32) / (w x shrink / 32), the same for h)`` so that whole patches
    fit, the sizes made whole pixels (rounded: the page's example, 1800 x 2400 at 1,536, gives
    1056 x 1408) and the count capped at the budget."""
    if max(width, height) > side:
        scale = side / max(width, height)
        width, height = max(1, round(width * scale)), max(1, round(height * scale))
    count = math.ceil(width / 32) * math.ceil(height / 32)
    if count <= budget:
        return count
    shrink = math.sqrt(32 * 32 * budget / (width * height))
    across, down = width * shrink / 32, height * shrink / 32
    shrink *= min(math.floor(across) / across, math.floor(down) / down)
    resized = math.ceil(max(1, round(width * shrink)) / 32) * math.ceil(
        max(1, round(height * shrink)) / 32
    )
    return min(resized, budget)
