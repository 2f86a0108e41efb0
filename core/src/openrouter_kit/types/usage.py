"""Token counts and cost of a call: what every generation's `usage` holds.

Its own module so that reading a chat answer builds only these types (see common.py for the rest).
"""

from __future__ import annotations

from ._base import OpenRouterModel


class PromptTokensDetails(OpenRouterModel):
    cached_tokens: int | None = None
    cache_write_tokens: int | None = None
    audio_tokens: int | None = None
    video_tokens: int | None = None


class CompletionTokensDetails(OpenRouterModel):
    reasoning_tokens: int | None = None
    image_tokens: int | None = None
    audio_tokens: int | None = None
    accepted_prediction_tokens: int | None = None
    rejected_prediction_tokens: int | None = None


class CostDetails(OpenRouterModel):
    upstream_inference_cost: float | None = None
    upstream_inference_prompt_cost: float | None = None
    upstream_inference_completions_cost: float | None = None


class ServerToolUseDetails(OpenRouterModel):
    web_search_requests: int | None = None


class Usage(OpenRouterModel):
    """Token counts and what the call cost in USD (`cost`), as OpenRouter reports them."""

    prompt_tokens: int | None = None
    completion_tokens: int | None = None
    total_tokens: int | None = None
    cost: float | None = None
    is_byok: bool | None = None
    prompt_tokens_details: PromptTokensDetails | None = None
    completion_tokens_details: CompletionTokensDetails | None = None
    cost_details: CostDetails | None = None
    server_tool_use_details: ServerToolUseDetails | None = None
