"""Types of the models group: GET /models, /models/count, /models/user, /models/{author}/{slug}/endpoints.

Prices arrive as strings on the wire; they are exact `Decimal` USD per token here, with
`*_per_million` helpers for the figure people quote.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from ._base import OpenRouterModel
from .common import per_million


class Architecture(OpenRouterModel):
    modality: str | None = None
    input_modalities: list[str] = []
    output_modalities: list[str] = []
    tokenizer: str | None = None
    instruct_type: str | None = None


class Pricing(OpenRouterModel):
    """USD per token (or per request/image/search), exact."""

    __columns__ = "prompt:$/M completion:$/M request:$ image:$ web_search:$ input_cache_read:$/M"

    prompt: Decimal | None = None
    completion: Decimal | None = None
    request: Decimal | None = None
    image: Decimal | None = None
    web_search: Decimal | None = None
    internal_reasoning: Decimal | None = None
    input_cache_read: Decimal | None = None
    input_cache_write: Decimal | None = None
    input_cache_write_1h: Decimal | None = None
    image_token: Decimal | None = None
    image_output: Decimal | None = None
    audio: Decimal | None = None
    audio_output: Decimal | None = None
    input_audio_cache: Decimal | None = None
    discount: float | None = None

    @property
    def prompt_per_million(self) -> Decimal | None:
        return per_million(self.prompt)

    @property
    def completion_per_million(self) -> Decimal | None:
        return per_million(self.completion)

    @property
    def internal_reasoning_per_million(self) -> Decimal | None:
        return per_million(self.internal_reasoning)

    @property
    def input_cache_read_per_million(self) -> Decimal | None:
        return per_million(self.input_cache_read)

    @property
    def input_cache_write_per_million(self) -> Decimal | None:
        return per_million(self.input_cache_write)

    def estimate(self, prompt_tokens: int, completion_tokens: int) -> Decimal:
        """Cost in USD of a call with these token counts at these prices (request fee included)."""
        total = Decimal(0)
        if self.prompt and self.prompt > 0:
            total += self.prompt * prompt_tokens
        if self.completion and self.completion > 0:
            total += self.completion * completion_tokens
        if self.request and self.request > 0:
            total += self.request
        return total


class TopProvider(OpenRouterModel):
    context_length: int | None = None
    max_completion_tokens: int | None = None
    is_moderated: bool | None = None


class Model(OpenRouterModel):
    """One model of the catalogue."""

    __columns__ = "id name context_length pricing.prompt:$/M pricing.completion:$/M"

    id: str
    canonical_slug: str | None = None
    hugging_face_id: str | None = None
    name: str | None = None
    created: int | None = None
    description: str | None = None
    context_length: int | None = None
    architecture: Architecture | None = None
    pricing: Pricing | None = None
    top_provider: TopProvider | None = None
    per_request_limits: dict[str, Any] | None = None
    supported_parameters: list[str] = []
    default_parameters: dict[str, Any] | None = None

    def supports(self, parameter: str) -> bool:
        """Whether the model accepts a request parameter (e.g. 'tools', 'response_format')."""
        return parameter in self.supported_parameters

    @property
    def input_modalities(self) -> list[str]:
        return self.architecture.input_modalities if self.architecture else []

    @property
    def output_modalities(self) -> list[str]:
        return self.architecture.output_modalities if self.architecture else []


class ModelList(OpenRouterModel):
    data: list[Model] = []

    def __iter__(self) -> Any:
        return iter(self.data)

    def __len__(self) -> int:
        return len(self.data)

    def get(self, model_id: str) -> Model | None:
        """The model with this id, or None."""
        for model in self.data:
            if model.id == model_id or model.canonical_slug == model_id:
                return model
        return None


class ModelCountData(OpenRouterModel):
    count: int


class ModelCount(OpenRouterModel):
    data: ModelCountData


class ModelEndpoint(OpenRouterModel):
    """One provider's endpoint for a model: its prices, limits, quantization and health."""

    __columns__ = "provider_name tag quantization context_length pricing.prompt:$/M pricing.completion:$/M uptime_last_30m"

    name: str | None = None
    model_id: str | None = None
    model_name: str | None = None
    provider_name: str | None = None
    tag: str | None = None
    context_length: int | None = None
    max_completion_tokens: int | None = None
    max_prompt_tokens: int | None = None
    quantization: str | None = None
    pricing: Pricing | None = None
    supported_parameters: list[str] = []
    status: int | None = None
    uptime_last_5m: float | None = None
    uptime_last_30m: float | None = None
    uptime_last_1d: float | None = None
    supports_zdr: bool | None = None
    supports_tool_choice: dict[str, Any] | None = None
    service_tier: str | None = None
    latency_last_30m: Any = None
    throughput_last_30m: Any = None
    supports_implicit_caching: bool | None = None


class ModelEndpointsData(OpenRouterModel):
    __items__ = "endpoints"
    id: str | None = None
    name: str | None = None
    created: int | None = None
    description: str | None = None
    architecture: Architecture | None = None
    endpoints: list[ModelEndpoint] = []


class ModelEndpoints(OpenRouterModel):
    data: ModelEndpointsData


class ZdrEndpoints(OpenRouterModel):
    """GET /endpoints/zdr: the provider endpoints that keep zero data retention."""

    data: list[ModelEndpoint] = []

    def __iter__(self) -> Any:
        return iter(self.data)

    def __len__(self) -> int:
        return len(self.data)
