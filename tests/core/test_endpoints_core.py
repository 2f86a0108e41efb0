"""Embeddings, rerank and models: the request each sends and the typed result."""

from __future__ import annotations

import base64
import json
from array import array
from decimal import Decimal

import httpx
import pytest
from core_support import make_async_client, make_client
from openrouter_kit.types import EmbeddingResponse, ModelEndpoints, ModelList, RerankResponse


def b64(vector: list[float]) -> str:
    return base64.b64encode(array("f", vector).tobytes()).decode()


def test_embeddings_default_to_base64_wire_and_return_floats() -> None:
    vectors = [[0.5, -1.0, 0.25], [1.5, 2.0, -0.125]]

    def handler(request: httpx.Request) -> httpx.Response:
        body = json.loads(request.content)
        assert body["encoding_format"] == "base64"
        data = [
            {"object": "embedding", "index": i, "embedding": b64(v)} for i, v in enumerate(vectors)
        ]
        return httpx.Response(
            200,
            json={
                "id": "gen-emb-1-x",
                "object": "list",
                "data": data,
                "model": "openai/text-embedding-3-small",
                "provider": "OpenAI",
                "usage": {"prompt_tokens": 4, "total_tokens": 4, "cost": 1e-7},
            },
        )

    client, seen = make_client(handler)
    result = client.embeddings.create(
        model="openai/text-embedding-3-small",
        input=["a", "b"],
        dimensions=3,
        input_type="search_document",
        provider={"order": ["openai"]},
    )
    assert isinstance(result, EmbeddingResponse)
    assert result.vectors == vectors
    assert result.usage.cost == 1e-7 and result.provider == "OpenAI"
    assert seen.last_json() == {
        "model": "openai/text-embedding-3-small",
        "input": ["a", "b"],
        "dimensions": 3,
        "input_type": "search_document",
        "provider": {"order": ["openai"]},
        "encoding_format": "base64",
    }


@pytest.mark.parametrize("fmt", ["float", "base64"])
def test_explicit_encoding_format_is_sent_and_floats_come_back(fmt: str) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        sent = json.loads(request.content)["encoding_format"]
        value = [0.5, 0.25] if sent == "float" else b64([0.5, 0.25])
        return httpx.Response(200, json={"data": [{"index": 0, "embedding": value}]})

    client, seen = make_client(handler)
    assert client.embeddings.create(model="e/x", input="a", encoding_format=fmt).vectors == [
        [0.5, 0.25]
    ]  # type: ignore[arg-type]
    assert seen.last_json()["encoding_format"] == fmt


def test_rerank_request_and_result() -> None:
    body = {
        "id": "gen-rerank-1-x",
        "model": "cohere/rerank-v3.5",
        "provider": "Cohere",
        "results": [
            {"index": 1, "relevance_score": 0.9, "document": {"text": "b"}},
            {"index": 0, "relevance_score": 0.1, "document": {"text": "a"}},
        ],
        "usage": {"search_units": 1, "cost": 0.002},
    }
    client, seen = make_client(lambda r: httpx.Response(200, json=body))
    result = client.rerank.create(
        model="cohere/rerank-v3.5", query="q", documents=["a", "b"], top_n=2
    )
    assert isinstance(result, RerankResponse)
    assert [r.index for r in result.results] == [1, 0]
    assert result.results[0].document.text == "b"
    assert result.usage.search_units == 1 and result.usage.cost == 0.002
    assert seen.last_json() == {
        "model": "cohere/rerank-v3.5",
        "query": "q",
        "documents": ["a", "b"],
        "top_n": 2,
    }
    assert seen.last.url.path == "/api/v1/rerank"


def test_models_list_filters_and_decimal_prices() -> None:
    body = {
        "data": [
            {
                "id": "openai/gpt-4o-mini",
                "name": "GPT-4o-mini",
                "context_length": 128000,
                "architecture": {
                    "input_modalities": ["text", "image"],
                    "output_modalities": ["text"],
                },
                "pricing": {"prompt": "0.00000015", "completion": "0.0000006"},
                "top_provider": {
                    "context_length": 128000,
                    "max_completion_tokens": 16384,
                    "is_moderated": True,
                },
                "supported_parameters": ["tools", "response_format"],
            }
        ]
    }
    client, seen = make_client(lambda r: httpx.Response(200, json=body))
    models = client.models.list(
        supported_parameters=["tools", "response_format"],
        output_modalities="text",
        category="programming",
    )
    assert isinstance(models, ModelList)
    model = models.get("openai/gpt-4o-mini")
    assert model is not None and model.supports("tools")
    assert model.pricing.prompt == Decimal("0.00000015")
    assert model.pricing.prompt_per_million == Decimal("0.15")
    assert model.pricing.estimate(1000, 1000) == Decimal("0.00075")
    params = seen.last.url.params
    assert params["supported_parameters"] == "tools,response_format"
    assert params["output_modalities"] == "text" and params["category"] == "programming"
    assert seen.last.method == "GET" and seen.last.content == b""


def test_models_count_and_endpoints_path() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/count"):
            return httpx.Response(200, json={"data": {"count": 321}})
        return httpx.Response(
            200,
            json={
                "data": {
                    "id": "anthropic/claude-sonnet-4",
                    "name": "Claude",
                    "endpoints": [
                        {
                            "provider_name": "Anthropic",
                            "quantization": "unknown",
                            "pricing": {"prompt": "0.000003", "completion": "0.000015"},
                            "uptime_last_30m": 99.5,
                            "supported_parameters": ["tools"],
                        }
                    ],
                }
            },
        )

    client, seen = make_client(handler)
    assert client.models.count(output_modalities="all").data.count == 321
    assert seen.last.url.params["output_modalities"] == "all"
    endpoints = client.models.endpoints("anthropic/claude-sonnet-4")
    assert isinstance(endpoints, ModelEndpoints)
    assert seen.last.url.path == "/api/v1/models/anthropic/claude-sonnet-4/endpoints"
    assert endpoints.data.endpoints[0].pricing.completion_per_million == Decimal("15.000000")


async def test_async_embeddings() -> None:
    client, _ = make_async_client(
        lambda r: httpx.Response(200, json={"data": [{"index": 0, "embedding": b64([1.0])}]})
    )
    result = await client.embeddings.create(model="e/x", input="a")
    assert result.vectors == [[1.0]]
