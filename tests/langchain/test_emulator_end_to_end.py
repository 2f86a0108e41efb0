"""ChatOpenRouter, OpenRouterEmbeddings and OpenRouterRerank end to end on the emulator.

The emulator sits behind an httpx.MockTransport that records each request, so these tests
check both what LangChain gets back and what was sent on the following turn.
"""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest
from langchain_core.documents import Document
from langchain_core.messages import AIMessage, HumanMessage, ToolMessage
from langchain_core.tools import tool
from langchain_openrouter_kit import ChatOpenRouter, OpenRouterEmbeddings, OpenRouterRerank
from openrouter_kit import AsyncOpenRouter, OpenRouter
from openrouter_kit_emulator import Emulator, EmulatorTransport


class RecordingEmulator:
    """One emulator; every request body sent to it is kept in ``bodies``."""

    def __init__(self) -> None:
        self.emulator = EmulatorTransport(Emulator())
        self.bodies: list[dict[str, Any]] = []

    def _sync(self, request: httpx.Request) -> httpx.Response:
        self.bodies.append(json.loads(request.read() or b"{}"))
        return self.emulator.handle_request(request)

    async def _async(self, request: httpx.Request) -> httpx.Response:
        self.bodies.append(json.loads(request.read() or b"{}"))
        return await self.emulator.handle_async_request(request)

    def clients(self) -> dict[str, Any]:
        return {
            "client": OpenRouter(
                api_key="emulator-key",
                http_client=httpx.Client(transport=httpx.MockTransport(self._sync)),
            ),
            "async_client": AsyncOpenRouter(
                api_key="emulator-key",
                http_client=httpx.AsyncClient(transport=httpx.MockTransport(self._async)),
            ),
        }


@tool
def lookup_order(order_id: str) -> str:
    """Look up an order's status."""
    return f"Order {order_id} shipped yesterday."


def _sum(chunks: list[Any]) -> Any:
    total = chunks[0]
    for chunk in chunks[1:]:
        total += chunk
    return total


@pytest.mark.parametrize("stream", [False, True], ids=["invoke", "stream"])
def test_reasoning_tool_loop_replays_reasoning_details(stream: bool) -> None:
    """Turn 1: reasoning + tool call. Turn 2 must send that reasoning back unchanged."""
    server = RecordingEmulator()
    llm = ChatOpenRouter(
        model="anthropic/claude-sonnet-4.5", reasoning={"effort": "low"}, **server.clients()
    ).bind_tools([lookup_order])
    question = HumanMessage("Use lookup_order for order A-17.")
    first = _sum(list(llm.stream([question]))) if stream else llm.invoke([question])
    assert first.tool_calls and first.tool_calls[0]["name"] == "lookup_order"
    details = first.additional_kwargs["reasoning_details"]
    assert details and details[0]["format"] == "anthropic-claude-v1"
    assert first.content_blocks[0]["type"] == "reasoning"

    result = ToolMessage(
        lookup_order.invoke(first.tool_calls[0]["args"]), tool_call_id=first.tool_calls[0]["id"]
    )
    second = llm.invoke([question, first, result])
    assert second.text and not second.tool_calls
    sent_assistant = server.bodies[1]["messages"][1]
    assert sent_assistant["role"] == "assistant"
    assert sent_assistant["reasoning_details"] == details
    assert sent_assistant["tool_calls"][0]["id"] == first.tool_calls[0]["id"]
    assert server.bodies[1]["reasoning"] == {"effort": "low"}


async def test_async_stream_usage_and_metadata() -> None:
    server = RecordingEmulator()
    llm = ChatOpenRouter(model="openai/gpt-4o-mini", **server.clients())
    chunks = [chunk async for chunk in llm.astream("Say hello")]
    total = _sum(chunks)
    assert isinstance(total, AIMessage)
    assert total.usage_metadata and total.usage_metadata["total_tokens"] > 0
    assert total.response_metadata["finish_reason"] == "stop"
    assert total.response_metadata["cost"] > 0
    assert server.bodies[0]["stream_options"] == {"include_usage": True}


def test_embeddings_and_rerank_on_the_emulator() -> None:
    server = RecordingEmulator()
    embeddings = OpenRouterEmbeddings(dimensions=64, chunk_size=2, **server.clients())
    vectors, usage = embeddings.embed_documents_with_usage(["alpha", "beta", "gamma"])
    assert [len(v) for v in vectors] == [64, 64, 64]
    assert usage.requests == 2 and usage.cost is not None
    assert embeddings.embed_query("alpha") == pytest.approx(vectors[0])

    reranker = OpenRouterRerank(top_n=2, **server.clients())
    docs = [
        Document("cats sleep all day"),
        Document("a vector store keeps embeddings"),
        Document("vector stores answer similarity queries"),
    ]
    ranked = reranker.compress_documents(docs, "what does a vector store do?")
    assert len(ranked) == 2
    assert all("vector" in doc.page_content for doc in ranked)
    scores = [doc.metadata["relevance_score"] for doc in ranked]
    assert scores == sorted(scores, reverse=True)


def test_a_streamed_answer_adds_up_to_the_invoked_one_with_logprobs_and_citations() -> None:
    # the emulator streams logprobs per chunk and citations in a chunk of their own
    model = ChatOpenRouter(
        model="openai/gpt-4o-mini:online", base_url="emulator://", api_key="k", logprobs=True
    )
    question = "What is the capital of France?"
    full = model.invoke(question)
    added = None
    for chunk in model.stream(question):
        added = chunk if added is None else added + chunk
    assert added is not None
    assert added.content == full.content
    tokens = added.response_metadata["logprobs"]["content"]
    assert tokens and tokens == full.response_metadata["logprobs"]["content"]
    citations = added.additional_kwargs["annotations"]
    assert citations and citations == full.additional_kwargs["annotations"]
