"""Types of POST /responses (the OpenAI Responses API via OpenRouter): the response and its stream events.

Stream events share `ResponseStreamEvent` (`type`, `sequence_number`); known types parse to a
subclass (see `RESPONSE_EVENTS`), unknown ones to the base class with every field kept.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import Field

from .. import _json
from ..errors import PartialOutput
from ._base import OpenRouterModel


class ResponseInputTokensDetails(OpenRouterModel):
    cached_tokens: int | None = None


class ResponseOutputTokensDetails(OpenRouterModel):
    reasoning_tokens: int | None = None


class ResponseCostDetails(OpenRouterModel):
    upstream_inference_cost: float | None = None
    upstream_inference_input_cost: float | None = None
    upstream_inference_output_cost: float | None = None


class ResponseUsage(OpenRouterModel):
    """Token counts and the USD cost of one response."""

    input_tokens: int | None = None
    input_tokens_details: ResponseInputTokensDetails | None = None
    output_tokens: int | None = None
    output_tokens_details: ResponseOutputTokensDetails | None = None
    total_tokens: int | None = None
    cost: float | None = None
    is_byok: bool | None = None
    cost_details: ResponseCostDetails | None = None


class ResponseContentPart(OpenRouterModel):
    """A part of an output item: output_text, refusal, reasoning_text, summary_text, ..."""

    type: str | None = None
    text: str | None = None
    refusal: str | None = None
    annotations: list[dict[str, Any]] | None = None
    logprobs: list[Any] | None = None


class ResponseOutputItem(OpenRouterModel):
    """One output item: a `message`, a `function_call`, a `reasoning` block, or another kind."""

    type: str | None = None
    id: str | None = None
    status: str | None = None
    role: str | None = None
    content: list[ResponseContentPart] | None = None
    # function_call
    call_id: str | None = None
    name: str | None = None
    arguments: str | None = None
    # reasoning
    summary: list[ResponseContentPart] | None = None
    encrypted_content: str | None = None


class ResponseError(OpenRouterModel):
    code: str | int | None = None
    message: str | None = None


class Response(OpenRouterModel):
    """A Responses-API response; `text` joins the assistant's output text."""

    __columns__ = "id model status text usage.input_tokens usage.output_tokens usage.cost:$"

    id: str | None = None
    object: str | None = None
    created_at: datetime | None = None
    completed_at: datetime | None = None
    model: str | None = None
    status: str | None = None
    output: list[ResponseOutputItem] = []
    output_text: str | None = None
    error: ResponseError | None = None
    incomplete_details: dict[str, Any] | None = None
    instructions: str | list[Any] | None = None
    tools: list[dict[str, Any]] | None = None
    tool_choice: str | dict[str, Any] | None = None
    parallel_tool_calls: bool | None = None
    max_output_tokens: int | None = None
    temperature: float | None = None
    top_p: float | None = None
    metadata: dict[str, Any] | None = None
    previous_response_id: str | None = None
    service_tier: str | None = None
    reasoning: dict[str, Any] | None = None
    text_config: dict[str, Any] | None = Field(default=None, alias="text")
    """The `text` output configuration (format, verbosity); renamed so `.text` can be the output."""
    usage: ResponseUsage | None = None

    @property
    def text(self) -> str:
        """The output_text parts of every message item, joined ('' when there are none)."""
        parts = [
            part.text
            for item in self.output
            if item.type == "message"
            for part in item.content or ()
            if part.type == "output_text" and part.text
        ]
        return "".join(parts) or (self.output_text or "")

    @property
    def function_calls(self) -> list[ResponseOutputItem]:
        """The function_call output items (name, call_id, JSON arguments)."""
        return [item for item in self.output if item.type == "function_call"]


# -- stream events -------------------------------------------------------------------------


class ResponseStreamEvent(OpenRouterModel):
    """One event of a /responses stream. Unknown event types parse to this class."""

    type: str
    sequence_number: int | None = None


class ResponseLifecycleEvent(ResponseStreamEvent):
    """response.created / in_progress / completed / incomplete / failed: the whole response so far."""

    response: Response | None = None


class ResponseOutputItemEvent(ResponseStreamEvent):
    """response.output_item.added / done."""

    output_index: int | None = None
    item: ResponseOutputItem | None = None


class ResponseContentPartEvent(ResponseStreamEvent):
    """response.content_part.added / done (also reasoning_summary_part.*)."""

    output_index: int | None = None
    item_id: str | None = None
    content_index: int | None = None
    summary_index: int | None = None
    part: ResponseContentPart | None = None


class ResponseTextDeltaEvent(ResponseStreamEvent):
    """A text fragment: output_text, refusal, reasoning_text or reasoning_summary_text `.delta`."""

    output_index: int | None = None
    item_id: str | None = None
    content_index: int | None = None
    summary_index: int | None = None
    delta: str = ""
    logprobs: list[Any] | None = None


class ResponseTextDoneEvent(ResponseStreamEvent):
    """The full text of a part once it is done (output_text, refusal, reasoning ... `.done`)."""

    output_index: int | None = None
    item_id: str | None = None
    content_index: int | None = None
    summary_index: int | None = None
    text: str | None = None
    refusal: str | None = None


class ResponseFunctionCallArgumentsDeltaEvent(ResponseStreamEvent):
    """response.function_call_arguments.delta: a fragment of a tool call's JSON arguments."""

    output_index: int | None = None
    item_id: str | None = None
    delta: str = ""


class ResponseFunctionCallArgumentsDoneEvent(ResponseStreamEvent):
    """response.function_call_arguments.done: the complete JSON arguments."""

    output_index: int | None = None
    item_id: str | None = None
    name: str | None = None
    arguments: str | None = None


class ResponseErrorEvent(ResponseStreamEvent):
    """An `error` event (the stream raises StreamError when one arrives)."""

    code: str | int | None = None
    message: str | None = None
    param: str | None = None
    error: dict[str, Any] | None = None


REASONING_DELTAS = frozenset(
    {"response.reasoning_text.delta", "response.reasoning_summary_text.delta"}
)

RESPONSE_EVENTS: dict[str, type[ResponseStreamEvent]] = {
    **dict.fromkeys(
        (
            "response.created",
            "response.in_progress",
            "response.completed",
            "response.incomplete",
            "response.failed",
            "response.queued",
        ),
        ResponseLifecycleEvent,
    ),
    **dict.fromkeys(
        ("response.output_item.added", "response.output_item.done"), ResponseOutputItemEvent
    ),
    **dict.fromkeys(
        (
            "response.content_part.added",
            "response.content_part.done",
            "response.reasoning_summary_part.added",
            "response.reasoning_summary_part.done",
        ),
        ResponseContentPartEvent,
    ),
    **dict.fromkeys(
        ("response.output_text.delta", "response.refusal.delta", *REASONING_DELTAS),
        ResponseTextDeltaEvent,
    ),
    **dict.fromkeys(
        (
            "response.output_text.done",
            "response.refusal.done",
            "response.reasoning_text.done",
            "response.reasoning_summary_text.done",
        ),
        ResponseTextDoneEvent,
    ),
    "response.function_call_arguments.delta": ResponseFunctionCallArgumentsDeltaEvent,
    "response.function_call_arguments.done": ResponseFunctionCallArgumentsDoneEvent,
    "error": ResponseErrorEvent,
}


def parse_response_event(data: bytes) -> ResponseStreamEvent:
    """The typed event for one SSE data payload, chosen by its `type`."""
    payload = _json.loads(data)
    cls = RESPONSE_EVENTS.get(payload.get("type"), ResponseStreamEvent)
    return cls.model_validate(payload)


def responses_partial(events: list[Any]) -> PartialOutput:
    """What a /responses stream delivered before it failed: text, reasoning, calls, usage."""
    text: list[str] = []
    reasoning: list[str] = []
    calls: dict[str, dict[str, Any]] = {}
    usage = None
    for event in events:
        kind = event.type
        if kind == "response.output_text.delta":
            text.append(event.delta)
        elif kind in REASONING_DELTAS:
            reasoning.append(event.delta)
        elif isinstance(event, ResponseOutputItemEvent) and event.item is not None:
            item = event.item
            if item.type == "function_call" and item.id:
                entry = calls.setdefault(
                    item.id,
                    {
                        "id": item.call_id,
                        "type": "function",
                        "function": {"name": item.name or "", "arguments": ""},
                    },
                )
                if item.arguments:
                    entry["function"]["arguments"] = item.arguments
        elif isinstance(event, ResponseFunctionCallArgumentsDeltaEvent) and event.item_id:
            known = calls.get(event.item_id)
            if known is not None:
                known["function"]["arguments"] += event.delta
        elif isinstance(event, ResponseLifecycleEvent) and event.response is not None:
            usage = event.response.usage or usage
    return PartialOutput(
        text="".join(text),
        reasoning="".join(reasoning),
        tool_calls=list(calls.values()),
        usage=usage,
        chunks=len(events),
    )
