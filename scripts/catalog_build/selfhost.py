"""GPU hourly prices (reference-data/selfhost/) and deployable serving units (data/serving_profiles.yaml)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path
from typing import Any

from tokenexport_cli.catalog.importers.base import norm
from tokenexport_cli.yamlsafe import load_yaml

from .extras import slug
from .sources import Reference

GPU_CSV = "reference-data/selfhost/gpu_prices.csv"
NEWEST_GPU_DATE = dt.date(2026, 5, 22)
_PROVIDER = {
    "Lambda": "lambda",
    "RunPod Secure Cloud": "runpod",
    "AWS": "aws-ec2",
    "(market survey)": "market-survey",
    "DeepSeek (assumption)": "deepseek-leasing-assumption",
}


def gpus(ref: Reference) -> list[dict[str, Any]]:
    out = []
    for row in ref.csv_rows("selfhost/gpu_prices.csv"):
        price = row["usd_per_gpu_hour"].strip()
        approx = price.startswith("~")
        price = price.lstrip("~")
        try:
            usd = Decimal(price)
        except ArithmeticError:
            continue  # ranges ("1.50-3.00 / ...") and non-GPU prices are not one number
        provider = _PROVIDER.get(row["provider"])
        if provider is None:
            continue
        notes = [f"source kind: {row['source_kind']}"]
        if approx:
            notes.append(f"stated as ~{price}")
        if row["notes"]:
            notes.append(row["notes"])
        try:
            as_of = dt.date.fromisoformat(row["as_of"])
        except ValueError:
            as_of = NEWEST_GPU_DATE
            notes.append(
                f"source date '{row['as_of']}' is not a day; as_of is the newest date in gpu_prices.csv"
            )
        source = row["source_url_or_repo"] + (
            f":{row['source_path']}" if row["source_path"] else ""
        )
        count = int(row["gpus_in_instance"] or 1)
        out.append(
            {
                "id": slug(f"{provider}-{row['gpu']}-{count}x")[:80],
                "gpu": row["gpu"],
                "provider": provider,
                "gpus_per_instance": count,
                "usd_per_gpu_hour": norm(usd),
                "pricing": row["pricing_type"],
                "source": f"{source} ({GPU_CSV})",
                "as_of": as_of,
                "note": "; ".join(notes),
            }
        )
    return out


SERVING_FILE = Path(__file__).resolve().parent / "data" / "serving_profiles.yaml"


def _entry(row: dict[str, Any], numbers: tuple[str, ...]) -> dict[str, Any]:
    out = dict(row)
    for key in numbers:
        if key in out:
            out[key] = Decimal(str(out[key]))
    for key in ("layout", "precision", "setting", "note"):
        if isinstance(out.get(key), str):
            out[key] = " ".join(out[key].split())
    if not isinstance(out["as_of"], dt.date):
        out["as_of"] = dt.date.fromisoformat(str(out["as_of"]))
    return out


def serving() -> list[dict[str, Any]]:
    """Deployable serving units from data/serving_profiles.yaml (numbers copied, sums exact)."""
    numbers = ("input_tokens_per_s", "output_tokens_per_s", "gpu_memory_gb", "weights_gb")
    return [_entry(row, numbers) for row in load_yaml(SERVING_FILE)["serving"]]


def assumed_gpus() -> list[dict[str, Any]]:
    """GPU hourly prices a serving source states as its own cost assumption."""
    return [_entry(row, ("usd_per_gpu_hour",)) for row in load_yaml(SERVING_FILE)["gpus"]]
