"""Typed stream events of /responses and /messages on hand-written SSE: unknown types, in-band
errors in each wire shape, and the partial output a StreamError carries."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest
from core_support import make_async_client, make_client
from openrouter_kit import StreamError
from openrouter_kit.types.messages import (
    ContentBlockDeltaEvent,
    MessageErrorEvent,
    MessageStreamEvent,
    PingEvent,
)
from openrouter_kit.types.responses import (
    ResponseErrorEvent,
    ResponseFunctionCallArgumentsDeltaEvent,
    ResponseStreamEvent,
    ResponseTextDeltaEvent,
)


def sse(*events: dict[str, Any], named: bool = False, done: bool = True) -> bytes:
    out = b": OPENROUTER PROCESSING\n\n"
    for event in events:
        if named:
            out += f"event: {event['type']}\n".encode()
        out += b"data: " + json.dumps(event).encode() + b"\n\n"
    if done:
        out += b"data: [DONE]\n\n"
    return out


def streaming(body: bytes) -> Any:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, content=body, headers={"content-type": "text/event-stream"})

    return handler


CALL = {"type": "function_call", "id": "fc_1", "call_id": "call_1", "name": "lookup"}
RESPONSE_EVENTS = [
    {"type": "response.created", "response": {"id": "gen-1", "status": "in_progress"}},
    {"type": "response.output_item.added", "output_index": 0, "item": CALL},
    {"type": "response.function_call_arguments.delta", "item_id": "fc_1", "delta": '{"q":'},
    {"type": "response.function_call_arguments.delta", "item_id": "fc_1", "delta": ' "x"}'},
    {"type": "response.reasoning_summary_text.delta", "item_id": "rs_1", "delta": "thinking"},
    {"type": "response.output_text.delta", "item_id": "msg_1", "delta": "Hel"},
    {"type": "response.brand_new_event", "surprise": {"kept": True}},
    {"type": "response.output_text.delta", "item_id": "msg_1", "delta": "lo"},
]


def test_unknown_response_events_parse_to_the_base_class_with_fields_kept() -> None:
    client, seen = make_client(streaming(sse(*RESPONSE_EVENTS)))
    with client.responses.create(model="m", input="hi", stream=True) as stream:
        events = list(stream)
    assert json.loads(seen.last.content) == {"model": "m", "input": "hi", "stream": True}
    assert [e.type for e in events] == [e["type"] for e in RESPONSE_EVENTS]
    unknown = events[6]
    assert type(unknown) is ResponseStreamEvent and unknown.surprise == {"kept": True}
    assert isinstance(events[2], ResponseFunctionCallArgumentsDeltaEvent)
    assert isinstance(events[4], ResponseTextDeltaEvent) and events[4].delta == "thinking"


@pytest.mark.parametrize(
    "error_event",
    [
        # OpenAI Responses shape: code and message at the top level
        {"type": "error", "code": "server_error", "message": "upstream broke", "param": None},
        # OpenRouter's nested shape
        {"type": "error", "error": {"code": 502, "message": "upstream broke"}},
        # a failed response
        {
            "type": "response.failed",
            "response": {
                "id": "gen-1",
                "status": "failed",
                "error": {"code": "server_error", "message": "upstream broke"},
            },
        },
    ],
)
async def test_response_stream_errors_raise_with_the_partial_output(
    error_event: dict[str, Any],
) -> None:
    client, _ = make_async_client(streaming(sse(*RESPONSE_EVENTS, error_event)))
    stream = await client.responses.create(model="m", input="hi", stream=True)
    received = []
    with pytest.raises(StreamError, match="upstream broke") as caught:
        async for event in stream:
            received.append(event)
    assert len(received) == len(RESPONSE_EVENTS)
    partial = caught.value.partial
    assert partial.text == "Hello"
    assert partial.reasoning == "thinking"
    assert partial.tool_calls == [
        {
            "id": "call_1",
            "type": "function",
            "function": {"name": "lookup", "arguments": '{"q": "x"}'},
        }
    ]
    assert stream.closed


def test_error_event_type_is_typed() -> None:
    from openrouter_kit.types.responses import parse_response_event

    event = parse_response_event(b'{"type":"error","code":"rate_limit","message":"slow down"}')
    assert isinstance(event, ResponseErrorEvent) and event.code == "rate_limit"


MESSAGE_EVENTS = [
    {"type": "message_start", "message": {"id": "gen-2", "type": "message", "role": "assistant", "content": [], "usage": {"input_tokens": 5, "output_tokens": 0}}},
    {"type": "ping"},
    {"type": "content_block_start", "index": 0, "content_block": {"type": "thinking", "thinking": ""}},
    {"type": "content_block_delta", "index": 0, "delta": {"type": "thinking_delta", "thinking": "hmm"}},
    {"type": "content_block_start", "index": 1, "content_block": {"type": "text", "text": ""}},
    {"type": "content_block_delta", "index": 1, "delta": {"type": "text_delta", "text": "Hi "}},
    {"type": "content_block_start", "index": 2, "content_block": {"type": "tool_use", "id": "toolu_1", "name": "lookup", "input": {}}},
    {"type": "content_block_delta", "index": 2, "delta": {"type": "input_json_delta", "partial_json": '{"q": '}},
    {"type": "content_block_delta", "index": 2, "delta": {"type": "input_json_delta", "partial_json": '"x"}'}},
    {"type": "content_block_delta", "index": 1, "delta": {"type": "citations_delta", "citation": {"n": 1}}},
    {"type": "future_event", "payload": 1},
]  # fmt: skip


def test_message_events_are_typed_and_an_error_event_raises() -> None:
    error = {"type": "error", "error": {"type": "overloaded_error", "message": "Overloaded"}}
    client, _ = make_client(streaming(sse(*MESSAGE_EVENTS, error, named=True, done=False)))
    stream = client.messages.create(
        model="m", messages=[{"role": "user", "content": "x"}], stream=True
    )
    received = []
    with pytest.raises(StreamError, match="Overloaded") as caught:
        for event in stream:
            received.append(event)
    assert isinstance(received[1], PingEvent)
    assert type(received[-1]) is MessageStreamEvent and received[-1].payload == 1
    citation = received[-2]
    assert isinstance(citation, ContentBlockDeltaEvent) and citation.delta.citation == {"n": 1}
    partial = caught.value.partial
    assert (partial.text, partial.reasoning) == ("Hi ", "hmm")
    assert partial.tool_calls == [
        {
            "id": "toolu_1",
            "type": "function",
            "function": {"name": "lookup", "arguments": '{"q": "x"}'},
        }
    ]
    assert partial.usage is not None and partial.usage.input_tokens == 5
    assert caught.value.body["error"]["type"] == "overloaded_error"


def test_message_error_event_type_is_typed() -> None:
    from openrouter_kit.types.messages import parse_message_event

    event = parse_message_event(b'{"type":"error","error":{"type":"api_error","message":"x"}}')
    assert isinstance(event, MessageErrorEvent) and event.error.type == "api_error"


def test_chat_streams_still_use_the_chat_partial() -> None:
    chunk = {"id": "gen-3", "choices": [{"index": 0, "delta": {"content": "abc"}}]}
    error = {"id": "gen-3", "error": {"code": 502, "message": "boom"}, "choices": []}
    client, _ = make_client(streaming(sse(chunk, error)))
    with pytest.raises(StreamError) as caught:
        list(
            client.chat.completions.create(
                model="m", messages=[{"role": "user", "content": "x"}], stream=True
            )
        )
    assert caught.value.partial.text == "abc"
