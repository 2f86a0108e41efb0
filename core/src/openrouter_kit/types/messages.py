"""Types of POST /messages (the Anthropic Messages format via OpenRouter): the message and its stream events.

Stream events share `MessageStreamEvent` (`type`); message_start, content_block_start,
content_block_delta, content_block_stop, message_delta, message_stop, ping and error parse to
their own classes, unknown types to the base class with every field kept.
"""

from __future__ import annotations

import json
from typing import Any

from .. import _json
from ..errors import PartialOutput
from ._base import OpenRouterModel


class MessageUsage(OpenRouterModel):
    """Token counts (Anthropic names) and OpenRouter's USD `cost`."""

    input_tokens: int | None = None
    output_tokens: int | None = None
    cache_creation_input_tokens: int | None = None
    cache_read_input_tokens: int | None = None
    cost: float | None = None
    service_tier: str | None = None


class ContentBlock(OpenRouterModel):
    """One content block: text, thinking, redacted_thinking, tool_use, or another kind."""

    type: str | None = None
    text: str | None = None
    thinking: str | None = None
    signature: str | None = None
    id: str | None = None
    name: str | None = None
    input: dict[str, Any] | None = None
    citations: list[dict[str, Any]] | None = None


class Message(OpenRouterModel):
    """An assistant message; `text` joins its text blocks, `tool_uses` lists its tool_use blocks."""

    __columns__ = "id model text stop_reason usage.input_tokens usage.output_tokens usage.cost:$"

    id: str | None = None
    type: str | None = None
    role: str | None = None
    model: str | None = None
    provider: str | None = None
    content: list[ContentBlock] = []
    stop_reason: str | None = None
    stop_sequence: str | None = None
    usage: MessageUsage | None = None

    @property
    def text(self) -> str:
        return "".join(b.text or "" for b in self.content if b.type == "text")

    @property
    def tool_uses(self) -> list[ContentBlock]:
        return [b for b in self.content if b.type == "tool_use"]


# -- stream events -------------------------------------------------------------------------


class MessageStreamEvent(OpenRouterModel):
    """One event of a /messages stream. Unknown event types parse to this class."""

    type: str


class MessageStartEvent(MessageStreamEvent):
    message: Message | None = None


class ContentBlockStartEvent(MessageStreamEvent):
    index: int = 0
    content_block: ContentBlock | None = None


class ContentBlockDelta(OpenRouterModel):
    """text_delta (`text`), input_json_delta (`partial_json`), thinking_delta, signature_delta, ..."""

    type: str | None = None
    text: str | None = None
    partial_json: str | None = None
    thinking: str | None = None
    signature: str | None = None


class ContentBlockDeltaEvent(MessageStreamEvent):
    index: int = 0
    delta: ContentBlockDelta | None = None


class ContentBlockStopEvent(MessageStreamEvent):
    index: int = 0


class MessageDelta(OpenRouterModel):
    stop_reason: str | None = None
    stop_sequence: str | None = None


class MessageDeltaEvent(MessageStreamEvent):
    """The final stop reason and cumulative usage (with cost)."""

    delta: MessageDelta | None = None
    usage: MessageUsage | None = None


class MessageStopEvent(MessageStreamEvent):
    pass


class PingEvent(MessageStreamEvent):
    pass


class MessageErrorDetail(OpenRouterModel):
    type: str | None = None
    message: str | None = None


class MessageErrorEvent(MessageStreamEvent):
    """An `error` event (the stream raises StreamError when one arrives)."""

    error: MessageErrorDetail | None = None


MESSAGE_EVENTS: dict[str, type[MessageStreamEvent]] = {
    "message_start": MessageStartEvent,
    "content_block_start": ContentBlockStartEvent,
    "content_block_delta": ContentBlockDeltaEvent,
    "content_block_stop": ContentBlockStopEvent,
    "message_delta": MessageDeltaEvent,
    "message_stop": MessageStopEvent,
    "ping": PingEvent,
    "error": MessageErrorEvent,
}


def parse_message_event(data: bytes) -> MessageStreamEvent:
    """The typed event for one SSE data payload, chosen by its `type`."""
    payload = _json.loads(data)
    cls = MESSAGE_EVENTS.get(payload.get("type"), MessageStreamEvent)
    return cls.model_validate(payload)


def messages_partial(events: list[Any]) -> PartialOutput:
    """What a /messages stream delivered before it failed: text, thinking, tool uses, usage."""
    text: list[str] = []
    reasoning: list[str] = []
    calls: dict[int, dict[str, Any]] = {}
    usage = None
    for event in events:
        if isinstance(event, ContentBlockDeltaEvent) and event.delta is not None:
            delta = event.delta
            if delta.text:
                text.append(delta.text)
            elif delta.thinking:
                reasoning.append(delta.thinking)
            elif delta.partial_json and event.index in calls:
                calls[event.index]["function"]["arguments"] += delta.partial_json
        elif isinstance(event, ContentBlockStartEvent) and event.content_block is not None:
            block = event.content_block
            if block.type == "tool_use":
                calls[event.index] = {
                    "id": block.id,
                    "type": "function",
                    "function": {
                        "name": block.name or "",
                        "arguments": json.dumps(block.input) if block.input else "",
                    },
                }
        elif isinstance(event, MessageDeltaEvent) and event.usage is not None:
            usage = event.usage
        elif isinstance(event, MessageStartEvent) and event.message is not None:
            usage = event.message.usage or usage
    return PartialOutput(
        text="".join(text),
        reasoning="".join(reasoning),
        tool_calls=[calls[i] for i in sorted(calls)],
        usage=usage,
        chunks=len(events),
    )
