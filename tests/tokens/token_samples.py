"""Shared by the tokens tests: a varied text sample (English, CJK, code, emoji, whitespace,
newlines) and the exact families counted through tiktoken."""

from __future__ import annotations

from tokenexport_cli.tokens.registry import exact_family_names, get_exact_family

TIKTOKEN_FAMILIES = tuple(
    name for name in exact_family_names() if get_exact_family(name).engine == "tiktoken"
)

SAMPLE = [
    "Hello, world! The quick brown fox jumps over the lazy dog. It's we'll they've I'd.",
    "中文文本测试：今天天气很好，我们去公园散步吧。机器学习和自然语言处理。",
    "日本語のテキストとカタカナ、한국어 문장도 섞어서 테스트합니다.",
    "def count(path: str) -> int:\n    with open(path) as f:\n        return sum(1 for _ in f)  # 42\n",
    "for (int i = 0; i < n; ++i) {\n\tx[i] = y[i] * 3.14159;\n}\n// comment /* block */\n",
    "Emoji 😀👍🏽👨‍👩‍👧‍👦 and flags 🇫🇷🇯🇵, math ∑∫√ and arrows →⇒.",
    "mixed\r\nnewlines\rand\n\n\nblank lines\r\n\r\n  indented\n\t\ttabs\n",
    "trailing spaces    \n    leading\n" + " " * 300 + "x\n" + "\t" * 50,
    "numbers 1234567890 12 345 6789 3.14e-10 0x1F",
    "Café naïve coöperate résumé e\u0301 A\u030a \ufb01 Å",
    "URLs https://example.com/a/b?c=d&e=f and paths /usr/lib/python3\n/next/line",
    '{"role": "user", "content": "Summarise this", "n": 3}\n',
    "special <|endoftext|> <|im_start|> <｜begin▁of▁sentence｜> [INST] text",
    "",
    " ",
    "\n",
]
