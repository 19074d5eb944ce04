"""Every date and time a reader takes from a file goes through ``dates``' one parser: chat logs,
usage CSVs, recorded logs (replay), calibration files, catalog version names and YAML dates of
any type. An impossible value is a data error naming file, line and key (exit 3), or, in a
recorded log whose other lines are valid, a counted skip with a warning; never exit 70."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from typer.testing import CliRunner

from tokenexport_cli.cli import app
from tokenexport_cli.dates import DateProblem, parse_moment

runner = CliRunner()
LOGS = Path(__file__).parent / "fixtures" / "logs"
QUICK = ["--input-tokens", "1000", "--output-tokens", "100", "--requests-per-day", "10"]
BAD_TIMES = [
    "2026-02-30T10:00:00Z",  # no such day
    "2026-03-01T24:61:00Z",  # no such time of day
    "2026-03-01T10:00:00+48:00",  # an offset of days
    "10000-01-01T00:00:00Z",  # past year 9999
    "99999999999999999999",  # Unix time out of range (seconds or milliseconds)
    "-5",  # before 1970
    "yesterday",
]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2026-03-01T12:00:00Z", dt.datetime(2026, 3, 1, 12, tzinfo=dt.UTC)),
        ("2026-03-01 12:00", dt.datetime(2026, 3, 1, 12, tzinfo=dt.UTC)),
        ("2026-03-01T12:00:00.5+02:00", dt.datetime(2026, 3, 1, 10, 0, 0, 500000, tzinfo=dt.UTC)),
        ("2026-03-01", dt.datetime(2026, 3, 1, tzinfo=dt.UTC)),
        ("1767225600", dt.datetime(2026, 1, 1, tzinfo=dt.UTC)),
        (1767225600.25, dt.datetime(2026, 1, 1, 0, 0, 0, 250000, tzinfo=dt.UTC)),
        (Decimal("1767225600"), dt.datetime(2026, 1, 1, tzinfo=dt.UTC)),
        (dt.date(2026, 3, 1), dt.datetime(2026, 3, 1, tzinfo=dt.UTC)),
    ],
)
def test_parse_moment_reads_iso_text_unix_seconds_and_yaml_dates(
    value: object, expected: dt.datetime
) -> None:
    assert parse_moment(value) == expected


def test_milliseconds_only_where_the_reader_asks_for_them() -> None:
    assert parse_moment(1767225600123, milliseconds_above=10**11) == dt.datetime(
        2026, 1, 1, 0, 0, 0, 123000, tzinfo=dt.UTC
    )
    with pytest.raises(DateProblem, match="out of range"):
        parse_moment(1767225600123)


@pytest.mark.parametrize("value", [*BAD_TIMES, True, None, [2026], float("nan"), float("inf")])
def test_parse_moment_refuses_impossible_values_in_its_own_words(value: object) -> None:
    with pytest.raises(DateProblem):
        parse_moment(value, milliseconds_above=10**11)


@given(
    st.one_of(
        st.text(max_size=40),
        st.from_regex(r"[0-9]{1,5}-[0-9]{1,2}-[0-9]{1,2}([T ][0-9]{1,2}:[0-9]{2}(:[0-9]{2})?)?"),
        st.integers(),
        st.floats(),
        st.decimals(),
    )
)
def test_parse_moment_gives_an_aware_time_or_a_date_problem_for_anything(value: object) -> None:
    try:
        moment = parse_moment(value, milliseconds_above=10**11)
    except DateProblem:
        return
    assert moment.tzinfo is not None and moment.utcoffset() == dt.timedelta(0)
    assert dt.datetime(1970, 1, 1, tzinfo=dt.UTC) <= moment or not isinstance(value, int | float)


def _workload(tmp_path: Path, inputs: str) -> Path:
    path = tmp_path / "w.yaml"
    path.write_text(
        f"name: t\nrequests_per_day: 10\ninputs:\n{inputs}output_tokens:\n  fixed: 10\n"
    )
    return path


def _error_line(result) -> str:  # type: ignore[no-untyped-def]
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    return lines[0]


@pytest.mark.parametrize("stamp", BAD_TIMES)
def test_a_chat_log_timestamp_that_is_no_time_is_a_data_error_naming_file_line_and_key(
    tmp_path: Path, stamp: str
) -> None:
    chat = tmp_path / "chat.jsonl"
    good = {"messages": [{"role": "user", "content": "hi"}], "timestamp": "2026-03-01T10:00:00Z"}
    chat.write_text(json.dumps(good) + "\n" + json.dumps({**good, "timestamp": stamp}) + "\n")
    workload = _workload(tmp_path, "  - chat_jsonl: chat.jsonl\n")
    result = runner.invoke(app, ["workload", "show", str(workload)])
    assert result.exit_code == 3, result.output
    assert _error_line(result).startswith(f"tokx: error: {chat}:2: timestamp: ")


@pytest.mark.parametrize("stamp", [1e300, -1, 253402300800000 * 1000])
def test_a_chat_log_unix_time_out_of_range_is_a_data_error(tmp_path: Path, stamp: float) -> None:
    chat = tmp_path / "chat.jsonl"
    chat.write_text(json.dumps({"messages": [], "created": stamp}) + "\n")
    result = runner.invoke(
        app, ["workload", "show", str(_workload(tmp_path, "  - chat_jsonl: chat.jsonl\n"))]
    )
    assert result.exit_code == 3, result.output
    assert _error_line(result).startswith(f"tokx: error: {chat}:1: timestamp: ")


@pytest.mark.parametrize("stamp", ["2026-13-01", "2026-03-01T23:60:00", "1e99"])
def test_a_usage_csv_timestamp_that_is_no_time_names_file_line_and_column(
    tmp_path: Path, stamp: str
) -> None:
    usage = tmp_path / "usage.csv"
    usage.write_text(
        f"prompt_tokens,completion_tokens,created_at\n10,5,2026-03-01T10:00:00Z\n10,5,{stamp}\n"
    )
    workload = _workload(tmp_path, "  - usage_csv: usage.csv\n")
    result = runner.invoke(app, ["workload", "show", str(workload)])
    assert result.exit_code == 3, result.output
    assert _error_line(result).startswith(f"tokx: error: {usage}:3: created_at: ")


@pytest.mark.parametrize("created", [99999999999999999, -5, "2026-02-30T00:00:00Z"])
def test_a_recorded_log_line_with_no_real_time_is_a_counted_skip_with_a_warning(
    tmp_path: Path, created: object, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TOKX_CATALOG_VERSION", "2026-08-21")
    lines = (LOGS / "openai_chat.jsonl").read_text().splitlines()
    first = json.loads(lines[0])
    log = tmp_path / "calls.jsonl"
    log.write_text("\n".join([*lines, json.dumps({**first, "created": created})]) + "\n")
    args = ["replay", str(log), "-m", "gpt-4o", "--provider", "openai"]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    assert f"tokx: warning: {log}: skipped 1 of {len(lines) + 1} lines" in result.stderr


def test_a_recorded_log_of_only_impossible_times_is_a_data_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TOKX_CATALOG_VERSION", "2026-08-21")
    first = json.loads((LOGS / "openai_chat.jsonl").read_text().splitlines()[0])
    log = tmp_path / "calls.jsonl"
    log.write_text(json.dumps({**first, "created": 10**20}) + "\n")
    result = runner.invoke(app, ["replay", str(log), "-m", "gpt-4o", "--provider", "openai"])
    assert result.exit_code == 3, result.output
    assert f"{log}:1: timestamp: Unix time " in _error_line(result)


@pytest.mark.parametrize("fitted_at", ["2026-02-30T00:00:00Z", "soon", "2026-01-01T25:00:00Z"])
def test_a_calibration_file_with_an_impossible_fit_time_is_a_data_error(
    tmp_path: Path, fitted_at: str
) -> None:
    from tokenexport_cli.errors import DataError
    from tokenexport_cli.workload.calibrate import load_calibration

    fit = {
        "model": "gpt-4o",
        "requests": 3,
        "ratio": "1.1",
        "p5": "1",
        "p95": "1.2",
        "stdev": "0.1",
        "reported_tokens": 330,
        "local_tokens": 300,
        "fitted_at": fitted_at,
    }
    path = tmp_path / "calibration.json"
    path.write_text(json.dumps({"schema_version": 1, "models": {"gpt-4o": fit}}))
    with pytest.raises(DataError, match=r"models\.gpt-4o\.fitted_at: "):
        load_calibration(path)
    fit["fitted_at"] = "2026-03-01T10:00:00Z"
    path.write_text(json.dumps({"schema_version": 1, "models": {"gpt-4o": fit}}))
    assert load_calibration(path).models["gpt-4o"].fitted_at == "2026-03-01T10:00:00Z"


@pytest.mark.parametrize(
    "as_of",
    ["2026-02-30", "[2026-01-01]", "1767225600", "{day: 1}", "2026-01-01T10:00:00+99:00", "true"],
)
def test_a_yaml_date_of_any_odd_type_in_an_overlay_is_a_located_data_error(
    tmp_path: Path, as_of: str
) -> None:
    overlay = tmp_path / "o.yaml"
    overlay.write_text(
        "providers:\n  - id: mine\n    name: Mine\n    kind: direct\n"
        f"    source: my contract\n    as_of: {as_of}\n"
    )
    result = runner.invoke(app, ["catalog", "validate", str(overlay)])
    assert result.exit_code == 3, result.output
    assert f"{overlay}:6: providers[0].as_of" in result.output
    priced = runner.invoke(app, ["estimate", *QUICK, "-m", "gpt-4o", "--catalog", str(overlay)])
    assert priced.exit_code == 3 and f"{overlay}:6:" in priced.stderr


def test_a_folder_named_after_an_impossible_date_is_not_a_catalog_version(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tokenexport_cli.catalog.locate import list_versions, synced_root

    monkeypatch.setenv("TOKX_DATA_DIR", str(tmp_path))
    bogus = synced_root() / "2026-02-30.mine"
    bogus.mkdir(parents=True)
    (bogus / "manifest.yaml").write_text("schema_version: 1\n")
    assert bogus.name not in [version.name for version in list_versions()]
    result = runner.invoke(app, ["estimate", *QUICK, "-m", "gpt-4o", "--as-of", "2026-12-31"])
    assert result.exit_code == 0, result.output
    refused = runner.invoke(
        app,
        [
            "catalog",
            "import",
            "openrouter",
            str(Path(__file__).parent / "sync" / "fixtures" / "openrouter.json"),
            "--as-version",
            "2026-02-30.x",
        ],
    )
    assert refused.exit_code == 2, refused.stderr
    assert "is not a catalog version name" in refused.stderr
