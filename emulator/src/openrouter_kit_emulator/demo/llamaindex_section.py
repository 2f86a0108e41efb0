"""Demo section `llamaindex`: a RAG pipeline in LlamaIndex, with `llama-index-openrouter-kit`.

The bundled corpus becomes a `VectorStoreIndex` (one node per passage, embedded with
`OpenRouterEmbedding`); its query engine retrieves by similarity, reorders with the
`OpenRouterRerank` node postprocessor, and answers with the `OpenRouter` LLM. The section
prints the answer, the source passages with their rerank scores, and the cost: the LLM's as
`track_openrouter_cost()` added it up, the embeddings' and the reranker's from their usage.
Every component is given the demo's core client, so offline it all runs on the in-process
emulator, and every call lands in the cost table.

LlamaIndex is imported inside `run` only: without `llama-index-openrouter-kit` installed the
registry skips this section with an install hint.
"""

from __future__ import annotations

from openrouter_kit._console import format_usd

from . import DemoContext
from ._recording import recording

SIMILARITY_TOP_K = 4
"""Nodes the retriever hands to the reranker."""
RERANK_TOP_N = 2
"""Nodes the reranker keeps for the answer."""


def run(ctx: DemoContext) -> None:
    """Section `llamaindex`: VectorStoreIndex -> query engine with rerank -> answer, and cost."""
    with ctx.console.progress("loading LlamaIndex"):  # llama_index.core takes seconds to import
        from llama_index.core import VectorStoreIndex
        from llama_index.core.schema import TextNode
        from llama_index.embeddings.openrouter_kit import OpenRouterEmbedding  # type: ignore[import-untyped,unused-ignore]
        from llama_index.llms.openrouter_kit import OpenRouter as OpenRouterLLM  # type: ignore[import-untyped,unused-ignore]
        from llama_index.llms.openrouter_kit.cost import track_openrouter_cost  # type: ignore[import-untyped,unused-ignore]
        from llama_index.postprocessor.openrouter_kit_rerank import OpenRouterRerank  # type: ignore[import-untyped,unused-ignore]

    assert ctx.chat_model is not None and ctx.question is not None
    if not ctx.embedding_model:
        raise LookupError("no embedding model was chosen")

    with recording(ctx) as recorder:
        nodes = [
            TextNode(text=p.text, id_=f"passage-{i}", metadata={"title": p.title})
            for i, p in enumerate(ctx.corpus)
        ]
        embed_model = OpenRouterEmbedding(
            model_name=ctx.embedding_model, client=ctx.client, embed_batch_size=len(nodes)
        )
        with ctx.console.progress(f"indexing {len(nodes)} passages with {ctx.embedding_model}"):
            index = VectorStoreIndex(nodes, embed_model=embed_model)
        llm = OpenRouterLLM(model=ctx.chat_model, client=ctx.client, max_tokens=300)
        postprocessors = []
        if ctx.rerank_model:
            postprocessors.append(
                OpenRouterRerank(model=ctx.rerank_model, client=ctx.client, top_n=RERANK_TOP_N)
            )
        engine = index.as_query_engine(
            llm=llm, similarity_top_k=SIMILARITY_TOP_K, node_postprocessors=postprocessors
        )
        ctx.say(
            f"VectorStoreIndex of {len(nodes)} passages ({ctx.embedding_model}) -> "
            f"top {SIMILARITY_TOP_K} by similarity -> "
            + (
                f"OpenRouterRerank ({ctx.rerank_model}, top {RERANK_TOP_N})"
                if postprocessors
                else "no rerank model"
            )
            + f" -> OpenRouter LLM ({ctx.chat_model})"
        )
        ctx.say(f"> {ctx.question}")
        with track_openrouter_cost() as costs:
            response = engine.query(ctx.question)
    answer = str(response).strip()
    ctx.say(f"  {answer}")
    ctx.extras["llamaindex_answer"] = answer

    ctx.say("sources:")
    for rank, source in enumerate(response.source_nodes, 1):
        title = source.node.metadata.get("title", source.node.node_id)
        score = "-" if source.score is None else f"{source.score:.3f}"
        text = " ".join(source.node.get_content().split())
        ctx.say(f"  [{rank}] {title} (score {score}): {text[:90]}{'...' if len(text) > 90 else ''}")
    ctx.extras["llamaindex_sources"] = [
        str(s.node.metadata.get("title", "")) for s in response.source_nodes
    ]

    llm_cost = recorder.cost("/chat/completions")
    # the tracker also counts the query's embedding and rerank calls; the LLM's are shown here
    llm_calls = [c for c in costs.tracker.calls if c.endpoint == "chat.completions.create"]
    llm_tracked = sum(float(c.cost or 0) for c in llm_calls)
    ctx.extras["llamaindex_tracked_cost"] = llm_tracked
    ctx.say(
        f"cost: track_openrouter_cost() saw {len(llm_calls)} LLM call(s), "
        f"{sum(c.total_tokens for c in llm_calls)} tokens, {format_usd(llm_tracked)}"
        + (" (= its usage.cost)" if abs(llm_tracked - float(llm_cost)) < 1e-12 else "")
        + f"; {costs.requests} call(s) in all"
    )
    ctx.say(
        f"      embeddings {format_usd(recorder.cost('/embeddings'))} "
        f"({recorder.count('/embeddings')} calls), rerank {format_usd(recorder.cost('/rerank'))}; "
        f"section total {format_usd(recorder.cost('/'))}"
    )
