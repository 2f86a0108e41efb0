"""OpenRouterEmbedding at the HTTP layer: a real recorded batch, batching, concurrency, errors."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import httpx
import pytest
from li_support import Replay
from llama_index.embeddings.openrouter_kit import OpenRouterEmbedding
from openrouter_kit.errors import AuthenticationError
from recordings_loader import find

REAL_BATCH = "OpenRouterTeam__ai-sdk-provider/e2e/__fixtures__/wOPOmB12mFy"


def vectors_for(texts: list[str]) -> list[list[float]]:
    """Deterministic fake vectors: the text length and its position, so order is checkable."""
    return [[float(len(t)), float(i)] for i, t in enumerate(texts)]


def echo_handler(sent: list[dict[str, Any]]) -> Any:
    def handle(request: httpx.Request) -> httpx.Response:
        body = json.loads(request.content)
        sent.append(body)
        texts = body["input"] if isinstance(body["input"], list) else [body["input"]]
        data = [
            {"object": "embedding", "index": i, "embedding": v}
            for i, v in enumerate(vectors_for(texts))
        ]
        data.reverse()  # the API may answer out of order; index decides
        usage = {"prompt_tokens": len(texts), "total_tokens": len(texts), "cost": 0.25}
        return httpx.Response(
            200, json={"object": "list", "data": data, "model": body["model"], "usage": usage}
        )

    return handle


def test_real_recorded_batch() -> None:
    interaction = find(REAL_BATCH)
    recorded = json.loads(interaction.body)
    request = interaction.request_body
    request = request.get("json", request)  # the recorder wraps JSON bodies as {"json": ...}
    replay = Replay(interaction, path="/embeddings")
    embed = OpenRouterEmbedding(
        model_name=request["model"], api_key="k", http_client=replay.client()
    )
    texts = request["input"]
    vectors = embed.get_text_embedding_batch(texts)
    assert len(vectors) == 3 and len(vectors[0]) == 1536
    assert vectors == [d["embedding"] for d in sorted(recorded["data"], key=lambda d: d["index"])]
    assert embed.total_cost == recorded["usage"]["cost"]
    assert embed.total_tokens == recorded["usage"]["prompt_tokens"]
    assert embed.last_response.provider == "OpenAI"
    sent = replay.bodies("/embeddings")[0]
    assert sent["input"] == texts and sent["model"] == "openai/text-embedding-3-small"
    assert sent["encoding_format"] == "base64"  # the core's faster default


def test_batches_dimensions_and_input_types() -> None:
    sent: list[dict[str, Any]] = []
    embed = OpenRouterEmbedding(
        model_name="voyage/voyage-3",
        api_key="k",
        embed_batch_size=2,
        dimensions=2,
        query_input_type="query",
        text_input_type="document",
        provider={"order": ["voyage"]},
        additional_kwargs={"truncate": "END"},
        http_client=httpx.Client(transport=httpx.MockTransport(echo_handler(sent))),
    )
    texts = ["a", "bb", "ccc", "dddd", "eeeee"]
    vectors = embed.get_text_embedding_batch(texts)
    assert [v[0] for v in vectors] == [1.0, 2.0, 3.0, 4.0, 5.0]
    assert [b["input"] for b in sent] == [["a", "bb"], ["ccc", "dddd"], ["eeeee"]]
    assert all(b["dimensions"] == 2 and b["input_type"] == "document" for b in sent)
    assert sent[0]["provider"] == {"order": ["voyage"]}
    assert sent[0]["truncate"] == "END"  # unknown params go in the body via extra_body
    assert embed.get_query_embedding("hello") == [5.0, 0.0]
    assert sent[-1]["input_type"] == "query" and sent[-1]["input"] == ["hello"]
    assert embed.total_cost == pytest.approx(0.25 * 4)


async def test_async_batches_run_concurrently_but_bounded() -> None:
    in_flight = 0
    peak = 0
    sent: list[dict[str, Any]] = []
    respond = echo_handler(sent)

    async def handle(request: httpx.Request) -> httpx.Response:
        nonlocal in_flight, peak
        in_flight += 1
        peak = max(peak, in_flight)
        await asyncio.sleep(0.01)
        in_flight -= 1
        return respond(request)

    embed = OpenRouterEmbedding(
        api_key="k",
        embed_batch_size=1,
        max_concurrency=3,
        async_http_client=httpx.AsyncClient(transport=httpx.MockTransport(handle)),
    )
    texts = [str(i) * (i + 1) for i in range(10)]
    vectors = await embed.aget_text_embedding_batch(texts)
    assert [v[0] for v in vectors] == [float(len(t)) for t in texts]
    assert len(sent) == 10
    assert peak == 3, "batches overlap, up to max_concurrency"
    assert await embed.aget_query_embedding("xy") == [2.0, 0.0]
    assert await embed.aget_text_embedding("xyz") == [3.0, 0.0]


def test_short_answer_is_an_error_not_misaligned_vectors() -> None:
    def handle(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json={"data": [{"index": 0, "embedding": [1.0]}], "model": "m"})

    embed = OpenRouterEmbedding(
        api_key="k", http_client=httpx.Client(transport=httpx.MockTransport(handle))
    )
    with pytest.raises(ValueError, match="1 embeddings for 2 inputs"):
        embed.get_text_embedding_batch(["a", "b"])


def test_api_errors_are_typed() -> None:
    def handle(request: httpx.Request) -> httpx.Response:
        return httpx.Response(401, json={"error": {"message": "User not found.", "code": 401}})

    embed = OpenRouterEmbedding(
        api_key="k", http_client=httpx.Client(transport=httpx.MockTransport(handle))
    )
    with pytest.raises(AuthenticationError):
        embed.get_text_embedding("a")
