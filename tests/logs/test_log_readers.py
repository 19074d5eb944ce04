"""Every log format read field by field into the usage model (counts that never overlap),
format detection per file, request-id deduplication and bad lines.

The fixtures in tests/fixtures/logs follow each provider's published format; the doc a field
comes from is cited where the reader reads it (tokenexport_cli/logs/*.py)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tokenexport_cli.errors import DataError, UsageError
from tokenexport_cli.logs.detect import read_logs
from tokenexport_cli.logs.record import COUNT_FIELDS

LOGS = Path(__file__).parent.parent / "fixtures" / "logs"


def totals(path: Path | str, log_format: str | None = None) -> dict[str, dict[str, int]]:
    read = read_logs([path], log_format)
    return {
        t.model: dict(zip(COUNT_FIELDS, t.counts, strict=True)) | {"requests": t.requests}
        for t in read.table.totals()
    }


def nonzero(counts: dict[str, int]) -> dict[str, int]:
    return {key: value for key, value in counts.items() if value}


def test_claude_code_folder_counts_each_call_once() -> None:
    read = read_logs([LOGS / "claude-projects"])
    assert set(read.files.values()) == {"claude-code"}
    got = totals(LOGS / "claude-projects")
    # msg_011 (two lines; the last, with the full output, counts): 12 in, 18,000 written, 1,200 out
    # msg_012 (in the session and again in the subagent file): 8 in, 2,400 written, 18,000 read, 650 out
    # msg_013 (subagent only): 30 in, 20,400 read, 420 out
    # msg_014: 5 in, 15,000 written, 190,000 read, 2,000 out; the <synthetic> line is no call
    assert nonzero(got["claude-sonnet-4-5-20250929"]) == {
        "requests": 4,
        "input": 55,
        "cache_write_5m": 35400,
        "cache_read": 228400,
        "output": 4270,
    }


def test_openai_chat_splits_cached_and_reasoning_out_of_the_totals() -> None:
    # prompt_tokens 1,200 incl. cached_tokens 1,024 -> 176 uncached; plus a {request, response}
    # pair with 5,000 in / 800 out
    assert nonzero(totals(LOGS / "openai_chat.jsonl")["gpt-4o-2024-08-06"]) == {
        "requests": 2,
        "input": 176 + 5000,
        "cache_read": 1024,
        "output": 300 + 800,
    }


def test_openai_responses_and_codex_split_reasoning_from_output() -> None:
    # input_tokens 3,000 incl. cached 2,048; output_tokens 1,500 incl. reasoning 1,024
    assert nonzero(totals(LOGS / "openai_responses.jsonl")["gpt-5-mini-2025-08-07"]) == {
        "requests": 1,
        "input": 952,
        "cache_read": 2048,
        "output": 476,
        "reasoning": 1024,
    }
    # two calls (the repeated identical event is one): 8,000 in incl. 6,000 cached, 900 out
    # incl. 600 reasoning, each
    assert nonzero(totals(LOGS / "codex_session.jsonl")["gpt-5"]) == {
        "requests": 2,
        "input": 4000,
        "cache_read": 12000,
        "output": 600,
        "reasoning": 1200,
    }


def test_anthropic_input_tokens_exclude_the_cache() -> None:
    read = read_logs([LOGS / "anthropic_messages.jsonl"])
    assert list(read.files.values()) == ["anthropic"]
    assert nonzero(totals(LOGS / "anthropic_messages.jsonl")["claude-haiku-4-5-20251001"]) == {
        "requests": 2,
        "input": 50 + 20,
        "cache_write_5m": 4000,
        "cache_read": 4000,
        "output": 400 + 250,
    }


def test_batch_results_are_batch_and_failed_requests_are_not_billed() -> None:
    read = read_logs([LOGS / "anthropic_batch_results.jsonl"])
    assert len(read.table) == 1 and list(read.table.batch) == [1]
    assert read.warnings == ()  # the errored request is passed over, not a bad line
    assert list(read_logs([LOGS / "openai_batch_output.jsonl"]).table.batch) == [1, 1]


def test_gemini_counts_images_thoughts_and_tool_prompts() -> None:
    # call 1: prompt 10,000 incl. 8,000 cached (text) -> 2,000 uncached, 258 of them an image;
    # 500 candidates + 700 thoughts. call 2: 1,000 prompt + 300 tool-use prompt, 200 out.
    assert nonzero(totals(LOGS / "gemini.jsonl")["gemini-2.5-flash"]) == {
        "requests": 2,
        "input": 1742 + 1300,
        "image_input": 258,
        "cache_read": 8000,
        "output": 700,
        "reasoning": 700,
    }


def test_otel_spans_split_cache_from_input_and_skip_tool_spans() -> None:
    got = totals(LOGS / "otel_spans.json")
    # input_tokens 12,000 incl. cache_read 10,000 and cache_creation 1,500
    assert nonzero(got["claude-sonnet-4-5-20250929"]) == {
        "requests": 1,
        "input": 500,
        "cache_read": 10000,
        "cache_write_5m": 1500,
        "output": 600,
    }
    # the older gen_ai.usage.prompt_tokens / completion_tokens, model from the request
    assert nonzero(got["claude-sonnet-4-5"]) == {"requests": 1, "input": 2000, "output": 100}


def test_exports_by_header_with_recorded_cost() -> None:
    read = read_logs([LOGS / "openrouter_activity.csv"])
    assert list(read.files.values()) == ["openrouter-csv"]
    by_model = {t.model: t for t in read.table.totals()}
    first = by_model["openai/gpt-5-mini-2025-08-07"]
    assert str(first.recorded_cost) == "0.00329"
    assert dict(zip(COUNT_FIELDS, first.counts, strict=True))["reasoning"] == 1024
    litellm = read_logs([LOGS / "litellm_spendlogs.csv"])
    assert list(litellm.files.values()) == ["litellm-csv"]
    (gpt,) = litellm.table.totals()
    # row 1: 1,500 prompt incl. 1,000 cached (metadata usage_object); row 2: 3,000, none cached
    assert gpt.counts[:2] == [500 + 3000, 1000]
    assert str(gpt.recorded_cost) == "0.01725"


def test_unknown_csv_headers_list_what_is_read(tmp_path: Path) -> None:
    log = tmp_path / "usage.csv"
    log.write_text("when,tokens\n2026-01-01,5\n")
    with pytest.raises(DataError) as error:
        read_logs([log])
    assert str(error.value).startswith(f"{log}:1: unknown columns (when, tokens)")
    assert "cost_total" in str(error.value) and "startTime" in str(error.value)


def test_a_bad_line_among_good_ones_is_a_counted_skip(tmp_path: Path) -> None:
    log = tmp_path / "calls.jsonl"
    good = (LOGS / "openai_chat.jsonl").read_text().splitlines()
    log.write_text("\n".join([good[0], "{not json", good[1], '{"model": "x"}']) + "\n")
    read = read_logs([log])
    assert len(read.table) == 2 and read.skipped == 2
    (warning,) = read.warnings
    assert warning.kind == "skipped_lines" and warning.count == 2
    assert warning.message.startswith(f"{log}: skipped 2 of 4 lines")
    assert "line 2:" in warning.message


def test_a_file_of_bad_lines_is_an_error_naming_file_and_line(tmp_path: Path) -> None:
    log = tmp_path / "calls.jsonl"
    log.write_text('{"id": "c1", "model": "gpt-4o", "usage": {"prompt_tokens": -3}}\n')
    with pytest.raises(DataError) as error:
        read_logs([log])
    assert str(error.value).startswith(f"{log}:1: usage.prompt_tokens: negative token count")


def test_forcing_a_format_and_rejecting_an_unknown_one(tmp_path: Path) -> None:
    copy = tmp_path / "export.txt"
    shutil.copy(LOGS / "openrouter_activity.csv", copy)
    assert list(read_logs([copy], "openrouter-csv").files.values()) == ["openrouter-csv"]
    with pytest.raises(UsageError):
        read_logs([copy], "splunk")


def test_the_same_file_twice_and_ids_across_files_count_once(tmp_path: Path) -> None:
    """Replaying a log twice doubles nothing: a file named twice is read once, and a call
    repeated in another file (a copy, a subagent file) is counted once by its id."""
    once = totals(LOGS / "openai_chat.jsonl")
    copy = tmp_path / "copy.jsonl"
    shutil.copy(LOGS / "openai_chat.jsonl", copy)
    read = read_logs([LOGS / "openai_chat.jsonl", LOGS / "openai_chat.jsonl", copy])
    twice = {
        t.model: dict(zip(COUNT_FIELDS, t.counts, strict=True)) | {"requests": t.requests}
        for t in read.table.totals()
    }
    assert twice == once
