"""Hand-curated provider table: delivery path kind, where each source keeps the provider's prices.

Facts about billing entities, regions and fees are filled only where a public source was found;
otherwise they stay empty and the note says so.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

NO_ENTITY = (
    "Billing entity, regions and compliance not recorded: no source for them in the reference data."
)


@dataclass(frozen=True)
class ProviderSpec:
    id: str
    name: str
    kind: str
    source: str
    as_of: dt.date
    genai: str | None = None  # genai-prices provider file stem
    modelsdev: str | None = None  # models.dev providers/<dir>
    url: str | None = None
    extra: dict[str, Any] | None = None
    note: str | None = NO_ENTITY


def P(id: str, name: str, kind: str, source: str, as_of: str, **kw: Any) -> ProviderSpec:
    return ProviderSpec(id, name, kind, source, dt.date.fromisoformat(as_of), **kw)


_GP = "pydantic/genai-prices@47df840:prices/providers/{}.yml (pricing_urls)"
_MD = "anomalyco/models.dev@f3fc692:providers/{}/provider.toml"

OPENROUTER_FEES = [
    {
        "kind": "credit_purchase",
        "percent": Decimal("5.5"),
        "note": "card/PayPal credit purchases; the page gives a minimum fee of $0.80; crypto purchases 5%",
        "source": "https://codenote.pages.dev/en/posts/openrouter-llm-api-transaction-fee (third-party page, "
        "'information as of November 2025')",
        "as_of": dt.date(2025, 11, 30),
    },
]

PROVIDERS: list[ProviderSpec] = [
    # direct: the vendor's own API
    P(
        "deepseek",
        "DeepSeek API",
        "direct",
        _GP.format("deepseek"),
        "2026-08-21",
        genai="deepseek",
        modelsdev="deepseek",
        url="https://api-docs.deepseek.com/quick_start/pricing",
        note=NO_ENTITY
        + " Offers with region 'cn' are the CNY prices DeepSeek publishes for mainland China.",
    ),
    P(
        "moonshot",
        "Moonshot AI (Kimi) international platform",
        "direct",
        _GP.format("moonshotai"),
        "2026-08-21",
        genai="moonshotai",
        modelsdev="moonshotai",
        url="https://platform.moonshot.ai/docs/pricing/chat",
    ),
    P(
        "moonshot-cn",
        "Moonshot AI (Kimi) China platform",
        "direct",
        _MD.format("moonshotai-cn"),
        "2026-07-02",
        modelsdev="moonshotai-cn",
    ),
    P(
        "minimax",
        "MiniMax international platform",
        "direct",
        _GP.format("minimax"),
        "2026-08-21",
        genai="minimax",
        modelsdev="minimax",
        url="https://platform.minimax.io/docs/guides/pricing-paygo",
    ),
    P(
        "minimax-cn",
        "MiniMax China platform",
        "direct",
        _MD.format("minimax-cn"),
        "2026-07-02",
        modelsdev="minimax-cn",
    ),
    P(
        "zai",
        "Z.ai (Zhipu international)",
        "direct",
        _GP.format("zai"),
        "2026-08-21",
        genai="zai",
        modelsdev="zai",
        url="https://docs.z.ai/guides/overview/pricing",
    ),
    P(
        "zhipu",
        "Zhipu BigModel (open.bigmodel.cn)",
        "direct",
        _GP.format("zhipuai"),
        "2026-08-21",
        genai="zhipuai",
        modelsdev="zhipuai",
        url="https://open.bigmodel.cn/pricing",
        note=NO_ENTITY + " genai-prices lists these CNY prices in USD converted at 7.25 CNY/USD.",
    ),
    P(
        "alibaba-cloud",
        "Alibaba Cloud Model Studio (international)",
        "direct",
        _MD.format("alibaba"),
        "2026-07-02",
        modelsdev="alibaba",
        url="https://www.alibabacloud.com/help/en/model-studio/models",
    ),
    P(
        "alibaba-cloud-cn",
        "Alibaba Cloud Bailian / Model Studio (China)",
        "direct",
        _MD.format("alibaba-cn"),
        "2026-07-02",
        modelsdev="alibaba-cn",
        url="https://help.aliyun.com/zh/model-studio/billing-for-alibaba-cloud-model-studio",
        note=NO_ENTITY
        + " models.dev lists alibaba-cn prices in USD converted from CNY without stating the rate.",
    ),
    P(
        "openai",
        "OpenAI API",
        "direct",
        _GP.format("openai"),
        "2026-08-21",
        genai="openai",
        modelsdev="openai",
        url="https://developers.openai.com/api/docs/pricing",
    ),
    P(
        "anthropic",
        "Anthropic API",
        "direct",
        _GP.format("anthropic"),
        "2026-08-21",
        genai="anthropic",
        modelsdev="anthropic",
        url="https://www.anthropic.com/pricing#api",
    ),
    P(
        "google-ai-studio",
        "Google Gemini API (AI Studio)",
        "direct",
        _GP.format("google"),
        "2026-08-21",
        genai="google",
        modelsdev="google",
        url="https://ai.google.dev/gemini-api/docs/pricing",
    ),
    P(
        "mistral",
        "Mistral AI La Plateforme",
        "direct",
        _GP.format("mistral"),
        "2026-08-21",
        genai="mistral",
        modelsdev="mistral",
        url="https://mistral.ai/pricing#api-pricing",
    ),
    P(
        "xai",
        "xAI API",
        "direct",
        _GP.format("x_ai"),
        "2026-08-21",
        genai="x_ai",
        modelsdev="xai",
        url="https://docs.x.ai/docs/models",
    ),
    P(
        "cohere",
        "Cohere API",
        "direct",
        _GP.format("cohere"),
        "2026-08-21",
        genai="cohere",
        modelsdev="cohere",
        url="https://cohere.com/pricing",
    ),
    # aggregator
    P(
        "openrouter",
        "OpenRouter",
        "aggregator",
        "openrouter/models_api_v1_snapshot_2026-05-15.json; " + _GP.format("openrouter"),
        "2026-08-21",
        genai="openrouter",
        modelsdev="openrouter",
        url="https://openrouter.ai/models",
        extra={"fees": OPENROUTER_FEES},
        note="Billing entity and regions not recorded: no source in the reference data. Token prices pass through the "
        "providers' prices; the fee is charged when buying credits, not per request (source of the fee).",
    ),
    # platforms
    P(
        "together",
        "Together AI",
        "platform",
        _GP.format("together"),
        "2026-08-21",
        genai="together",
        modelsdev="togetherai",
        url="https://www.together.ai/pricing",
    ),
    P(
        "fireworks",
        "Fireworks AI",
        "platform",
        _GP.format("fireworks"),
        "2026-08-21",
        genai="fireworks",
        modelsdev="fireworks-ai",
        url="https://fireworks.ai/pricing",
    ),
    P(
        "deepinfra",
        "DeepInfra",
        "platform",
        _MD.format("deepinfra"),
        "2026-07-02",
        modelsdev="deepinfra",
    ),
    P(
        "groq",
        "Groq",
        "platform",
        _GP.format("groq"),
        "2026-08-21",
        genai="groq",
        modelsdev="groq",
        url="https://groq.com/pricing/",
    ),
    P(
        "novita",
        "Novita AI",
        "platform",
        _GP.format("novita"),
        "2026-08-21",
        genai="novita",
        modelsdev="novita-ai",
        url="https://novita.ai/pricing",
    ),
    # hyperscalers
    P(
        "aws-bedrock",
        "Amazon Bedrock",
        "hyperscaler",
        _GP.format("aws"),
        "2026-08-21",
        genai="aws",
        modelsdev="amazon-bedrock",
        url="https://aws.amazon.com/bedrock/pricing/",
        note="Billing entity not recorded (no source in the reference data). Per the second article, AWS announced "
        "DeepSeek-R1 on Bedrock in US East (N. Virginia), US East (Ohio) and US West (Oregon) via cross-Region "
        "inference. Offers here are the global/regional list prices; litellm also lists per-region prices.",
    ),
    P(
        "azure-ai-foundry",
        "Azure AI Foundry",
        "hyperscaler",
        _GP.format("azure"),
        "2026-08-21",
        genai="azure",
        modelsdev="azure",
        url="https://azure.microsoft.com/en-us/pricing/details/cognitive-services/openai-service/",
        note="Billing entity and regions not recorded (no source in the reference data). litellm lists 'us' and 'eu' "
        "data-zone prices for some OpenAI models about 10% above global.",
    ),
    P(
        "gcp-vertex",
        "Google Cloud Vertex AI",
        "hyperscaler",
        _MD.format("google-vertex"),
        "2026-07-02",
        modelsdev="google-vertex",
        genai="google",
        url="https://cloud.google.com/vertex-ai/generative-ai/pricing",
    ),
    # self-hosting: GPU rental providers; costs come from gpus + serving profiles, not per-token offers
    P(
        "lambda",
        "Lambda Cloud (GPU rental, self-host)",
        "selfhost",
        "skypilot-org/skypilot-catalog@11580132:catalogs/v7/lambda/vms.csv (reference-data/selfhost/gpu_prices.csv)",
        "2026-05-28",
        note="Self-hosting path: no per-token offers. Price a model here with its serving profile "
        "(serving) and this provider's GPU hourly prices (gpus, provider 'lambda').",
    ),
    P(
        "runpod",
        "RunPod Secure Cloud (GPU rental, self-host)",
        "selfhost",
        "https://www.spheron.network/blog/runpod-h100-pricing-2026/ (reference-data/selfhost/gpu_prices.csv)",
        "2026-05-22",
        note="Self-hosting path: no per-token offers; GPU price from a competitor's blog (secondary).",
    ),
    P(
        "aws-ec2",
        "AWS EC2 GPU instances (self-host)",
        "selfhost",
        "https://disintermediate.global/insights/gpu-cloud-pricing-models (reference-data/selfhost/gpu_prices.csv)",
        "2026-03-31",
        note="Self-hosting path: no per-token offers; p5.48xlarge price from a secondary blog (Q1 2026).",
    ),
]

BY_ID = {p.id: p for p in PROVIDERS}
