"""A Batch API input file (requests without usage) read together with its output file (the
recorded results): each call counts once, with its recorded usage, whichever file comes first;
two batches that reuse the same ``custom_id`` values still count every call."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from tokenexport_cli.api.choices import CatalogChoice, open_catalog
from tokenexport_cli.logs.detect import read_logs
from tokenexport_cli.logs.local_count import LocalCounter

LOGS = Path(__file__).parent.parent / "fixtures" / "logs"
PINNED = CatalogChoice(version="2026-08-21")
#: the output fixture answers request-1 (2,000 prompt tokens) and request-2 (1,000), gpt-4o


def _request(custom_id: str, text: str) -> str:
    body = {"model": "gpt-4o", "messages": [{"role": "user", "content": text}]}
    line = {"custom_id": custom_id, "method": "POST", "url": "/v1/chat/completions", "body": body}
    return json.dumps(line)


def _input_file(folder: Path, name: str, *requests: tuple[str, str]) -> Path:
    path = folder / name
    path.write_text("\n".join(_request(cid, text) for cid, text in requests) + "\n")
    return path


def _read(*paths: Path) -> tuple[int, list[int], int, int]:
    read = read_logs(list(paths), counter=LocalCounter(open_catalog(PINNED)))
    table = read.table
    prompts = sorted(table.prompt)
    return len(table), prompts, read.counted_locally, table.batch_paired


@pytest.mark.parametrize("output_first", [True, False])
def test_input_and_output_of_one_batch_count_each_call_once_as_recorded(
    tmp_path: Path, output_first: bool
) -> None:
    batch_input = _input_file(
        tmp_path,
        "batch_input.jsonl",
        ("request-1", "Summarise the quarterly report."),
        ("request-2", "Translate the memo."),
        ("request-3", "A request whose result is not in the output file."),
    )
    output = tmp_path / "batch_output.jsonl"
    shutil.copy(LOGS / "openai_batch_output.jsonl", output)
    order = (output, batch_input) if output_first else (batch_input, output)
    calls, prompts, local, paired = _read(*order)
    # request-1 and -2 as recorded (2,000 and 1,000), request-3 counted from its text
    assert calls == 3 and paired == 2 and local == 1
    assert 2000 in prompts and 1000 in prompts
    only_output = _read(output)
    only_input = _read(batch_input)
    assert only_output[0] == 2 and only_input[0] == 3
    # the counted request is the one the input file alone counts for request-3
    assert set(prompts) - {2000, 1000} <= set(only_input[1])
    # a file repeating request-1's line (another file: not skipped as a copy) adds only its
    # new request-4
    repeat = _input_file(
        tmp_path,
        "repeat.jsonl",
        ("request-1", "Summarise the quarterly report."),
        ("request-4", "A new one."),
    )
    again = _read(*order, repeat)
    assert again[0] == calls + 1 and again[3] == 2
    assert again[1].count(2000) == 1


def test_two_batches_reusing_custom_ids_count_every_call(tmp_path: Path) -> None:
    first = _input_file(tmp_path, "a.jsonl", ("request-1", "First batch, first request."))
    second = _input_file(tmp_path, "b.jsonl", ("request-1", "Second batch, first request."))
    output = tmp_path / "out.jsonl"
    shutil.copy(LOGS / "openai_batch_output.jsonl", output)
    calls, prompts, local, paired = _read(first, second, output)
    # request-1 of one batch pairs with the recorded result, the other stays counted from its
    # text; request-2 of the output has no request: 3 calls, one pair
    assert (calls, paired, local) == (3, 1, 1)
    assert 2000 in prompts and 1000 in prompts
