"""Demo section `langchain`: the same work through LangChain, with `langchain-openrouter-kit`.

An LCEL chain (prompt | ChatOpenRouter | StrOutputParser) streams an answer; `bind_tools`
and a small agent loop call a Python tool and answer from its result; `OpenRouterEmbeddings`
and `OpenRouterRerank` find the passages of the bundled corpus that answer the demo's
question, and a RAG chain answers from them; `get_openrouter_callback()` adds up what the
chat calls cost. Every LangChain object is given the demo's core client, so offline it all
runs on the in-process emulator, and every call lands in the cost table.

LangChain is imported inside `run` only: without `langchain-openrouter-kit` installed the
registry skips this section with an install hint.
"""

from __future__ import annotations

from typing import Any

from openrouter_kit._console import format_usd

from . import DemoContext
from ._recording import recording
from .core import top_k

CHAT_NOTE_TITLE = "The queen"
"""The corpus passage the streamed chain answers from."""
CHAT_QUESTION = "How many eggs can the queen lay in a day?"
TOOL_QUESTION = (
    "A forager visits 100 blossoms on one trip. "
    "Please multiply 100 and 12 to count the blossoms of 12 trips."
)
RETRIEVE_K = 4
"""Passages kept by cosine similarity before reranking."""
RERANK_TOP_N = 2
"""Passages the reranker keeps for the answer."""
MAX_AGENT_STEPS = 4


def multiply(a: int, b: int) -> int:
    """Multiply two integers."""
    return a * b


def run(ctx: DemoContext) -> None:
    """Section `langchain`: LCEL streaming, tool calling, embeddings + rerank RAG, cost."""
    from langchain_core.documents import Document
    from langchain_core.messages import BaseMessage, HumanMessage, ToolMessage
    from langchain_core.output_parsers import StrOutputParser
    from langchain_core.prompts import ChatPromptTemplate
    from langchain_core.tools import tool
    from langchain_openrouter_kit import ChatOpenRouter, OpenRouterEmbeddings, OpenRouterRerank  # type: ignore[import-untyped,unused-ignore]
    from langchain_openrouter_kit.callbacks import get_openrouter_callback  # type: ignore[import-untyped,unused-ignore]

    assert ctx.chat_model is not None and ctx.question is not None
    if not ctx.embedding_model:
        raise LookupError("no embedding model was chosen")
    model = ChatOpenRouter(model=ctx.chat_model, client=ctx.client, max_tokens=300)

    with recording(ctx) as recorder, get_openrouter_callback() as callback:
        # 1. an LCEL chain, streamed --------------------------------------------------------
        note = next(p for p in ctx.corpus if p.title == CHAT_NOTE_TITLE)
        prompt = ChatPromptTemplate.from_messages(
            [
                ("system", "Answer in one sentence from this note: {note}"),
                ("human", "{question}"),
            ]
        )
        chain = prompt | model | StrOutputParser()
        ctx.say("1. LCEL: prompt | ChatOpenRouter | StrOutputParser, streamed")
        ctx.say(f"> {CHAT_QUESTION}")
        ctx.console.write("    ")
        streamed = ""
        for piece in chain.stream({"note": note.text, "question": CHAT_QUESTION}):
            streamed += piece
            ctx.console.write(piece)
        ctx.console.print()
        ctx.extras["langchain_stream"] = streamed

        # 2. tool calling: bind_tools and a small agent loop -------------------------------
        ctx.say("")
        ctx.say("2. Tools: bind_tools([multiply]) and an agent loop")
        multiply_tool = tool(multiply)
        with_tools = model.bind_tools([multiply_tool])
        ctx.say(f"> {TOOL_QUESTION}")
        messages: list[BaseMessage] = [HumanMessage(TOOL_QUESTION)]
        reply: Any = None
        for _ in range(MAX_AGENT_STEPS):
            reply = with_tools.invoke(messages)
            messages.append(reply)
            if not reply.tool_calls:
                break
            for call in reply.tool_calls:
                result: ToolMessage = multiply_tool.invoke(call)
                ctx.say(f"  tool call: {call['name']}({call['args']}) -> {result.content}")
                messages.append(result)
        tool_answer = str(reply.content) if reply is not None else ""
        ctx.say(f"  {tool_answer}")
        ctx.extras["langchain_tool_answer"] = tool_answer

        # 3. retrieval: OpenRouterEmbeddings + OpenRouterRerank, then a RAG chain -------------
        ctx.say("")
        ctx.say("3. RAG: OpenRouterEmbeddings + OpenRouterRerank over the bundled corpus")
        documents = [
            Document(page_content=f"{p.title}. {p.text}", metadata={"title": p.title})
            for p in ctx.corpus
        ]
        embeddings = OpenRouterEmbeddings(model=ctx.embedding_model, client=ctx.client)
        vectors = embeddings.embed_documents([d.page_content for d in documents])
        query_vector = embeddings.embed_query(ctx.question)
        candidates = [documents[i] for i, _ in top_k(query_vector, vectors, RETRIEVE_K)]
        if ctx.rerank_model:
            reranker = OpenRouterRerank(
                model=ctx.rerank_model, client=ctx.client, top_n=RERANK_TOP_N
            )
            best = list(reranker.compress_documents(candidates, ctx.question))
            how = f"{ctx.rerank_model} kept {len(best)} of the top {len(candidates)} by cosine"
        else:
            best = candidates[:RERANK_TOP_N]
            how = f"no rerank model: the top {len(best)} by cosine"
        ctx.say(f"> {ctx.question}")
        ctx.say(f"{how}: " + ", ".join(_describe(d) for d in best))
        rag = (
            ChatPromptTemplate.from_messages(
                [
                    ("system", "Reply from the passages only, in one or two sentences."),
                    ("human", "Passages:\n{context}\n\nQuestion: {question}"),
                ]
            )
            | model
            | StrOutputParser()
        )
        context = "\n".join(f"[{n}] {d.page_content}" for n, d in enumerate(best, 1))
        rag_answer = rag.invoke({"context": context, "question": ctx.question})
        ctx.say(f"  {rag_answer}")
        ctx.extras["langchain_rag_answer"] = rag_answer

    # 4. cost -------------------------------------------------------------------------------
    chat_cost = recorder.cost("/chat/completions")
    ctx.extras["langchain_callback_cost"] = callback.total_cost
    ctx.say("")
    ctx.say(
        f"4. Cost: get_openrouter_callback() saw {callback.successful_requests} chat calls, "
        f"{callback.total_tokens} tokens, {format_usd(callback.total_cost)}"
        + (" (= their usage.cost)" if _same(callback.total_cost, chat_cost) else "")
    )
    ctx.say(
        f"   embeddings {format_usd(recorder.cost('/embeddings'))} "
        f"({recorder.count('/embeddings')} calls), rerank {format_usd(recorder.cost('/rerank'))}; "
        f"section total {format_usd(recorder.cost('/'))}"
    )


def _describe(document: Any) -> str:
    score = document.metadata.get("relevance_score")
    title = str(document.metadata.get("title"))
    return title if score is None else f"{title} ({float(score):.3f})"


def _same(a: float, b: Any) -> bool:
    return abs(float(a) - float(b)) < 1e-12
