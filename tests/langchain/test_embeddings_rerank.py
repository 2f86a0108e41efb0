"""OpenRouterEmbeddings and OpenRouterRerank at the HTTP boundary."""

from __future__ import annotations

import asyncio
import base64
import json
import struct
from typing import Any

import httpx
import pytest
from langchain_core.documents import Document
from langchain_openrouter_kit import OpenRouterEmbeddings, OpenRouterRerank
from langchain_openrouter_kit.rerank import documents_from_rerank
from lc_wire import Wire, json_response
from recordings_loader import Interaction, interactions

EMBEDDING_RECORDINGS = interactions("/embeddings", status=200)


def fake_embeddings(request: httpx.Request) -> httpx.Response:
    """Answer /embeddings with vector [i, len(text)] per input, in the requested encoding."""
    body = json.loads(request.content)
    inputs = body["input"] if isinstance(body["input"], list) else [body["input"]]
    data = []
    for i, text in enumerate(inputs):
        vector = [float(i), float(len(text))]
        if body.get("encoding_format") == "base64":
            encoded: Any = base64.b64encode(struct.pack(f"<{len(vector)}f", *vector)).decode()
        else:
            encoded = vector
        data.append({"object": "embedding", "index": i, "embedding": encoded})
    data.reverse()  # the API may return items out of order; index decides
    return httpx.Response(
        200,
        json={
            "object": "list",
            "data": data,
            "model": body["model"],
            "provider": "OpenAI",
            "id": "gen-emb-1-x",
            "usage": {"prompt_tokens": len(inputs), "total_tokens": len(inputs), "cost": 1e-7},
        },
        request=request,
    )


def test_embed_documents_batches_by_chunk_size_and_sends_raw_strings() -> None:
    wire = Wire(fake_embeddings)
    embeddings = OpenRouterEmbeddings(
        model="openai/text-embedding-3-small",
        chunk_size=2,
        dimensions=256,
        input_type="search_document",
        provider={"order": ["openai"]},
        **wire.clients(),
    )
    texts = ["a", "bb", "ccc", "dddd", "eeeee"]
    vectors = embeddings.embed_documents(texts)
    assert vectors == [[0.0, 1.0], [1.0, 2.0], [0.0, 3.0], [1.0, 4.0], [0.0, 5.0]]
    assert [body["input"] for body in wire.bodies] == [["a", "bb"], ["ccc", "dddd"], ["eeeee"]]
    first = wire.bodies[0]
    assert (first["dimensions"], first["input_type"], first["provider"]) == (
        256,
        "search_document",
        {"order": ["openai"]},
    )


def test_embed_query_and_usage_totals() -> None:
    wire = Wire(fake_embeddings)
    embeddings = OpenRouterEmbeddings(chunk_size=2, **wire.clients())
    assert embeddings.embed_query("four") == [0.0, 4.0]
    vectors, usage = embeddings.embed_documents_with_usage(["a", "b", "c"])
    assert len(vectors) == 3
    assert (usage.requests, usage.prompt_tokens) == (2, 3)
    assert usage.cost == pytest.approx(2e-7)
    assert usage.providers == ["OpenAI"]


def test_float_encoding_can_be_forced() -> None:
    wire = Wire(fake_embeddings)
    OpenRouterEmbeddings(encoding_format="float", **wire.clients()).embed_documents(["x"])
    assert wire.bodies[0]["encoding_format"] == "float"


async def test_async_batches_run_concurrently_within_the_limit() -> None:
    in_flight = 0
    peak = 0

    async def slow_transport_handler(request: httpx.Request) -> httpx.Response:
        nonlocal in_flight, peak
        in_flight += 1
        peak = max(peak, in_flight)
        await asyncio.sleep(0.01)
        in_flight -= 1
        return fake_embeddings(request)

    from openrouter_kit import AsyncOpenRouter

    client = AsyncOpenRouter(
        api_key="k",
        max_retries=0,
        http_client=httpx.AsyncClient(transport=httpx.MockTransport(slow_transport_handler)),
    )
    embeddings = OpenRouterEmbeddings(chunk_size=1, max_concurrency=3, async_client=client)
    texts = [str(i) * (i + 1) for i in range(8)]
    vectors = await embeddings.aembed_documents(texts)
    assert [v[1] for v in vectors] == [float(len(t)) for t in texts]
    assert peak == 3
    assert await embeddings.aembed_query("abc") == [0.0, 3.0]


@pytest.mark.parametrize(
    "recording", EMBEDDING_RECORDINGS, ids=[r.source for r in EMBEDDING_RECORDINGS]
)
def test_recorded_embeddings_replay(recording: Interaction) -> None:
    """Real /embeddings responses (OpenRouterTeam/ai-sdk-provider fixtures) come out as the recorded floats."""
    body = json.loads(recording.body)
    request = recording.request_body
    texts = request["input"] if isinstance(request["input"], list) else [request["input"]]
    wire = Wire(recording.response)
    embeddings = OpenRouterEmbeddings(
        model=request["model"], chunk_size=len(texts), **wire.clients()
    )
    vectors, usage = embeddings.embed_documents_with_usage(texts)
    expected = [item["embedding"] for item in sorted(body["data"], key=lambda item: item["index"])]
    assert len(vectors) == len(expected)
    for got, want in zip(vectors, expected, strict=True):
        assert got == pytest.approx(want)
    assert usage.prompt_tokens == body["usage"]["prompt_tokens"]
    if body["usage"].get("cost") is not None:
        assert usage.cost == pytest.approx(body["usage"]["cost"])


# ---- rerank ----------------------------------------------------------------------------------

# The verbatim voyageai/rerank-2.5 response quoted in tests/recordings/_quoted-in-public-files/QUOTED.md (Q1).
VOYAGE_RERANK = {
    "model": "rerank-2.5",
    "results": [
        {
            "index": 0,
            "relevance_score": 0.58203125,
            "document": {"text": "Split-K works well for small M on MI300X"},
        },
        {
            "index": 2,
            "relevance_score": 0.310546875,
            "document": {"text": "ROCm 6.4 kernel tuning notes"},
        },
        {
            "index": 1,
            "relevance_score": 0.2294921875,
            "document": {"text": "The weather is sunny today"},
        },
    ],
}
DOCS = [
    Document("Split-K works well for small M on MI300X", metadata={"source": "a"}, id="a"),
    Document("The weather is sunny today", metadata={"source": "b"}, id="b"),
    Document("ROCm 6.4 kernel tuning notes", metadata={"source": "c"}, id="c"),
]


def test_rerank_keeps_api_order_and_adds_scores() -> None:
    wire = Wire(json_response(VOYAGE_RERANK))
    reranker = OpenRouterRerank(model="voyageai/rerank-2.5", top_n=3, **wire.clients())
    ranked = reranker.compress_documents(DOCS, "GPU kernel tuning")
    assert [d.id for d in ranked] == ["a", "c", "b"]
    assert [d.metadata["relevance_score"] for d in ranked] == [
        0.58203125,
        0.310546875,
        0.2294921875,
    ]
    assert ranked[0].metadata["source"] == "a"
    assert DOCS[0].metadata == {"source": "a"}  # inputs are not mutated
    assert wire.bodies[0] == {
        "model": "voyageai/rerank-2.5",
        "query": "GPU kernel tuning",
        "documents": [d.page_content for d in DOCS],
        "top_n": 3,
    }


async def test_async_rerank() -> None:
    wire = Wire(json_response(VOYAGE_RERANK))
    ranked = await OpenRouterRerank(**wire.clients()).acompress_documents(DOCS, "q")
    assert [d.id for d in ranked] == ["a", "c", "b"]


def test_bad_indices_are_dropped_not_misattributed() -> None:
    response = {
        "results": [
            {"index": 5, "relevance_score": 0.9},
            {"index": -1, "relevance_score": 0.8},
            {"index": True, "relevance_score": 0.7},
            {"index": "1", "relevance_score": 0.6},
            {"index": 2, "relevance_score": 0.5},
            {"index": 2, "relevance_score": 0.4},
        ]
    }
    ranked = documents_from_rerank(DOCS, response)
    assert [(d.id, d.metadata["relevance_score"]) for d in ranked] == [("c", 0.5)]


def test_no_documents_means_no_request() -> None:
    wire = Wire(json_response(VOYAGE_RERANK))
    assert OpenRouterRerank(**wire.clients()).compress_documents([], "q") == []
    assert wire.requests == []


def test_unknown_constructor_arguments_are_rejected() -> None:
    from pydantic import ValidationError

    with pytest.raises(ValidationError):
        OpenRouterEmbeddings(dimension=256)  # typo of dimensions: fail loudly, not silently
    with pytest.raises(ValidationError):
        OpenRouterRerank(topn=2)
