"""Streams that say nothing, and one huge data line: issue 15 items 3 and 8, at the HTTP layer."""

from __future__ import annotations

import json
import time
from collections.abc import AsyncIterator, Iterator

import httpx
import pytest
from core_support import make_async_client, make_client
from openrouter_kit._streaming import SSEDecoder
from openrouter_kit.errors import APIConnectionError

MESSAGES = [{"role": "user", "content": "Hi"}]
PIECE = 16 * 1024


class Pieces(httpx.SyncByteStream, httpx.AsyncByteStream):
    """A streaming response body sent in the given pieces, as a network would."""

    def __init__(self, pieces: list[bytes]) -> None:
        self.pieces = pieces

    def __iter__(self) -> Iterator[bytes]:
        yield from self.pieces

    async def __aiter__(self) -> AsyncIterator[bytes]:
        for piece in self.pieces:
            yield piece


def sse_response(pieces: list[bytes]) -> httpx.Response:
    return httpx.Response(200, headers={"content-type": "text/event-stream"}, stream=Pieces(pieces))


SILENT = [
    pytest.param([], id="empty-body"),
    pytest.param([b": OPENROUTER PROCESSING\n\n"] * 3, id="keep-alives-only"),
    pytest.param([b": OPENROUTER PROCESSING\r\n\r\n", b"\n\n", b":"], id="keep-alives-split"),
]


@pytest.mark.parametrize("pieces", SILENT)
def test_a_stream_without_events_is_cut_off(pieces: list[bytes]) -> None:
    client, _ = make_client(lambda r: sse_response(pieces))
    stream = client.chat.completions.create(model="m/x", messages=MESSAGES, stream=True)
    with pytest.raises(APIConnectionError, match="without a single event") as info:
        list(stream)
    assert info.value.partial.chunks == 0  # type: ignore[attr-defined]
    assert stream.closed


@pytest.mark.parametrize("pieces", SILENT)
async def test_an_async_stream_without_events_is_cut_off(pieces: list[bytes]) -> None:
    client, _ = make_async_client(lambda r: sse_response(pieces))
    stream = await client.chat.completions.create(model="m/x", messages=MESSAGES, stream=True)
    with pytest.raises(APIConnectionError, match="without a single event"):
        async for _ in stream:
            pass
    assert stream.closed


def test_messages_stream_without_events_is_cut_off_too() -> None:
    # Anthropic-format streams need no [DONE], but a body with no event at all is no answer.
    client, _ = make_client(lambda r: sse_response([b": ping\n\n"]))
    with pytest.raises(APIConnectionError, match="without a single event"):
        list(client.messages.create(model="m/x", max_tokens=5, messages=MESSAGES, stream=True))


def huge_chat_stream(size: int) -> tuple[list[bytes], str]:
    text = "x" * size
    chunk = {"id": "gen-1", "choices": [{"index": 0, "delta": {"content": text}}]}
    body = b"data: " + json.dumps(chunk).encode() + b"\n\ndata: [DONE]\n\n"
    return [body[i : i + PIECE] for i in range(0, len(body), PIECE)], text


def test_a_20_mb_data_line_in_16_kb_pieces_is_read_in_linear_time() -> None:
    pieces, text = huge_chat_stream(20 * 1024 * 1024)
    client, _ = make_client(lambda r: sse_response(pieces))
    start = time.perf_counter()
    chunks = list(client.chat.completions.create(model="m/x", messages=MESSAGES, stream=True))
    elapsed = time.perf_counter() - start
    assert len(chunks) == 1 and chunks[0].choices[0].delta.content == text
    # Linear work is ~0.1 s here; the old quadratic re-join took 7 s. The bound is loose on
    # purpose (a shared CI machine), yet far below what any quadratic decoder could reach.
    assert elapsed < 2.5, f"{elapsed:.2f} s for a 20 MB line"


def test_the_decoder_copies_each_byte_of_a_long_line_a_bounded_number_of_times() -> None:
    """Linearity without a clock: bytes handed to the decoder, in pieces, are joined once."""
    joined: list[int] = []

    decoder = SSEDecoder()
    line = b"data: " + b"y" * (4 * 1024 * 1024) + b"\n\n"
    pieces = [line[i : i + PIECE] for i in range(0, len(line), PIECE)]
    events = []
    for piece in pieces:
        before = len(decoder._pending)
        events.extend(decoder.feed(piece))
        joined.append(len(decoder._pending) - before)
    # every piece but the last was kept as it is (one list entry each, no re-join) ...
    assert joined[:-1] == [1] * (len(pieces) - 1)
    # ... and the last one joined them all at once into the single event.
    assert [len(e.data) for e in events] == [4 * 1024 * 1024]
    assert decoder._pending == []


# -- compressed streams: raw chunks are read only when the body is not encoded -----------

CHUNKS = [
    b'data: {"id":"g","choices":[{"index":0,"delta":{"content":"Hel"}}]}\n\n',
    b'data: {"id":"g","choices":[{"index":0,"delta":{"content":"lo"}}]}\n\n',
    b"data: [DONE]\n\n",
]


def gzip_pieces() -> list[bytes]:
    import zlib

    packer = zlib.compressobj(wbits=31)  # gzip framing
    body = packer.compress(b"".join(CHUNKS)) + packer.flush()
    return [body[i : i + 7] for i in range(0, len(body), 7)]


@pytest.mark.parametrize("encoding", ["gzip", None])
def test_a_stream_is_decoded_whatever_its_content_encoding(encoding: str | None) -> None:
    pieces = gzip_pieces() if encoding else CHUNKS
    headers = {"content-type": "text/event-stream"}
    if encoding:
        headers["content-encoding"] = encoding
    client, _ = make_client(lambda r: httpx.Response(200, headers=headers, stream=Pieces(pieces)))
    with client.chat.completions.create(model="m/x", messages=MESSAGES, stream=True) as stream:
        text = "".join(c.choices[0].delta.content or "" for c in stream if c.choices)
    assert text == "Hello"


@pytest.mark.parametrize("encoding", ["gzip", None])
async def test_an_async_stream_is_decoded_whatever_its_content_encoding(
    encoding: str | None,
) -> None:
    pieces = gzip_pieces() if encoding else CHUNKS
    headers = {"content-type": "text/event-stream"}
    if encoding:
        headers["content-encoding"] = encoding
    client, _ = make_async_client(
        lambda r: httpx.Response(200, headers=headers, stream=Pieces(pieces))
    )
    stream = await client.chat.completions.create(model="m/x", messages=MESSAGES, stream=True)
    text = ""
    async with stream:
        async for chunk in stream:
            if chunk.choices:
                text += chunk.choices[0].delta.content or ""
    assert text == "Hello"


def test_a_stream_whose_body_was_already_read_still_parses() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        response = httpx.Response(
            200, headers={"content-type": "text/event-stream"}, content=b"".join(CHUNKS)
        )
        response.read()  # as a replaying cassette hands it over: consumed, content kept
        return response

    client, _ = make_client(handler)
    with client.chat.completions.create(model="m/x", messages=MESSAGES, stream=True) as stream:
        assert [c.choices[0].delta.content for c in stream if c.choices] == ["Hel", "lo"]
