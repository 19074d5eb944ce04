"""GPU hourly prices and serving throughput profiles from reference-data/selfhost/."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from tokenexport_cli.catalog.importers.base import norm

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


SERVING_CSV = "reference-data/selfhost/serving_throughput.csv"


def serving() -> list[dict[str, Any]]:
    """Profiles derived from serving_throughput.csv; numbers copied, sums and differences exact."""
    day6 = (
        "deepseek-ai/open-infra-index:202502OpenSourceWeek/day_6_one_more_thing_deepseekV3R1_inference_system_overview.md"
        f" ({SERVING_CSV})"
    )
    sglang = f"https://lmsys.org/blog/2025-05-05-large-scale-ep/ (via copies at vuink.com and aifeed.fyi; {SERVING_CSV})"
    glm = f"zai-org/GLM-4.5@774bfe7fa3ab:example/Ascend_NPU/result.md ({SERVING_CSV})"
    glm_note = (
        "Replica = one TP16 instance on 8 Ascend cards (16 chips), counted as 16 accelerators. "
        "{} Official repo example (Apache-2.0); not an NVIDIA GPU, so no GPU hourly price matches it."
    )
    return [
        {
            "id": "deepseek-v3-production-h800-node",
            "model": "deepseek-v3",
            "engine": "DeepSeek in-house",
            "gpu": "H800",
            "gpus_per_replica": 8,
            "input_tokens_per_s": Decimal(73700),
            "output_tokens_per_s": Decimal(14800),
            "setting": "production traffic over 24h (2025-02-27/28); FP8 matmul/dispatch, BF16 MLA/combine; "
            "replica = one 8-GPU node",
            "source": day6,
            "as_of": dt.date(2025, 2, 28),
            "note": "Per-node averages as published: prefill nodes 73.7k input tok/s (incl. cache hits), decode nodes "
            "14.8k output tok/s. Prefill and decode run on separate nodes, so one node does not reach both at once. "
            "Serves V3 and R1; 20-22 tok/s per user; avg 226.75 nodes; DeepSeek assumes $2/H800-hour.",
        },
        {
            "id": "deepseek-v3-sglang-h100-node",
            "model": "deepseek-v3",
            "engine": "SGLang (PD disaggregation + large-scale EP)",
            "gpu": "H100",
            "gpus_per_replica": 8,
            "input_tokens_per_s": Decimal(52300),
            "output_tokens_per_s": Decimal(22300),
            "setting": "benchmark on 12 nodes x 8 H100 (96 GPUs), 2000-token inputs; replica = one 8-GPU node",
            "source": sglang,
            "as_of": dt.date(2025, 5, 5),
            "note": "Per-node figures as published (prefill nodes for input, decode nodes for output). Blog states "
            "$0.20 per 1M output tokens. Engine-team blog read via secondary copies.",
        },
        {
            "id": "glm-4.6-xllm-ascend-c36",
            "model": "glm-4.6",
            "engine": "xLLM 0.7",
            "gpu": "Ascend NPU (8 cards / 16 chips)",
            "gpus_per_replica": 16,
            "input_tokens_per_s": Decimal("1051.43"),
            "output_tokens_per_s": Decimal("549.19"),
            "setting": "BF16, TP16, sharegpt, max concurrency 36, 128 prompts",
            "source": glm,
            "as_of": dt.date(2025, 12, 23),
            "note": glm_note.format(
                "Input tok/s = total 1600.62 - output 549.19 (exact difference); mean TTFT 9463 ms."
            ),
        },
        {
            "id": "glm-4.6-xllm-ascend-c1",
            "model": "glm-4.6",
            "engine": "xLLM 0.7",
            "gpu": "Ascend NPU (8 cards / 16 chips)",
            "gpus_per_replica": 16,
            "input_tokens_per_s": Decimal("435.13"),
            "output_tokens_per_s": Decimal("58.99"),
            "setting": "BF16, TP16, sharegpt, concurrency 1, 8 prompts",
            "source": glm,
            "as_of": dt.date(2025, 12, 23),
            "note": glm_note.format("Single-stream; mean TTFT 9763 ms."),
        },
        {
            "id": "glm-4.6-xllm-ascend-c1-33k",
            "model": "glm-4.6",
            "engine": "xLLM 0.7",
            "gpu": "Ascend NPU (8 cards / 16 chips)",
            "gpus_per_replica": 16,
            "input_tokens_per_s": Decimal("1685.38"),
            "output_tokens_per_s": Decimal("46.21"),
            "setting": "BF16, TP16, concurrency 1, ~33K-token input",
            "source": glm,
            "as_of": dt.date(2025, 12, 23),
            "note": glm_note.format("Single-stream long input; TTFT 19579 ms."),
        },
    ]
