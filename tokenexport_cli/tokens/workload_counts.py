"""Count a workload's sample requests for one tokenizer family: message content plus the
family's per-message overhead, the shared system prompt, and output tokens; cached by content."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from decimal import Decimal

from tokenexport_cli.tokens.cache import CountCache
from tokenexport_cli.tokens.results import ApproximateFamily
from tokenexport_cli.workload.load import Workload
from tokenexport_cli.workload.request import Request, WorkloadWarning

# Tokens each chat message costs beyond its content, from each family's own chat format:
# - o200k_base, cl100k_base: 3 per message (<|start|>role ... <|end|>), OpenAI cookbook
#   "How to count tokens with tiktoken" (tokens_per_message = 3).
# - qwen: ChatML "<|im_start|>role\n" + "<|im_end|>\n" = 5 tokens (Qwen chat template).
# - deepseek-v3: one role marker (<｜User｜> / <｜Assistant｜>) per message (tokenizer_config
#   chat_template of DeepSeek-V3).
# - llama3: "<|start_header_id|>role<|end_header_id|>\n\n" + "<|eot_id|>" = 5 tokens (Llama 3
#   prompt format).
# - mistral-tekken: "[INST]" and "[/INST]" control tokens around a user turn = 2 tokens.
# Approximate families use their reference family's overhead.
MESSAGE_OVERHEAD = {
    "o200k_base": 3,
    "cl100k_base": 3,
    "qwen": 5,
    "deepseek-v3": 1,
    "llama3": 5,
    "mistral-tekken": 2,
}


@dataclass(frozen=True)
class FamilyCounts:
    """One family's view of a workload: per-request prompt tokens (without the shared prefix),
    output tokens, and the prefix (system prompt) every request carries."""

    family: str
    exact: bool
    band_percent: Decimal | None
    prompts: tuple[int, ...]
    outputs: tuple[int, ...]
    prefix: int
    warnings: tuple[WorkloadWarning, ...]


def _content_key(request: Request) -> str:
    hasher = hashlib.sha256(b"tokx-request-v1\x00")
    for part in request.parts:
        hasher.update(part.encode("utf-8", "surrogatepass"))
        hasher.update(b"\x1e")
    return hasher.hexdigest()


def request_digest(request: Request) -> str:
    """Content hash of one request: its text parts, or a streamed file's bytes, or its usage."""
    if request.streamed and request.path is not None:
        from tokenexport_cli.tokens.cache import sha256_of

        with open(request.path, "rb") as handle:
            return sha256_of(handle)
    usage = request.usage
    recorded = f"{usage.prompt_tokens}|{usage.completion_tokens}" if usage else ""
    return f"{_content_key(request)}|{request.message_count}|{recorded}"


def _exact_content_counts(
    requests: list[Request], family: str, cache: CountCache | None, fast: bool
) -> list[int | None]:
    """Content tokens per request (None where the request has no text to count)."""
    from tokenexport_cli.tokens.counting import count_paths
    from tokenexport_cli.tokens.registry import encoder

    counts: list[int | None] = [None] * len(requests)
    missing: list[int] = []
    keys: dict[int, str] = {}
    for position, request in enumerate(requests):
        if request.streamed and request.path is not None:
            report = count_paths([request.path], [family], cache=cache, jobs=1, fast=fast)
            counts[position] = report.totals[0].tokens
        elif request.parts:
            keys[position] = _content_key(request)
            hit = cache.get(keys[position], family) if cache is not None else None
            if hit is None:
                missing.append(position)
            else:
                counts[position] = hit[0]
        elif request.message_count:
            counts[position] = 0
    if missing:
        texts = [part for position in missing for part in requests[position].parts]
        per_part = iter(encoder(family, fast).count_batch(texts))
        rows = []
        for position in missing:
            total = sum(next(per_part) for _ in requests[position].parts)
            counts[position] = total
            rows.append((keys[position], family, total, 0))
        if cache is not None:
            cache.put_many(rows)
    return counts


def count_workload(
    workload: Workload,
    spec: str | ApproximateFamily,
    *,
    cache: CountCache | None = None,
    fast: bool = False,
) -> FamilyCounts:
    """Count every sample request of ``workload`` as ``spec`` sees it."""
    stream = workload.requests()
    requests = list(stream)
    exact = isinstance(spec, str)
    reference = spec if isinstance(spec, str) else spec.reference
    name = spec if isinstance(spec, str) else spec.name
    overhead = MESSAGE_OVERHEAD.get(reference, 3)
    system = [
        Request(source="system_prompt", parts=(workload.system_prompt,), message_count=1)
        if workload.system_prompt
        else Request(source="system_prompt")
    ]
    *content, system_tokens = _exact_content_counts(requests + system, reference, cache, fast)
    prompts: list[int] = []
    for request, tokens in zip(requests, content, strict=True):
        if tokens is None:  # a usage-CSV row: only the API's own count is known
            tokens = request.usage.prompt_tokens if request.usage else None
            prompts.append(tokens or 0)
            continue
        prompts.append(tokens + overhead * request.message_count)
    prefix = (system_tokens or 0) + overhead if workload.system_prompt else 0
    if not exact:
        assert isinstance(spec, ApproximateFamily)
        prompts = [spec.estimate(value).tokens for value in prompts]
        prefix = spec.estimate(prefix).tokens
    outputs = workload.complete_outputs(
        [
            workload.output_tokens(request, prompt)
            for request, prompt in zip(requests, prompts, strict=True)
        ]
    )
    band = None if exact else (spec.band * 100).normalize()  # type: ignore[union-attr]
    return FamilyCounts(
        name, exact, band, tuple(prompts), tuple(outputs), prefix, tuple(stream.warnings)
    )


def request_tokens(request: Request, spec: str | ApproximateFamily, fast: bool = False) -> int:
    """One request's prompt as the API sees it: content plus the family's message overhead."""
    from tokenexport_cli.tokens.registry import encoder

    reference = spec if isinstance(spec, str) else spec.reference
    counter = encoder(reference, fast)
    tokens = sum(counter.count(part) for part in request.parts)
    tokens += MESSAGE_OVERHEAD.get(reference, 3) * request.message_count
    return tokens if isinstance(spec, str) else spec.estimate(tokens).tokens
