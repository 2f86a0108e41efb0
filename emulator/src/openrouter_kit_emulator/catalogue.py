"""The model catalogue: real models from recorded /models traffic plus derived provider endpoints.

``models.json`` is produced by ``tests/emulator/extract_catalogue.py``. Per-provider
endpoints (tag, quantization, prices, uptime, latency, throughput, ZDR, status) are derived
deterministically from a hash of model id and provider, so every run answers the same.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property
from importlib import resources
from typing import Any

from .wire import dumps

# provider display name -> (slug, supports ZDR, quantization for open-weight models)
PROVIDERS: dict[str, tuple[str, bool, str]] = {
    "OpenAI": ("openai", False, "unknown"),
    "Azure": ("azure", True, "unknown"),
    "Anthropic": ("anthropic", False, "unknown"),
    "Amazon Bedrock": ("amazon-bedrock", True, "unknown"),
    "Google": ("google-vertex", True, "unknown"),
    "Google AI Studio": ("google-ai-studio", False, "unknown"),
    "DeepSeek": ("deepseek", False, "fp8"),
    "DeepInfra": ("deepinfra", True, "fp8"),
    "Together": ("together", True, "fp8"),
    "Fireworks": ("fireworks", True, "fp8"),
    "Groq": ("groq", True, "fp16"),
    "Novita": ("novita", False, "fp8"),
    "Chutes": ("chutes", False, "bf16"),
    "Mistral": ("mistral", True, "unknown"),
    "Alibaba": ("alibaba", False, "unknown"),
    "xAI": ("xai", False, "unknown"),
    "Moonshot AI": ("moonshotai", False, "int4"),
    "Z.AI": ("z-ai", False, "fp8"),
    "Minimax": ("minimax", False, "fp8"),
    "Nebius": ("nebius", True, "fp8"),
    "Cohere": ("cohere", True, "unknown"),
    "VoyageAI by MongoDB": ("voyage", True, "unknown"),
}

# model author -> providers serving its models, preferred first
_BY_AUTHOR: dict[str, list[str]] = {
    "openai": ["OpenAI", "Azure"],
    "anthropic": ["Anthropic", "Amazon Bedrock", "Google"],
    "google": ["Google AI Studio", "Google"],
    "deepseek": ["DeepSeek", "DeepInfra", "Fireworks", "Chutes"],
    "meta-llama": ["DeepInfra", "Together", "Groq", "Novita"],
    "mistralai": ["Mistral", "DeepInfra"],
    "qwen": ["Alibaba", "DeepInfra", "Nebius", "Fireworks"],
    "x-ai": ["xAI"],
    "moonshotai": ["Moonshot AI", "Novita", "Groq"],
    "z-ai": ["Z.AI", "Novita"],
    "minimax": ["Minimax"],
    "nvidia": ["DeepInfra"],
}

_OPEN_WEIGHT_PREFIXES = ("openai/gpt-oss",)


def _h(*parts: str) -> int:
    return int.from_bytes(hashlib.sha256("|".join(parts).encode()).digest()[:8], "big")


def _price(value: str, factor: Decimal) -> str:
    scaled = (Decimal(value) * factor).normalize()
    return format(scaled, "f")


@dataclass(frozen=True)
class Endpoint:
    """One provider serving one model: the unit routing and guardrails decide on."""

    model_id: str
    provider: str
    data: dict[str, Any]

    @property
    def zdr(self) -> bool:
        return bool(self.data["supports_zdr"])

    @property
    def slug(self) -> str:
        return PROVIDERS.get(self.provider, (self.provider.lower(), False, ""))[0]

    @property
    def prompt_price(self) -> float:
        return float(self.data["pricing"]["prompt"])

    @property
    def completion_price(self) -> float:
        return float(self.data["pricing"]["completion"])


@dataclass
class Model:
    """One catalogue model (the exact /models entry) and its provider endpoints."""

    data: dict[str, Any]
    endpoints: list[Endpoint] = field(default_factory=list)

    @property
    def id(self) -> str:
        return str(self.data["id"])

    @property
    def output_modalities(self) -> list[str]:
        return list(self.data["architecture"]["output_modalities"])

    @property
    def kind(self) -> str:
        """``chat``, ``embeddings`` or ``rerank``."""
        mods = self.output_modalities
        if "embeddings" in mods:
            return "embeddings"
        if "rerank" in mods:
            return "rerank"
        return "chat"

    @property
    def supported_parameters(self) -> list[str]:
        return list(self.data.get("supported_parameters") or [])

    @property
    def supports_reasoning(self) -> bool:
        return "reasoning" in self.supported_parameters

    @property
    def reasoning_mandatory(self) -> bool:
        return bool((self.data.get("reasoning") or {}).get("mandatory"))

    @property
    def public(self) -> dict[str, Any]:
        """The /models entry without emulator-only keys, in the document's shape.

        ``supported_parameters`` keeps the document's ``Parameter`` values only (embedding
        models' ``dimensions`` etc. are not among them); ``supported_voices`` and ``links``
        are required there.
        """
        out = {
            k: v
            for k, v in self.data.items()
            if k not in ("rerank_provider", "upstream_model", "embedding_dimensions")
        }
        out["supported_parameters"] = [
            p for p in out.get("supported_parameters") or [] if p in DOCUMENTED_PARAMETERS
        ]
        out.setdefault("supported_voices", None)
        out.setdefault("links", {"details": f"/api/v1/models/{self.id}/endpoints"})
        return out


# the OpenAPI document's `Parameter` enum (what /models may list as supported_parameters)
DOCUMENTED_PARAMETERS = frozenset(
    [
        "temperature",
        "top_p",
        "top_k",
        "min_p",
        "top_a",
        "frequency_penalty",
        "presence_penalty",
        "repetition_penalty",
        "max_tokens",
        "max_completion_tokens",
        "logit_bias",
        "logprobs",
        "top_logprobs",
        "prediction",
        "seed",
        "response_format",
        "structured_outputs",
        "stop",
        "tools",
        "tool_choice",
        "parallel_tool_calls",
        "include_reasoning",
        "reasoning",
        "reasoning_effort",
        "web_search_options",
        "verbosity",
    ]
)


def _providers_for(model: dict[str, Any]) -> list[str]:
    model_id: str = model["id"]
    if "rerank_provider" in model:
        return [model["rerank_provider"]]
    author = model_id.split("/", 1)[0]
    if model_id.endswith(":free"):
        return ["Chutes"]
    if model_id.startswith(_OPEN_WEIGHT_PREFIXES):
        return ["DeepInfra", "Groq", "Fireworks", "Together"]
    if "embedding" in model_id and author == "qwen":
        return ["Nebius", "DeepInfra"]
    return _BY_AUTHOR.get(author, ["DeepInfra"])


def _build_endpoints(model: dict[str, Any]) -> list[Endpoint]:
    out = []
    model_id: str = model["id"]
    top = model.get("top_provider") or {}
    open_weight = model_id.split("/", 1)[0] not in ("openai", "anthropic", "google", "x-ai") or (
        model_id.startswith(_OPEN_WEIGHT_PREFIXES)
    )
    for rank, provider in enumerate(_providers_for(model)):
        h = _h(model_id, provider)
        slug, zdr, quant = PROVIDERS.get(provider, (provider.lower(), False, "unknown"))
        # the first provider charges the catalogue price; others up to +15 %, never less
        factor = Decimal(1) if rank == 0 else Decimal(100 + (h % 16)) / Decimal(100)
        pricing = {
            k: (_price(v, factor) if isinstance(v, str) else v)
            for k, v in model["pricing"].items()
            if k != "overrides"
        }
        quantization = quant if open_weight else "unknown"
        ctx = int(top.get("context_length") or model["context_length"])
        if rank > 0 and h % 3 == 0:
            ctx = max(8192, ctx // 2)
        tag = slug if quantization in ("unknown", "") else f"{slug}/{quantization}"
        latency_p50 = 180 + (h % 900)
        throughput_p50 = 25 + (h >> 12) % 170
        data = {
            "name": f"{provider} | {model_id}",
            "model_id": model_id,
            "model_name": model["name"],
            "context_length": ctx,
            "pricing": pricing,
            "provider_name": provider,
            "tag": tag,
            "quantization": quantization,
            "max_completion_tokens": top.get("max_completion_tokens"),
            "max_prompt_tokens": None,
            "supported_parameters": [
                p for p in model.get("supported_parameters") or [] if p in DOCUMENTED_PARAMETERS
            ],
            "status": 0,
            "uptime_last_30m": round(97.0 + (h >> 20) % 300 / 100.0, 2),
            "uptime_last_5m": round(97.0 + (h >> 30) % 300 / 100.0, 2),
            "uptime_last_1d": round(98.0 + (h >> 40) % 200 / 100.0, 2),
            "supports_implicit_caching": "input_cache_read" in pricing,
            "supports_zdr": zdr,
            "latency_last_30m": {
                "p50": latency_p50,
                "p75": int(latency_p50 * 1.4),
                "p90": int(latency_p50 * 2.1),
                "p99": int(latency_p50 * 4.0),
            },
            "throughput_last_30m": {
                "p50": throughput_p50,
                "p75": int(throughput_p50 * 0.8),
                "p90": int(throughput_p50 * 0.6),
                "p99": int(throughput_p50 * 0.3),
            },
        }
        out.append(Endpoint(model_id, provider, data))
    return out


class Catalogue:
    """All models, looked up by id or canonical slug, with cached wire bytes for listings."""

    def __init__(self, models: list[dict[str, Any]] | None = None) -> None:
        if models is None:
            text = resources.files(__package__).joinpath("models.json").read_text("utf-8")
            models = json.loads(text)
        self.models: list[Model] = [Model(m, _build_endpoints(m)) for m in models]
        self._by_id: dict[str, Model] = {}
        for model in self.models:
            self._by_id[model.id] = model
            self._by_id.setdefault(str(model.data.get("canonical_slug") or model.id), model)
        self._cache: dict[tuple[str, ...], bytes] = {}

    def get(self, model_id: str) -> Model | None:
        return self._by_id.get(model_id)

    def of_kind(self, kind: str) -> list[Model]:
        return [m for m in self.models if m.kind == kind]

    def filter(
        self, output_modalities: str | None = None, supported_parameters: str | None = None
    ) -> list[Model]:
        """The /models query filters. Output modality defaults to ``text``; ``all`` lists all."""
        wanted = {m.strip() for m in (output_modalities or "text").split(",") if m.strip()}
        params = {p.strip() for p in (supported_parameters or "").split(",") if p.strip()}
        out = []
        for model in self.models:
            if "all" not in wanted and not wanted.intersection(model.output_modalities):
                continue
            if params and not params.issubset(model.supported_parameters):
                continue
            out.append(model)
        return out

    def listing_bytes(
        self, output_modalities: str | None = None, supported_parameters: str | None = None
    ) -> bytes:
        """``{"data": [...]}`` for a filter, serialised once and cached (hot path for benches)."""
        key = ("list", output_modalities or "", supported_parameters or "")
        cached = self._cache.get(key)
        if cached is None:
            models = self.filter(output_modalities, supported_parameters)
            cached = dumps(_listing([m.public for m in models]))
            self._cache[key] = cached
        return cached

    def kind_bytes(self, kind: str) -> bytes:
        key = ("kind", kind)
        cached = self._cache.get(key)
        if cached is None:
            cached = dumps(_listing([m.public for m in self.of_kind(kind)]))
            self._cache[key] = cached
        return cached

    def endpoints_payload(self, model: Model) -> dict[str, Any]:
        data = model.data
        return {
            "data": {
                "id": model.id,
                "name": data["name"],
                "created": data["created"],
                "description": data.get("description", ""),
                "architecture": data["architecture"],
                "endpoints": [e.data for e in model.endpoints],
            }
        }

    @cached_property
    def providers_payload(self) -> dict[str, Any]:
        names = sorted({e.provider for m in self.models for e in m.endpoints} | set(PROVIDERS))
        out = []
        for name in names:
            slug = PROVIDERS.get(name, (name.lower(), False, ""))[0]
            out.append(
                {
                    "name": name,
                    "slug": slug,
                    "privacy_policy_url": f"https://{slug}.example/privacy",
                    "terms_of_service_url": f"https://{slug}.example/terms",
                    "status_page_url": None,
                }
            )
        return {"data": out}

    @cached_property
    def zdr_payload(self) -> dict[str, Any]:
        return {"data": [e.data for m in self.models for e in m.endpoints if e.zdr]}


def _listing(models: list[dict[str, Any]]) -> dict[str, Any]:
    """A whole model listing: one page, so no next link."""
    return {"data": models, "total_count": len(models), "links": {"next": None}}


_DEFAULT: Catalogue | None = None


def default_catalogue() -> Catalogue:
    """The shared, read-only catalogue (built once per process)."""
    global _DEFAULT
    if _DEFAULT is None:
        _DEFAULT = Catalogue()
    return _DEFAULT
