"""Malformed input across endpoints: each raises a clear error naming the field, before any request.

Every row is a call with one thing wrong. The client must raise InvalidRequestError whose
`.field` names the offending field (or TypeError naming an unknown keyword), and the
transport must have seen nothing: bad input never costs a request. Rows run on the sync and
the async client.
"""

from __future__ import annotations

import inspect
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from openrouter_kit import AsyncOpenRouter, OpenRouter
from openrouter_kit.errors import InvalidRequestError

M = "openai/gpt-4o-mini"
HI = [{"role": "user", "content": "hi"}]
TOO_MANY_PAIRS = {f"k{i}": "v" for i in range(17)}
LONG_KEY = {"k" * 65: "v"}
LONG_VALUE = {"k": "v" * 513}
LONE_SURROGATE = "bad \ud800 text"


def _tool(**function: Any) -> list[dict[str, Any]]:
    return [{"type": "function", "function": function}]


@dataclass(frozen=True)
class Bad:
    name: str
    call: Callable[[Any], Any]
    field: str  # the field the error must name (InvalidRequestError.field starts with it)
    error: type[Exception] = InvalidRequestError


def chat(**kwargs: Any) -> Callable[[Any], Any]:
    kwargs.setdefault("model", M)
    kwargs.setdefault("messages", HI)
    return lambda c: c.chat.completions.create(**kwargs)


def responses(**kwargs: Any) -> Callable[[Any], Any]:
    kwargs.setdefault("model", M)
    kwargs.setdefault("input", "hi")
    return lambda c: c.responses.create(**kwargs)


def messages(**kwargs: Any) -> Callable[[Any], Any]:
    kwargs.setdefault("model", "anthropic/claude-sonnet-4")
    kwargs.setdefault("messages", HI)
    kwargs.setdefault("max_tokens", 100)
    return lambda c: c.messages.create(**kwargs)


def embed(**kwargs: Any) -> Callable[[Any], Any]:
    kwargs.setdefault("model", "openai/text-embedding-3-small")
    kwargs.setdefault("input", "hi")
    return lambda c: c.embeddings.create(**kwargs)


def rerank(**kwargs: Any) -> Callable[[Any], Any]:
    kwargs.setdefault("model", "cohere/rerank-v3.5")
    kwargs.setdefault("query", "q")
    kwargs.setdefault("documents", ["a", "b"])
    return lambda c: c.rerank.create(**kwargs)


ROWS: list[Bad] = [
    # chat: messages
    Bad("chat: empty messages list", chat(messages=[]), "messages"),
    Bad("chat: messages missing (None)", chat(messages=None), "messages"),
    Bad("chat: messages is a string", chat(messages="hello"), "messages"),
    Bad("chat: message is a string", chat(messages=["hello"]), "messages[0]"),
    Bad("chat: message without role", chat(messages=[{"content": "hi"}]), "messages[0].role"),
    Bad(
        "chat: unknown role",
        chat(messages=[{"role": "robot", "content": "hi"}]),
        "messages[0].role",
    ),
    Bad("chat: model is a number", chat(model=123), "model"),
    # chat: sampling ranges and types
    Bad("chat: temperature above 2", chat(temperature=3), "temperature"),
    Bad("chat: temperature is text", chat(temperature="hot"), "temperature"),
    Bad("chat: top_p above 1", chat(top_p=1.5), "top_p"),
    Bad("chat: negative top_k", chat(top_k=-1), "top_k"),
    Bad("chat: fractional top_k", chat(top_k=1.5), "top_k"),
    Bad("chat: frequency_penalty below -2", chat(frequency_penalty=-3), "frequency_penalty"),
    Bad("chat: presence_penalty above 2", chat(presence_penalty=2.5), "presence_penalty"),
    Bad("chat: negative repetition_penalty", chat(repetition_penalty=-0.1), "repetition_penalty"),
    Bad("chat: min_p above 1", chat(min_p=2), "min_p"),
    Bad("chat: negative top_a", chat(top_a=-1), "top_a"),
    Bad("chat: top_logprobs above 20", chat(top_logprobs=21), "top_logprobs"),
    Bad("chat: max_tokens zero", chat(max_tokens=0), "max_tokens"),
    Bad("chat: max_tokens is a bool", chat(max_tokens=True), "max_tokens"),
    Bad(
        "chat: negative max_completion_tokens",
        chat(max_completion_tokens=-5),
        "max_completion_tokens",
    ),
    Bad("chat: fractional seed", chat(seed=1.5), "seed"),
    Bad("chat: five stop sequences", chat(stop=["a", "b", "c", "d", "e"]), "stop"),
    Bad("chat: stop is a number", chat(stop=5), "stop"),
    Bad("chat: logprobs is 1", chat(logprobs=1), "logprobs"),
    Bad("chat: unknown service_tier", chat(service_tier="turbo"), "service_tier"),
    Bad("chat: unknown route", chat(route="random"), "route"),
    Bad("chat: user over 256 characters", chat(user="u" * 257), "user"),
    Bad("chat: session_id over 256 characters", chat(session_id="s" * 257), "session_id"),
    Bad("chat: provider is a string", chat(provider="openai"), "provider"),
    Bad("chat: models is a string", chat(models="openai/gpt-4o"), "models"),
    Bad("chat: reasoning is a string", chat(reasoning="high"), "reasoning"),
    Bad("chat: response_format is a string", chat(response_format="json"), "response_format"),
    Bad("chat: transforms is a string", chat(transforms="middle-out"), "transforms"),
    Bad("chat: modalities is a string", chat(modalities="image"), "modalities"),
    Bad("chat: usage is a string", chat(usage="include"), "usage"),
    # chat: metadata
    Bad("chat: 17 metadata pairs", chat(metadata=TOO_MANY_PAIRS), "metadata"),
    Bad("chat: metadata key over 64 characters", chat(metadata=LONG_KEY), "metadata"),
    Bad("chat: metadata value over 512 characters", chat(metadata=LONG_VALUE), "metadata.k"),
    Bad("chat: metadata value is a number", chat(metadata={"k": 1}), "metadata.k"),
    Bad("chat: metadata key with brackets", chat(metadata={"a[0]": "v"}), "metadata"),
    Bad("chat: metadata is a string", chat(metadata="x"), "metadata"),
    # chat: tools
    Bad("chat: tools is a string", chat(tools="search"), "tools"),
    Bad("chat: tool is a string", chat(tools=["search"]), "tools[0]"),
    Bad(
        "chat: function tool without function",
        chat(tools=[{"type": "function"}]),
        "tools[0].function",
    ),
    Bad(
        "chat: function tool with empty name", chat(tools=_tool(name="")), "tools[0].function.name"
    ),
    Bad(
        "chat: tool parameters schema is a string",
        chat(tools=_tool(name="f", parameters="{}")),
        "tools[0].function.parameters",
    ),
    Bad(
        "chat: parallel_tool_calls is text", chat(parallel_tool_calls="yes"), "parallel_tool_calls"
    ),
    # chat: what JSON cannot carry
    Bad(
        "chat: lone surrogate in content (not UTF-8)",
        chat(messages=[{"role": "user", "content": LONE_SURROGATE}]),
        "messages",
    ),
    Bad(
        "chat: bytes content (not JSON)",
        chat(messages=[{"role": "user", "content": b"\xff\xfe"}]),
        "messages",
    ),
    Bad("chat: misspelt parameter", chat(temprature=0.5), "temprature", TypeError),
    Bad(
        "chat: extra_body cannot bypass a rule", chat(extra_body={"temperature": 5}), "temperature"
    ),
    # /responses
    Bad("responses: temperature above 2", responses(temperature=5), "temperature"),
    Bad("responses: 17 metadata pairs", responses(metadata=TOO_MANY_PAIRS), "metadata"),
    Bad("responses: max_output_tokens zero", responses(max_output_tokens=0), "max_output_tokens"),
    Bad("responses: unknown truncation", responses(truncation="sometimes"), "truncation"),
    Bad("responses: input is a number", responses(input=123), "input"),
    Bad("responses: empty input list", responses(input=[]), "input"),
    Bad("responses: lone surrogate in input", responses(input=LONE_SURROGATE), "input"),
    # /messages
    Bad("messages: empty messages list", messages(messages=[]), "messages"),
    Bad("messages: empty model", messages(model=""), "model"),
    Bad("messages: max_tokens zero", messages(max_tokens=0), "max_tokens"),
    Bad(
        "messages: system role inside messages",
        messages(messages=[{"role": "system", "content": "x"}]),
        "messages[0].role",
    ),
    # /embeddings
    Bad("embeddings: empty input list", embed(input=[]), "input"),
    Bad("embeddings: input None", embed(input=None), "input"),
    Bad("embeddings: None inside input", embed(input=["a", None]), "input[1]"),
    Bad("embeddings: input is bytes", embed(input=b"bytes"), "input"),
    Bad("embeddings: dimensions zero", embed(dimensions=0), "dimensions"),
    Bad("embeddings: unknown encoding_format", embed(encoding_format="int8"), "encoding_format"),
    Bad("embeddings: empty model", embed(model=""), "model"),
    Bad("embeddings: lone surrogate in input", embed(input=[LONE_SURROGATE]), "input"),
    # /rerank
    Bad("rerank: empty documents", rerank(documents=[]), "documents"),
    Bad("rerank: documents is a string", rerank(documents="doc"), "documents"),
    Bad("rerank: documents are numbers", rerank(documents=[1, 2]), "documents[0]"),
    Bad("rerank: document object without text", rerank(documents=[{"title": "x"}]), "documents[0]"),
    Bad("rerank: top_n zero", rerank(top_n=0), "top_n"),
    Bad("rerank: empty query", rerank(query=""), "query"),
    Bad("rerank: query None", rerank(query=None), "query"),
    Bad("rerank: model None", rerank(model=None), "model"),
    # path parameters and queries
    Bad("models.endpoints: no author/slug", lambda c: c.models.endpoints("gpt-4o"), "model"),
    Bad("models.endpoints: empty author", lambda c: c.models.endpoints("/gpt-4o"), "model"),
    Bad("keys.get: empty hash", lambda c: c.keys.get(""), "hash"),
    Bad("keys.get: hash None", lambda c: c.keys.get(None), "hash"),
    Bad("keys.delete: hash is a number", lambda c: c.keys.delete(123), "hash"),
    Bad("guardrails.get: empty id", lambda c: c.guardrails.get(""), "id"),
    Bad("generations.get: empty id", lambda c: c.generations.get(""), "id"),
    # management bodies and pages
    Bad("keys.create: empty name", lambda c: c.keys.create(name=""), "name"),
    Bad("keys.create: negative limit", lambda c: c.keys.create(name="k", limit=-1), "limit"),
    Bad(
        "keys.create: unknown limit_reset",
        lambda c: c.keys.create(name="k", limit_reset="yearly"),
        "limit_reset",
    ),
    Bad("keys.update: disabled is text", lambda c: c.keys.update("h", disabled="no"), "disabled"),
    Bad("keys.list: negative offset", lambda c: c.keys.list(offset=-1), "offset"),
    Bad("guardrails.list: limit zero", lambda c: c.guardrails.list(limit=0), "limit"),
    Bad("guardrails.list: limit over 100", lambda c: c.guardrails.list(limit=101), "limit"),
    Bad(
        "guardrails.create: negative limit_usd",
        lambda c: c.guardrails.create(name="g", limit_usd=-5),
        "limit_usd",
    ),
    Bad(
        "guardrails.assign_keys: empty key_hashes",
        lambda c: c.guardrails.assign_keys("g", key_hashes=[]),
        "key_hashes",
    ),
    Bad(
        "guardrails.assign_members: member_user_ids is a string",
        lambda c: c.guardrails.assign_members("g", member_user_ids="user_1"),
        "member_user_ids",
    ),
    Bad(
        "auth.create_code: empty callback_url",
        lambda c: c.auth.create_code(callback_url=""),
        "callback_url",
    ),
    Bad(
        "auth.create_code: unknown code_challenge_method",
        lambda c: c.auth.create_code(
            callback_url="https://app.example", code_challenge_method="md5"
        ),
        "code_challenge_method",
    ),
    Bad("auth.exchange_code: empty code", lambda c: c.auth.exchange_code(code=""), "code"),
    Bad(
        "credits.create_coinbase_charge: negative amount",
        lambda c: c.credits.create_coinbase_charge(amount=-1, sender="0xabc", chain_id=1),
        "amount",
    ),
]


def _recording_transport() -> tuple[httpx.MockTransport, list[httpx.Request]]:
    sent: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        sent.append(request)
        return httpx.Response(500, json={"error": {"message": "must not be reached", "code": 500}})

    return httpx.MockTransport(handler), sent


def _check(row: Bad, error: BaseException) -> None:
    if row.error is InvalidRequestError:
        assert isinstance(error, InvalidRequestError), f"{row.name}: raised {error!r}"
        assert error.field.startswith(row.field), f"{row.name}: named {error.field!r}"
        assert error.problem, "the error says what was expected"
    assert row.field.split("[")[0].split(".")[0] in str(error)


def test_there_are_at_least_50_rows() -> None:
    assert len(ROWS) >= 50
    assert len({row.name for row in ROWS}) == len(ROWS)


@pytest.mark.parametrize("row", ROWS, ids=[row.name for row in ROWS])
def test_bad_input_sync(row: Bad) -> None:
    transport, sent = _recording_transport()
    client = OpenRouter(
        api_key="sk-or-v1-bad-input", http_client=httpx.Client(transport=transport), max_retries=0
    )
    with pytest.raises(row.error) as info, warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)  # the deprecated coinbase endpoint
        row.call(client)
    _check(row, info.value)
    assert sent == [], f"{row.name}: a request was sent"


@pytest.mark.parametrize("row", ROWS, ids=[row.name for row in ROWS])
async def test_bad_input_async(row: Bad) -> None:
    transport, sent = _recording_transport()
    client = AsyncOpenRouter(
        api_key="sk-or-v1-bad-input",
        http_client=httpx.AsyncClient(transport=transport),
        max_retries=0,
    )
    with pytest.raises(row.error) as info, warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        result = row.call(client)
        if inspect.isawaitable(result):
            await result
    _check(row, info.value)
    assert sent == [], f"{row.name}: a request was sent"
