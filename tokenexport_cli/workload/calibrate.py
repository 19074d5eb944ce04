"""Calibration: fit, per model, reported prompt tokens / tokx's local count from a usage log, and
keep the fits in the user's config directory (``TOKX_CONFIG_DIR`` overrides platformdirs)."""

from __future__ import annotations

import datetime as dt
import os
import statistics
from collections.abc import Callable, Iterable
from decimal import Decimal
from pathlib import Path

import msgspec

from tokenexport_cli.bounds import CalibrationRatio
from tokenexport_cli.errors import DataError
from tokenexport_cli.workload.chat import read_chat_jsonl
from tokenexport_cli.workload.request import Request, WorkloadWarning
from tokenexport_cli.workload.stats import nearest_rank

CALIBRATION_FILE = "calibration.json"
CALIBRATION_SCHEMA_VERSION = 1
RATIO_PLACES = Decimal("0.000001")
MAX_CALIBRATION_BYTES = 16 * 1024 * 1024


class ModelFit(msgspec.Struct, frozen=True, forbid_unknown_fields=True, kw_only=True):
    """Reported / local prompt tokens for one model. ``ratio`` is sum(reported) / sum(local);
    ``p5``/``p95`` (nearest rank) and ``stdev`` describe the per-request ratios."""

    model: str
    requests: int
    ratio: CalibrationRatio
    p5: CalibrationRatio
    p95: CalibrationRatio
    stdev: Decimal
    reported_tokens: int
    local_tokens: int
    family: str | None = None
    source: str | None = None
    fitted_at: str | None = None  # ISO 8601 UTC; checked on load by dates.parse_timestamp


class Calibration(msgspec.Struct, frozen=True, forbid_unknown_fields=True, kw_only=True):
    """Every saved fit, one per model id."""

    schema_version: int = CALIBRATION_SCHEMA_VERSION
    models: dict[str, ModelFit] = {}

    def for_model(self, model: str) -> ModelFit | None:
        return self.models.get(model)


class CalibrationResult(msgspec.Struct, frozen=True, kw_only=True):
    """A fit from one log: the fits, and how many requests were left out and why."""

    calibration: Calibration
    skipped: dict[str, int]
    warnings: tuple[WorkloadWarning, ...] = ()


def _quantize(value: Decimal) -> Decimal:
    return value.quantize(RATIO_PLACES)


def fit_model(
    model: str, pairs: list[tuple[int, int]], family: str | None = None, source: str | None = None
) -> ModelFit:
    """Fit one model from (reported, local) prompt-token pairs with local > 0."""
    ratios = sorted(Decimal(reported) / local for reported, local in pairs)
    reported_total = sum(reported for reported, _ in pairs)
    local_total = sum(local for _, local in pairs)
    spread = statistics.stdev(ratios) if len(ratios) > 1 else Decimal(0)
    return ModelFit(
        model=model,
        requests=len(pairs),
        ratio=_quantize(Decimal(reported_total) / local_total),
        p5=_quantize(nearest_rank(ratios, 5)),
        p95=_quantize(nearest_rank(ratios, 95)),
        stdev=_quantize(spread),
        reported_tokens=reported_total,
        local_tokens=local_total,
        family=family,
        source=source,
        fitted_at=dt.datetime.now(dt.UTC).replace(microsecond=0, tzinfo=None).isoformat() + "Z",
    )


def fit(
    requests: Iterable[Request],
    count: Callable[[Request], int],
    *,
    resolve_model: Callable[[str], str | None] | None = None,
    family_of: Callable[[str], str | None] | None = None,
    source: str | None = None,
) -> CalibrationResult:
    """Fit every model found in ``requests``.

    ``count(request)`` is tokx's local count of the whole prompt as the API sees it (content plus
    per-message overhead, in the family of ``request.model``). ``resolve_model`` maps a logged
    model name to a catalog id (None: unknown, skipped); ``family_of`` names the family used.
    """
    pairs: dict[str, list[tuple[int, int]]] = {}
    skipped: dict[str, int] = {}

    def skip(reason: str) -> None:
        skipped[reason] = skipped.get(reason, 0) + 1

    for request in requests:
        reported = request.usage.prompt_tokens if request.usage is not None else None
        if reported is None:
            skip("no usage.prompt_tokens")
            continue
        if not request.model:
            skip("no model")
            continue
        model = resolve_model(request.model) if resolve_model is not None else request.model
        if model is None:
            skip("unknown model")
            continue
        local = count(request)
        if local <= 0:
            skip("no local tokens")
            continue
        pairs.setdefault(model, []).append((reported, local))
    fits = {
        model: fit_model(model, model_pairs, family_of(model) if family_of else None, source)
        for model, model_pairs in sorted(pairs.items())
    }
    return CalibrationResult(calibration=Calibration(models=fits), skipped=skipped)


def calibrate_log(
    path: Path,
    count: Callable[[Request], int],
    *,
    resolve_model: Callable[[str], str | None] | None = None,
    family_of: Callable[[str], str | None] | None = None,
) -> CalibrationResult:
    """Fit from a chat JSONL log whose lines carry ``model`` and ``usage.prompt_tokens``."""
    if path.suffix.lower() in (".csv", ".tsv"):
        raise DataError(
            f"{path}: a usage CSV has no request text to count locally; calibration needs a "
            "chat JSONL log with messages, model and usage.prompt_tokens"
        )
    if not os.path.lexists(path):  # anything else that exists is judged by the reader
        raise DataError(f"{path}: file not found")
    warnings: list[WorkloadWarning] = []
    result = fit(
        read_chat_jsonl(path, warnings),
        count,
        resolve_model=resolve_model,
        family_of=family_of,
        source=str(path),
    )
    if not result.calibration.models:
        reasons = ", ".join(f"{n} with {why}" for why, n in result.skipped.items()) or "empty"
        raise DataError(
            f"{path}: no request has both a model and usage.prompt_tokens to calibrate from "
            f"({reasons})"
        )
    return msgspec.structs.replace(result, warnings=tuple(warnings))


def config_dir() -> Path:
    """The user config dir for tokx (``TOKX_CONFIG_DIR`` overrides platformdirs)."""
    from tokenexport_cli.userdirs import config_dir as user_config_dir

    return user_config_dir()


def calibration_path() -> Path:
    return config_dir() / CALIBRATION_FILE


def load_calibration(path: Path | None = None) -> Calibration:
    """The saved calibration, or an empty one if none was saved; a DataError if it is corrupt."""
    target = path if path is not None else calibration_path()
    from tokenexport_cli.bounds import first_problem
    from tokenexport_cli.inputfile import read_bytes

    if not os.path.lexists(target):
        return Calibration()
    data = read_bytes(target, max_bytes=MAX_CALIBRATION_BYTES, what="calibration file")
    try:
        calibration = msgspec.json.decode(data, type=Calibration)
    except (msgspec.ValidationError, msgspec.DecodeError, RecursionError) as exc:
        raise DataError(f"{target}: not a valid tokx calibration file: {exc}") from None
    problem = first_problem(calibration)
    if problem:
        raise DataError(f"{target}: {problem}")
    from tokenexport_cli.dates import DateProblem, parse_timestamp

    for model, fitted in calibration.models.items():
        try:
            if fitted.fitted_at is not None:
                parse_timestamp(fitted.fitted_at)
        except DateProblem as exc:
            raise DataError(f"{target}: models.{model}.fitted_at: {exc}") from None
    if calibration.schema_version != CALIBRATION_SCHEMA_VERSION:
        raise DataError(
            f"{target}: calibration schema version {calibration.schema_version} is not "
            f"supported (expected {CALIBRATION_SCHEMA_VERSION}); run tokx calibrate again"
        )
    return calibration


def save_calibration(
    calibration: Calibration, path: Path | None = None, *, merge: bool = True
) -> Path:
    """Write atomically (temp file, fsync, rename). With ``merge`` the new fits replace saved
    fits of the same models and keep the others."""
    target = path if path is not None else calibration_path()
    if merge:
        saved = load_calibration(target)
        calibration = Calibration(models={**saved.models, **calibration.models})
    data = msgspec.json.format(msgspec.json.encode(calibration), indent=2) + b"\n"
    from tokenexport_cli.atomic import write_atomic

    try:
        write_atomic(target, data, make_parents=True)
    except OSError as exc:
        raise DataError(f"{target}: cannot write: {exc.strerror or exc}") from None
    return target
