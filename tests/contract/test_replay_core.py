"""Every real recording (tests/recordings) replayed through the core client.

Each case serves the recorded bytes from an httpx.MockTransport and compares what the
client returns with an independent reading of those bytes (contract_support): assembled
text, tool calls, reasoning, images, annotations, usage and cost, provider, finish reasons,
the typed error of an error answer, and the StreamError plus partial content of the recorded
mid-stream error. Outcomes are counted in the terminal summary (see conftest.py).

It replaces tests/core/test_real_traffic.py (chat, streams, errors, embeddings), keeping every
check it made, and adds /responses, /models, the async client on streams and the adapters.
"""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import httpx
import pytest
from contract_support import (
    CHAT_ERROR,
    CHAT_JSON,
    CHAT_SSE,
    EMBEDDINGS,
    MODELS,
    RESPONSES_JSON,
    RESPONSES_SSE,
    Case,
    ChatReading,
    cases,
    read_chat_json,
    read_chat_stream,
    read_responses_json,
    read_responses_stream,
    without_nulls,
)
from openrouter_kit import AsyncOpenRouter, OpenRouter, errors

KEY = "sk-or-v1-contract-test"


def _ids(found: list[Case]) -> list[str]:
    return [case.id for case in found]


def client_for(case: Case) -> tuple[OpenRouter, list[httpx.Request]]:
    transport = case.interaction.transport()
    client = OpenRouter(api_key=KEY, http_client=httpx.Client(transport=transport), max_retries=0)
    return client, transport.sent  # type: ignore[attr-defined]


def async_client_for(case: Case) -> AsyncOpenRouter:
    transport = case.interaction.transport()
    return AsyncOpenRouter(
        api_key=KEY, http_client=httpx.AsyncClient(transport=transport), max_retries=0
    )


def chat_request(case: Case) -> dict[str, Any]:
    body = case.interaction.request_body if isinstance(case.interaction.request_body, dict) else {}
    messages = body.get("messages") or [{"role": "user", "content": "hi"}]
    return {"model": body.get("model", "x/y"), "messages": messages}


def responses_request(case: Case) -> dict[str, Any]:
    body = case.interaction.request_body if isinstance(case.interaction.request_body, dict) else {}
    return {"model": body.get("model", "x/y"), "input": body.get("input") or "hi"}


# -- /chat/completions JSON ---------------------------------------------------------------

CHAT_JSON_CASES = cases(CHAT_JSON)


@pytest.mark.contract_replay("core")
@pytest.mark.parametrize("case", CHAT_JSON_CASES, ids=_ids(CHAT_JSON_CASES))
def test_chat_completion(case: Case) -> None:
    raw = json.loads(case.interaction.body)
    expected = read_chat_json(case.interaction.body)
    client, sent = client_for(case)
    result = client.chat.completions.create(**chat_request(case))
    assert len(sent) == 1
    assert result.id == expected.id
    assert result.model == expected.model
    assert result.provider == raw.get("provider")
    assert result.text == expected.text
    # every choice, field by field (the first choice is also read independently above)
    for choice, raw_choice in zip(result.choices, raw["choices"], strict=True):
        raw_message = raw_choice.get("message", {})
        assert choice.finish_reason == raw_choice.get("finish_reason")
        assert choice.native_finish_reason == raw_choice.get("native_finish_reason")
        assert choice.message is not None
        assert choice.message.content == raw_message.get("content")
        assert choice.message.reasoning == raw_message.get("reasoning")
        assert choice.message.reasoning_details == raw_message.get("reasoning_details")
        assert choice.message.annotations == raw_message.get("annotations")
        assert choice.message.images == raw_message.get("images")
        assert choice.message.refusal == raw_message.get("refusal")
    message = result.choices[0].message
    assert message is not None
    assert [
        {"id": c.id or "", "name": c.function.name or "", "arguments": c.function.arguments or ""}
        for c in message.tool_calls or []
        if c.function is not None
    ] == expected.tool_calls
    assert (message.reasoning or "") == expected.reasoning
    assert (message.images or []) == expected.images
    assert (message.annotations or []) == expected.annotations
    if expected.usage:
        assert result.usage is not None
        assert result.usage.model_dump(exclude_none=True) == without_nulls(expected.usage)
        assert result.usage.cost == expected.usage.get("cost")
    else:
        assert result.usage is None


# -- /chat/completions SSE ----------------------------------------------------------------

CHAT_SSE_CASES = cases(CHAT_SSE)


def _assemble(chunks: list[Any]) -> ChatReading:
    got = ChatReading()
    calls: dict[int, dict[str, str]] = {}
    for chunk in chunks:
        got.id = got.id or chunk.id
        got.model = got.model or chunk.model
        got.providers.append(chunk.provider)
        if chunk.usage is not None:
            got.usage = chunk.usage.model_dump(exclude_none=True)
        for choice in chunk.choices:
            if choice.index != 0 or choice.delta is None:
                continue
            delta = choice.delta
            got.text += delta.content or ""
            got.reasoning += delta.reasoning or ""
            got.reasoning_details += delta.reasoning_details or []
            got.images += delta.images or []
            got.annotations += delta.annotations or []
            for call in delta.tool_calls or []:
                entry = calls.setdefault(call.index, {"id": "", "name": "", "arguments": ""})
                entry["id"] = entry["id"] or call.id or ""
                if call.function is not None:
                    entry["name"] += call.function.name or ""
                    entry["arguments"] += call.function.arguments or ""
            if choice.finish_reason:
                got.finish_reasons.append(choice.finish_reason)
            if choice.native_finish_reason:
                got.native_finish_reasons.append(choice.native_finish_reason)
    got.tool_calls = [calls[k] for k in sorted(calls)]
    got.chunks = len(chunks)
    return got


def _check_stream(expected: ChatReading, got: ChatReading) -> None:
    assert got.text == expected.text
    assert got.reasoning == expected.reasoning
    assert got.reasoning_details == expected.reasoning_details
    assert got.tool_calls == expected.tool_calls
    assert got.images == expected.images
    assert got.annotations == expected.annotations
    assert got.finish_reasons == expected.finish_reasons
    assert got.native_finish_reasons == expected.native_finish_reasons
    assert got.id == expected.id and got.model == expected.model
    assert got.providers == expected.providers[: len(got.providers)]
    if expected.usage:
        assert got.usage == without_nulls(expected.usage)


def _check_stream_error(expected: ChatReading, error: errors.StreamError) -> None:
    assert expected.error is not None, "StreamError raised on a stream without an error event"
    assert error.code == expected.error.get("code")
    assert error.message == expected.error.get("message")
    assert error.status_code == expected.error.get("code")
    # what arrived before the error is handed over, not lost
    assert error.partial.text == expected.text
    assert error.partial.reasoning == expected.reasoning
    assert [
        {"name": c["function"]["name"], "arguments": c["function"]["arguments"]}
        for c in error.partial.tool_calls
    ] == [{"name": c["name"], "arguments": c["arguments"]} for c in expected.tool_calls]
    assert expected.usage is not None and error.partial.usage is not None
    assert error.partial.usage.model_dump(exclude_none=True) == without_nulls(expected.usage)


@pytest.mark.contract_replay("core")
@pytest.mark.parametrize("case", CHAT_SSE_CASES, ids=_ids(CHAT_SSE_CASES))
def test_chat_stream(case: Case) -> None:
    expected = read_chat_stream(case.interaction.body)
    client, sent = client_for(case)
    chunks: list[Any] = []
    try:
        with client.chat.completions.create(stream=True, **chat_request(case)) as stream:
            for chunk in stream:
                chunks.append(chunk)
    except errors.StreamError as exc:
        _check_stream_error(expected, exc)
        assert _assemble(chunks).text == expected.text  # the caller saw the same text first
        assert len(sent) == 1
        return
    assert expected.error is None, "the stream had an in-band error but nothing was raised"
    assert len(sent) == 1
    _check_stream(expected, _assemble(chunks))


@pytest.mark.contract_replay("core")
@pytest.mark.parametrize("case", CHAT_SSE_CASES, ids=_ids(CHAT_SSE_CASES))
async def test_chat_stream_async(case: Case) -> None:
    expected = read_chat_stream(case.interaction.body)
    client = async_client_for(case)
    chunks: list[Any] = []
    try:
        stream = await client.chat.completions.create(stream=True, **chat_request(case))
        async with stream:
            async for chunk in stream:
                chunks.append(chunk)
    except errors.StreamError as exc:
        _check_stream_error(expected, exc)
        return
    assert expected.error is None
    _check_stream(expected, _assemble(chunks))


# -- errors -------------------------------------------------------------------------------

CHAT_ERROR_CASES = cases(CHAT_ERROR)


@pytest.mark.contract_replay("core")
@pytest.mark.parametrize("case", CHAT_ERROR_CASES, ids=_ids(CHAT_ERROR_CASES))
def test_chat_error(case: Case) -> None:
    raw = json.loads(case.interaction.body)
    client, sent = client_for(case)
    with pytest.raises(errors.APIStatusError) as info:
        client.chat.completions.create(**chat_request(case))
    error = info.value
    assert len(sent) == 1  # max_retries=0: no retry hides the answer
    assert type(error) is errors.STATUS_ERRORS[case.interaction.status]
    assert error.status_code == case.interaction.status
    assert error.code == raw["error"].get("code")
    assert error.message == raw["error"]["message"]
    assert error.metadata == (raw["error"].get("metadata") or {})
    assert error.provider_name == (raw["error"].get("metadata") or {}).get("provider_name")
    assert error.body == raw
    assert KEY not in str(error) and KEY not in repr(error.body)


# -- /responses ---------------------------------------------------------------------------

RESPONSES_JSON_CASES = cases(RESPONSES_JSON)
RESPONSES_SSE_CASES = cases(RESPONSES_SSE)


@pytest.mark.contract_replay("core")
@pytest.mark.parametrize("case", RESPONSES_JSON_CASES, ids=_ids(RESPONSES_JSON_CASES))
def test_response(case: Case) -> None:
    expected = read_responses_json(case.interaction.body)
    client, sent = client_for(case)
    result = client.responses.create(**responses_request(case))
    assert len(sent) == 1
    assert result.id == expected.id and result.model == expected.model
    assert result.status == expected.status
    assert result.text == expected.text
    assert [
        {"call_id": c.call_id or "", "name": c.name or "", "arguments": c.arguments or ""}
        for c in result.function_calls
    ] == expected.function_calls
    reasoning, annotations, encrypted = "", [], 0
    for item in result.output:
        if item.type == "reasoning":
            reasoning += "".join(
                p.text or "" for p in [*(item.summary or []), *(item.content or [])]
            )
            encrypted += bool(item.encrypted_content)
        elif item.type == "message":
            for part in item.content or []:
                if part.type == "output_text":
                    annotations += part.annotations or []
    assert reasoning == expected.reasoning
    assert annotations == expected.annotations
    assert encrypted == expected.encrypted
    if expected.usage:
        assert result.usage is not None
        assert result.usage.model_dump(exclude_none=True) == without_nulls(expected.usage)
        assert result.usage.cost == expected.usage.get("cost")


def _assemble_response_events(events: list[Any]) -> dict[str, Any]:
    text, reasoning, calls, usage, last = "", "", [], None, None
    for event in events:
        if event.type == "response.output_text.delta":
            text += event.delta
        elif event.type in (
            "response.reasoning_text.delta",
            "response.reasoning_summary_text.delta",
        ):
            reasoning += event.delta
        elif event.type == "response.output_item.done" and event.item.type == "function_call":
            item = event.item
            calls.append(
                {
                    "call_id": item.call_id or "",
                    "name": item.name or "",
                    "arguments": item.arguments or "",
                }
            )
        response = getattr(event, "response", None)
        if response is not None:
            last = response
            usage = response.usage.model_dump(exclude_none=True) if response.usage else usage
    return {"text": text, "reasoning": reasoning, "calls": calls, "usage": usage, "last": last}


@pytest.mark.contract_replay("core")
@pytest.mark.parametrize("case", RESPONSES_SSE_CASES, ids=_ids(RESPONSES_SSE_CASES))
def test_response_stream(case: Case) -> None:
    expected = read_responses_stream(case.interaction.body)
    client, sent = client_for(case)
    with client.responses.create(stream=True, **responses_request(case)) as stream:
        events = list(stream)
    assert len(sent) == 1
    assert [event.type for event in events] == expected.event_types
    got = _assemble_response_events(events)
    assert got["text"] == expected.text
    assert got["reasoning"] == expected.reasoning
    assert got["calls"] == expected.function_calls
    if expected.usage:
        assert got["usage"] == without_nulls(expected.usage)
    assert got["last"] is not None
    assert got["last"].id == expected.id and got["last"].status == expected.status


# -- GET /models ---------------------------------------------------------------------------

MODEL_CASES = cases(MODELS)


@pytest.mark.contract_replay("core")
@pytest.mark.parametrize("case", MODEL_CASES, ids=_ids(MODEL_CASES))
def test_models_list(case: Case) -> None:
    raw = json.loads(case.interaction.body)
    client, sent = client_for(case)
    result = client.models.list()
    assert len(sent) == 1
    assert [m.id for m in result.data] == [m["id"] for m in raw["data"]]
    for model, raw_model in zip(result.data, raw["data"], strict=True):
        assert model.name == raw_model.get("name")
        assert model.context_length == raw_model.get("context_length")
        assert model.supported_parameters == (raw_model.get("supported_parameters") or [])
        pricing = raw_model.get("pricing") or {}
        assert model.pricing is not None
        for name in ("prompt", "completion"):
            if pricing.get(name) is not None:
                # prices are strings on the wire; the client keeps them exact (Decimal)
                assert getattr(model.pricing, name) == Decimal(pricing[name])
        architecture = raw_model.get("architecture") or {}
        assert model.architecture is not None
        assert model.architecture.input_modalities == architecture.get("input_modalities", [])
        assert model.architecture.output_modalities == architecture.get("output_modalities", [])
        # fields the client does not name stay reachable
        for extra in ("links", "benchmarks", "reasoning", "knowledge_cutoff"):
            if extra in raw_model:
                assert getattr(model, extra) == raw_model[extra]


# -- POST /embeddings ----------------------------------------------------------------------

EMBEDDING_CASES = cases(EMBEDDINGS)


@pytest.mark.contract_replay("core")
@pytest.mark.parametrize("case", EMBEDDING_CASES, ids=_ids(EMBEDDING_CASES))
def test_embeddings(case: Case) -> None:
    raw = json.loads(case.interaction.body)
    body = case.interaction.request_body if isinstance(case.interaction.request_body, dict) else {}
    model = body.get("model", "openai/text-embedding-3-small")
    text = body.get("input") if isinstance(body.get("input"), (str, list)) else "hello"
    client, sent = client_for(case)
    result = client.embeddings.create(model=model, input=text)
    assert len(sent) == 1
    assert result.vectors == [d["embedding"] for d in sorted(raw["data"], key=lambda d: d["index"])]
    assert result.usage is not None
    assert result.usage.model_dump(exclude_none=True) == without_nulls(raw["usage"])
    assert result.usage.cost == raw["usage"].get("cost")
    assert result.provider == raw.get("provider") and result.id == raw.get("id")
    assert result.model == raw.get("model")
