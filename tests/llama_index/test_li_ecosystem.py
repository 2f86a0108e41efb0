"""LlamaIndex habits: one instance across asyncio.run calls, pickling and deepcopy of a used
component, embedding and rerank costs in the cost handler, and the embedding limits."""

from __future__ import annotations

import asyncio
import copy
import pickle

import pytest
from llama_index.core.schema import NodeWithScore, QueryBundle, TextNode
from llama_index.embeddings.openrouter_kit import OpenRouterEmbedding
from llama_index.llms.openrouter_kit import OpenRouter
from llama_index.llms.openrouter_kit.cost import track_openrouter_cost
from llama_index.postprocessor.openrouter_kit_rerank import OpenRouterRerank
from loopback_server import loopback_openrouter

KEY = "sk-or-secret-li-1"
NODES = [NodeWithScore(node=TextNode(text=t)) for t in ("alpha", "beta", "gamma")]


def test_one_instance_serves_successive_asyncio_runs_over_real_sockets() -> None:
    with loopback_openrouter() as (base_url, _):
        llm = OpenRouter("m/x", api_key=KEY, base_url=base_url, max_retries=0, max_tokens=5)
        embed = OpenRouterEmbedding("e/x", api_key=KEY, base_url=base_url)
        rerank = OpenRouterRerank(model="r/x", api_key=KEY, base_url=base_url, top_n=2)

        async def use() -> tuple[str, int, int]:
            answer = await llm.acomplete("hi")
            vectors = await embed.aget_text_embedding_batch(["a", "bb"])
            ranked = await rerank.apostprocess_nodes(NODES, QueryBundle("q"))
            return answer.text, len(vectors), len(ranked)

        for _ in range(3):
            assert asyncio.run(use()) == ("hi", 2, 2)


def test_pickle_keeps_the_key_out_of_to_dict_and_deepcopy_works_after_use() -> None:
    llm = OpenRouter("openai/gpt-4o-mini", api_key=KEY, base_url="emulator://", max_tokens=5)
    embed = OpenRouterEmbedding(api_key=KEY, base_url="emulator://")
    rerank = OpenRouterRerank(api_key=KEY, base_url="emulator://", top_n=2)
    assert llm.complete("hi").text
    assert embed.get_text_embedding("x")
    assert rerank.postprocess_nodes(NODES, query_str="alpha")
    for component in (llm, embed, rerank):
        assert KEY not in str(component.to_dict())
        assert KEY not in repr(component)
        for twin in (pickle.loads(pickle.dumps(component)), copy.deepcopy(component)):
            assert twin._clients._api_key == KEY  # rebuilt lazily, key kept
    assert pickle.loads(pickle.dumps(llm)).complete("hi").text
    assert copy.deepcopy(embed).get_text_embedding("x")
    assert copy.deepcopy(rerank).postprocess_nodes(NODES, query_str="alpha")


def test_cost_handler_counts_embedding_and_rerank_calls() -> None:
    embed = OpenRouterEmbedding(api_key=KEY, base_url="emulator://")
    rerank = OpenRouterRerank(api_key=KEY, base_url="emulator://", top_n=2)
    with track_openrouter_cost() as costs:
        embed.get_text_embedding_batch(["one", "two"])
        rerank.postprocess_nodes(NODES, query_str="alpha")
    endpoints = [call.endpoint for call in costs.tracker.calls]
    assert endpoints == ["embeddings.create", "rerank.create"]
    assert costs.total_cost == pytest.approx(
        embed.total_cost + float(rerank.last_response.usage.cost)
    )
    assert costs.total_cost > embed.total_cost > 0


def test_embedding_concurrency_default_and_batch_cap() -> None:
    assert OpenRouterEmbedding(api_key=KEY).max_concurrency == 20
    with pytest.raises(ValueError, match="embed_batch_size"):
        OpenRouterEmbedding(api_key=KEY, embed_batch_size=5000)
