"""SSE decoding edge cases, typed chunks, in-band errors, and connection release."""

from __future__ import annotations

import json
from collections.abc import Iterator

import httpx
import pytest
from core_support import make_async_client, make_client
from openrouter_kit import StreamError
from openrouter_kit._streaming import SSEDecoder
from openrouter_kit.errors import APIConnectionError
from openrouter_kit.types import ChatCompletionChunk

MESSAGES = [{"role": "user", "content": "Hi"}]


def decode(chunks: list[bytes]) -> list[tuple[str | None, bytes]]:
    decoder = SSEDecoder()
    events = []
    for chunk in chunks:
        events.extend(decoder.feed(chunk))
    events.extend(decoder.flush())
    return [(e.event, e.data) for e in events]


@pytest.mark.parametrize("newline", [b"\n", b"\r", b"\r\n"])
def test_line_endings(newline: bytes) -> None:
    body = (
        b": OPENROUTER PROCESSING"
        + newline * 2
        + b'data: {"a":1}'
        + newline * 2
        + b"data: [DONE]"
        + newline * 2
    )
    assert decode([body]) == [(None, b'{"a":1}'), (None, b"[DONE]")]


def test_crlf_split_between_chunks_is_one_line_end() -> None:
    assert decode([b"data: 1\r", b"\n\r", b"\ndata: 2\r\n\r\n"]) == [(None, b"1"), (None, b"2")]


def test_every_split_point_gives_the_same_events() -> None:
    body = b': OPENROUTER PROCESSING\r\n\r\nevent: delta\r\ndata: {"t":"h\xc3\xa9"}\r\n\r\ndata: a\ndata: b\n\nid: 7\nretry: 10\ndata: x\n\n'
    expected = decode([body])
    assert expected == [("delta", b'{"t":"h\xc3\xa9"}'), (None, b"a\nb"), (None, b"x")]
    for cut in range(len(body)):
        assert decode([body[:cut], body[cut:]]) == expected, cut
    assert decode([body[i : i + 1] for i in range(len(body))]) == expected


def test_multiline_data_comments_and_fields() -> None:
    decoder = SSEDecoder()
    events = decoder.feed(
        b": c1\n\n: c2\n\nevent: ping\nid: 3\nretry: 500\ndata:no-space\ndata:  two\n\n"
    )
    assert decoder.comments == 2
    (event,) = events
    assert (event.event, event.id, event.retry, event.data) == ("ping", "3", 500, b"no-space\n two")


def test_unterminated_final_event_is_flushed() -> None:
    assert decode([b"data: last"]) == [(None, b"last")]


def sse(*events: dict | str, comments: int = 2) -> bytes:
    out = [b": OPENROUTER PROCESSING\n\n"] * comments
    for event in events:
        data = event if isinstance(event, str) else json.dumps(event)
        out.append(f"data: {data}\n\n".encode())
    return b"".join(out)


def chunk(content: str | None = None, finish: str | None = None, **extra: object) -> dict:
    delta = {} if content is None else {"content": content}
    return {
        "id": "gen-1-abc",
        "provider": "OpenAI",
        "model": "openai/gpt-4o-mini",
        "object": "chat.completion.chunk",
        "created": 1,
        "choices": [
            {"index": 0, "delta": delta, "finish_reason": finish, "native_finish_reason": finish}
        ],
        **extra,
    }


USAGE = {
    "prompt_tokens": 3,
    "completion_tokens": 2,
    "total_tokens": 5,
    "cost": 0.00001,
    "is_byok": False,
}


def stream_response(body: bytes) -> httpx.Response:
    return httpx.Response(
        200,
        headers={"content-type": "text/event-stream", "x-generation-id": "gen-1-abc"},
        content=body,
    )


@pytest.mark.parametrize(
    "final",
    [
        pytest.param({**chunk(), "choices": [], "usage": USAGE}, id="empty-choices"),
        pytest.param(chunk(finish="stop", usage=USAGE), id="repeated-finish"),
    ],
)
def test_typed_chunks_and_both_final_usage_shapes(final: dict) -> None:
    body = sse(chunk("Hel"), chunk("lo"), chunk(finish="stop"), final, "[DONE]")
    client, seen = make_client(lambda r: stream_response(body))
    with client.chat.completions.create(model="m/x", messages=MESSAGES, stream=True) as stream:
        chunks = list(stream)
    assert all(isinstance(c, ChatCompletionChunk) for c in chunks)
    assert "".join(c.choices[0].delta.content or "" for c in chunks if c.choices) == "Hello"
    assert chunks[-1].usage is not None and chunks[-1].usage.cost == 0.00001
    sent = json.loads(seen.last.content)
    assert sent["stream"] is True and sent["stream_options"] == {"include_usage": True}
    assert seen.last.headers["accept"] == "text/event-stream"
    assert stream.generation_id == "gen-1-abc"
    assert stream.closed


def test_in_band_error_raises_with_partial_output() -> None:
    tool_chunk = chunk()
    tool_chunk["choices"][0]["delta"] = {
        "tool_calls": [
            {
                "index": 0,
                "id": "call_1",
                "type": "function",
                "function": {"name": "get_weather", "arguments": '{"ci'},
            }
        ]
    }
    error_chunk = chunk("", usage=USAGE)
    error_chunk["error"] = {
        "code": 400,
        "message": "Token limit reached",
        "metadata": {"provider_name": "Minimax"},
    }
    body = sse(chunk("Partial "), chunk("text"), tool_chunk, error_chunk, "[DONE]")
    client, _ = make_client(lambda r: stream_response(body))
    received = []
    with pytest.raises(StreamError) as info:
        for item in client.chat.completions.create(model="m/x", messages=MESSAGES, stream=True):
            received.append(item)
    error = info.value
    assert len(received) == 3
    assert error.code == 400 and error.message == "Token limit reached"
    assert error.provider_name == "Minimax"
    assert error.partial.text == "Partial text"
    assert error.partial.tool_calls == [
        {
            "id": "call_1",
            "type": "function",
            "function": {"name": "get_weather", "arguments": '{"ci'},
        }
    ]
    assert error.partial.usage is not None and error.partial.usage.total_tokens == 5


class TrackedStream(httpx.SyncByteStream):
    def __init__(self, chunks: list[bytes], fail_after: int | None = None) -> None:
        self.chunks = chunks
        self.fail_after = fail_after
        self.closed = False

    def __iter__(self) -> Iterator[bytes]:
        for i, part in enumerate(self.chunks):
            if self.fail_after is not None and i == self.fail_after:
                raise httpx.RemoteProtocolError("peer closed connection")
            yield part

    def close(self) -> None:
        self.closed = True


def test_connection_released_on_break_and_exceptions() -> None:
    parts = [sse(chunk(str(i)), comments=0) for i in range(10)]
    tracked = TrackedStream(parts)
    client, _ = make_client(
        lambda r: httpx.Response(200, headers={"content-type": "text/event-stream"}, stream=tracked)
    )
    with client.chat.completions.create(model="m/x", messages=MESSAGES, stream=True) as stream:
        for _ in stream:
            break
    assert tracked.closed

    tracked = TrackedStream(parts)
    client, _ = make_client(
        lambda r: httpx.Response(200, headers={"content-type": "text/event-stream"}, stream=tracked)
    )
    with (
        pytest.raises(RuntimeError),
        client.chat.completions.create(model="m/x", messages=MESSAGES, stream=True) as stream,
    ):
        for _ in stream:
            raise RuntimeError("user code failed")
    assert tracked.closed


def test_dropped_connection_mid_stream_is_typed_and_keeps_partial() -> None:
    parts = [sse(chunk("a"), comments=0), sse(chunk("b"), comments=0), sse(chunk("c"), comments=0)]
    tracked = TrackedStream(parts, fail_after=2)
    client, seen = make_client(
        lambda r: httpx.Response(200, headers={"content-type": "text/event-stream"}, stream=tracked)
    )
    with pytest.raises(APIConnectionError) as info:
        list(client.chat.completions.create(model="m/x", messages=MESSAGES, stream=True))
    assert info.value.partial.text == "ab"  # type: ignore[attr-defined]
    assert len(seen.requests) == 1  # content already streamed: never replayed
    assert tracked.closed


def test_malformed_event_is_a_typed_error() -> None:
    from openrouter_kit.errors import ResponseValidationError

    client, _ = make_client(lambda r: stream_response(b"data: {not json\n\n"))
    with pytest.raises(ResponseValidationError):
        list(client.chat.completions.create(model="m/x", messages=MESSAGES, stream=True))


async def test_async_stream_yields_and_closes() -> None:
    body = sse(chunk("a"), chunk("b"), {**chunk(), "choices": [], "usage": USAGE}, "[DONE]")
    client, _ = make_async_client(lambda r: stream_response(body))
    stream = await client.chat.completions.create(model="m/x", messages=MESSAGES, stream=True)
    async with stream:
        texts = [c.choices[0].delta.content async for c in stream if c.choices]
    assert texts == ["a", "b"]
    assert stream.closed


async def test_async_in_band_error() -> None:
    error_chunk = chunk("")
    error_chunk["error"] = {"code": 502, "message": "Upstream died"}
    client, _ = make_async_client(lambda r: stream_response(sse(chunk("x"), error_chunk)))
    stream = await client.chat.completions.create(model="m/x", messages=MESSAGES, stream=True)
    with pytest.raises(StreamError) as info:
        async for _ in stream:
            pass
    assert info.value.partial.text == "x"
    assert info.value.status_code == 502


def test_chat_stream_cut_off_before_done_is_an_error_with_partial() -> None:
    # A clean end of body without `data: [DONE]` means the answer was truncated upstream.
    body = sse(chunk("Half an "), chunk("answer"))
    client, seen = make_client(lambda r: stream_response(body))
    received = []
    with pytest.raises(APIConnectionError, match="without \\[DONE\\]") as info:
        for item in client.chat.completions.create(model="m/x", messages=MESSAGES, stream=True):
            received.append(item)
    assert len(received) == 2
    assert info.value.partial.text == "Half an answer"  # type: ignore[attr-defined]
    assert len(seen.requests) == 1


def test_messages_stream_needs_no_done_sentinel() -> None:
    # Anthropic-format streams end with message_stop, not [DONE].
    events = [
        {
            "type": "message_start",
            "message": {"id": "m", "role": "assistant", "content": [], "model": "x"},
        },
        {"type": "message_stop"},
    ]
    body = b"".join(f"event: {e['type']}\ndata: {json.dumps(e)}\n\n".encode() for e in events)
    client, _ = make_client(lambda r: stream_response(body))
    stream = client.messages.create(model="x/y", max_tokens=5, messages=MESSAGES, stream=True)
    assert [e.type for e in stream] == ["message_start", "message_stop"]
