"""Types of GET /generation: the metadata, cost and token counts of one generation."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from ._base import OpenRouterModel
from .common import DataObject


class Generation(OpenRouterModel):
    """What OpenRouter recorded for one generation; `total_cost` and `usage` are USD."""

    __columns__ = "id model provider_name tokens_prompt tokens_completion total_cost:$ latency finish_reason created_at"

    id: str | None = None
    upstream_id: str | None = None
    total_cost: float | None = None
    cache_discount: float | None = None
    upstream_inference_cost: float | None = None
    created_at: datetime | None = None
    model: str | None = None
    app_id: int | None = None
    streamed: bool | None = None
    cancelled: bool | None = None
    provider_name: str | None = None
    latency: float | None = None
    moderation_latency: float | None = None
    generation_time: float | None = None
    finish_reason: str | None = None
    native_finish_reason: str | None = None
    tokens_prompt: int | None = None
    tokens_completion: int | None = None
    native_tokens_prompt: int | None = None
    native_tokens_completion: int | None = None
    native_tokens_completion_images: int | None = None
    native_tokens_reasoning: int | None = None
    native_tokens_cached: int | None = None
    num_media_prompt: int | None = None
    num_input_audio_prompt: int | None = None
    num_media_completion: int | None = None
    num_search_results: int | None = None
    origin: str | None = None
    usage: float | None = None
    is_byok: bool | None = None
    external_user: str | None = None
    api_type: str | None = None
    router: str | None = None
    provider_responses: list[dict[str, Any]] | None = None
    user_agent: str | None = None
    http_referer: str | None = None
    session_id: str | None = None


class GenerationResponse(DataObject[Generation]):
    """`data` holds the Generation."""
