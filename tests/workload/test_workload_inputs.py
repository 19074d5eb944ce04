"""Input readers: text files, directories and globs, chat JSONL and usage CSV, with their
warnings and errors."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from tokenexport_cli.errors import DataError
from tokenexport_cli.workload import RecordedUsage, Request, Workload, load_workload
from tokenexport_cli.workload.files import INLINE_TEXT_BYTES


def workload_with(tmp_path: Path, inputs: str, output: str = "fixed: 10") -> Workload:
    path = tmp_path / "w.yaml"
    path.write_text(f"name: t\nrequests_per_day: 10\ninputs:\n{inputs}output_tokens:\n  {output}\n")
    return load_workload(path)


def read_all(workload: Workload) -> tuple[list[Request], list[str]]:
    stream = workload.requests()
    requests = list(stream)
    return requests, [warning.message for warning in stream.warnings]


# --- text files -------------------------------------------------------------------------


def test_directory_is_one_request_per_file_sorted_without_hidden(tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    (docs / "sub").mkdir(parents=True)
    (docs / "b.txt").write_text("bee")
    (docs / "a.md").write_text("ay")
    (docs / "sub" / "c.txt").write_text("sea")
    (docs / ".hidden").write_text("secret")
    requests, warnings = read_all(workload_with(tmp_path, "  - path: docs\n"))
    assert [Path(r.source).relative_to(docs).as_posix() for r in requests] == [
        "a.md",
        "b.txt",
        "sub/c.txt",
    ]
    assert [r.parts for r in requests] == [("ay",), ("bee",), ("sea",)]
    assert all(r.message_count == 0 and r.path is not None for r in requests)
    assert warnings == []


def test_glob_recurses_and_is_relative_to_the_workload(tmp_path: Path) -> None:
    (tmp_path / "p" / "q").mkdir(parents=True)
    (tmp_path / "p" / "one.md").write_text("1")
    (tmp_path / "p" / "q" / "two.md").write_text("2")
    (tmp_path / "p" / "q" / "skip.txt").write_text("no")
    requests, _ = read_all(workload_with(tmp_path, "  - glob: 'p/**/*.md'\n"))
    assert [r.parts for r in requests] == [("1",), ("2",)]


def test_binary_file_is_skipped_with_a_warning(tmp_path: Path) -> None:
    (tmp_path / "d").mkdir()
    (tmp_path / "d" / "image.png").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    (tmp_path / "d" / "text.txt").write_text("hello")
    requests, warnings = read_all(workload_with(tmp_path, "  - path: d\n"))
    assert [r.parts for r in requests] == [("hello",)]
    assert warnings == [f"{tmp_path / 'd' / 'image.png'}: binary file skipped"]


def test_invalid_utf8_is_replaced_and_counted(tmp_path: Path) -> None:
    # two invalid sequences, and one real U+FFFD that must not be counted as replaced
    (tmp_path / "bad.txt").write_bytes(b"caf\xe9 \xff ok \xef\xbf\xbd")
    requests, warnings = read_all(workload_with(tmp_path, "  - path: bad.txt\n"))
    assert requests[0].parts == ("caf\ufffd \ufffd ok \ufffd",)
    assert warnings == [f"{tmp_path / 'bad.txt'}: 2 invalid UTF-8 sequence(s) replaced"]


def test_empty_file_is_skipped_and_no_requests_at_all_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "empty.txt").write_bytes(b"")
    workload = workload_with(tmp_path, "  - path: empty.txt\n")
    stream = workload.requests()
    with pytest.raises(DataError) as caught:
        list(stream)
    assert str(caught.value) == (
        f"{tmp_path / 'w.yaml'}: the inputs hold no requests (1 skipped): empty.txt"
    )
    assert [w.kind for w in stream.warnings] == ["empty"]


def test_large_text_file_is_left_to_the_tokens_stage_to_stream(tmp_path: Path) -> None:
    big = tmp_path / "big.txt"
    with big.open("wb") as handle:
        handle.truncate(INLINE_TEXT_BYTES + 1)  # sparse: no NUL check beyond the first 8 KiB
        handle.seek(0)
        handle.write(b"x" * 8192)
    requests, _ = read_all(workload_with(tmp_path, "  - path: big.txt\n"))
    assert requests == [Request(source=str(big), path=big, streamed=True)]


# --- chat JSONL -------------------------------------------------------------------------


def write_jsonl(path: Path, lines: list[object]) -> None:
    path.write_text(
        "".join((line if isinstance(line, str) else json.dumps(line)) + "\n" for line in lines),
        encoding="utf-8",
    )


def test_chat_messages_are_text_parts_not_json(tmp_path: Path) -> None:
    write_jsonl(
        tmp_path / "chat.jsonl",
        [
            {
                "model": "gpt-4o-mini",
                "created": 1767225600,
                "messages": [
                    {"role": "system", "content": "Be brief."},
                    {
                        "role": "user",
                        "name": "ana",
                        "content": [
                            {"type": "text", "text": "What is in"},
                            {"type": "image_url", "image_url": {"url": "data:..."}},
                            {"type": "text", "text": "this picture?"},
                        ],
                    },
                    {
                        "role": "assistant",
                        "content": None,
                        "tool_calls": [
                            {
                                "id": "call_1",
                                "type": "function",
                                "function": {"name": "lookup", "arguments": '{"q": "cat"}'},
                            }
                        ],
                    },
                    {"role": "tool", "tool_call_id": "call_1", "content": "a cat"},
                ],
                "usage": {
                    "prompt_tokens": 120,
                    "completion_tokens": 9,
                    "prompt_tokens_details": {"cached_tokens": 64},
                },
                "temperature": 0.2,
            },
            "",
            {"messages": [{"role": "user", "content": "你好"}], "timestamp": "2026-03-01T09:30:00"},
        ],
    )
    requests, warnings = read_all(workload_with(tmp_path, "  - chat_jsonl: chat.jsonl\n"))
    first, second = requests
    assert first.parts == (
        "Be brief.",
        "ana",
        "What is in",
        "this picture?",
        "lookup",
        '{"q": "cat"}',
        "a cat",
    )
    assert first.message_count == 4
    assert first.usage == RecordedUsage(prompt_tokens=120, completion_tokens=9, cached_tokens=64)
    assert first.model == "gpt-4o-mini"
    assert first.timestamp == dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    assert first.source == f"{tmp_path / 'chat.jsonl'}:1"
    assert second.source == f"{tmp_path / 'chat.jsonl'}:3"
    assert second.parts == ("你好",) and second.usage is None and second.model is None
    assert second.timestamp == dt.datetime(2026, 3, 1, 9, 30, tzinfo=dt.UTC)
    assert warnings == [
        f"{tmp_path / 'chat.jsonl'}: 1 message part(s) without text (images, audio, documents) "
        "not counted"
    ]


def test_tool_definitions_and_object_arguments_count_as_compact_json(tmp_path: Path) -> None:
    tools = [{"type": "function", "function": {"name": "f", "parameters": {"type": "object"}}}]
    call = {"function": {"name": "f", "arguments": {"b": 1, "a": [2]}}}
    line = {"messages": [{"role": "assistant", "tool_calls": [call]}], "tools": tools}
    write_jsonl(tmp_path / "c.jsonl", [line])
    requests, _ = read_all(workload_with(tmp_path, "  - chat_jsonl: c.jsonl\n"))
    assert requests[0].parts == (
        "f",
        '{"a":[2],"b":1}',
        '[{"function":{"name":"f","parameters":{"type":"object"}},"type":"function"}]',
    )


def test_anthropic_style_usage_names_are_accepted(tmp_path: Path) -> None:
    line = {
        "messages": [{"role": "user", "content": "hi"}],
        "usage": {"input_tokens": 7, "output_tokens": 3, "cache_read_input_tokens": 2},
    }
    write_jsonl(tmp_path / "c.jsonl", [line])
    requests, _ = read_all(workload_with(tmp_path, "  - chat_jsonl: c.jsonl\n"))
    # Anthropic's input_tokens leaves out the 2 cache-read tokens: the prompt was 7 + 2
    assert requests[0].usage == RecordedUsage(9, 3, 2)


# Stands for a problem that msgspec words (JSON syntax, a type or bound): tokx promises the file,
# line and key path, not a dependency's phrasing.
DECODER_WORDS = "<msgspec's words>"


@pytest.mark.parametrize(
    ("line", "problem"),
    [
        ('{"messages": [', "invalid JSON: " + DECODER_WORDS),
        ('{"model": "x"}', "messages: missing required key 'messages'"),
        ('{"messages": "hi"}', "messages: " + DECODER_WORDS),
        ('{"messages": [{"content": 5}]}', "messages[0].content: " + DECODER_WORDS),
        (
            '{"messages": [], "usage": {"prompt_tokens": -1}}',
            "usage.prompt_tokens: " + DECODER_WORDS,
        ),
        (
            '{"messages": [], "timestamp": "yesterday"}',
            "timestamp: 'yesterday' is not an ISO 8601 time or Unix seconds",
        ),
        ("[1, 2]", DECODER_WORDS),
    ],
)
def test_malformed_jsonl_line_names_file_and_line(tmp_path: Path, line: str, problem: str) -> None:
    write_jsonl(tmp_path / "c.jsonl", [{"messages": []}, line])
    workload = workload_with(tmp_path, "  - chat_jsonl: c.jsonl\n")
    with pytest.raises(DataError) as caught:
        list(workload.requests())
    expected = f"{tmp_path / 'c.jsonl'}:2: {problem}"
    if expected.endswith(DECODER_WORDS):
        where = expected.removesuffix(DECODER_WORDS)
        assert str(caught.value).startswith(where) and len(str(caught.value)) > len(where)
        assert "\n" not in str(caught.value)
    else:
        assert str(caught.value) == expected


def test_invalid_utf8_in_a_jsonl_line_is_replaced_with_a_warning(tmp_path: Path) -> None:
    (tmp_path / "c.jsonl").write_bytes(b'{"messages": [{"role": "user", "content": "a\xffb"}]}\n')
    requests, warnings = read_all(workload_with(tmp_path, "  - chat_jsonl: c.jsonl\n"))
    assert requests[0].parts == ("a\ufffdb",)
    assert warnings == [f"{tmp_path / 'c.jsonl'}:1: 1 invalid UTF-8 sequence(s) replaced"]


def test_chat_jsonl_streams_in_bounded_memory(tmp_path: Path) -> None:
    import tracemalloc

    path = tmp_path / "big.jsonl"
    line = (
        json.dumps(
            {
                "messages": [
                    {"role": "system", "content": "You are helpful. " * 20},
                    {"role": "user", "content": "Please summarise the following text. " * 100},
                ],
                "usage": {"prompt_tokens": 900, "completion_tokens": 50},
            }
        ).encode()
        + b"\n"
    )
    repeats = 50 * 1024 * 1024 // len(line) + 1
    with path.open("wb") as handle:
        block = line * 256
        for _ in range(repeats // 256 + 1):
            handle.write(block)
    assert path.stat().st_size > 50 * 1024 * 1024
    workload = workload_with(tmp_path, "  - chat_jsonl: big.jsonl\n")
    tracemalloc.start()
    try:
        count = 0
        completion = 0
        for request in workload.requests():
            count += 1
            completion += request.recorded_output or 0
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert count >= repeats
    assert completion == 50 * count
    assert peak < 2 * 1024 * 1024, f"peak {peak:,} bytes while reading a 50 MB file"


# --- usage CSV --------------------------------------------------------------------------


def test_usage_csv_with_common_header_names(tmp_path: Path) -> None:
    (tmp_path / "u.csv").write_text(
        "\ufeffCreated At,Model Name,Input Tokens,Output Tokens,prompt_tokens_details.cached_tokens\n"
        '2026-03-02T13:00:00Z,gpt-4o,"1,200",300,1024\n'
        "\n"
        "1772456400,deepseek-chat,50,,\n",
        encoding="utf-8",
    )
    requests, _ = read_all(workload_with(tmp_path, "  - usage_csv: u.csv\n"))
    assert requests == [
        Request(
            source=f"{tmp_path / 'u.csv'}:2",
            usage=RecordedUsage(1200, 300, 1024),
            model="gpt-4o",
            timestamp=dt.datetime(2026, 3, 2, 13, 0, tzinfo=dt.UTC),
        ),
        Request(
            source=f"{tmp_path / 'u.csv'}:4",
            usage=RecordedUsage(50, None, None),
            model="deepseek-chat",
            timestamp=dt.datetime(2026, 3, 2, 13, 0, tzinfo=dt.UTC),
        ),
    ]
    assert not requests[0].has_text


def test_usage_csv_without_input_tokens_lists_the_columns_it_has(tmp_path: Path) -> None:
    (tmp_path / "u.csv").write_text("model,tokens\ngpt-4o,5\n")
    workload = workload_with(tmp_path, "  - usage_csv: u.csv\n")
    with pytest.raises(DataError) as caught:
        list(workload.requests())
    assert str(caught.value) == (
        f"{tmp_path / 'u.csv'}: missing column prompt_tokens (or input_tokens, tokens_in, "
        "n_context_tokens_total); the file has columns 'model', 'tokens'"
    )


@pytest.mark.parametrize(
    ("row", "problem"),
    [
        ("x,1.5,2", "prompt_tokens: expected a whole number, got '1.5'"),
        ("x,,2", "prompt_tokens: expected a whole number, got an empty cell"),
        ("x,10,-2", "completion_tokens: expected a whole number, got '-2'"),
    ],
)
def test_usage_csv_bad_cells_name_file_line_and_column(
    tmp_path: Path, row: str, problem: str
) -> None:
    (tmp_path / "u.csv").write_text(f"model,prompt_tokens,completion_tokens\nx,1,1\n{row}\n")
    workload = workload_with(tmp_path, "  - usage_csv: u.csv\n")
    with pytest.raises(DataError) as caught:
        list(workload.requests())
    assert str(caught.value) == f"{tmp_path / 'u.csv'}:3: {problem}"


def test_header_only_csv_means_no_requests(tmp_path: Path) -> None:
    (tmp_path / "u.csv").write_text("model,prompt_tokens\n")
    with pytest.raises(DataError, match=r"the inputs hold no requests: u\.csv"):
        list(workload_with(tmp_path, "  - usage_csv: u.csv\n").requests())


# --- output tokens ----------------------------------------------------------------------


def test_outputs_from_logs_fill_gaps_with_the_recorded_mean(tmp_path: Path) -> None:
    (tmp_path / "u.csv").write_text("prompt_tokens,completion_tokens\n10,100\n20,\n30,201\n")
    workload = workload_with(tmp_path, "  - usage_csv: u.csv\n", "from_logs: true")
    outputs = [workload.output_tokens(r, 5) for r in workload.requests()]
    assert outputs == [100, None, 201]
    assert workload.complete_outputs(outputs) == [100, 150, 201]  # 150.5 rounds half-even


def test_outputs_from_logs_without_any_record_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "u.csv").write_text("prompt_tokens\n10\n")
    workload = workload_with(tmp_path, "  - usage_csv: u.csv\n", "from_logs: true")
    outputs = [workload.output_tokens(r, 5) for r in workload.requests()]
    with pytest.raises(DataError) as caught:
        workload.complete_outputs(outputs)
    assert str(caught.value) == (
        f"{tmp_path / 'w.yaml'}:6: output_tokens.from_logs: no request in the inputs records "
        "output tokens (usage.completion_tokens or an output tokens column)"
    )


def test_output_ratio_rounds_half_even(tmp_path: Path) -> None:
    (tmp_path / "p.txt").write_text("x")
    workload = workload_with(tmp_path, "  - path: p.txt\n", "ratio: 0.25")
    request = next(iter(workload.requests()))
    assert [workload.output_tokens(request, n) for n in (10, 14, 100)] == [2, 4, 25]


def test_anthropic_lines_count_system_tool_blocks_and_thinking(tmp_path: Path) -> None:
    """Anthropic Messages requests (https://docs.anthropic.com/en/api/messages): the top-level
    system prompt and tool_use, tool_result and thinking blocks are text tokx counts; usage
    input_tokens leaves out the cache, so the recorded prompt adds cache reads and writes."""
    line = {
        "model": "claude-haiku-4-5",
        "system": [{"type": "text", "text": "You review code."}],
        "messages": [
            {"role": "user", "content": "Check a.py"},
            {
                "role": "assistant",
                "content": [
                    {"type": "thinking", "thinking": "Read it first.", "signature": "x"},
                    {"type": "tool_use", "id": "t1", "name": "read", "input": {"path": "a.py"}},
                ],
            },
            {
                "role": "user",
                "content": [
                    {"type": "tool_result", "tool_use_id": "t1", "content": "print(1)"},
                    {"type": "image", "source": {"type": "base64", "data": "iVBO"}},
                ],
            },
        ],
        "usage": {
            "input_tokens": 40,
            "cache_read_input_tokens": 1000,
            "cache_creation_input_tokens": 200,
            "output_tokens": 30,
        },
    }
    write_jsonl(tmp_path / "c.jsonl", [line])
    (request,), warnings = read_all(workload_with(tmp_path, "  - chat_jsonl: c.jsonl\n"))
    assert request.parts == (
        "You review code.",
        "Check a.py",
        "Read it first.",
        "read",
        '{"path":"a.py"}',
        "print(1)",
    )
    assert request.usage == RecordedUsage(
        prompt_tokens=1240, completion_tokens=30, cached_tokens=1000
    )
    assert len(warnings) == 1 and " 1 message part(s) without text" in warnings[0]  # the image
