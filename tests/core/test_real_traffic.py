"""Real recorded OpenRouter responses (tests/recordings) parse through the core client.

Each check compares the typed result against an independent reading of the recorded JSON.
"""

from __future__ import annotations

import json

import httpx
import pytest
from openrouter_kit import OpenRouter, StreamError, errors
from recordings_loader import Interaction, interactions

KEY = "sk-or-v1-test"
CHAT_JSON = interactions("/chat/completions", status=200, stream=False)
CHAT_SSE = interactions("/chat/completions", status=200, stream=True)
CHAT_ERRORS = [i for i in interactions("/chat/completions") if i.status >= 400]
EMBEDDINGS = interactions("/embeddings", status=200)


def client_for(recording: Interaction) -> OpenRouter:
    return OpenRouter(
        api_key=KEY, http_client=httpx.Client(transport=recording.transport()), max_retries=0
    )


def request_of(recording: Interaction) -> dict:
    body = recording.request_body if isinstance(recording.request_body, dict) else {}
    messages = body.get("messages") or [{"role": "user", "content": "hi"}]
    return {"model": body.get("model", "x/y"), "messages": messages}


def test_there_is_enough_real_traffic() -> None:
    assert (
        len(CHAT_JSON) >= 50
        and len(CHAT_SSE) >= 40
        and len(CHAT_ERRORS) >= 10
        and len(EMBEDDINGS) >= 5
    )


@pytest.mark.parametrize("recording", CHAT_JSON, ids=lambda r: r.source)
def test_chat_completion_matches_recorded_json(recording: Interaction) -> None:
    raw = json.loads(recording.body)
    result = client_for(recording).chat.completions.create(**request_of(recording))
    assert result.id == raw.get("id")
    assert result.provider == raw.get("provider")
    assert result.model == raw.get("model")
    for choice, raw_choice in zip(result.choices, raw["choices"], strict=True):
        raw_message = raw_choice.get("message", {})
        assert choice.finish_reason == raw_choice.get("finish_reason")
        assert choice.native_finish_reason == raw_choice.get("native_finish_reason")
        assert choice.message.content == raw_message.get("content")
        assert choice.message.reasoning == raw_message.get("reasoning")
        assert choice.message.reasoning_details == raw_message.get("reasoning_details")
        assert choice.message.annotations == raw_message.get("annotations")
        assert choice.message.images == raw_message.get("images")
        raw_calls = raw_message.get("tool_calls") or []
        assert [c.function.name for c in choice.message.tool_calls or []] == [
            c["function"].get("name") for c in raw_calls
        ]
        assert [c.function.arguments for c in choice.message.tool_calls or []] == [
            c["function"].get("arguments") for c in raw_calls
        ]
    raw_usage = raw.get("usage")
    if raw_usage:
        assert result.usage is not None
        assert result.usage.model_dump(exclude_none=True, exclude_unset=True) == _without_nulls(
            raw_usage
        )


def _without_nulls(value):
    if isinstance(value, dict):
        return {k: _without_nulls(v) for k, v in value.items() if v is not None}
    return value


def _independent_stream_reading(body: bytes) -> tuple[str, str, list, dict | None, dict | None]:
    text, reasoning, calls, usage, error = [], [], {}, None, None
    for line in body.decode().splitlines():
        if not line.startswith("data:"):
            continue
        data = line[5:].strip()
        if data == "[DONE]":
            break
        payload = json.loads(data)
        if payload.get("error"):
            error = payload["error"]
            usage = payload.get("usage") or usage
            break
        usage = payload.get("usage") or usage
        for choice in payload.get("choices", []):
            delta = choice.get("delta") or {}
            text.append(delta.get("content") or "")
            reasoning.append(delta.get("reasoning") or "")
            for call in delta.get("tool_calls") or []:
                entry = calls.setdefault(call.get("index", 0), {"name": "", "arguments": ""})
                fn = call.get("function") or {}
                entry["name"] += fn.get("name") or ""
                entry["arguments"] += fn.get("arguments") or ""
    return "".join(text), "".join(reasoning), [calls[k] for k in sorted(calls)], usage, error


@pytest.mark.parametrize("recording", CHAT_SSE, ids=lambda r: r.source)
def test_chat_stream_matches_recorded_events(recording: Interaction) -> None:
    text, reasoning, calls, usage, error = _independent_stream_reading(recording.body)
    got_text, got_reasoning, got_calls, got_usage = [], [], {}, None
    client = client_for(recording)
    try:
        with client.chat.completions.create(stream=True, **request_of(recording)) as stream:
            for chunk in stream:
                got_usage = chunk.usage or got_usage
                for choice in chunk.choices:
                    got_text.append(choice.delta.content or "")
                    got_reasoning.append(choice.delta.reasoning or "")
                    for call in choice.delta.tool_calls or []:
                        entry = got_calls.setdefault(call.index, {"name": "", "arguments": ""})
                        entry["name"] += call.function.name or "" if call.function else ""
                        entry["arguments"] += call.function.arguments or "" if call.function else ""
    except StreamError as exc:
        assert error is not None, "raised StreamError on a stream without an error event"
        assert exc.code == error.get("code") and exc.message == error.get("message")
        assert exc.partial.text == text
        assert (
            exc.partial.usage is not None
            and exc.partial.usage.total_tokens == usage["total_tokens"]
        )
        return
    assert error is None, "stream had an in-band error but nothing was raised"
    assert "".join(got_text) == text
    assert "".join(got_reasoning) == reasoning
    assert [got_calls[k] for k in sorted(got_calls)] == calls
    if usage:
        assert got_usage is not None and got_usage.total_tokens == usage.get("total_tokens")
        assert got_usage.cost == usage.get("cost")


@pytest.mark.parametrize("recording", CHAT_ERRORS, ids=lambda r: r.source)
def test_recorded_errors_raise_typed_errors(recording: Interaction) -> None:
    raw = json.loads(recording.body)
    with pytest.raises(errors.APIStatusError) as info:
        client_for(recording).chat.completions.create(**request_of(recording))
    error = info.value
    assert error.status_code == recording.status
    assert type(error) is errors.STATUS_ERRORS[recording.status]
    assert error.message == raw["error"]["message"]
    assert error.metadata == (raw["error"].get("metadata") or {})


@pytest.mark.parametrize("recording", EMBEDDINGS, ids=lambda r: r.source)
def test_embeddings_match_recorded_vectors(recording: Interaction) -> None:
    raw = json.loads(recording.body)
    body = recording.request_body
    result = client_for(recording).embeddings.create(model=body["model"], input=body["input"])
    assert result.vectors == [
        item["embedding"] for item in sorted(raw["data"], key=lambda d: d["index"])
    ]
    assert result.usage.cost == raw["usage"].get("cost")
    assert result.provider == raw.get("provider") and result.id == raw.get("id")
