"""Regression tests for core bugs the contract suite found (each names the fix)."""

from __future__ import annotations

import json

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
