"""Property tests of the SSE decoder and of Stream: however the bytes are split, the events are the same.

Hypothesis generates event streams (data lines with any text, including multi-byte UTF-8
and invalid UTF-8 bytes, `event:` and `id:` fields, comments), writes them with LF, CR or
CRLF line ends (mixed per line), and cuts the bytes at arbitrary points. The decoder must
give back exactly the generated events, the same for every cut; a real recorded chat stream
cut anywhere must give the same typed chunks through the client. The profile is
deterministic (derandomize=True, see conftest.py).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import httpx
from contract_support import CHAT_SSE, cases
from hypothesis import given, settings
from hypothesis import strategies as st
from openrouter_kit import OpenRouter
from openrouter_kit._streaming import SSEDecoder

FUZZ = settings.get_profile("openrouter-kit-fuzz")

ENDINGS = [b"\n", b"\r", b"\r\n"]

# Data bytes: anything but CR and LF (they end lines); includes invalid UTF-8 sequences.
data_bytes = st.binary(min_size=1, max_size=40).map(
    lambda b: b.replace(b"\r", b"").replace(b"\n", b"") or b"x"
)
data_text = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\r\n"),
    min_size=1,
    max_size=40,
).map(lambda t: t.encode("utf-8"))
field_value = st.text(
    alphabet=st.characters(
        min_codepoint=32,
        max_codepoint=0x2FFF,
        blacklist_categories=("Cs",),
        blacklist_characters="\r\n",
    ),
    min_size=1,
    max_size=12,
)


@st.composite
def events(draw: Any) -> dict[str, Any]:
    lines = draw(st.lists(st.one_of(data_text, data_bytes), min_size=1, max_size=3))
    return {
        "data": lines,
        "event": draw(st.none() | field_value),
        "id": draw(st.none() | field_value),
        "comments": draw(st.integers(0, 2)),
    }


def serialise(stream: list[dict[str, Any]], endings: list[bytes]) -> bytes:
    """Write events the way a server might, cycling through the given line endings."""
    out: list[bytes] = []
    n = 0

    def line(text: bytes) -> None:
        nonlocal n
        ending = endings[n % len(endings)]
        if not text and ending == b"\n" and out and out[-1].endswith(b"\r"):
            ending = b"\r\n"  # CR then LF would read as one CRLF, not an empty line
        out.append(text + ending)
        n += 1

    for event in stream:
        for _ in range(event["comments"]):
            line(b": OPENROUTER PROCESSING")
            line(b"")
        if event["event"] is not None:
            line(b"event: " + event["event"].encode())
        if event["id"] is not None:
            line(b"id:" + event["id"].encode())
        for data in event["data"]:
            # one optional space after the colon is part of the framing, a second is data
            line(b"data: " + data)
        line(b"")
    return b"".join(out)


def expected_events(stream: list[dict[str, Any]]) -> list[tuple[bytes, str | None, str | None]]:
    out = []
    last_id = None
    for event in stream:
        last_id = event["id"] if event["id"] is not None else last_id
        out.append((b"\n".join(event["data"]), event["event"], last_id))
    return out


def cut(payload: bytes, points: list[int]) -> list[bytes]:
    bounds = sorted({p % (len(payload) + 1) for p in points})
    pieces, start = [], 0
    for bound in bounds:
        pieces.append(payload[start:bound])
        start = bound
    pieces.append(payload[start:])
    return pieces


def decode(pieces: list[bytes]) -> tuple[list[tuple[bytes, str | None, str | None]], int]:
    decoder = SSEDecoder()
    got = []
    for piece in pieces:
        got.extend(decoder.feed(piece))
    got.extend(decoder.flush())
    return [(e.data, e.event, e.id) for e in got], decoder.comments


@FUZZ
@given(
    stream=st.lists(events(), min_size=1, max_size=6),
    endings=st.lists(st.sampled_from(ENDINGS), min_size=1, max_size=3),
    points=st.lists(st.integers(min_value=0, max_value=10_000), max_size=12),
)
def test_decoder_gives_the_written_events_however_split(
    stream: list[dict[str, Any]], endings: list[bytes], points: list[int]
) -> None:
    payload = serialise(stream, endings)
    whole, comments = decode([payload])
    assert whole == expected_events(stream)
    assert comments == sum(e["comments"] for e in stream)
    split, split_comments = decode(cut(payload, points))
    assert split == whole and split_comments == comments


@FUZZ
@given(
    stream=st.lists(events(), min_size=1, max_size=4),
    ending=st.sampled_from(ENDINGS),
)
def test_decoder_byte_by_byte(stream: list[dict[str, Any]], ending: bytes) -> None:
    """The worst split: one byte per chunk (every CRLF and every UTF-8 sequence is cut)."""
    payload = serialise(stream, [ending])
    one_by_one, _ = decode([payload[i : i + 1] for i in range(len(payload))])
    assert one_by_one == expected_events(stream)


@FUZZ
@given(text=st.text(min_size=1, max_size=30), points=st.lists(st.integers(0, 200), max_size=8))
def test_multibyte_text_split_inside_a_character_is_reassembled(
    text: str, points: list[int]
) -> None:
    """A UTF-8 sequence cut across network chunks decodes to the original text."""
    raw = json.dumps({"t": text}, ensure_ascii=False).encode("utf-8")  # (no lone surrogates)
    payload = b"data: " + raw + b"\n\n"
    got, _ = decode(cut(payload, points))
    assert [g[0] for g in got] == [raw]
    assert json.loads(got[0][0])["t"] == text


@FUZZ
@given(tail=st.binary(max_size=30).map(lambda b: b.replace(b"\r", b"").replace(b"\n", b"")))
def test_unterminated_last_event_is_dispatched_at_the_end(tail: bytes) -> None:
    decoder = SSEDecoder()
    events_ = decoder.feed(b"data: first\n\ndata: " + tail)
    events_ += decoder.flush()
    assert [e.data for e in events_] == [b"first", tail]


def event_pieces(stream: list[dict[str, Any]], endings: list[bytes]) -> list[bytes]:
    """Each event in its own piece, as OpenRouter sends them (the decoder's fast path)."""
    return [serialise([event], endings) for event in stream]


@FUZZ
@given(
    stream=st.lists(events(), min_size=1, max_size=6),
    endings=st.lists(st.sampled_from(ENDINGS), min_size=1, max_size=3),
    points=st.lists(st.integers(min_value=0, max_value=10_000), max_size=4),
)
def test_event_aligned_pieces_give_the_same_events(
    stream: list[dict[str, Any]], endings: list[bytes], points: list[int]
) -> None:
    """Pieces that are whole events, some of them cut again: the fast path and the general
    path interleave and must agree with the events that were written."""
    pieces = []
    for n, piece in enumerate(event_pieces(stream, endings)):
        pieces.extend(cut(piece, points) if n % 2 else [piece])
    got, comments = decode(pieces)
    assert got == expected_events(stream)
    assert comments == sum(e["comments"] for e in stream)


@FUZZ
@given(size=st.integers(1, 200_000), step=st.integers(1, 20_000))
def test_a_long_line_in_small_pieces_is_one_event(size: int, step: int) -> None:
    line = b"data: " + b"z" * size + b"\n\n"
    got, _ = decode([line[i : i + step] for i in range(0, len(line), step)])
    assert got == [(b"z" * size, None, None)]


# -- through the client: a real recorded stream, cut anywhere ------------------------------

RECORDED = [c for c in cases(CHAT_SSE) if b'"error"' not in c.interaction.body][:8]


class Pieces(httpx.SyncByteStream):
    def __init__(self, pieces: list[bytes]) -> None:
        self.pieces = pieces

    def __iter__(self) -> Iterator[bytes]:
        yield from self.pieces


def stream_chunks(body: bytes, pieces: list[bytes]) -> list[dict[str, Any]]:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(
            200,
            headers={"content-type": "text/event-stream"},
            stream=Pieces(pieces),
            request=request,
        )

    client = OpenRouter(
        api_key="sk-or-v1-fuzz",
        http_client=httpx.Client(transport=httpx.MockTransport(handler)),
        max_retries=0,
    )
    with client.chat.completions.create(
        model="x/y", messages=[{"role": "user", "content": "hi"}], stream=True
    ) as stream:
        return [chunk.model_dump() for chunk in stream]


@FUZZ
@given(
    which=st.integers(0, len(RECORDED) - 1),
    ending=st.sampled_from(ENDINGS),
    points=st.lists(st.integers(0, 10**6), max_size=20),
)
def test_recorded_stream_parses_identically_however_split(
    which: int, ending: bytes, points: list[int]
) -> None:
    body = RECORDED[which].interaction.body
    if ending != b"\n":
        body = body.replace(b"\r\n", b"\n").replace(b"\n", ending)
    reference = stream_chunks(body, [RECORDED[which].interaction.body])
    assert reference, "the recording has chunks"
    assert stream_chunks(body, cut(body, points)) == reference
