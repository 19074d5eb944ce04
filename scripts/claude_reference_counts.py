"""Write the Claude reference-count fixture with ctok 1.3.0, once, for tokx's reconstruction test.

Usage (ctok declares Python >= 3.12 but runs on 3.11; only its wheel is needed, not an install):

    pip download --no-deps --only-binary=:all: --python-version 3.12 -d /tmp/ctok-wheel ctok==1.3.0
    python -m zipfile -e /tmp/ctok-wheel/ctok-1.3.0-py3-none-any.whl /tmp/ctok
    python scripts/claude_reference_counts.py --ctok /tmp/ctok

ctok needs the ``regex`` package (a tokx dependency). The texts are drawn deterministically
from the same sources as ``benchmarks/bench_tokens.py`` (Python's docs and CJK test files,
/work/shared, stdlib code) plus tokx's fixed test sample and a few emoji and whitespace cases,
and are stored in the fixture with ctok's content count (``token_count`` minus the family's
message frame) for the v3 and v4.7 vocabularies, so the test needs neither ctok nor the sources.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FIXTURE = ROOT / "tests" / "tokens" / "fixtures" / "claude_reference.json"
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))
sys.path.insert(0, str(ROOT / "tests" / "tokens"))

VERSIONS = {"claude": "3.0", "claude-v4.7": "4.7"}
EXTRA = [
    "Emoji 😀👍🏽👨‍👩‍👧‍👦 🇫🇷🇯🇵 ✅ ❤️ and text 🚀🚀🚀 done.",
    "🦙 llama, 🐍 python, 🦀 rust: 三种动物 🐼",
    "NASA and the WHO met the CEO of OpenAI; HTTP/2 over TLS 1.3 is FAST.",
    "It's we'll they've I'd you're 'quoted' \u2018curly\u2019 \u201cdouble\u201d.",
    "    indented\n\n\n\ttabs\t\tand   spaces   \n" + " " * 40 + "end\n\n\n",
    "数字 1234567890，英文 mixed English 和中文。还有 emoji 🎉！",
    "Ελληνικά και русский текст, עברית, العربية, हिन्दी.",
]


def sample_texts(rng: random.Random) -> list[tuple[str, str]]:
    from bench_tokens import _sources  # the benchmark's own corpus sources
    from token_samples import SAMPLE

    sources = _sources()
    texts: list[tuple[str, str]] = [("sample", text) for text in SAMPLE if text.strip()]
    texts += [("mixed", text) for text in EXTRA]
    for kind in ("english", "chinese", "code"):
        lines = sources[kind]
        for _ in range(25):
            start = rng.randrange(max(1, len(lines) - 12))
            texts.append((kind, "\n".join(lines[start : start + rng.randint(3, 12)])))
    return texts


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ctok", type=Path, required=True, help="folder holding the ctok package")
    args = parser.parse_args(argv)
    sys.path.insert(0, str(args.ctok))
    import ctok
    from ctok.main import _model

    texts = sample_texts(random.Random(20261127))
    rows = []
    for kind, text in texts:
        counts = {}
        for family, version in VERSIONS.items():
            frame = _model(ctok.main._family(version)).message_overhead
            counts[family] = ctok.token_count(text, version) - frame
        rows.append({"class": kind, "text": text, "content_tokens": counts})
    payload = {
        "generator": "scripts/claude_reference_counts.py",
        "reference": "ctok==1.3.0 token_count(text, version) minus the message frame",
        "frames": {f: _model(ctok.main._family(v)).message_overhead for f, v in VERSIONS.items()},
        "rows": rows,
    }
    FIXTURE.write_text(json.dumps(payload, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"{FIXTURE}: {len(rows)} texts")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
