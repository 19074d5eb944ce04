"""The counting engine on files: warnings as data, streaming, parallel, exact and approximate results."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from token_samples import SAMPLE

from tokenexport_cli.errors import UsageError
from tokenexport_cli.tokens import counting
from tokenexport_cli.tokens.counting import count_bytes, count_paths, count_text
from tokenexport_cli.tokens.registry import encoder
from tokenexport_cli.tokens.results import ApproximateFamily
from tokenexport_cli.tokens.streams import count_stream

FAMILIES = ["o200k_base", "qwen", "deepseek-v3"]


def _write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


def test_file_counts_equal_text_counts_and_stream_in_small_chunks(tmp_path: Path) -> None:
    text = "\n".join(SAMPLE) * 40
    path = _write(tmp_path / "mixed.txt", text.encode())
    report = count_paths([path], FAMILIES, jobs=1, chunk_bytes=257)
    for family in FAMILIES:
        assert report.inputs[0].count_for(family).tokens == encoder(family).count(text)
        assert report.inputs[0].count_for(family).exact


def test_parallel_path_equals_single_process(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    paths = [
        _write(tmp_path / f"f{i}.txt", ("\n".join(SAMPLE[i:]) * 30).encode()) for i in range(4)
    ]
    single = count_paths(paths, ["o200k_base", "qwen"], jobs=1, chunk_bytes=4096)
    monkeypatch.setattr(counting, "PARALLEL_MIN_BYTES", 0)
    parallel = count_paths(paths, ["o200k_base", "qwen"], jobs=2, chunk_bytes=4096)
    assert parallel == single


def test_binary_file_is_skipped_with_a_warning(tmp_path: Path) -> None:
    path = _write(tmp_path / "blob.bin", b"PK\x03\x04\x00\x00" + b"text" * 10)
    result = count_paths([path], ["o200k_base"]).inputs[0]
    assert result.skipped and result.count_for("o200k_base").tokens == 0
    assert [w.kind for w in result.warnings] == ["binary"]
    assert str(path) in result.warnings[0].message


def test_invalid_utf8_is_replaced_and_reported(tmp_path: Path) -> None:
    data = b"caf\xe9 and \xff\xfe\n" * 3
    result = count_paths([_write(tmp_path / "latin1.txt", data)], ["o200k_base"]).inputs[0]
    assert result.count_for("o200k_base").tokens == encoder("o200k_base").count(
        data.decode("utf-8", "replace")
    )
    (warning,) = result.warnings
    assert warning.kind == "invalid_utf8" and warning.count == 9


def test_empty_file_counts_zero_with_a_warning(tmp_path: Path) -> None:
    result = count_paths([_write(tmp_path / "empty.txt", b"")], ["qwen"]).inputs[0]
    assert result.count_for("qwen").tokens == 0
    assert [w.kind for w in result.warnings] == ["empty"]


def test_missing_path_and_no_input_are_usage_errors(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="no such file"):
        count_paths([tmp_path / "nope.txt"], ["qwen"])
    with pytest.raises(UsageError, match="no input"):
        count_paths([], ["qwen"])


def test_unknown_family_suggests_a_close_name() -> None:
    with pytest.raises(UsageError, match="did you mean 'o200k_base'"):
        count_text("hi", ["o200k-base"])
    approx = ApproximateFamily.of("claude", "cl100k", "1.2", "0.1", "catalog")
    with pytest.raises(UsageError, match="cl100k_base"):
        count_text("hi", [approx])


def test_approximate_results_are_labelled_and_banded() -> None:
    approx = ApproximateFamily.of(
        "claude-3", "o200k_base", Decimal("1.25"), Decimal("0.10"), "catalog v1"
    )
    exact, estimate = count_text(
        "The quick brown fox jumps over the lazy dog.", ["o200k_base", approx]
    )
    assert exact.exact and not estimate.exact
    assert estimate.reference == "o200k_base" and estimate.band == Decimal("0.10")
    assert estimate.tokens == round(Decimal(exact.tokens) * Decimal("1.25"))
    assert estimate.low <= estimate.tokens <= estimate.high


def test_count_bytes_handles_stdin_like_input() -> None:
    result = count_bytes("héllo\n".encode() + b"\xff", ["cl100k_base"], source="<stdin>")
    assert result.source == "<stdin>" and result.warnings[0].kind == "invalid_utf8"
    assert count_bytes(b"\x00\x01", ["cl100k_base"]).skipped


def test_count_stream_spools_and_labels_the_input(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """stdin is spooled to a private temp file in blocks, counted like a file, then removed."""
    import io
    import tempfile

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    data = ("\n".join(SAMPLE) + "\n").encode() * 40 + b"\xff tail"
    stream = io.BytesIO(data)
    report = count_stream(stream, ["o200k_base", "qwen"], block_bytes=4096, jobs=1)
    (item,) = report.inputs
    expected = count_bytes(data, ["o200k_base", "qwen"])
    assert item.source == "<stdin>" and item.size_bytes == len(data)
    assert [c.tokens for c in item.counts] == [c.tokens for c in expected.counts]
    assert [w.kind for w in item.warnings] == ["invalid_utf8"]
    assert "<stdin>" in item.warnings[0].message
    assert list(tmp_path.iterdir()) == []


def test_count_stream_without_a_temp_dir_is_a_usage_error(monkeypatch: pytest.MonkeyPatch) -> None:
    import io
    import tempfile

    def no_temp(*args: object, **kwargs: object) -> None:
        raise FileNotFoundError(2, "No usable temporary directory found")

    monkeypatch.setattr(tempfile, "TemporaryDirectory", no_temp)
    with pytest.raises(UsageError, match="<stdin>: no usable temp dir to spool to"):
        count_stream(io.BytesIO(b"text"), ["o200k_base"])


def test_count_stream_in_parallel_equals_one_process(tmp_path: Path) -> None:
    import io

    data = ("\n".join(SAMPLE) + "\n").encode() * 7000
    parallel = count_stream(io.BytesIO(data), ["cl100k_base"], jobs=2)
    inline = count_stream(io.BytesIO(data), ["cl100k_base"], jobs=1)
    assert len(data) > 8 << 20
    assert parallel.totals[0].tokens == inline.totals[0].tokens > 0


def test_totals_sum_inputs(tmp_path: Path) -> None:
    paths = [_write(tmp_path / f"{i}.txt", s.encode()) for i, s in enumerate(SAMPLE[:5])]
    report = count_paths(paths, ["llama3"])
    assert report.totals[0].tokens == sum(i.count_for("llama3").tokens for i in report.inputs)


def test_progress_reports_every_byte(tmp_path: Path) -> None:
    path = _write(tmp_path / "p.txt", ("line of text\n" * 2000).encode())
    seen: list[int] = []
    count_paths([path], ["o200k_base"], chunk_bytes=1000, progress=seen.append)
    assert sum(seen) == path.stat().st_size and len(seen) > 10
