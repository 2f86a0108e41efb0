"""Real recorded OpenRouter traffic replayed through the LlamaIndex OpenRouter LLM.

Each test serves a response recorded from the live API (tests/recordings, see PROVENANCE.md)
through an httpx.MockTransport given to the core client, and checks that what a LlamaIndex
user reads (text, thinking, tool calls, usage and cost) matches the recorded JSON.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from li_support import Replay, completion_json
from llama_index.core.base.llms.types import ChatMessage, TextBlock, ThinkingBlock, ToolCallBlock
from llama_index.core.tools import FunctionTool
from llama_index.llms.openrouter_kit import OpenRouter
from openrouter_kit.errors import RateLimitError, StreamError
from recordings_loader import Interaction, find

TEXT = "pydantic__pydantic-ai/tests/providers/cassettes/test_openrouter/test_openrouter_with_google_model"
TOOLS = "test_openrouter/test_openrouter_tool_calling.yaml"
REASONING = "test_openrouter/test_openrouter_qwen3_235b"
ENCRYPTED_REASONING = "test_openrouter/test_openrouter_preserve_reasoning_block.yaml#1"
STREAM_REASONING = "test_openrouter/test_openrouter_streaming_reasoning"
STREAM_ERROR = "test_openrouter/test_openrouter_stream_error"
STREAM_TOOLS = "test_openrouter_chat_model_complete_usage_structured_output"
RATE_LIMITED = "test_openrouter/test_openrouter_errors_raised"


def recorded(fragment: str) -> tuple[Interaction, dict[str, Any]]:
    interaction = find(fragment)
    return interaction, json.loads(interaction.body) if not interaction.is_sse else {}


def llm_for(replay: Replay, model: str, **kwargs: Any) -> OpenRouter:
    return OpenRouter(
        model=model,
        api_key="sk-or-v1-test",
        http_client=replay.client(),
        async_http_client=replay.async_client(),
        **kwargs,
    )


def sse_events(interaction: Interaction) -> list[dict[str, Any]]:
    """The JSON data events of a recorded SSE body (parsed here only to compute expectations)."""
    events = []
    for line in interaction.body.decode().splitlines():
        if line.startswith("data: ") and line != "data: [DONE]":
            events.append(json.loads(line[len("data: ") :]))
    return events


def test_text_completion_and_request_body() -> None:
    interaction, body = recorded(TEXT)
    replay = Replay(interaction)
    llm = llm_for(replay, interaction.request_body["model"])
    response = llm.chat(
        [
            ChatMessage(role="system", content="Be helpful."),
            ChatMessage(role="user", content="Tell me a joke."),
        ]
    )
    assert response.message.content == body["choices"][0]["message"]["content"]
    assert response.additional_kwargs["provider"] == body["provider"]
    assert response.additional_kwargs["id"] == body["id"]
    assert response.additional_kwargs["native_finish_reason"] == "STOP"
    assert response.additional_kwargs["prompt_tokens"] == body["usage"]["prompt_tokens"]
    assert response.additional_kwargs["completion_tokens"] == body["usage"]["completion_tokens"]
    assert response.raw.usage.total_tokens == body["usage"]["total_tokens"]
    sent = replay.bodies()[0]
    assert sent["messages"] == interaction.request_body["messages"]
    # No silent defaults: no max_tokens, no temperature unless asked for.
    assert "max_tokens" not in sent and "temperature" not in sent
    assert replay.paths() == ["/chat/completions"]  # chat never needs /models


def test_reasoning_usage_and_cost() -> None:
    interaction, body = recorded(REASONING)
    llm = llm_for(Replay(interaction), "qwen/qwen3-235b-a22b")
    response = llm.chat([ChatMessage(role="user", content="What is 2+2?")])
    message = body["choices"][0]["message"]
    thinking = [b for b in response.message.blocks if isinstance(b, ThinkingBlock)]
    assert len(thinking) == 1
    assert thinking[0].content == message["reasoning"]
    assert thinking[0].num_tokens == body["usage"]["completion_tokens_details"]["reasoning_tokens"]
    assert response.message.content == message["content"]
    assert response.message.additional_kwargs["reasoning_details"] == message["reasoning_details"]
    usage = response.additional_kwargs
    assert usage["cost"] == body["usage"]["cost"]
    assert usage["cached_tokens"] == body["usage"]["prompt_tokens_details"]["cached_tokens"]
    assert (
        usage["reasoning_tokens"] == body["usage"]["completion_tokens_details"]["reasoning_tokens"]
    )
    assert (
        usage["cost_details"]["upstream_inference_cost"]
        == body["usage"]["cost_details"]["upstream_inference_cost"]
    )
    assert response.raw.usage.cost == body["usage"]["cost"]


def test_encrypted_reasoning_details_are_sent_back_on_the_next_turn() -> None:
    interaction, body = recorded(ENCRYPTED_REASONING)
    replay = Replay(interaction, completion_json("Sure."))
    llm = llm_for(replay, "openai/gpt-5-mini", reasoning={"effort": "low"})
    history = [ChatMessage(role="user", content="What was the impact of Voltaire's writings?")]
    first = llm.chat(history)
    history += [first.message, ChatMessage(role="user", content="Shorter, please.")]
    llm.chat(history)
    first_sent, second_sent = replay.bodies()
    assert first_sent["reasoning"] == {"effort": "low"}
    assistant_turn = second_sent["messages"][1]
    recorded_details = body["choices"][0]["message"]["reasoning_details"]
    assert {d["type"] for d in recorded_details} == {"reasoning.summary", "reasoning.encrypted"}
    assert assistant_turn["role"] == "assistant"
    assert assistant_turn["reasoning_details"] == recorded_details
    assert assistant_turn["content"] == body["choices"][0]["message"]["content"]


def _divide(numerator: float, denominator: float) -> float:
    """Divide two numbers."""
    return numerator / denominator


def test_tool_call_round_trip() -> None:
    interaction, body = recorded(TOOLS)
    replay = Replay(interaction)
    llm = llm_for(replay, "mistralai/mistral-small", is_function_calling_model=True)
    tool = FunctionTool.from_defaults(fn=_divide, name="divide")
    response = llm.chat_with_tools([tool], user_msg="What is 123 / 456?")
    calls = llm.get_tool_calls_from_response(response)
    recorded_call = body["choices"][0]["message"]["tool_calls"][0]
    assert len(calls) == 1
    assert calls[0].tool_id == recorded_call["id"]
    assert calls[0].tool_name == "divide"
    assert calls[0].tool_kwargs == json.loads(recorded_call["function"]["arguments"])
    assert response.additional_kwargs["finish_reason"] == "tool_calls"
    sent = replay.bodies()[0]
    assert sent["tools"][0]["function"]["name"] == "divide"
    assert sent["tool_choice"] == "auto"
    assert sent["parallel_tool_calls"] is False


def test_streaming_reasoning_accumulates_text_thinking_signature_and_usage() -> None:
    interaction, _ = recorded(STREAM_REASONING)
    events = sse_events(interaction)
    expected_text = "".join(
        (e["choices"][0]["delta"].get("content") or "") for e in events if e["choices"]
    )
    expected_reasoning = "".join(
        (e["choices"][0]["delta"].get("reasoning") or "") for e in events if e["choices"]
    )
    signatures = [
        d["signature"]
        for e in events
        if e["choices"]
        for d in e["choices"][0]["delta"].get("reasoning_details") or []
        if d.get("signature")
    ]
    usage = next(e["usage"] for e in events if e.get("usage"))

    llm = llm_for(Replay(interaction), "anthropic/claude-sonnet-4.5", reasoning={"enabled": True})
    responses = list(llm.stream_chat([ChatMessage(role="user", content="What is 2+2?")]))
    last = responses[-1]
    assert "".join(r.delta or "" for r in responses) == expected_text
    assert last.message.content == expected_text
    thinking = next(b for b in last.message.blocks if isinstance(b, ThinkingBlock))
    assert thinking.content == expected_reasoning
    assert (
        "".join(r.additional_kwargs.get("thinking_delta", "") for r in responses)
        == expected_reasoning
    )
    details = last.message.additional_kwargs["reasoning_details"]
    assert len(details) == 1 and details[0]["text"] == expected_reasoning
    assert signatures and details[0]["signature"] == signatures[-1]
    assert last.additional_kwargs["cost"] == usage["cost"]
    assert last.additional_kwargs["total_tokens"] == usage["total_tokens"]
    # each response's raw is its chunk as sent, every field kept (the docs' promise)
    assert [r.raw for r in responses] == events


async def test_async_streaming_matches_sync() -> None:
    interaction, _ = recorded(STREAM_REASONING)
    sync_last = list(
        llm_for(Replay(interaction), "anthropic/claude-sonnet-4.5").stream_chat(
            [ChatMessage(content="q")]
        )
    )[-1]
    llm = llm_for(Replay(interaction), "anthropic/claude-sonnet-4.5")
    responses = [r async for r in await llm.astream_chat([ChatMessage(content="q")])]
    assert responses[-1].message.content == sync_last.message.content
    assert responses[-1].message.additional_kwargs == sync_last.message.additional_kwargs
    assert responses[-1].additional_kwargs == sync_last.additional_kwargs
    assert [r.raw for r in responses] == sse_events(interaction)


def test_streamed_tool_call_with_final_usage_chunk() -> None:
    interaction, _ = recorded(STREAM_TOOLS)
    events = sse_events(interaction)
    arguments = "".join(
        (tc.get("function") or {}).get("arguments") or ""
        for e in events
        if e["choices"]
        for tc in e["choices"][0]["delta"].get("tool_calls") or []
    )
    tool = FunctionTool.from_defaults(
        fn=lambda value: value, name="return_list_of_int", description="Return ints."
    )
    replay = Replay(interaction)
    llm = llm_for(replay, "deepseek/deepseek-chat-v3-0324", is_function_calling_model=True)
    responses = list(
        llm.stream_chat_with_tools([tool], user_msg="Count to 5", tool_choice="return_list_of_int")
    )
    calls = llm.get_tool_calls_from_response(responses[-1])
    assert [c.tool_name for c in calls] == ["return_list_of_int"]
    assert calls[0].tool_kwargs == json.loads(arguments)
    block = next(b for b in responses[-1].message.blocks if isinstance(b, ToolCallBlock))
    assert block.tool_kwargs == json.loads(arguments)  # parsed once the stream finished
    assert responses[-1].additional_kwargs["cost"] == next(
        e["usage"]["cost"] for e in events if e.get("usage")
    )
    sent = replay.bodies()[0]
    assert sent["tool_choice"] == {"type": "function", "function": {"name": "return_list_of_int"}}
    assert sent["stream"] is True


def test_mid_stream_error_raises_typed_error_after_partial_output() -> None:
    interaction, _ = recorded(STREAM_ERROR)
    llm = llm_for(Replay(interaction), "minimax/minimax-m2:free")
    seen = []
    with pytest.raises(StreamError) as raised:
        for response in llm.stream_chat([ChatMessage(content="hi")]):
            seen.append(response)
    assert seen, "chunks before the error are delivered"
    assert "Token limit reached" in str(raised.value)


def test_rate_limit_is_a_typed_error() -> None:
    interaction, _ = recorded(RATE_LIMITED)
    llm = llm_for(Replay(interaction), "google/gemini-2.0-flash-exp:free", max_retries=0)
    with pytest.raises(RateLimitError) as raised:
        llm.chat([ChatMessage(content="Tell me a joke.")])
    assert raised.value.status_code == 429
    assert raised.value.provider_name == "Google"


async def test_async_chat_and_completion_forms() -> None:
    interaction, body = recorded(TEXT)
    text = body["choices"][0]["message"]["content"]
    llm = llm_for(Replay(interaction, interaction, interaction), "google/gemini-2.0-flash-exp:free")
    assert (await llm.achat([ChatMessage(content="Tell me a joke.")])).message.content == text
    completion = await llm.acomplete("Tell me a joke.")
    assert completion.text == text
    assert completion.additional_kwargs["prompt_tokens"] == body["usage"]["prompt_tokens"]
    assert llm.complete("Tell me a joke.").text == text


async def test_stream_complete_forms() -> None:
    interaction, _ = recorded(STREAM_REASONING)
    expected = "".join(
        (e["choices"][0]["delta"].get("content") or "")
        for e in sse_events(interaction)
        if e["choices"]
    )
    llm = llm_for(Replay(interaction, interaction), "anthropic/claude-sonnet-4.5")
    assert list(llm.stream_complete("q"))[-1].text == expected
    assert [r async for r in await llm.astream_complete("q")][-1].text == expected


def test_tool_only_answer_still_has_text_content() -> None:
    interaction, _ = recorded(TOOLS)
    response = llm_for(Replay(interaction), "mistralai/mistral-small").chat(
        [ChatMessage(content="q")]
    )
    assert response.message.content == ""
    assert any(isinstance(b, TextBlock) for b in response.message.blocks)
