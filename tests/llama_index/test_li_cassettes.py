"""Each class at the HTTP layer through VCR cassettes (cassettes/llama_index/test_li_cassettes/).

Replays run offline (record mode ``none``). The cassettes were recorded with
``uv run pytest tests/llama_index/test_li_cassettes.py --record-mode=once``: against the real
API when OPENROUTER_API_KEY is set, otherwise against the emulator mounted on openrouter.ai
(such cassettes carry the ``x-openrouter-kit-emulator`` response header).
"""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from llama_index.core.base.llms.types import ChatMessage
from llama_index.core.schema import NodeWithScore, TextNode
from llama_index.core.tools import FunctionTool
from llama_index.embeddings.openrouter_kit import OpenRouterEmbedding
from llama_index.llms.openrouter_kit import OpenRouter
from llama_index.postprocessor.openrouter_kit_rerank import OpenRouterRerank

pytestmark = pytest.mark.vcr

MODEL = "openai/gpt-4o-mini"


def llm(api_key: str, http_client: Any = None, async_http_client: Any = None) -> OpenRouter:
    return OpenRouter(
        model=MODEL,
        api_key=api_key,
        max_tokens=64,
        http_client=http_client,
        async_http_client=async_http_client,
    )


def test_metadata_from_models(cassette_http_client: httpx.Client, api_key: str) -> None:
    metadata = OpenRouter(model=MODEL, api_key=api_key, http_client=cassette_http_client).metadata
    assert metadata.context_window >= 128_000
    assert metadata.is_function_calling_model is True
    assert 0 < metadata.num_output < metadata.context_window


def test_chat(cassette_http_client: httpx.Client, api_key: str) -> None:
    response = llm(api_key, cassette_http_client).chat(
        [
            ChatMessage(role="system", content="Answer in one word."),
            ChatMessage(content="What colour is the sky?"),
        ]
    )
    assert response.message.content
    assert response.additional_kwargs["finish_reason"] in ("stop", "length")
    assert response.additional_kwargs["total_tokens"] > 0
    assert response.additional_kwargs["cost"] > 0
    assert response.additional_kwargs["id"].startswith("gen-")


def test_stream_chat(cassette_http_client: httpx.Client, api_key: str) -> None:
    responses = list(
        llm(api_key, cassette_http_client).stream_chat([ChatMessage(content="Count to three.")])
    )
    assert len(responses) > 1
    assert "".join(r.delta or "" for r in responses) == responses[-1].message.content
    assert responses[-1].additional_kwargs["cost"] > 0


async def test_async_chat_and_stream(
    cassette_async_http_client: httpx.AsyncClient, api_key: str
) -> None:
    model = llm(api_key, async_http_client=cassette_async_http_client)
    whole = await model.achat([ChatMessage(content="Say hello.")])
    streamed = [r async for r in await model.astream_chat([ChatMessage(content="Say hello.")])]
    assert whole.message.content
    assert streamed[-1].message.content == "".join(r.delta or "" for r in streamed)


def get_weather(city: str) -> str:
    """Get the current weather for a city."""
    return f"Sunny in {city}"


def test_chat_with_tools(cassette_http_client: httpx.Client, api_key: str) -> None:
    model = OpenRouter(
        model=MODEL,
        api_key=api_key,
        is_function_calling_model=True,
        context_window=128_000,
        http_client=cassette_http_client,
    )
    tool = FunctionTool.from_defaults(fn=get_weather)
    response = model.chat_with_tools(
        [tool], user_msg="Use get_weather for Paris.", tool_required=True
    )
    (call,) = model.get_tool_calls_from_response(response)
    assert call.tool_name == "get_weather"
    assert isinstance(call.tool_kwargs.get("city"), str)


def test_embeddings(cassette_http_client: httpx.Client, api_key: str) -> None:
    embed = OpenRouterEmbedding(
        api_key=api_key, dimensions=16, embed_batch_size=2, http_client=cassette_http_client
    )
    vectors = embed.get_text_embedding_batch(["apples", "oranges", "kernels"])
    assert [len(v) for v in vectors] == [16, 16, 16]
    assert len(embed.get_query_embedding("fruit")) == 16
    assert embed.total_tokens > 0


async def test_embeddings_async(
    cassette_async_http_client: httpx.AsyncClient, api_key: str
) -> None:
    embed = OpenRouterEmbedding(
        api_key=api_key, dimensions=16, async_http_client=cassette_async_http_client
    )
    vectors = await embed.aget_text_embedding_batch(["apples", "oranges"])
    assert [len(v) for v in vectors] == [16, 16]


def _nodes() -> list[NodeWithScore]:
    texts = ["Paris is the capital of France.", "Bananas are yellow.", "The Louvre is in Paris."]
    return [
        NodeWithScore(node=TextNode(text=t, id_=f"n{i}"), score=0.5) for i, t in enumerate(texts)
    ]


def test_rerank(cassette_http_client: httpx.Client, api_key: str) -> None:
    rerank = OpenRouterRerank(api_key=api_key, top_n=2, http_client=cassette_http_client)
    result = rerank.postprocess_nodes(_nodes(), query_str="What is the capital of France?")
    assert len(result) == 2
    assert result[0].node.node_id == "n0"
    assert result[0].score >= result[1].score


async def test_rerank_async(cassette_async_http_client: httpx.AsyncClient, api_key: str) -> None:
    rerank = OpenRouterRerank(
        api_key=api_key, top_n=1, async_http_client=cassette_async_http_client
    )
    result = await rerank.apostprocess_nodes(_nodes(), query_str="What is the capital of France?")
    assert [n.node.node_id for n in result] == ["n0"]
