"""Real recorded OpenRouter traffic replayed through ChatOpenRouter.

Every /chat/completions recording in tests/recordings (see tests/recordings/PROVENANCE.md:
byte-for-byte copies of other projects' cassettes, MIT / Apache-2.0) is served by an
httpx.MockTransport to the core client inside ChatOpenRouter. The expected values are read
from the recorded bytes by the small, independent decoder below, so each test checks that
text, tool calls, reasoning, usage and metadata survive the whole path into LangChain.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from langchain_core.messages import AIMessage, AIMessageChunk, HumanMessage, ToolMessage
from langchain_openrouter_kit import ChatOpenRouter
from lc_wire import Wire
from openrouter_kit.errors import RateLimitError, StreamError
from recordings_loader import Interaction, find, interactions

CHAT_OK = interactions("/chat/completions", status=200, stream=False)
CHAT_STREAMS = [
    item
    for item in interactions("/chat/completions", status=200, stream=True)
    if b'"error"' not in item.body  # in-band error streams: see test_mid_stream_error_*
]


def _sse_events(body: bytes) -> list[dict[str, Any]]:
    events = []
    for line in body.decode().splitlines():
        if line.startswith("data:") and line[5:].strip() not in ("", "[DONE]"):
            events.append(json.loads(line[5:]))
    return events


def _merge_details(fragments: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Reference merge of streamed reasoning_details (the documented OpenRouter rule)."""
    merged: dict[tuple[Any, Any], dict[str, Any]] = {}
    for fragment in fragments:
        key = (fragment.get("type"), fragment.get("index"))
        entry = merged.setdefault(key, {})
        for name, value in fragment.items():
            if name in ("text", "summary", "data", "signature") and isinstance(value, str):
                entry[name] = (entry.get(name) or "") + value
            elif entry.get(name) is None:
                entry[name] = value
    return list(merged.values())


def _without_none(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _without_none(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [_without_none(v) for v in value]
    return value


def _expected_usage(usage: dict[str, Any]) -> dict[str, Any]:
    expected: dict[str, Any] = {
        "input_tokens": usage["prompt_tokens"],
        "output_tokens": usage["completion_tokens"],
        "total_tokens": usage["total_tokens"],
    }
    prompt = usage.get("prompt_tokens_details") or {}
    if prompt.get("cached_tokens") is not None:
        expected.setdefault("input_token_details", {})["cache_read"] = prompt["cached_tokens"]
    if prompt.get("cache_write_tokens") is not None:
        expected.setdefault("input_token_details", {})["cache_creation"] = prompt[
            "cache_write_tokens"
        ]
    completion = usage.get("completion_tokens_details") or {}
    if completion.get("reasoning_tokens") is not None:
        expected.setdefault("output_token_details", {})["reasoning"] = completion[
            "reasoning_tokens"
        ]
    return expected


def _check_usage(message: AIMessage, usage: dict[str, Any] | None) -> None:
    if not usage:
        return
    got = message.usage_metadata
    assert got is not None
    for key, value in _expected_usage(usage).items():
        if isinstance(value, dict):
            for detail, count in value.items():
                assert got[key][detail] == count, (key, detail)  # type: ignore[literal-required]
        else:
            assert got[key] == value, key  # type: ignore[literal-required]
    for key in ("cost", "is_byok"):
        if usage.get(key) is not None:
            assert message.response_metadata[key] == usage[key]
    if usage.get("cost_details"):
        assert message.response_metadata["cost_details"] == _without_none(usage["cost_details"])


def _model(wire: Wire) -> ChatOpenRouter:
    return ChatOpenRouter(model="recorded/model", **wire.clients())


def _ids(items: list[Interaction]) -> list[str]:
    return [item.source.rsplit("/", 1)[-1] for item in items]


@pytest.mark.parametrize("recording", CHAT_OK, ids=_ids(CHAT_OK))
def test_invoke_matches_recorded_completion(recording: Interaction) -> None:
    wire = Wire(recording.response)
    message = _model(wire).invoke("hello")
    body = json.loads(recording.body)
    choice = body["choices"][0]
    recorded = choice["message"]

    assert message.text == (recorded.get("content") or "")
    raw_calls = recorded.get("tool_calls") or []
    assert [call["id"] for call in message.tool_calls] == [call["id"] for call in raw_calls]
    for call, raw in zip(message.tool_calls, raw_calls, strict=True):
        assert call["name"] == raw["function"]["name"]
        # Anthropic omits "arguments" for a call without parameters.
        assert call["args"] == json.loads(raw["function"].get("arguments") or "{}")
    assert message.additional_kwargs.get("reasoning_details") == recorded.get("reasoning_details")
    meta = message.response_metadata
    assert meta["model_name"] == body["model"]
    assert meta["id"] == body["id"]
    assert meta.get("provider") == body.get("provider")
    assert meta.get("finish_reason") == choice.get("finish_reason")
    assert meta.get("native_finish_reason") == choice.get("native_finish_reason")
    assert meta.get("system_fingerprint") == body.get("system_fingerprint")
    _check_usage(message, body.get("usage"))
    blocks = message.content_blocks
    if recorded.get("reasoning_details"):
        assert blocks[0]["type"] == "reasoning"
    if recorded.get("images"):
        images = [block for block in blocks if block["type"] == "image"]
        assert len(images) == len(recorded["images"])
    citations = [a for a in recorded.get("annotations") or [] if a.get("type") == "url_citation"]
    if citations and message.text:
        text_block = next(block for block in blocks if block["type"] == "text")
        assert len(text_block["annotations"]) == len(citations)


@pytest.mark.parametrize("recording", CHAT_STREAMS, ids=_ids(CHAT_STREAMS))
def test_stream_matches_recorded_events(recording: Interaction) -> None:
    events = _sse_events(recording.body)
    wire = Wire(recording.response)
    chunks = list(_model(wire).stream("hello"))
    message = chunks[0]
    for chunk in chunks[1:]:
        message += chunk
    assert isinstance(message, AIMessageChunk)

    deltas = [event["choices"][0]["delta"] for event in events if event.get("choices")]
    assert message.text == "".join(delta.get("content") or "" for delta in deltas)
    for key in ("annotations", "images"):  # web-search citations, image output
        expected_items = [item for delta in deltas for item in delta.get(key) or []]
        assert message.additional_kwargs.get(key, []) == expected_items
    fragments = [d for delta in deltas for d in delta.get("reasoning_details") or []]
    assert message.additional_kwargs.get("reasoning_details", []) == _merge_details(fragments)
    tool_fragments = [t for delta in deltas for t in delta.get("tool_calls") or []]
    expected_calls: dict[int, dict[str, str]] = {}
    for fragment in tool_fragments:
        call = expected_calls.setdefault(fragment["index"], {"id": "", "name": "", "args": ""})
        call["id"] = call["id"] or fragment.get("id") or ""
        function = fragment.get("function") or {}
        call["name"] += function.get("name") or ""
        call["args"] += function.get("arguments") or ""
    assert [(c["id"], c["name"]) for c in message.tool_calls] == [
        (c["id"], c["name"]) for c in expected_calls.values()
    ]
    for call, expected in zip(message.tool_calls, expected_calls.values(), strict=True):
        assert call["args"] == json.loads(expected["args"] or "{}")

    first = events[0]
    meta = message.response_metadata
    assert meta["model_name"] == first["model"]
    assert meta["id"] == first["id"]
    assert meta.get("provider") == first.get("provider")
    finish = [
        e["choices"][0] for e in events if e.get("choices") and e["choices"][0].get("finish_reason")
    ]
    if finish:
        assert meta["finish_reason"] == finish[0]["finish_reason"]
        assert meta.get("native_finish_reason") == finish[0].get("native_finish_reason")
    usage = [event["usage"] for event in events if event.get("usage")]
    if usage:
        _check_usage(message, usage[-1])


def test_mid_stream_error_raises_after_partial_chunks() -> None:
    """The recorded minimax stream sends text, then an in-band error: text first, then raise."""
    recording = find("test_openrouter_stream_error.yaml")
    events = _sse_events(recording.body)
    error_event = next(event for event in events if "error" in event)
    before = events[: events.index(error_event)]
    expected_reasoning = "".join(
        event["choices"][0]["delta"].get("reasoning") or "" for event in before if event["choices"]
    )
    received: list[AIMessageChunk] = []
    with pytest.raises(StreamError) as caught:
        for chunk in _model(Wire(recording.response)).stream("hello"):
            received.append(chunk)
    assert received, "chunks before the error must reach the caller"
    assert caught.value.code == error_event["error"]["code"]
    assert error_event["error"]["message"] in str(caught.value)
    partial = received[0]
    for chunk in received[1:]:
        partial += chunk
    assert partial.additional_kwargs["reasoning_content"] == expected_reasoning


async def test_mid_stream_error_raises_in_async_stream() -> None:
    recording = find("test_openrouter_stream_error.yaml")
    received = []
    with pytest.raises(StreamError):
        async for chunk in _model(Wire(recording.response)).astream("hello"):
            received.append(chunk)
    assert received


def test_rate_limit_error_surfaces_as_the_core_error() -> None:
    recording = find("test_openrouter_errors_raised.yaml")
    assert recording.status == 429
    with pytest.raises(RateLimitError) as caught:
        _model(Wire(recording.response)).invoke("hello")
    body = json.loads(recording.body)
    assert caught.value.status_code == 429
    assert caught.value.metadata == body["error"]["metadata"]


def test_reasoning_details_replayed_like_the_recorded_second_turn() -> None:
    """gpt-5-image-mini: turn 1 returns summary + encrypted reasoning and a tool call; the
    recorded turn-2 request (pydantic-ai) sends them back. Ours must send the same."""
    first, second = (
        find("image_with_text_and_tool_call.yaml#0"),
        find("image_with_text_and_tool_call.yaml#1"),
    )
    recorded_request = second.request_body
    tools = first.request_body["tools"]
    wire = Wire(first.response)
    llm = ChatOpenRouter(model="openai/gpt-5-image-mini", **wire.clients()).bind_tools(
        tools, tool_choice="auto"
    )
    question = HumanMessage(recorded_request["messages"][0]["content"])
    assistant = llm.invoke([question])
    assert assistant.tool_calls

    wire2 = Wire(second.response)
    llm2 = ChatOpenRouter(model="openai/gpt-5-image-mini", **wire2.clients()).bind_tools(
        tools, tool_choice="auto"
    )
    tool_result = ToolMessage("orange", tool_call_id=assistant.tool_calls[0]["id"])
    answer = llm2.invoke([question, assistant, tool_result])
    assert answer.text == json.loads(second.body)["choices"][0]["message"]["content"]

    sent = wire2.bodies[0]["messages"]
    recorded = recorded_request["messages"]
    assert _without_none(sent) == _without_none(recorded)


def test_multi_turn_tool_conversation_is_sent_like_the_recorded_request() -> None:
    """chatlas recorded a multi-turn tool conversation; rebuilding it from LangChain
    messages must produce the same wire messages (modulo null fields)."""
    recording = find("test_openrouter_tool_variations.yaml#2")
    recorded = recording.request_body["messages"]
    from langchain_core.messages import convert_to_messages

    history = []
    for message in recorded:
        if message["role"] == "assistant" and message.get("tool_calls"):
            history.append(
                AIMessage(
                    content=message.get("content") or "",
                    tool_calls=[
                        {
                            "id": call["id"],
                            "name": call["function"]["name"],
                            "args": json.loads(call["function"]["arguments"]),
                        }
                        for call in message["tool_calls"]
                    ],
                )
            )
        elif message["role"] == "tool":
            history.append(ToolMessage(message["content"], tool_call_id=message["tool_call_id"]))
        else:
            history.extend(convert_to_messages([message]))
    assert recording.request_body["stream"] is True
    wire = Wire(recording.response)
    llm = _model(wire).bind_tools(recording.request_body["tools"])
    chunks = list(llm.stream(history))
    reply = chunks[0]
    for chunk in chunks[1:]:
        reply += chunk
    assert reply.tool_calls and reply.tool_calls[0]["name"] == "get_date"
    assert _without_none(wire.bodies[0]["messages"]) == _without_none(recorded)
    assert wire.bodies[0]["tools"] == recording.request_body["tools"]
