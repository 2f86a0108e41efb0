"""OpenRouterRerank at the HTTP layer: ordering, top_n, metadata mode, events on every path, errors."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest
from li_support import RecordingEventHandler, Replay
from llama_index.core.callbacks import CallbackManager, CBEventType, LlamaDebugHandler
from llama_index.core.schema import MetadataMode, NodeWithScore, QueryBundle, TextNode
from llama_index.postprocessor.openrouter_kit_rerank import OpenRouterRerank
from openrouter_kit.errors import BadRequestError

# Verbatim live response for voyageai/rerank-2.5 quoted in a public test file
# (tests/recordings/_quoted-in-public-files/QUOTED.md, Q1). No rerank cassette exists.
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
    "usage": {"total_tokens": 48, "cost": 0.0000024},
    "provider": "VoyageAI by MongoDB",
    "id": "gen-rerank-1788571637-test",
}
TEXTS = [
    "Split-K works well for small M on MI300X",
    "The weather is sunny today",
    "ROCm 6.4 kernel tuning notes",
]
QUERY = "How do I tune GEMM kernels on AMD GPUs?"


def nodes(scores: tuple[float, ...] = (0.1, 0.9, 0.5)) -> list[NodeWithScore]:
    return [
        NodeWithScore(node=TextNode(text=t, id_=f"n{i}"), score=s)
        for i, (t, s) in enumerate(zip(TEXTS, scores, strict=True))
    ]


def reranker(replay: Replay, **kwargs: Any) -> tuple[OpenRouterRerank, LlamaDebugHandler]:
    debug = LlamaDebugHandler()
    rerank = OpenRouterRerank(
        model="voyageai/rerank-2.5",
        api_key="k",
        http_client=replay.client(),
        async_http_client=replay.async_client(),
        callback_manager=CallbackManager([debug]),
        **kwargs,
    )
    return rerank, debug


def test_reorders_by_relevance_and_keeps_top_n(
    instrumentation_events: RecordingEventHandler,
) -> None:
    replay = Replay(VOYAGE_RERANK, path="/rerank")
    rerank, debug = reranker(replay)
    given = nodes()
    result = rerank.postprocess_nodes(given, query_str=QUERY)
    assert [n.node.node_id for n in result] == ["n0", "n2"]  # top_n defaults to 2
    assert [n.score for n in result] == [0.58203125, 0.310546875]
    assert result[0].node is given[0].node  # the same node objects, rescored
    sent = replay.bodies("/rerank")[0]
    assert sent == {"model": "voyageai/rerank-2.5", "query": QUERY, "documents": TEXTS, "top_n": 2}
    assert rerank.last_response.usage.cost == 0.0000024
    assert instrumentation_events.names("ReRank") == ["ReRankStartEvent", "ReRankEndEvent"]
    end = instrumentation_events.events[-1]
    assert [n.node.node_id for n in end.nodes] == ["n0", "n2"]
    pairs = debug.get_event_pairs(CBEventType.RERANKING)
    assert len(pairs) == 1 and len(pairs[0]) == 2


def test_top_n_is_clamped_and_retrieval_score_kept() -> None:
    replay = Replay(VOYAGE_RERANK, path="/rerank")
    rerank, _ = reranker(
        replay, top_n=10, keep_retrieval_score=True, additional_kwargs={"return_documents": False}
    )
    result = rerank.postprocess_nodes(nodes(), query_str=QUERY)
    assert replay.bodies("/rerank")[0]["top_n"] == 3
    assert replay.bodies("/rerank")[0]["return_documents"] is False
    assert [n.node.node_id for n in result] == ["n0", "n2", "n1"]
    assert [n.node.metadata["retrieval_score"] for n in result] == [0.1, 0.5, 0.9]


def test_metadata_mode_controls_the_text_sent() -> None:
    with_metadata = [NodeWithScore(node=TextNode(text="body", metadata={"src": "a.md"}), score=1.0)]
    one = {"results": [{"index": 0, "relevance_score": 0.5}], "model": "m"}
    replay = Replay(one, one, path="/rerank")
    rerank, _ = reranker(replay)
    rerank.postprocess_nodes(with_metadata, query_str="q")
    rerank.metadata_mode = MetadataMode.NONE
    rerank.postprocess_nodes(with_metadata, query_str="q")
    embed_mode, none_mode = (b["documents"][0] for b in replay.bodies("/rerank"))
    assert "src: a.md" in embed_mode and embed_mode.endswith("body")
    assert none_mode == "body"


def test_out_of_range_and_duplicate_indices_are_skipped() -> None:
    odd = {
        "model": "m",
        "results": [
            {"index": 7, "relevance_score": 0.99},
            {"index": 1, "relevance_score": 0.8},
            {"index": 1, "relevance_score": 0.7},
            {"index": 0, "relevance_score": 0.1},
        ],
    }
    rerank, _ = reranker(Replay(odd, path="/rerank"), top_n=3)
    result = rerank.postprocess_nodes(nodes(), query_str="q")
    assert [(n.node.node_id, n.score) for n in result] == [("n1", 0.8), ("n0", 0.1)]


def test_empty_nodes_return_empty_with_balanced_events(
    instrumentation_events: RecordingEventHandler,
) -> None:
    replay = Replay(path="/rerank")
    rerank, debug = reranker(replay)
    assert rerank.postprocess_nodes([], query_str="q") == []
    assert replay.sent == []
    assert instrumentation_events.names("ReRank") == ["ReRankStartEvent", "ReRankEndEvent"]
    assert [len(p) for p in debug.get_event_pairs(CBEventType.RERANKING)] == [2]


def test_missing_query_raises_with_balanced_events(
    instrumentation_events: RecordingEventHandler,
) -> None:
    rerank, _ = reranker(Replay(path="/rerank"))
    with pytest.raises(ValueError, match="needs a query"):
        rerank.postprocess_nodes(nodes())
    assert instrumentation_events.names("ReRank") == ["ReRankStartEvent", "ReRankEndEvent"]


def test_api_error_is_raised_typed_never_an_empty_list(
    instrumentation_events: RecordingEventHandler,
) -> None:
    error = httpx.Response(
        400, json={"error": {"message": "Model voyageai/nope does not exist", "code": 400}}
    )
    rerank, _ = reranker(Replay(error, path="/rerank"))
    with pytest.raises(BadRequestError, match="does not exist"):
        rerank.postprocess_nodes(nodes(), query_str="q")
    assert instrumentation_events.names("ReRank") == ["ReRankStartEvent", "ReRankEndEvent"]


async def test_native_async_uses_only_the_async_client(
    instrumentation_events: RecordingEventHandler,
) -> None:
    replay = Replay(VOYAGE_RERANK, path="/rerank")
    # No sync http client: a thread-pool fallback to the sync path would try the real network.
    rerank = OpenRouterRerank(
        model="voyageai/rerank-2.5", api_key="k", async_http_client=replay.async_client()
    )
    result = await rerank.apostprocess_nodes(nodes(), query_bundle=QueryBundle(QUERY))
    assert [n.node.node_id for n in result] == ["n0", "n2"]
    assert json.loads(replay.sent[0].content)["query"] == QUERY
    assert instrumentation_events.names("ReRank") == ["ReRankStartEvent", "ReRankEndEvent"]
    assert await rerank.apostprocess_nodes([], query_str="q") == []
    assert instrumentation_events.names("ReRank")[-2:] == ["ReRankStartEvent", "ReRankEndEvent"]
