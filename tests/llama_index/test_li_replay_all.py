"""Every recorded /chat/completions answer (tests/recordings) through the LLM, and back to the wire.

For each real response, what a LlamaIndex user reads must equal the recorded JSON (computed
here independently from the raw body), and the assistant message must go back out with the
same content, tool calls (byte for byte) and reasoning_details.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from li_support import Replay
from llama_index.core.base.llms.types import ChatMessage, ThinkingBlock, ToolCallBlock
from llama_index.llms.openrouter_kit import OpenRouter
from llama_index.llms.openrouter_kit.utils import to_wire_message
from openrouter_kit.errors import StreamError
from recordings_loader import Interaction, interactions

NON_STREAMING = interactions("/chat/completions", stream=False, status=200)
STREAMING = interactions("/chat/completions", stream=True, status=200)


def llm_for(interaction: Interaction) -> OpenRouter:
    replay = Replay(interaction)
    return OpenRouter(
        model="m", api_key="k", http_client=replay.client(), async_http_client=replay.async_client()
    )


def test_there_is_real_traffic_to_replay() -> None:
    assert len(NON_STREAMING) >= 50 and len(STREAMING) >= 30


@pytest.mark.parametrize("interaction", NON_STREAMING, ids=lambda i: i.source)
def test_non_streaming_response(interaction: Interaction) -> None:
    body = json.loads(interaction.body)
    message = body["choices"][0]["message"]
    response = llm_for(interaction).chat([ChatMessage(content="hi")])

    assert response.message.content == (message.get("content") or "")
    thinking = [b for b in response.message.blocks if isinstance(b, ThinkingBlock)]
    if message.get("reasoning"):
        assert thinking[0].content == message["reasoning"]
    if message.get("reasoning_details"):
        assert (
            response.message.additional_kwargs["reasoning_details"] == message["reasoning_details"]
        )
    calls = [b for b in response.message.blocks if isinstance(b, ToolCallBlock)]
    recorded_calls = message.get("tool_calls") or []
    assert [(c.tool_call_id, c.tool_name) for c in calls] == [
        (c["id"], c["function"]["name"]) for c in recorded_calls
    ]
    usage = body.get("usage") or {}
    for key in ("prompt_tokens", "completion_tokens", "cost"):
        if usage.get(key) is not None:
            assert response.additional_kwargs[key] == usage[key]

    wire = to_wire_message(response.message)
    if message.get("content"):
        assert wire["content"] == message["content"]
    assert wire.get("reasoning_details") == (message.get("reasoning_details") or None)
    # A recorded call may omit `arguments` (no parameters); it goes back as "{}".
    assert [c["function"]["arguments"] for c in wire.get("tool_calls", [])] == [
        c["function"].get("arguments") or "{}" for c in recorded_calls
    ]


def _events(interaction: Interaction) -> list[dict[str, Any]]:
    return [
        json.loads(line[len("data: ") :])
        for line in interaction.body.decode().splitlines()
        if line.startswith("data: ") and line.strip() != "data: [DONE]"
    ]


@pytest.mark.parametrize("interaction", STREAMING, ids=lambda i: i.source)
def test_streaming_response(interaction: Interaction) -> None:
    events = _events(interaction)
    deltas = [e["choices"][0].get("delta") or {} for e in events if e.get("choices")]
    text = "".join(d.get("content") or "" for d in deltas)
    reasoning = "".join(d.get("reasoning") or "" for d in deltas)
    arguments: dict[int, str] = {}
    names: dict[int, str] = {}
    for delta in deltas:
        for call in delta.get("tool_calls") or []:
            function = call.get("function") or {}
            arguments[call["index"]] = arguments.get(call["index"], "") + (
                function.get("arguments") or ""
            )
            if function.get("name"):
                names[call["index"]] = function["name"]
    usage = next((e["usage"] for e in reversed(events) if e.get("usage")), None)

    llm = llm_for(interaction)
    if any("error" in e for e in events):
        with pytest.raises(StreamError):
            list(llm.stream_chat([ChatMessage(content="hi")]))
        return
    last = list(llm.stream_chat([ChatMessage(content="hi")]))[-1]
    assert last.message.content == text
    if reasoning:
        thinking = next(b for b in last.message.blocks if isinstance(b, ThinkingBlock))
        assert thinking.content == reasoning
    calls = [b for b in last.message.blocks if isinstance(b, ToolCallBlock)]
    assert [c.tool_name for c in calls] == [names[i] for i in sorted(names)]
    wire = to_wire_message(last.message)
    assert [c["function"]["arguments"] for c in wire.get("tool_calls", [])] == [
        arguments[i] for i in sorted(arguments)
    ]
    if usage and usage.get("cost") is not None:
        assert last.additional_kwargs["cost"] == usage["cost"]
