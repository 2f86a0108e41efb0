"""LangChain habits: the error taxonomy agents read, model_name, embeddings progress and
parallelism, the rerank API, and copies of a used model. All at the HTTP layer."""

from __future__ import annotations

import copy
import json
import pickle
import threading
import time
from typing import Any

import httpx
import langchain_core.exceptions as lc
import openrouter_kit.errors as core_errors
import pytest
from langchain_core.load import dumpd
from langchain_openrouter_kit import ChatOpenRouter, OpenRouterEmbeddings, OpenRouterRerank
from lc_wire import Wire, json_response

COMPLETION = {
    "id": "gen-1",
    "object": "chat.completion",
    "created": 1,
    "model": "openai/gpt-4o-mini",
    "choices": [
        {
            "index": 0,
            "message": {"role": "assistant", "content": "hi"},
            "finish_reason": "stop",
        }
    ],
    "usage": {"prompt_tokens": 3, "completion_tokens": 1, "total_tokens": 4},
}
CONTEXT_400 = (
    "This endpoint's maximum context length is 128000 tokens. However, you requested "
    "about 200000 tokens. Please reduce the length of either one."
)


def error_handler(status: int, message: str = "nope") -> Any:
    return json_response({"error": {"code": status, "message": message}}, status)


@pytest.mark.parametrize(
    ("status", "message", "core_class", "lc_name"),
    [
        (400, "bad", core_errors.BadRequestError, "ModelInvalidRequestError"),
        (400, CONTEXT_400, core_errors.BadRequestError, "ContextOverflowError"),
        (401, "bad key", core_errors.AuthenticationError, "ModelAuthenticationError"),
        (403, "denied", core_errors.PermissionDeniedError, "ModelPermissionDeniedError"),
        (404, "no model", core_errors.NotFoundError, "ModelNotFoundError"),
        (429, "slow down", core_errors.RateLimitError, "ModelRateLimitError"),
        (500, "boom", core_errors.InternalServerError, "ModelAPIError"),
        (503, "down", core_errors.APIStatusError, "ModelAPIError"),
    ],
)
async def test_status_errors_are_langchain_model_errors_and_core_errors(
    status: int, message: str, core_class: type[Exception], lc_name: str
) -> None:
    llm = ChatOpenRouter(
        model="openai/gpt-4o-mini", **Wire(error_handler(status, message)).clients()
    )
    lc_class = getattr(lc, lc_name)
    with pytest.raises(lc_class) as caught:
        llm.invoke("hi")
    assert isinstance(caught.value, core_class)
    assert isinstance(caught.value, lc.ModelError)
    with pytest.raises(lc_class):
        await llm.ainvoke("hi")
    with pytest.raises(lc_class):
        list(llm.stream("hi"))


@pytest.mark.parametrize(
    ("exc", "lc_name", "core_class"),
    [
        (httpx.ConnectError("refused"), "ModelConnectionError", core_errors.APIConnectionError),
        (httpx.ReadTimeout("slow"), "ModelTimeoutError", core_errors.APITimeoutError),
    ],
)
def test_transport_errors_are_connection_and_timeout_errors(
    exc: Exception, lc_name: str, core_class: type[Exception]
) -> None:
    def fail(request: httpx.Request) -> httpx.Response:
        raise exc

    llm = ChatOpenRouter(model="openai/gpt-4o-mini", **Wire(fail).clients())
    with pytest.raises(getattr(lc, lc_name)) as caught:
        llm.invoke("hi")
    assert isinstance(caught.value, core_class)


def test_embeddings_and_rerank_errors_are_mapped_too() -> None:
    clients = Wire(error_handler(429)).clients()
    with pytest.raises(lc.ModelRateLimitError):
        OpenRouterEmbeddings(**clients).embed_query("x")
    with pytest.raises(lc.ModelRateLimitError):
        OpenRouterRerank(**clients).rerank(["a"], "q")


def test_model_name_is_an_alias_of_model() -> None:
    llm = ChatOpenRouter(model_name="openai/gpt-4o", api_key="sk-or-x")
    assert llm.model == llm.model_name == "openai/gpt-4o"
    assert OpenRouterEmbeddings(model="a/b").model_name == "a/b"
    assert OpenRouterRerank(model_name="c/d").model == "c/d"


def fake_embeddings(request: httpx.Request) -> httpx.Response:
    inputs = json.loads(request.content)["input"]
    assert all(inputs), "an empty string reached the API"
    data = [{"index": i, "embedding": [float(len(t)), 1.0]} for i, t in enumerate(inputs)]
    return httpx.Response(200, json={"data": data, "model": "m"}, request=request)


def test_sync_embed_documents_sends_batches_concurrently_and_bounded() -> None:
    lock = threading.Lock()
    state = {"now": 0, "peak": 0}

    def slow(request: httpx.Request) -> httpx.Response:
        with lock:
            state["now"] += 1
            state["peak"] = max(state["peak"], state["now"])
        time.sleep(0.05)
        with lock:
            state["now"] -= 1
        return fake_embeddings(request)

    wire = Wire(slow)
    embeddings = OpenRouterEmbeddings(chunk_size=1, max_concurrency=3, **wire.clients())
    texts = [str(i) * (i + 1) for i in range(9)]
    vectors = embeddings.embed_documents(texts)
    assert [v[0] for v in vectors] == [float(len(t)) for t in texts]  # input order kept
    assert len(wire.requests) == 9
    assert state["peak"] == 3


def test_embeddings_progress_bar_and_empty_strings(capsys: pytest.CaptureFixture[str]) -> None:
    wire = Wire(fake_embeddings)
    embeddings = OpenRouterEmbeddings(chunk_size=2, show_progress_bar=True, **wire.clients())
    vectors = embeddings.embed_documents(["a", "", "ccc"])
    assert len(vectors) == 3 and vectors[2][0] == 3.0
    assert "Embedding" in capsys.readouterr().err
    assert OpenRouterEmbeddings(**wire.clients()).embed_query("")


def rerank_handler(request: httpx.Request) -> httpx.Response:
    body = json.loads(request.content)
    scores = [0.9, 0.2, 0.6][: len(body["documents"])]
    results = sorted(
        ({"index": i, "relevance_score": s} for i, s in enumerate(scores)),
        key=lambda r: -r["relevance_score"],
    )[: body.get("top_n")]
    return httpx.Response(200, json={"results": results, "model": body["model"]}, request=request)


async def test_rerank_returns_index_and_score_with_top_n_and_threshold() -> None:
    wire = Wire(rerank_handler)
    reranker = OpenRouterRerank(top_n=None, **wire.clients())
    docs = ["a", "b", "c"]
    assert reranker.rerank(docs, "q") == [
        {"index": 0, "relevance_score": 0.9},
        {"index": 2, "relevance_score": 0.6},
        {"index": 1, "relevance_score": 0.2},
    ]
    assert [r["index"] for r in reranker.rerank(docs, "q", top_n=1)] == [0]
    assert wire.bodies[-1]["top_n"] == 1
    strict = OpenRouterRerank(score_threshold=0.5, top_n=None, **wire.clients())
    assert [r["index"] for r in await strict.arerank(docs, "q")] == [0, 2]


def emulator_model() -> ChatOpenRouter:
    return ChatOpenRouter(
        model="openai/gpt-4o-mini", base_url="emulator://", api_key="sk-or-secret-123"
    )


def test_deepcopy_and_pickle_of_a_used_model_rebuild_clients_and_keep_the_key() -> None:
    llm = emulator_model()
    assert llm.invoke("hi").content
    for twin in (copy.deepcopy(llm), pickle.loads(pickle.dumps(llm))):
        assert twin.api_key is not None
        assert twin.api_key.get_secret_value() == "sk-or-secret-123"
        assert twin.invoke("hi").content
        assert twin._get_client() is not llm._get_client()
    assert "sk-or-secret-123" not in repr(llm)
    assert "sk-or-secret-123" not in json.dumps(dumpd(llm))
    embeddings = OpenRouterEmbeddings(base_url="emulator://", api_key="sk-or-secret-123")
    embeddings.embed_query("x")
    assert pickle.loads(pickle.dumps(embeddings)).embed_query("x")
    assert copy.deepcopy(embeddings).embed_query("x")


def test_one_model_serves_successive_asyncio_runs_over_real_sockets() -> None:
    import asyncio

    from loopback_server import loopback_openrouter

    with loopback_openrouter() as (base_url, _):
        llm = ChatOpenRouter(model="m/x", api_key="sk-or-x", base_url=base_url, max_retries=0)
        embeddings = OpenRouterEmbeddings(api_key="sk-or-x", base_url=base_url)
        reranker = OpenRouterRerank(api_key="sk-or-x", base_url=base_url, top_n=None)

        async def use() -> tuple[Any, int, int]:
            answer = await llm.ainvoke("hi")
            vectors = await embeddings.aembed_documents(["a", "b"])
            ranked = await reranker.arerank(["a", "b"], "q")
            return answer.content, len(vectors), len(ranked)

        for _ in range(3):
            assert asyncio.run(use()) == ("hi", 2, 2)
