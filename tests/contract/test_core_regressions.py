"""Regression tests for core bugs the contract suite found (each names the fix)."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest
from openrouter_kit import AsyncOpenRouter, OpenRouter, errors


def _chunk(text: str) -> bytes:
    payload = {
        "id": "gen-1",
        "object": "chat.completion.chunk",
        "choices": [{"index": 0, "delta": {"content": text}, "finish_reason": None}],
    }
    return b"data: " + json.dumps(payload).encode() + b"\n\n"


BROKEN_STREAM = _chunk("Hello") + _chunk(", world") + b'data: {"id": "gen-1", "choi\n\n'


def _respond(request: httpx.Request) -> httpx.Response:
    return httpx.Response(
        200, headers={"content-type": "text/event-stream"}, content=BROKEN_STREAM, request=request
    )


def test_malformed_stream_event_error_carries_the_partial_output() -> None:
    """_streaming: a stream event that does not parse raised ResponseValidationError without
    what had already streamed; it now carries `.partial` like a dropped connection does."""
    client = OpenRouter(
        api_key="sk-or-v1-x", http_client=httpx.Client(transport=httpx.MockTransport(_respond))
    )
    seen = []
    stream = client.chat.completions.create(
        model="x/y", messages=[{"role": "user", "content": "hi"}], stream=True
    )
    with pytest.raises(errors.ResponseValidationError) as info, stream:
        for chunk in stream:
            seen.append(chunk.choices[0].delta.content)
    partial = info.value.partial  # type: ignore[attr-defined]
    assert partial.text == "Hello, world" == "".join(seen)
    assert partial.chunks == 2


async def test_malformed_stream_event_error_carries_the_partial_output_async() -> None:
    client = AsyncOpenRouter(
        api_key="sk-or-v1-x",
        http_client=httpx.AsyncClient(transport=httpx.MockTransport(_respond)),
    )
    with pytest.raises(errors.ResponseValidationError) as info:
        stream = await client.chat.completions.create(
            model="x/y", messages=[{"role": "user", "content": "hi"}], stream=True
        )
        async with stream:
            async for _ in stream:
                pass
    assert info.value.partial.text == "Hello, world"  # type: ignore[attr-defined]


def _stream_of(body: bytes, content_type: str) -> list[Any]:
    def respond(request: httpx.Request) -> httpx.Response:
        return httpx.Response(
            200, headers={"content-type": content_type}, content=body, request=request
        )

    client = OpenRouter(
        api_key="sk-or-v1-x",
        http_client=httpx.Client(transport=httpx.MockTransport(respond)),
        max_retries=0,
    )
    with client.chat.completions.create(
        model="x/y", messages=[{"role": "user", "content": "hi"}], stream=True
    ) as stream:
        return list(stream)


def test_json_error_body_on_a_stream_is_raised_not_an_empty_stream() -> None:
    """_streaming: a JSON error object sent with HTTP 200 where a stream was asked for gave an
    empty stream, losing the error; it now raises StreamError with the body's code and message."""
    body = b'{"error":{"code":502,"message":"Provider returned error","metadata":{"provider_name":"X"}}}'
    with pytest.raises(errors.StreamError) as info:
        _stream_of(body, "application/json")
    assert info.value.code == 502 and info.value.message == "Provider returned error"
    assert info.value.provider_name == "X"
    assert info.value.partial.text == ""


def test_a_body_that_is_not_an_event_stream_raises() -> None:
    with pytest.raises(errors.ResponseValidationError) as info:
        _stream_of(b"<html><body>502 Bad Gateway</body></html>", "text/html")
    assert b"502 Bad Gateway" in (info.value.body or b"")


@pytest.mark.parametrize("body", [b"", b"\n\n", b": OPENROUTER PROCESSING\n\n"])
def test_empty_and_keepalive_only_streams_are_cut_off(body: bytes) -> None:
    # docs/core.md: a stream that ends without [DONE] was cut off; one without any event too.
    with pytest.raises(errors.APIConnectionError, match="without a single event"):
        _stream_of(body, "text/event-stream")


def test_a_stream_of_only_done_is_complete_and_empty() -> None:
    assert _stream_of(b": OPENROUTER PROCESSING\n\ndata: [DONE]\n\n", "text/event-stream") == []


async def test_json_error_body_on_an_async_stream_is_raised() -> None:
    def respond(request: httpx.Request) -> httpx.Response:
        return httpx.Response(
            200, json={"error": {"code": 429, "message": "slow down"}}, request=request
        )

    client = AsyncOpenRouter(
        api_key="sk-or-v1-x",
        http_client=httpx.AsyncClient(transport=httpx.MockTransport(respond)),
        max_retries=0,
    )
    stream = await client.chat.completions.create(
        model="x/y", messages=[{"role": "user", "content": "hi"}], stream=True
    )
    with pytest.raises(errors.StreamError) as info:
        async with stream:
            async for _ in stream:
                pass
    assert info.value.code == 429
