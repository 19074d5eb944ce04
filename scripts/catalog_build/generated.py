"""Models the hand registry does not list, generated from the references by fixed rules (catalogs
from 2026-11-27 on): every priced text/chat model of the fifteen biggest vendors, found in the
vendor's own file in genai-prices, litellm's entries for the vendor's API (DashScope for Qwen) and
OpenRouter's listing, under the vendor's API id, with dated ids and OpenRouter slugs as aliases."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from tokenexport_cli.catalog.importers import genai_prices
from tokenexport_cli.catalog.importers.base import SourceEntry

from . import hyperscalers
from .registry import ModelSpec
from .sources import Reference

AT = dt.date(2026, 11, 27)


@dataclass(frozen=True)
class Vendor:
    """One vendor: where its direct API is priced, and how the references spell it."""

    id: str
    origin: str
    tokenizer: str
    provider: str | None = None  # catalog provider of the vendor's own API
    genai: str | None = None  # genai-prices provider file
    litellm: str | None = None  # litellm_provider of the vendor's own API
    openrouter: str | None = None  # OpenRouter vendor prefix
    modelsdev: str | None = None  # models.dev providers/<dir> of the vendor's API


# The fifteen vendors with the most priced text models across the references (OpenRouter's
# listing counts, plus the vendor files of genai-prices); tokenizer: the family the catalog
# already uses for the vendor's models ("unknown" where it has none).
VENDORS = (
    Vendor("openai", "US", "o200k_base", "openai", "openai", "openai", "openai", "openai"),
    Vendor(
        "anthropic", "US", "claude", "anthropic", "anthropic", "anthropic", "anthropic", "anthropic"
    ),
    Vendor("google", "US", "gemini", "google-ai-studio", "google", "gemini", "google", "google"),
    Vendor("xai", "US", "grok", "xai", "x_ai", "xai", "x-ai", "xai"),
    Vendor(
        "mistral", "FR", "mistral-tekken", "mistral", "mistral", "mistral", "mistralai", "mistral"
    ),
    Vendor(
        "deepseek", "CN", "deepseek-v3", "deepseek", "deepseek", "deepseek", "deepseek", "deepseek"
    ),
    Vendor(
        "moonshot", "CN", "kimi", "moonshot", "moonshotai", "moonshot", "moonshotai", "moonshotai"
    ),
    Vendor("zhipu", "CN", "glm", "zhipu", "zhipuai", None, "z-ai", "zhipuai"),
    Vendor("zhipu", "CN", "glm", "zai", "zai", "zai", "z-ai", "zai"),  # Z.ai, Zhipu's global API
    Vendor("minimax", "CN", "minimax", "minimax", "minimax", "minimax", "minimax", "minimax"),
    Vendor("cohere", "CA", "unknown", "cohere", "cohere", None, "cohere", "cohere"),
    Vendor("alibaba", "CN", "qwen", "alibaba-cloud", None, "dashscope", "qwen", "alibaba"),
    Vendor("meta", "US", "llama3", openrouter="meta-llama"),
    Vendor("amazon", "US", "unknown", openrouter="amazon"),
    Vendor("nvidia", "US", "unknown", openrouter="nvidia"),
    Vendor("baidu", "CN", "unknown", openrouter="baidu"),
)
# Not text chat: images, audio, speech, realtime, embeddings, search and research agents,
# computer use, fine-tune price templates, and completion-only legacy models.
NOT_TEXT = re.compile(
    r"image|audio|realtime|transcribe|tts|embed|search|deep-research|computer-use|live|"
    r"moderation|whisper|dall-e|voxtral|omni|vision|lyria|guard|ocr|-asr|^ft:|\.ft-|:extended|^(ada|babbage|curie|"
    r"davinci)$|^text-davinci|-instruct$|safeguard|^claude-(instant|v1|2)|^gemma-2|^M2-her$",
    re.IGNORECASE,
)
DATED = re.compile(r"^(?P<base>.+?)-(?P<date>\d{4}-\d{2}-\d{2}|\d{8}|\d{4})$")
GOOGLE_NOT_OWN = re.compile(r"^claude-")  # genai-prices' google.yml also prices Claude on Vertex


def norm(name: str) -> str:
    """How names are compared across sources: lower case, ``.``, ``:`` and ``_`` as ``-``."""
    return re.sub(r"[.:_]", "-", name.lower())


def _model_id(vendor: Vendor, name: str) -> str:
    """The catalog id: the vendor's API id in lower case; Claude versions written with a dot
    (claude-opus-4-8 -> claude-opus-4.8), as the registry writes them."""
    out = name.lower()
    if vendor.id == "anthropic":
        out = re.sub(r"-(\d)-(\d)(?=$|-)", r"-\1.\2", out)
    return re.sub(r"[^a-z0-9._-]+", "-", out).strip("-")


@dataclass
class Candidate:
    vendor: Vendor
    name: str  # the vendor's API id
    display: str
    tokens: dict[str, list[str]] = field(default_factory=dict)
    openrouter: str | None = None
    aliases: list[str] = field(default_factory=list)
    price: tuple[object, object] | None = None


def _tokenizer(vendor: Vendor, name: str) -> str:
    lowered = name.lower()
    if vendor.id == "openai" and re.match(r"^gpt-(4|3\.5)(?!o|\.1|\.5)", lowered):
        return "cl100k_base"  # tiktoken model.py: gpt-4 and gpt-3.5-turbo use cl100k_base
    if vendor.id == "meta" and "llama-4" in lowered:
        return "llama4"
    # the family split of TOKENIZERS.md (addendum 2026-11-27): GLM-5, 5.x and 4.7-Flash share
    # one vocabulary; Qwen 3.5/3.6 another; Claude Opus 4.7 and newer (major 5 on) the 4.7 one;
    # Gemini 3.1 and newer a vocabulary newer than Gemma 3's (counted approximately)
    if vendor.id == "zhipu" and re.match(r"^glm-(5|4\.7-flash)", lowered):
        return "glm5"
    if vendor.id == "alibaba" and re.match(r"^qwen3\.[56]", lowered):
        return "qwen3.6"
    if vendor.id == "anthropic" and re.match(
        r"^claude-(opus-4\.(7|8|9)|(opus|sonnet|haiku)-([5-9]|\d\d))", lowered
    ):
        return "claude-v4.7"
    if vendor.id == "google" and re.match(r"^gemini-3\.[1-9]", lowered):
        return "gemini-3.1"
    return vendor.tokenizer


def generate(
    ref: Reference, existing: list[ModelSpec], reserved: dict[str, tuple[str, ...]]
) -> tuple[list[ModelSpec], dict[str, list[str]]]:
    """New model specs, and extra aliases (dated ids) for existing models, by model id;
    ``reserved`` names are aliases the build gives existing models itself."""
    taken: dict[str, str] = {
        norm(name): model for model, names in reserved.items() for name in names
    }
    for spec in existing:
        for name in (spec.id, *spec.aliases, spec.openrouter or ""):
            if name:
                taken.setdefault(norm(name.split("/")[-1]), spec.id)
        for tokens in spec.offers.values():
            for token in tokens:
                taken.setdefault(norm(token.split(":", 1)[1].split("/")[-1]), spec.id)
    candidates: dict[str, Candidate] = {}
    extra_aliases: dict[str, list[str]] = {}

    def add(
        vendor: Vendor, name: str, display: str, token: str, price: tuple[object, object]
    ) -> None:
        key = norm(name)
        if key in taken or not any(price):
            return  # named already, or free (a free tier is not a priced offer)
        found = candidates.setdefault(key, Candidate(vendor, name, display, price=price))
        assert vendor.provider is not None
        listed = found.tokens.setdefault(vendor.provider, [])
        if token not in listed:
            listed.append(token)

    litellm_by_provider: dict[str, dict[str, SourceEntry]] = {}
    for entry in ref.litellm_entries():
        if entry.prices is not None:
            litellm_by_provider.setdefault(entry.provider, {})[
                norm(entry.provider_model_id.split("/")[-1])
            ] = entry
    for vendor in VENDORS:
        if vendor.genai and vendor.provider:
            path = ref.data / "genai-prices" / "providers" / f"{vendor.genai}.yml"
            for entry in genai_prices.parse(path.read_bytes(), str(path), AT):
                name = entry.provider_model_id
                if (
                    entry.prices is None
                    or NOT_TEXT.search(name)
                    or (vendor.id == "google" and GOOGLE_NOT_OWN.match(name))
                ):
                    continue
                price = (entry.prices.input, entry.prices.output)
                owner = taken.get(norm(name))
                same_price = _dated_aliases(
                    entry, litellm_by_provider.get(vendor.litellm or "", {})
                )
                # a dated id that already names a model stays that model's
                same_price = [a for a in same_price if taken.get(norm(a), owner) == owner]
                if owner is not None:
                    extra_aliases.setdefault(owner, []).extend(same_price)
                    taken.update((norm(alias), owner) for alias in same_price)
                    continue
                add(vendor, name, entry.name or name, f"gp:{name}", price)
                if norm(name) in candidates:
                    candidates[norm(name)].aliases.extend(same_price)
                    taken.update((norm(alias), name) for alias in same_price)
        if vendor.litellm and vendor.provider:
            for _, entry in sorted(litellm_by_provider.get(vendor.litellm, {}).items()):
                assert entry.prices is not None
                name = entry.provider_model_id.split("/")[-1]
                if NOT_TEXT.search(name):
                    continue
                add(
                    vendor, name, name, f"ll:{entry.key}", (entry.prices.input, entry.prices.output)
                )
        if vendor.modelsdev and vendor.provider:
            folder = ref.data / "models.dev" / "providers" / vendor.modelsdev / "models"
            for path in sorted(folder.glob("*.toml")) if folder.is_dir() else ():
                name = path.stem
                found = ref.modelsdev(f"providers/{vendor.modelsdev}/models/{name}.toml")
                if found is None or found.prices is None or NOT_TEXT.search(name):
                    continue
                if "text" not in (found.output_modalities or ("text",)):
                    continue
                add(
                    vendor,
                    name,
                    found.name or name,
                    f"md:{name}",
                    (found.prices.input, found.prices.output),
                )
    _collapse_dated(candidates)
    _attach_openrouter(ref, candidates, taken)
    ambiguous = _shared_bases(candidates.values(), taken)
    specs = []
    for candidate in sorted(candidates.values(), key=lambda c: (c.vendor.id, c.name)):
        specs.append(_spec(ref, candidate, ambiguous))
    return specs, extra_aliases


def _shared_bases(candidates: Iterable[Candidate], taken: dict[str, str]) -> set[str]:
    """Hyperscaler match keys that name more than one model (two generated models, or one
    already in the registry): such an entry is left to nobody rather than guessed."""
    seen: dict[str, int] = {}
    for candidate in candidates:
        for key in {hyperscalers.base(n) for n in (candidate.name, *candidate.aliases)}:
            seen[key] = seen.get(key, 0) + 1
    shared = {key for key, count in seen.items() if count > 1}
    return shared | {hyperscalers.base(name) for name in taken}


def _dated_aliases(entry: SourceEntry, litellm: dict[str, SourceEntry]) -> list[str]:
    """The dated ids genai-prices matches to this model, where litellm does not price them
    differently (gpt-4o-2024-08-06 is gpt-4o; a dated id litellm prices apart is its own model)."""
    assert entry.prices is not None
    out = []
    for name in entry.names[1:]:
        if not DATED.match(name) or NOT_TEXT.search(name):
            continue
        own = litellm.get(norm(name))
        if (
            own is None
            or own.prices is None
            or (own.prices.input, own.prices.output)
            == (
                entry.prices.input,
                entry.prices.output,
            )
        ):
            out.append(name)
    return out


def _collapse_dated(candidates: dict[str, Candidate]) -> None:
    """A dated id priced like its undated model becomes that model's alias."""
    for key in sorted(candidates):
        candidate = candidates[key]
        match = DATED.match(candidate.name)
        if not match:
            continue
        base = norm(match["base"])
        if base in candidates and candidates[base].price == candidate.price and base != key:
            candidates[base].aliases.append(candidate.name)
            del candidates[key]


def _attach_openrouter(
    ref: Reference, candidates: dict[str, Candidate], taken: dict[str, str]
) -> None:
    """OpenRouter's slug for each candidate, and a candidate for each model only OpenRouter lists."""
    for entry in ref.openrouter_entries():
        if entry.prices is None or entry.key.startswith("~"):
            continue
        prefix, _, name = entry.key.partition("/")
        vendor = next((v for v in VENDORS if v.openrouter == prefix), None)
        if vendor is None or NOT_TEXT.search(name) or name.endswith(":free"):
            continue
        if not (entry.prices.input or entry.prices.output):
            continue
        key = norm(name)
        aliased = {norm(alias) for c in candidates.values() for alias in c.aliases}
        if key in taken or key in aliased:
            continue
        if key in candidates:
            if candidates[key].openrouter is None:
                candidates[key].openrouter = entry.key
            continue
        candidates[key] = Candidate(
            vendor,
            name,
            entry.name or name,
            openrouter=entry.key,
            price=(entry.prices.input, entry.prices.output),
        )


def _spec(ref: Reference, candidate: Candidate, ambiguous: set[str]) -> ModelSpec:
    vendor = candidate.vendor
    offers = {provider: list(tokens) for provider, tokens in candidate.tokens.items()}
    names = (candidate.name, *candidate.aliases)
    for provider, tokens in hyperscalers.paths(ref, names, ambiguous).items():
        offers.setdefault(provider, tokens)
    for other in VENDORS:
        if other.id != vendor.id or not other.modelsdev or other.provider not in offers:
            continue
        relpath = f"providers/{other.modelsdev}/models/{candidate.name}.toml"
        found = ref.modelsdev(relpath)
        token = f"md:{candidate.name}"
        if found is not None and found.prices is not None and token not in offers[other.provider]:
            offers[other.provider].append(token)
    meta = None
    for folder in (vendor.modelsdev, vendor.id):
        if folder and ref.modelsdev(f"models/{folder}/{candidate.name}.toml") is not None:
            meta = f"{folder}/{candidate.name}"
            break
    model_id = _model_id(vendor, candidate.name)
    aliases = [
        a for a in dict.fromkeys([candidate.name, *candidate.aliases]) if a.lower() != model_id
    ]
    spec = ModelSpec(
        id=model_id,
        name=candidate.display,
        vendor=vendor.id,
        origin=vendor.origin,
        tokenizer=_tokenizer(vendor, candidate.name),
        meta=meta,
        openrouter=candidate.openrouter,
        offers=offers,
        aliases=tuple(aliases),
        note="Generated from the references by scripts/catalog_build/generated.py (vendor "
        f"{vendor.id}); tokenizer family assigned by vendor.",
    )
    return spec
