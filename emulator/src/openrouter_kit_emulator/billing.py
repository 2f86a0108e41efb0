"""Token usage, cost from catalogue prices, and the generation record of one request."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .catalogue import Endpoint
from .state import iso


@dataclass
class Usage:
    """Counts and cost of one request, rendered into each API's usage shape."""

    prompt_tokens: int
    completion_tokens: int
    reasoning_tokens: int
    prompt_cost: float
    completion_cost: float
    image_tokens: int = 0
    cached_tokens: int = 0

    def read_from_cache(self, endpoint: Endpoint) -> None:
        """The whole prompt was served from the provider's prompt cache (implicit caching):
        counted as cached and billed at the endpoint's ``input_cache_read`` price."""
        read_price = float(endpoint.data["pricing"].get("input_cache_read") or 0)
        self.cached_tokens = self.prompt_tokens
        self.prompt_cost = _r(self.prompt_tokens * read_price)

    @classmethod
    def priced(cls, endpoint: Endpoint, prompt: int, completion: int, reasoning: int) -> Usage:
        return cls(
            prompt,
            completion,
            reasoning,
            _r(prompt * endpoint.prompt_price),
            _r(completion * endpoint.completion_price),
        )

    @property
    def total_tokens(self) -> int:
        return self.prompt_tokens + self.completion_tokens

    @property
    def cost(self) -> float:
        return _r(self.prompt_cost + self.completion_cost)

    def chat(self) -> dict[str, Any]:
        """/chat/completions usage as recorded in 2026 real traffic (README fact 15)."""
        return {
            "prompt_tokens": self.prompt_tokens,
            "completion_tokens": self.completion_tokens,
            "total_tokens": self.total_tokens,
            "cost": self.cost,
            "is_byok": False,
            "prompt_tokens_details": {
                "cached_tokens": self.cached_tokens,
                "cache_write_tokens": 0,
                "audio_tokens": 0,
                "video_tokens": 0,
            },
            "cost_details": {
                "upstream_inference_cost": None,
                "upstream_inference_prompt_cost": self.prompt_cost,
                "upstream_inference_completions_cost": self.completion_cost,
            },
            "completion_tokens_details": {
                "reasoning_tokens": self.reasoning_tokens,
                "image_tokens": self.image_tokens,
                "audio_tokens": 0,
            },
        }

    def responses(self) -> dict[str, Any]:
        """/responses usage (README fact 16)."""
        return {
            "input_tokens": self.prompt_tokens,
            "input_tokens_details": {"cached_tokens": self.cached_tokens},
            "output_tokens": self.completion_tokens,
            "output_tokens_details": {"reasoning_tokens": self.reasoning_tokens},
            "total_tokens": self.total_tokens,
            "cost": self.cost,
            "is_byok": False,
            "cost_details": {
                "upstream_inference_cost": None,
                "upstream_inference_input_cost": self.prompt_cost,
                "upstream_inference_output_cost": self.completion_cost,
            },
        }

    def messages(self) -> dict[str, Any]:
        """Anthropic Messages usage."""
        return {
            "input_tokens": self.prompt_tokens,
            "output_tokens": self.completion_tokens,
            "cache_creation_input_tokens": 0,
            "cache_read_input_tokens": self.cached_tokens,
            "cache_creation": None,
            "inference_geo": None,
            "output_tokens_details": None,
            "server_tool_use": None,
            "service_tier": "standard",
            "cost": self.cost,
        }


def _r(value: float) -> float:
    """Round money like OpenRouter prints it (no float noise such as 4.6500000000000005e-06)."""
    return float(f"{value:.12g}")


def generation_record(
    *,
    gen_id: str,
    created: int,
    model: str,
    endpoint: Endpoint,
    usage: Usage,
    streamed: bool,
    finish_reason: str | None,
    native_finish_reason: str | None,
    api_type: str,
    user_agent: str | None,
    referer: str | None,
    latency_ms: int = 0,
    preset_id: str | None = None,
    workspace_id: str | None = None,
) -> dict[str, Any]:
    """The GET /generation ``data`` object (spec fields)."""
    return {
        "id": gen_id,
        "upstream_id": None,
        "total_cost": usage.cost,
        "cache_discount": None,
        "upstream_inference_cost": None,
        "created_at": iso(created),
        "model": model,
        "app_id": None,
        "streamed": streamed,
        "cancelled": False,
        "provider_name": endpoint.provider,
        "latency": latency_ms or endpoint.data["latency_last_30m"]["p50"],
        "moderation_latency": None,
        "generation_time": max(1, usage.completion_tokens * 10),
        "finish_reason": finish_reason,
        "tokens_prompt": usage.prompt_tokens,
        "tokens_completion": usage.completion_tokens,
        "native_tokens_prompt": usage.prompt_tokens,
        "native_tokens_completion": usage.completion_tokens,
        "native_tokens_completion_images": 0,
        "native_tokens_reasoning": usage.reasoning_tokens,
        "native_tokens_cached": usage.cached_tokens,
        "num_media_prompt": None,
        "num_input_audio_prompt": None,
        "num_media_completion": 0,
        "num_search_results": None,
        "origin": referer or "",
        "usage": usage.cost,
        "is_byok": False,
        "native_finish_reason": native_finish_reason,
        "external_user": None,
        "api_type": api_type,
        "router": None,
        "provider_responses": None,
        "user_agent": user_agent,
        "http_referer": referer,
        "service_tier": None,
        "num_fetches": None,
        "web_search_engine": None,
        "preset_id": preset_id,
        "data_region": "global",
        "workspace_id": workspace_id,
    }
