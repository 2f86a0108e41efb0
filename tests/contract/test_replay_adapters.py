"""Every /chat/completions recording replayed through ChatOpenRouter and the LlamaIndex LLM.

The adapters sit on the core client; a MockTransport serves the recorded bytes to that
client, and each case compares what a framework user reads (text, tool calls, reasoning,
usage and cost, provider, finish reason, the typed error, a mid-stream error after the
partial output) with the independent reading in contract_support. Recordings of other
endpoints cannot apply to a chat model; the summary lists them with that reason.
"""

from __future__ import annotations

import json
from typing import Any

import httpx
import langchain_core.exceptions
import pytest
from contract_support import (
    CHAT_ERROR,
    CHAT_JSON,
    CHAT_SSE,
    Case,
    ChatReading,
    cases,
    read_chat_json,
    read_chat_stream,
)
from langchain_core.messages import AIMessage, AIMessageChunk
from langchain_openrouter_kit import ChatOpenRouter
from llama_index.core.base.llms.types import ChatMessage, ChatResponse, ThinkingBlock
from llama_index.llms.openrouter_kit import OpenRouter as LlamaOpenRouter
from openrouter_kit import AsyncOpenRouter, OpenRouter, errors

KEY = "sk-or-v1-contract-test"
JSON_CASES = cases(CHAT_JSON)
SSE_CASES = cases(CHAT_SSE)
ERROR_CASES = cases(CHAT_ERROR)


def _ids(found: list[Case]) -> list[str]:
    return [case.id for case in found]


class Served:
    """A recorded answer on a MockTransport that counts the requests it saw."""

    def __init__(self, case: Case) -> None:
        self.case = case
        self.transport = case.interaction.transport()

    @property
    def sent(self) -> list[httpx.Request]:
        return self.transport.sent  # type: ignore[attr-defined,no-any-return]

    def langchain(self) -> ChatOpenRouter:
        return ChatOpenRouter(
            model=self.model,
            client=OpenRouter(
                api_key=KEY, http_client=httpx.Client(transport=self.transport), max_retries=0
            ),
            async_client=AsyncOpenRouter(
                api_key=KEY, http_client=httpx.AsyncClient(transport=self.transport), max_retries=0
            ),
        )

    def llama(self) -> LlamaOpenRouter:
        return LlamaOpenRouter(
            model=self.model,
            api_key=KEY,
            max_retries=0,
            http_client=httpx.Client(transport=self.transport),
            async_http_client=httpx.AsyncClient(transport=self.transport),
            context_window=128_000,  # known, so the LLM never fetches /models for metadata
        )

    @property
    def model(self) -> str:
        body = self.case.interaction.request_body
        return body.get("model", "x/y") if isinstance(body, dict) else "x/y"


def _args(arguments: str) -> Any:
    # Anthropic omits the arguments of a call without parameters
    return json.loads(arguments or "{}")


# -- LangChain ----------------------------------------------------------------------------


def _check_langchain(message: AIMessage, expected: ChatReading) -> None:
    assert message.text == expected.text
    assert [(c["id"], c["name"], c["args"]) for c in message.tool_calls] == [
        (c["id"], c["name"], _args(c["arguments"])) for c in expected.tool_calls
    ]
    assert (message.additional_kwargs.get("reasoning_content") or "") == expected.reasoning
    meta = message.response_metadata
    assert meta.get("finish_reason") == expected.finish_reason
    assert meta.get("provider") == next((p for p in expected.providers if p), None)
    if expected.images:
        assert any(block["type"] == "image" for block in message.content_blocks)
    if expected.usage:
        usage = message.usage_metadata
        assert usage is not None
        assert usage["input_tokens"] == expected.usage["prompt_tokens"]
        assert usage["output_tokens"] == expected.usage["completion_tokens"]
        assert usage["total_tokens"] == expected.usage["total_tokens"]
        if expected.usage.get("cost") is not None:
            assert meta["cost"] == expected.usage["cost"]


@pytest.mark.contract_replay("langchain")
@pytest.mark.parametrize("case", JSON_CASES, ids=_ids(JSON_CASES))
def test_langchain_invoke(case: Case) -> None:
    served = Served(case)
    message = served.langchain().invoke("hello")
    assert len(served.sent) == 1
    _check_langchain(message, read_chat_json(case.interaction.body))


def _join(chunks: list[AIMessageChunk]) -> AIMessageChunk:
    joined = chunks[0]
    for chunk in chunks[1:]:
        joined = joined + chunk
    return joined


@pytest.mark.contract_replay("langchain")
@pytest.mark.parametrize("case", SSE_CASES, ids=_ids(SSE_CASES))
def test_langchain_stream(case: Case) -> None:
    expected = read_chat_stream(case.interaction.body)
    served = Served(case)
    chunks: list[AIMessageChunk] = []
    try:
        for chunk in served.langchain().stream("hello"):
            chunks.append(chunk)
    except errors.StreamError as exc:
        assert expected.error is not None
        assert exc.code == expected.error["code"] and exc.message == expected.error["message"]
        assert chunks, "what streamed before the error reaches the caller"
        partial = _join(chunks)
        assert partial.text == expected.text == exc.partial.text
        assert partial.additional_kwargs.get("reasoning_content", "") == expected.reasoning
        assert len(served.sent) == 1
        return
    assert expected.error is None
    assert len(served.sent) == 1
    _check_langchain(_join(chunks), expected)


@pytest.mark.contract_replay("langchain")
@pytest.mark.parametrize("case", ERROR_CASES, ids=_ids(ERROR_CASES))
def test_langchain_error(case: Case) -> None:
    raw = json.loads(case.interaction.body)
    served = Served(case)
    with pytest.raises(errors.APIStatusError) as info:
        served.langchain().invoke("hello")
    # the core's class, also LangChain's (langchain_core.exceptions.ModelError) for agents
    assert type(info.value).__mro__[1] is errors.STATUS_ERRORS[case.interaction.status]
    assert isinstance(info.value, langchain_core.exceptions.ModelError)
    assert info.value.message == raw["error"]["message"]
    assert len(served.sent) == 1


# -- LlamaIndex ---------------------------------------------------------------------------


def _check_llama(response: ChatResponse, expected: ChatReading) -> None:
    assert (response.message.content or "") == expected.text
    calls = response.message.additional_kwargs.get("tool_calls") or []
    assert [
        (c["id"], c["function"]["name"], _args(c["function"].get("arguments") or "")) for c in calls
    ] == [(c["id"], c["name"], _args(c["arguments"])) for c in expected.tool_calls]
    thinking = "".join(
        b.content or "" for b in response.message.blocks if isinstance(b, ThinkingBlock)
    )
    assert thinking == expected.reasoning
    extra = response.additional_kwargs
    assert extra.get("finish_reason") == expected.finish_reason
    assert extra.get("provider") == next((p for p in expected.providers if p), None)
    if expected.usage:
        assert extra["prompt_tokens"] == expected.usage["prompt_tokens"]
        assert extra["completion_tokens"] == expected.usage["completion_tokens"]
        assert extra["total_tokens"] == expected.usage["total_tokens"]
        if expected.usage.get("cost") is not None:
            assert extra["cost"] == expected.usage["cost"]


@pytest.mark.contract_replay("llama_index")
@pytest.mark.parametrize("case", JSON_CASES, ids=_ids(JSON_CASES))
def test_llama_index_chat(case: Case) -> None:
    served = Served(case)
    response = served.llama().chat([ChatMessage(role="user", content="hello")])
    assert len(served.sent) == 1
    _check_llama(response, read_chat_json(case.interaction.body))


@pytest.mark.contract_replay("llama_index")
@pytest.mark.parametrize("case", SSE_CASES, ids=_ids(SSE_CASES))
def test_llama_index_stream_chat(case: Case) -> None:
    expected = read_chat_stream(case.interaction.body)
    served = Served(case)
    last: ChatResponse | None = None
    try:
        for last in served.llama().stream_chat([ChatMessage(role="user", content="hello")]):  # noqa: B007
            pass
    except errors.StreamError as exc:
        assert expected.error is not None
        assert exc.code == expected.error["code"] and exc.message == expected.error["message"]
        assert last is not None, "what streamed before the error reaches the caller"
        assert (last.message.content or "") == expected.text == exc.partial.text
        assert len(served.sent) == 1
        return
    assert expected.error is None and last is not None
    assert len(served.sent) == 1
    _check_llama(last, expected)


@pytest.mark.contract_replay("llama_index")
@pytest.mark.parametrize("case", ERROR_CASES, ids=_ids(ERROR_CASES))
def test_llama_index_error(case: Case) -> None:
    raw = json.loads(case.interaction.body)
    served = Served(case)
    with pytest.raises(errors.APIStatusError) as info:
        served.llama().chat([ChatMessage(role="user", content="hello")])
    assert type(info.value) is errors.STATUS_ERRORS[case.interaction.status]
    assert info.value.message == raw["error"]["message"]
    assert len(served.sent) == 1
