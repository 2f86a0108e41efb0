"""Types of POST /chat/completions: the completion, stream chunks, messages, tool calls."""

from __future__ import annotations

from typing import Any

from ._base import OpenRouterModel
from .usage import Usage


class FunctionCall(OpenRouterModel):
    name: str | None = None
    arguments: str | None = None


class ToolCall(OpenRouterModel):
    id: str | None = None
    type: str | None = "function"
    function: FunctionCall | None = None


class ChatMessage(OpenRouterModel):
    """The assistant's message. `reasoning_details` must go back unchanged on later turns."""

    role: str | None = "assistant"
    content: str | list[Any] | None = None
    refusal: str | None = None
    reasoning: str | None = None
    reasoning_details: list[dict[str, Any]] | None = None
    tool_calls: list[ToolCall] | None = None
    images: list[dict[str, Any]] | None = None
    annotations: list[dict[str, Any]] | None = None
    audio: dict[str, Any] | None = None


class Choice(OpenRouterModel):
    index: int = 0
    message: ChatMessage | None = None
    finish_reason: str | None = None
    native_finish_reason: str | None = None
    logprobs: dict[str, Any] | None = None
    error: dict[str, Any] | None = None


class ChatCompletion(OpenRouterModel):
    """A chat completion. `provider` names the upstream that served it; `usage.cost` is in USD."""

    __columns__ = "id model provider text choices.0.finish_reason usage.prompt_tokens usage.completion_tokens usage.cost:$"

    id: str | None = None
    object: str | None = None
    created: int | None = None
    model: str | None = None
    provider: str | None = None
    system_fingerprint: str | None = None
    service_tier: str | None = None
    choices: list[Choice] = []
    usage: Usage | None = None

    @property
    def text(self) -> str:
        """The first choice's text content ('' when there is none)."""
        if not self.choices or self.choices[0].message is None:
            return ""
        content = self.choices[0].message.content
        if isinstance(content, str):
            return content
        if isinstance(content, list):
            return "".join(p.get("text", "") for p in content if isinstance(p, dict))
        return ""


class ToolCallDelta(OpenRouterModel):
    index: int = 0
    id: str | None = None
    type: str | None = None
    function: FunctionCall | None = None


class ChoiceDelta(OpenRouterModel):
    role: str | None = None
    content: str | None = None
    refusal: str | None = None
    reasoning: str | None = None
    reasoning_details: list[dict[str, Any]] | None = None
    tool_calls: list[ToolCallDelta] | None = None
    images: list[dict[str, Any]] | None = None
    annotations: list[dict[str, Any]] | None = None
    audio: dict[str, Any] | None = None


class ChunkChoice(OpenRouterModel):
    index: int = 0
    delta: ChoiceDelta | None = None
    finish_reason: str | None = None
    native_finish_reason: str | None = None
    logprobs: dict[str, Any] | None = None
    error: dict[str, Any] | None = None


class ChatCompletionChunk(OpenRouterModel):
    """One streamed chunk. The last one carries `usage` (with `choices` empty or repeated)."""

    id: str | None = None
    object: str | None = None
    created: int | None = None
    model: str | None = None
    provider: str | None = None
    system_fingerprint: str | None = None
    service_tier: str | None = None
    choices: list[ChunkChoice] = []
    usage: Usage | None = None
