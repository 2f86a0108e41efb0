"""End to end on the offline emulator: a RAG pipeline with reranking, and a FunctionAgent tool loop.

Everything runs in process (``base_url="emulator://"``): deterministic and offline. The
emulator's "model" answers extractively (it quotes the context sentence sharing the most words
with the question), embeds deterministically and reranks by word overlap.
"""

from __future__ import annotations

import json

import httpx
import pytest
from li_support import RecordingEventHandler
from llama_index.core import Document, VectorStoreIndex
from llama_index.core.agent.workflow import FunctionAgent, ToolCall, ToolCallResult
from llama_index.core.base.llms.types import ChatMessage
from llama_index.core.callbacks import CallbackManager, CBEventType, LlamaDebugHandler
from llama_index.core.node_parser import SentenceSplitter
from llama_index.core.query_engine import RetrieverQueryEngine
from llama_index.embeddings.openrouter_kit import OpenRouterEmbedding
from llama_index.llms.openrouter_kit import OpenRouter
from llama_index.postprocessor.openrouter_kit_rerank import OpenRouterRerank
from openrouter_kit_emulator import EmulatorTransport

EMULATOR = "emulator://"


class CapturingEmulator(EmulatorTransport):
    """The in-process emulator, keeping every request so tests can read what the adapter sent."""

    def __init__(self) -> None:
        super().__init__()
        self.sent: list[httpx.Request] = []

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        self.sent.append(request)
        return super().handle_request(request)

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self.sent.append(request)
        return await super().handle_async_request(request)

    def chat_bodies(self) -> list[dict]:
        return [
            json.loads(r.content) for r in self.sent if r.url.path.endswith("/chat/completions")
        ]


FACTS = [
    "The Eiffel Tower is in Paris and was completed in 1889.",
    "Mount Fuji is the highest mountain in Japan, at 3,776 metres.",
    "The Great Barrier Reef lies off the coast of Queensland in Australia.",
    "Honey bees communicate the location of flowers with a waggle dance.",
    "The Amazon river carries more water than any other river on Earth.",
    "Alan Turing proposed the imitation game as a test of machine intelligence in 1950.",
]


def build_query_engine(debug: LlamaDebugHandler, top_n: int = 2):  # type: ignore[no-untyped-def]
    llm = OpenRouter(model="openai/gpt-4o-mini", base_url=EMULATOR)
    embed_model = OpenRouterEmbedding(
        model_name="openai/text-embedding-3-small", base_url=EMULATOR, embed_batch_size=4
    )
    callbacks = CallbackManager([debug])
    rerank = OpenRouterRerank(
        model="cohere/rerank-v3.5", base_url=EMULATOR, top_n=top_n, callback_manager=callbacks
    )
    index = VectorStoreIndex.from_documents(
        [Document(text=fact, metadata={"source": f"fact-{i}"}) for i, fact in enumerate(FACTS)],
        embed_model=embed_model,
        transformations=[SentenceSplitter(chunk_size=256)],
        callback_manager=callbacks,
    )
    engine = RetrieverQueryEngine.from_args(
        index.as_retriever(similarity_top_k=4),
        llm=llm,
        node_postprocessors=[rerank],
        callback_manager=callbacks,
    )
    return engine, embed_model, rerank


def test_rag_pipeline_with_rerank(instrumentation_events: RecordingEventHandler) -> None:
    debug = LlamaDebugHandler()
    engine, embed_model, rerank = build_query_engine(debug)
    response = engine.query("Which mountain is the highest in Japan?")

    assert "Mount Fuji" in str(response)
    assert len(response.source_nodes) == 2  # rerank top_n
    assert "Mount Fuji" in response.source_nodes[0].node.get_content()
    scores = [n.score for n in response.source_nodes]
    assert scores == sorted(scores, reverse=True)
    assert rerank.last_response is not None and response.source_nodes[0].score == max(
        r.relevance_score for r in rerank.last_response.results
    )
    # usage and cost flow back from every stage
    assert embed_model.total_tokens > 0 and embed_model.total_cost > 0

    names = instrumentation_events.names()
    assert names.count("ReRankStartEvent") == names.count("ReRankEndEvent") == 1
    assert names.count("EmbeddingStartEvent") == names.count("EmbeddingEndEvent") >= 2
    assert "LLMChatStartEvent" in names or "LLMPredictStartEvent" in names
    assert len(debug.get_event_pairs(CBEventType.RERANKING)) == 1

    # The same pipeline twice gives the same answer: deterministic.
    again, _, _ = build_query_engine(LlamaDebugHandler())
    assert str(again.query("Which mountain is the highest in Japan?")) == str(response)


async def test_rag_pipeline_async() -> None:
    engine, _, _ = build_query_engine(LlamaDebugHandler(), top_n=1)
    response = await engine.aquery("When was the Eiffel Tower completed?")
    assert "1889" in str(response)
    assert len(response.source_nodes) == 1
    assert "Eiffel" in response.source_nodes[0].node.get_content()


def multiply(a: int, b: int) -> int:
    """Multiply two integers and return the product."""
    return a * b


async def test_function_agent_tool_loop(instrumentation_events: RecordingEventHandler) -> None:
    emulator = CapturingEmulator()
    llm = OpenRouter(
        model="openai/gpt-4o-mini",
        api_key="sk-or-v1-test",
        http_client=httpx.Client(transport=emulator),
        async_http_client=httpx.AsyncClient(transport=emulator),
    )
    assert llm.metadata.is_function_calling_model  # read from the emulator's /models
    agent = FunctionAgent(tools=[multiply], llm=llm, system_prompt="Use tools for arithmetic.")
    handler = agent.run(user_msg="Please multiply 6 and 7.")
    calls: list[ToolCall] = []
    results: list[ToolCallResult] = []
    async for event in handler.stream_events():
        if isinstance(event, ToolCallResult):
            results.append(event)
        elif isinstance(event, ToolCall):
            calls.append(event)
    response = await handler

    assert [c.tool_name for c in calls] == ["multiply"]
    kwargs = results[0].tool_kwargs
    assert set(kwargs) == {"a", "b"} and all(isinstance(v, int) for v in kwargs.values())
    assert results[0].tool_output.content == str(kwargs["a"] * kwargs["b"])
    assert response.response.content  # the loop ends with a text answer

    first, second = emulator.chat_bodies()
    assert first["stream"] is True and first["tools"][0]["function"]["name"] == "multiply"
    assistant, tool = second["messages"][-2:]
    assert (
        assistant["role"] == "assistant"
        and assistant["tool_calls"][0]["function"]["name"] == "multiply"
    )
    assert json.loads(assistant["tool_calls"][0]["function"]["arguments"]) == kwargs
    assert tool == {
        "role": "tool",
        "content": results[0].tool_output.content,
        "tool_call_id": assistant["tool_calls"][0]["id"],
    }
    names = instrumentation_events.names("LLMChat")
    assert names.count("LLMChatStartEvent") == names.count("LLMChatEndEvent") == 2


async def test_function_agent_non_streaming() -> None:
    llm = OpenRouter(model="openai/gpt-4o-mini", base_url=EMULATOR)
    agent = FunctionAgent(tools=[multiply], llm=llm, streaming=False)
    handler = agent.run(user_msg="multiply 3 and 5")
    results = [e async for e in handler.stream_events() if isinstance(e, ToolCallResult)]
    await handler
    assert len(results) == 1 and results[0].tool_name == "multiply"
    assert (
        results[0].tool_output.raw_output
        == results[0].tool_kwargs["a"] * results[0].tool_kwargs["b"]
    )


def test_predict_and_call() -> None:
    from llama_index.core.tools import FunctionTool

    llm = OpenRouter(model="openai/gpt-4o-mini", base_url=EMULATOR)
    output = llm.predict_and_call(
        [FunctionTool.from_defaults(fn=multiply)], user_msg="multiply 4 and 5"
    )
    (source,) = output.sources
    assert source.tool_name == "multiply"
    assert output.response == str(source.raw_input["kwargs"]["a"] * source.raw_input["kwargs"]["b"])


def test_chat_and_stream_agree_on_the_emulator() -> None:
    llm = OpenRouter(model="openai/gpt-4o-mini", base_url=EMULATOR)
    question = [
        ChatMessage(
            role="user",
            content="Context: Bees dance to share where flowers are. Question: why do bees dance?",
        )
    ]
    whole = llm.chat(question)
    streamed = list(llm.stream_chat(question))
    assert streamed[-1].message.content == whole.message.content
    assert "".join(r.delta or "" for r in streamed) == whole.message.content
    assert (
        streamed[-1].additional_kwargs["completion_tokens"]
        == whole.additional_kwargs["completion_tokens"]
    )


@pytest.mark.parametrize("model", ["openai/gpt-4o-mini", "anthropic/claude-3.5-haiku"])
def test_metadata_offline_from_the_emulator_catalogue(model: str) -> None:
    metadata = OpenRouter(model=model, base_url=EMULATOR).metadata
    assert metadata.context_window > 3900
    assert metadata.num_output < metadata.context_window


@pytest.mark.parametrize("streaming", [False, True])
async def test_agent_sends_reasoning_details_back_on_the_next_turn(streaming: bool) -> None:
    """Multi-turn tool use with thinking models needs the reasoning blocks returned verbatim."""
    emulator = CapturingEmulator()
    llm = OpenRouter(
        model="anthropic/claude-sonnet-4.5",
        api_key="sk-or-v1-test",
        reasoning={"max_tokens": 1024},
        http_client=httpx.Client(transport=emulator),
        async_http_client=httpx.AsyncClient(transport=emulator),
    )
    agent = FunctionAgent(tools=[multiply], llm=llm, streaming=streaming)
    handler = agent.run(user_msg="Please multiply 6 and 7.")
    outputs = [e async for e in handler.stream_events() if type(e).__name__ == "AgentOutput"]
    await handler

    first_turn = outputs[0].response
    details = first_turn.additional_kwargs["reasoning_details"]
    assert details and details[0]["type"] == "reasoning.text" and details[0]["text"]
    first, second = emulator.chat_bodies()
    assert first["reasoning"] == {"max_tokens": 1024}
    assistant = next(m for m in second["messages"] if m["role"] == "assistant")
    assert assistant["reasoning_details"] == details
    if not streaming:
        assert details[0]["signature"], "the non-streamed block keeps its signature"
