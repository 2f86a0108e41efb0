"""Cassette-backed tests of the inference endpoints: responses, messages (both streaming too),
chat completions, embeddings and rerank, with the embedding and rerank model lists.

Each test runs on OpenRouter and AsyncOpenRouter and checks the request sent and the typed result.
"""

from __future__ import annotations

import datetime as dt

import pytest
from api_support import (  # noqa: F401 (fixtures)
    Kit,
    admin_fixture,
    http_fixture,
    kit_fixture,
    management_key_fixture,
    mode_fixture,
)
from openrouter_kit import StreamError
from openrouter_kit.types.chat import ChatCompletion, ChatCompletionChunk
from openrouter_kit.types.embeddings import EmbeddingResponse
from openrouter_kit.types.messages import (
    ContentBlockDeltaEvent,
    ContentBlockStartEvent,
    ContentBlockStopEvent,
    Message,
    MessageDeltaEvent,
    MessageStartEvent,
    MessageStopEvent,
)
from openrouter_kit.types.models import Model, ModelList
from openrouter_kit.types.rerank import RerankResponse
from openrouter_kit.types.responses import (
    Response,
    ResponseContentPartEvent,
    ResponseLifecycleEvent,
    ResponseOutputItemEvent,
    ResponseTextDeltaEvent,
    ResponseTextDoneEvent,
)

pytestmark = pytest.mark.vcr

GPT = "openai/gpt-4o-mini"
CLAUDE = "anthropic/claude-sonnet-4"
HELLO = [{"role": "user", "content": "Say hello"}]
FAULT = {"x-emulator-fault": "error_after=3"}  # the emulator breaks the stream after 3 chunks


# -- POST /responses -----------------------------------------------------------------------


async def test_responses_create(kit: Kit) -> None:
    result = await kit.run(
        kit.client.responses.create(
            model=GPT, input="Say hello", instructions="Be brief.", max_output_tokens=50
        )
    )
    assert kit.sent() == (
        "POST",
        "/responses",
        {},
        {"model": GPT, "input": "Say hello", "instructions": "Be brief.", "max_output_tokens": 50},
    )
    assert isinstance(result, Response)
    assert result.id and result.id.startswith("gen-")
    assert result.status == "completed" and result.model == GPT
    assert isinstance(result.created_at, dt.datetime)
    assert result.text  # the joined output_text parts
    assert result.output[0].type == "message" and result.output[0].role == "assistant"
    assert result.usage is not None and result.usage.total_tokens
    assert result.usage.cost is not None and result.usage.cost > 0
    assert result.text_config == {"format": {"type": "text"}}  # the wire's `text` config


async def test_responses_create_with_a_tool(kit: Kit) -> None:
    tool = {
        "type": "function",
        "name": "get_weather",
        "description": "Weather for a city",
        "parameters": {"type": "object", "properties": {"city": {"type": "string"}}},
    }
    result = await kit.run(
        kit.client.responses.create(
            model=GPT,
            input=[{"role": "user", "content": "Weather in Paris? Use get_weather."}],
            tools=[tool],
            tool_choice="required",
        )
    )
    method, path, _, body = kit.sent()
    assert (method, path, body["tools"], body["tool_choice"]) == (
        "POST",
        "/responses",
        [tool],
        "required",
    )
    calls = result.function_calls
    assert calls and calls[0].name == "get_weather" and calls[0].call_id
    assert calls[0].arguments is not None and calls[0].arguments.startswith("{")


async def test_responses_stream(kit: Kit) -> None:
    events = await kit.events(
        kit.client.responses.create(model=GPT, input="Say hello", stream=True)
    )
    assert kit.sent() == (
        "POST",
        "/responses",
        {},
        {"model": GPT, "input": "Say hello", "stream": True},
    )
    assert kit.last.headers["accept"] == "text/event-stream"
    types = [e.type for e in events]
    assert types[0] == "response.created" and types[-1] == "response.completed"
    assert isinstance(events[0], ResponseLifecycleEvent)
    assert any(isinstance(e, ResponseOutputItemEvent) for e in events)
    assert any(isinstance(e, ResponseContentPartEvent) for e in events)
    deltas = [e for e in events if isinstance(e, ResponseTextDeltaEvent)]
    done = next(e for e in events if isinstance(e, ResponseTextDoneEvent))
    assert deltas and "".join(d.delta for d in deltas) == done.text
    completed = events[-1]
    assert isinstance(completed, ResponseLifecycleEvent) and completed.response is not None
    assert completed.response.text == done.text
    assert completed.response.usage is not None and completed.response.usage.cost
    assert [e.sequence_number for e in events] == list(range(len(events)))


async def test_responses_stream_error_raises_stream_error(kit: Kit) -> None:
    stream = kit.client.responses.create(
        model=GPT, input="Say hello", stream=True, extra_headers=FAULT
    )
    with pytest.raises(StreamError) as caught:
        await kit.events(stream)
    assert caught.value.partial.chunks >= 3
    assert caught.value.status_code == 502


# -- POST /messages ------------------------------------------------------------------------


async def test_messages_create(kit: Kit) -> None:
    result = await kit.run(
        kit.client.messages.create(
            model=CLAUDE, messages=HELLO, max_tokens=64, system="Be brief.", temperature=0.5
        )
    )
    assert kit.sent() == (
        "POST",
        "/messages",
        {},
        {
            "max_tokens": 64,
            "system": "Be brief.",
            "temperature": 0.5,
            "model": CLAUDE,
            "messages": HELLO,
        },
    )
    assert isinstance(result, Message)
    assert result.type == "message" and result.role == "assistant" and result.model == CLAUDE
    assert result.text and result.content[0].type == "text"
    assert result.stop_reason == "end_turn"
    assert result.usage is not None and result.usage.input_tokens and result.usage.output_tokens
    assert result.usage.cost is not None and result.usage.cost > 0


async def test_messages_stream(kit: Kit) -> None:
    events = await kit.events(
        kit.client.messages.create(model=CLAUDE, messages=HELLO, max_tokens=64, stream=True)
    )
    assert kit.sent() == (
        "POST",
        "/messages",
        {},
        {"max_tokens": 64, "model": CLAUDE, "messages": HELLO, "stream": True},
    )
    kinds = [type(e) for e in events]
    assert kinds[0] is MessageStartEvent and kinds[-1] is MessageStopEvent
    assert ContentBlockStartEvent in kinds and ContentBlockStopEvent in kinds
    start = events[0]
    assert isinstance(start, MessageStartEvent) and start.message is not None
    assert start.message.model == CLAUDE
    text = "".join(
        e.delta.text or "" for e in events if isinstance(e, ContentBlockDeltaEvent) and e.delta
    )
    assert text
    final = next(e for e in events if isinstance(e, MessageDeltaEvent))
    assert final.delta is not None and final.delta.stop_reason == "end_turn"
    assert final.usage is not None and final.usage.output_tokens


async def test_messages_stream_error_raises_stream_error(kit: Kit) -> None:
    stream = kit.client.messages.create(
        model=CLAUDE, messages=HELLO, max_tokens=64, stream=True, extra_headers=FAULT
    )
    with pytest.raises(StreamError) as caught:
        await kit.events(stream)
    assert caught.value.partial.chunks >= 3
    assert caught.value.body["type"] == "error"


# -- the core group: chat, embeddings, rerank ----------------------------------------------


async def test_chat_completions_create(kit: Kit) -> None:
    result = await kit.run(
        kit.client.chat.completions.create(model=GPT, messages=HELLO, temperature=0)
    )
    assert kit.sent() == (
        "POST",
        "/chat/completions",
        {},
        {"model": GPT, "temperature": 0, "messages": HELLO},
    )
    assert isinstance(result, ChatCompletion)
    assert result.text and result.usage is not None and result.usage.cost


async def test_chat_completions_stream(kit: Kit) -> None:
    chunks = await kit.events(
        kit.client.chat.completions.create(model=GPT, messages=HELLO, stream=True)
    )
    _, _, _, body = kit.sent()
    assert body["stream"] is True and body["stream_options"] == {"include_usage": True}
    assert all(isinstance(c, ChatCompletionChunk) for c in chunks)
    assert "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)
    assert chunks[-1].usage is not None


async def test_embeddings_create(kit: Kit) -> None:
    result = await kit.run(
        kit.client.embeddings.create(model="openai/text-embedding-3-small", input=["a", "b"])
    )
    assert kit.sent() == (
        "POST",
        "/embeddings",
        {},
        {
            "model": "openai/text-embedding-3-small",
            "input": ["a", "b"],
            "encoding_format": "base64",
        },
    )
    assert isinstance(result, EmbeddingResponse)
    assert len(result.vectors) == 2 and all(isinstance(x, float) for x in result.vectors[0])


async def test_embeddings_list_models(kit: Kit) -> None:
    result = await kit.run(kit.client.embeddings.list_models())
    assert kit.sent() == ("GET", "/embeddings/models", {}, None)
    assert isinstance(result, ModelList) and len(result) > 0
    assert all(isinstance(m, Model) and "embeddings" in m.output_modalities for m in result)
    model = result.data[0]
    assert model.pricing is not None and model.pricing.prompt is not None
    assert model.pricing.prompt_per_million == model.pricing.prompt * 1_000_000


async def test_rerank_create(kit: Kit) -> None:
    result = await kit.run(
        kit.client.rerank.create(
            model="cohere/rerank-v3.5", query="capital of France", documents=["Paris", "Rome"]
        )
    )
    assert kit.sent() == (
        "POST",
        "/rerank",
        {},
        {
            "model": "cohere/rerank-v3.5",
            "query": "capital of France",
            "documents": ["Paris", "Rome"],
        },
    )
    assert isinstance(result, RerankResponse) and len(result.results) == 2
    assert {r.index for r in result.results} == {0, 1}


async def test_rerank_list_models(kit: Kit) -> None:
    result = await kit.run(kit.client.rerank.list_models())
    assert kit.sent() == ("GET", "/rerank/models", {}, None)
    assert isinstance(result, ModelList) and len(result) > 0
    assert all("rerank" in m.output_modalities for m in result)
    assert result.get(result.data[0].id) is result.data[0]
