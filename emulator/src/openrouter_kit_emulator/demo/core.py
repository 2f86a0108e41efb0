"""The core sections of the demo: choose models, stream, embed, retrieve, rerank, answer.

Each function is one section (registered in `openrouter_kit_emulator.demo`); they talk to OpenRouter
only through the public client, so the demo is also a worked example of the API.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from decimal import Decimal

from openrouter_kit._console import format_context, format_price, format_usd
from openrouter_kit.cli import describe_usage, stream_chat
from openrouter_kit.types.models import Model

from . import DemoContext, Hit

MIN_CONTEXT = 32_000
"""Context (tokens) a chat model needs here: room for a system prompt, retrieved passages and the answer."""
PREFERRED_RERANKERS = ("cohere/rerank-v3.5", "cohere/rerank-4-fast", "voyageai/rerank-2.5")
"""Rerank models are billed per search, not per token, so /models cannot rank them by price."""
ANSWER_PASSAGES = 3
"""How many of the best passages go into the answer's context."""

CHAT_SYSTEM = (
    "You are a concise assistant. OpenRouter gives one API for hundreds of models from many "
    "providers, and routes each request to a provider that serves the chosen model. "
    "When a provider fails, OpenRouter falls back to another provider."
)
CHAT_QUESTION = "What does OpenRouter do when a provider fails?"
ANSWER_SYSTEM = (
    "Reply from the numbered passages only, in one or two sentences, and cite the number "
    "of the passage you used. If they do not contain what is asked, say so."
)


def blended_price(model: Model) -> Decimal | None:
    """USD per million tokens for a typical 3:1 mix of input and output tokens (None: no price)."""
    pricing = model.pricing
    if pricing is None or pricing.prompt is None or pricing.completion is None:
        return None
    if pricing.prompt < 0 or pricing.completion < 0:  # "varies" (routers)
        return None
    return (3 * pricing.prompt + pricing.completion) * 1_000_000 / 4


def is_chat_model(model: Model) -> bool:
    """A model that reads and writes text (not an embedding, rerank or image-only model)."""
    outputs = model.output_modalities
    return (
        "text" in outputs
        and "embeddings" not in outputs
        and "rerank" not in outputs
        and "text" in model.input_modalities
    )


def rank_chat_models(models: Sequence[Model]) -> list[Model]:
    """Chat models with tools, enough context and a paid endpoint, cheapest (blended) first.

    `:free` variants are left out: they are rate-limited and their providers may keep prompts.
    """
    eligible = [
        m
        for m in models
        if is_chat_model(m)
        and m.supports("tools")
        and (m.context_length or 0) >= MIN_CONTEXT
        and not m.id.endswith(":free")
        and blended_price(m)
    ]
    return sorted(eligible, key=lambda m: (blended_price(m), -(m.context_length or 0), m.id))


def pick_model(ctx: DemoContext) -> None:
    """Section `model`: choose the chat, embedding and rerank models from /models, and say why."""
    with ctx.console.progress("fetching /models"):
        listing = ctx.client.models.list(output_modalities="all")
    ctx.record("/models")
    models = listing.data
    chat = [m for m in models if is_chat_model(m)]
    tools = [m for m in chat if m.supports("tools")]
    ranked = rank_chat_models(models)
    ctx.say(
        f"/models lists {len(models)} models: {len(chat)} chat models, {len(tools)} of them "
        f"support tools, {len(ranked)} of those have a context of at least "
        f"{format_context(MIN_CONTEXT)} tokens and a paid endpoint."
    )
    if not ranked and not ctx.chat_model:
        raise LookupError("no chat model supports tools with enough context")
    ctx.say("The cheapest of them (USD per million tokens; blended = 3 parts input, 1 output):")
    rows = []
    for model in ranked[:5]:
        assert model.pricing is not None
        rows.append(
            [
                model.id,
                format_context(model.context_length),
                format_price(model.pricing.prompt_per_million),
                format_price(model.pricing.completion_per_million),
                format_price(blended_price(model)),
            ]
        )
    ctx.console.table(("MODEL", "CONTEXT", "IN", "OUT", "BLENDED"), rows, align="lrrrr", indent=4)
    if ctx.chat_model:
        ctx.say(f"-> chat model: {ctx.chat_model}, as asked (--model).")
    else:
        best = ranked[0]
        assert best.pricing is not None
        ctx.chat_model = best.id
        ctx.say(
            f"-> chat model: {best.id}, the cheapest chat model that calls tools and has room "
            f"for the retrieved passages: {format_usd(best.pricing.prompt_per_million)} in, "
            f"{format_usd(best.pricing.completion_per_million)} out per million tokens, "
            f"{format_context(best.context_length)}-token context."
        )

    embedders = sorted(
        (m for m in models if "embeddings" in m.output_modalities),
        key=lambda m: (_input_price(m), m.id),
    )
    if embedders:
        chosen = embedders[0]
        ctx.embedding_model = chosen.id
        ctx.say(
            f"-> embedding model: {chosen.id}, the cheapest of {len(embedders)} "
            f"({format_usd(_input_price(chosen))} per million tokens)."
        )
    else:
        ctx.say("-> no embedding model is listed: the retrieval sections cannot run.")

    rerankers = {m.id for m in models if "rerank" in m.output_modalities}
    preferred = [name for name in PREFERRED_RERANKERS if name in rerankers]
    if preferred or rerankers:
        ctx.rerank_model = preferred[0] if preferred else sorted(rerankers)[0]
        ctx.say(
            f"-> rerank model: {ctx.rerank_model} (rerankers are billed per search, so "
            f"/models cannot rank the {len(rerankers)} of them by price; this is our preferred one)."
        )
    else:
        ctx.say("-> no rerank model is listed: the retrieval order will be kept.")


def _input_price(model: Model) -> Decimal:
    price = model.pricing.prompt_per_million if model.pricing else None
    return Decimal("Infinity") if price is None or price < 0 else price


def stream_answer(ctx: DemoContext) -> None:
    """Section `chat`: stream an answer token by token, then show its usage and cost."""
    assert ctx.chat_model is not None
    ctx.say(f"> {CHAT_QUESTION}")
    result = stream_chat(
        ctx.client,
        ctx.console,
        model=ctx.chat_model,
        messages=[
            {"role": "system", "content": CHAT_SYSTEM},
            {"role": "user", "content": CHAT_QUESTION},
        ],
        indent="  ",
        max_tokens=200,
    )
    ctx.record("/chat/completions (stream)", result.usage)
    ctx.say(f"({describe_usage(result)})")


def embed_corpus(ctx: DemoContext) -> None:
    """Section `embed`: one batched /embeddings call for the whole bundled corpus."""
    if not ctx.embedding_model:
        raise LookupError("no embedding model was chosen")
    texts = [f"{p.title}. {p.text}" for p in ctx.corpus]
    with ctx.console.progress(f"embedding {len(texts)} passages with {ctx.embedding_model}"):
        response = ctx.client.embeddings.create(model=ctx.embedding_model, input=texts)
    cost = ctx.record("/embeddings", response.usage)
    ctx.passage_vectors = response.vectors
    tokens = response.usage.prompt_tokens if response.usage else None
    dims = len(ctx.passage_vectors[0]) if ctx.passage_vectors else 0
    ctx.say(
        f"The corpus: {len(texts)} short passages about {ctx.topic} "
        f"({', '.join(p.title.lower() for p in ctx.corpus[:4])}, ...)."
    )
    ctx.say(
        f"{len(texts)} passages -> {len(ctx.passage_vectors)} vectors of {dims} dimensions; "
        f"{tokens if tokens is not None else '?'} tokens, cost {format_usd(cost)}."
    )


def cosine(a: Sequence[float], b: Sequence[float]) -> float:
    """Cosine similarity of two vectors (0.0 when either is all zeros)."""
    dot = sum(x * y for x, y in zip(a, b, strict=True))
    norm = math.sqrt(sum(x * x for x in a)) * math.sqrt(sum(y * y for y in b))
    return dot / norm if norm else 0.0


def top_k(
    query: Sequence[float], vectors: Sequence[Sequence[float]], k: int
) -> list[tuple[int, float]]:
    """(index, cosine) of the k vectors most similar to `query`, best first (ties: lower index)."""
    scored = [(i, cosine(query, v)) for i, v in enumerate(vectors)]
    scored.sort(key=lambda pair: (-pair[1], pair[0]))
    return scored[:k]


def retrieve(ctx: DemoContext) -> None:
    """Section `retrieve`: embed the question and keep the top-k passages by cosine similarity."""
    assert ctx.embedding_model is not None and ctx.question is not None
    ctx.say(f"> {ctx.question}")
    response = ctx.client.embeddings.create(model=ctx.embedding_model, input=ctx.question)
    ctx.record("/embeddings", response.usage)
    ctx.question_vector = response.vectors[0]
    best = top_k(ctx.question_vector, ctx.passage_vectors, max(1, ctx.top_k))
    ctx.retrieved = [Hit(i, score, ctx.corpus[i]) for i, score in best]
    ctx.say(f"Top {len(ctx.retrieved)} of {len(ctx.corpus)} passages by cosine similarity:")
    rows = [
        [str(rank), f"{hit.score:.3f}", hit.passage.title]
        for rank, hit in enumerate(ctx.retrieved, 1)
    ]
    ctx.console.table(("RANK", "COSINE", "PASSAGE"), rows, align="rrl", indent=4)


def rerank(ctx: DemoContext) -> None:
    """Section `rerank`: reorder the retrieved passages with a rerank model."""
    assert ctx.question is not None
    if not ctx.rerank_model:
        ctx.reranked = list(ctx.retrieved)
        ctx.say("No rerank model: keeping the retrieval order.")
        return
    documents = [hit.passage.text for hit in ctx.retrieved]
    with ctx.console.progress(f"reranking {len(documents)} passages with {ctx.rerank_model}"):
        response = ctx.client.rerank.create(
            model=ctx.rerank_model,
            query=ctx.question,
            documents=documents,
            top_n=min(ANSWER_PASSAGES, len(documents)),
        )
    cost = ctx.record("/rerank", response.usage)
    ctx.reranked = [
        Hit(ctx.retrieved[r.index].index, r.relevance_score, ctx.retrieved[r.index].passage)
        for r in response.results
    ]
    ctx.say(f"{ctx.rerank_model} kept the best {len(ctx.reranked)} (cost {format_usd(cost)}):")
    rows = [
        [str(rank), f"{hit.score:.3f}", f"#{_rank_in(ctx.retrieved, hit)}", hit.passage.title]
        for rank, hit in enumerate(ctx.reranked, 1)
    ]
    ctx.console.table(("RANK", "SCORE", "WAS", "PASSAGE"), rows, align="rrrl", indent=4)


def _rank_in(hits: Sequence[Hit], hit: Hit) -> int:
    return next(rank for rank, h in enumerate(hits, 1) if h.index == hit.index)


def answer(ctx: DemoContext) -> None:
    """Section `answer`: stream an answer grounded in the best passages, and cite them."""
    assert ctx.chat_model is not None and ctx.question is not None
    hits = (ctx.reranked or ctx.retrieved)[:ANSWER_PASSAGES]
    numbered = "\n".join(
        f"[{n}] {h.passage.title}: {h.passage.text}" for n, h in enumerate(hits, 1)
    )
    ctx.say(f"> {ctx.question}")
    ctx.say(f"(context: {', '.join(f'[{n}] {h.passage.title}' for n, h in enumerate(hits, 1))})")
    result = stream_chat(
        ctx.client,
        ctx.console,
        model=ctx.chat_model,
        messages=[
            {"role": "system", "content": ANSWER_SYSTEM},
            {"role": "user", "content": f"Passages:\n{numbered}\n\nQuestion: {ctx.question}"},
        ],
        indent="  ",
        max_tokens=300,
    )
    ctx.record("/chat/completions (stream)", result.usage)
    ctx.answer = result.text
    ctx.say(f"({describe_usage(result)})")
