"""Calibration: per-model ratio fit with its spread, and the saved file's round trip."""

from __future__ import annotations

import json
import os
from decimal import Decimal
from pathlib import Path

import pytest

from tokenexport_cli.errors import DataError
from tokenexport_cli.workload import RecordedUsage, Request
from tokenexport_cli.workload.calibrate import (
    Calibration,
    calibrate_log,
    calibration_path,
    fit,
    load_calibration,
    save_calibration,
)

EXAMPLES = Path(__file__).parents[2] / "examples"


def request(model: str | None, reported: int | None, text: str) -> Request:
    return Request(
        source="t",
        parts=(text,),
        message_count=1,
        model=model,
        usage=RecordedUsage(prompt_tokens=reported) if reported is not None else None,
    )


def local_count(req: Request) -> int:
    return sum(len(part) for part in req.parts)


def test_fit_uses_the_ratio_of_sums_and_reports_the_spread() -> None:
    requests = [
        request("m", 11, "x" * 10),  # 1.1
        request("m", 24, "x" * 20),  # 1.2
        request("m", 30, "x" * 30),  # 1.0
        request("m", 52, "x" * 40),  # 1.3
        request("other", 9, "x" * 10),
        request(None, 5, "xx"),
        request("m", None, "xx"),
        request("m", 3, ""),
    ]
    result = fit(requests, local_count, family_of=lambda model: "o200k_base")
    fitted = result.calibration.models["m"]
    assert fitted.requests == 4
    assert fitted.reported_tokens == 117 and fitted.local_tokens == 100
    assert fitted.ratio == Decimal("1.170000")
    assert (fitted.p5, fitted.p95) == (Decimal("1.000000"), Decimal("1.300000"))
    assert fitted.stdev == Decimal("0.129099")  # sample stdev of 1.0, 1.1, 1.2, 1.3
    assert fitted.family == "o200k_base"
    assert result.calibration.models["other"].ratio == Decimal("0.900000")
    assert result.calibration.models["other"].stdev == 0
    assert result.skipped == {"no model": 1, "no usage.prompt_tokens": 1, "no local tokens": 1}


def test_resolve_model_maps_logged_names_and_skips_unknown_ones() -> None:
    requests = [request("gpt-4o-2024-08-06", 10, "x" * 10), request("mystery", 10, "x")]
    aliases = {"gpt-4o-2024-08-06": "gpt-4o"}
    result = fit(requests, local_count, resolve_model=aliases.get)
    assert list(result.calibration.models) == ["gpt-4o"]
    assert result.skipped == {"unknown model": 1}


def test_calibrate_the_example_log_save_and_load_round_trip() -> None:
    def count(req: Request) -> int:
        return sum(len(part) for part in req.parts) // 4 + 3 * req.message_count

    result = calibrate_log(EXAMPLES / "usage-log.jsonl", count)
    models = result.calibration.models
    assert sorted(models) == ["deepseek-chat", "gpt-4o-mini", "qwen-plus"]
    assert sum(fit.requests for fit in models.values()) == 64
    assert all(fit.p5 <= fit.ratio <= fit.p95 for fit in models.values())
    assert all(fit.source == str(EXAMPLES / "usage-log.jsonl") for fit in models.values())

    path = save_calibration(result.calibration)
    assert path == calibration_path() == Path(os.environ["TOKX_CONFIG_DIR"]) / "calibration.json"
    assert load_calibration() == result.calibration
    saved = json.loads(path.read_text())
    assert saved["schema_version"] == 1
    assert saved["models"]["gpt-4o-mini"]["ratio"] == str(models["gpt-4o-mini"].ratio)
    assert [p.name for p in path.parent.iterdir()] == ["calibration.json"]  # no temp files left


def test_saving_merges_with_fits_of_other_models(tmp_path: Path) -> None:
    target = tmp_path / "cal.json"
    first = fit([request("a", 20, "x" * 10), request("b", 10, "x" * 10)], local_count)
    save_calibration(first.calibration, target)
    second = fit([request("b", 30, "x" * 10)], local_count)
    save_calibration(second.calibration, target)
    merged = load_calibration(target)
    assert merged.models["a"].ratio == 2 and merged.models["b"].ratio == 3
    save_calibration(second.calibration, target, merge=False)
    assert list(load_calibration(target).models) == ["b"]


def test_missing_calibration_is_empty_and_corrupt_one_is_an_error(tmp_path: Path) -> None:
    assert load_calibration(tmp_path / "none.json") == Calibration()
    (tmp_path / "bad.json").write_text('{"models": {"m": {"ratio": "x"}}}')
    with pytest.raises(DataError, match=r"bad\.json: not a valid tokx calibration file"):
        load_calibration(tmp_path / "bad.json")


def test_a_csv_or_a_log_without_usage_cannot_calibrate(tmp_path: Path) -> None:
    with pytest.raises(DataError, match="a usage CSV has no request text"):
        calibrate_log(EXAMPLES / "usage.csv", local_count)
    log = tmp_path / "log.jsonl"
    log.write_text('{"messages": [{"role": "user", "content": "hi"}]}\n')
    with pytest.raises(DataError) as caught:
        calibrate_log(log, local_count)
    assert str(caught.value) == (
        f"{log}: no request has both a model and usage.prompt_tokens to calibrate from "
        "(1 with no usage.prompt_tokens)"
    )
