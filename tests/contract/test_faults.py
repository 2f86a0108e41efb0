"""Faults injected by the emulator, through the core client (sync and async).

Each row states what the user gets: the answer after retries within a time bound, or a typed
error (carrying the partial output when part of a stream had arrived). The emulator counts
the requests it saw, which proves a stream that already delivered content is never silently
replayed. Faults are set per request with the emulator's `x-emulator-fault` header
(see openrouter_kit_emulator.faults); the client retries at most twice (max_retries=2) with
its own policy, shortened backoff (fault_support.FAST_BACKOFF) and server Retry-After as sent.

docs/reliability.md reproduces this table.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from fault_support import (
    MESSAGES,
    MODEL,
    CountingTransport,
    async_client,
    served,
    sync_client,
)
from openrouter_kit import errors
from openrouter_kit_emulator import Emulator, create_app

SHORT_READ = httpx.Timeout(5.0, read=0.25)  # read timeout 0.25 s; call budget 5 s


@dataclass(frozen=True)
class Row:
    name: str
    fault: str  # the x-emulator-fault header
    stream: bool
    error: type[Exception] | None  # None: the call succeeds
    requests: tuple[int, int]  # how many requests the emulator saw (min, max)
    user_gets: str
    min_seconds: float = 0.0
    max_seconds: float = 2.0
    partial: bool = False  # the error carries the text that streamed before it
    timeout: Any = 10.0


ROWS = [
    Row(
        "429 with Retry-After: 1, once",
        "status=429; retry_after=1; times=1",
        False,
        None,
        (2, 2),
        "the answer, after waiting the 1 s the server asked for",
        min_seconds=1.0,
        max_seconds=3.0,
    ),
    Row(
        "429 without Retry-After, once",
        "status=429; times=1",
        False,
        None,
        (2, 2),
        "the answer, after one backoff",
    ),
    Row(
        "429 every time",
        "status=429",
        False,
        errors.RateLimitError,
        (3, 3),
        "RateLimitError (status 429, provider and upstream message in .metadata) after 2 retries",
    ),
    Row(
        "429 with Retry-After: 120",
        "status=429; retry_after=120",
        False,
        errors.RateLimitError,
        (1, 1),
        "RateLimitError at once: a wait over 60 s is not taken silently",
    ),
    Row("500, once", "status=500; times=1", False, None, (2, 2), "the answer, after one retry"),
    Row("502, once", "status=502; times=1", False, None, (2, 2), "the answer, after one retry"),
    Row("503, once", "status=503; times=1", False, None, (2, 2), "the answer, after one retry"),
    Row("524, once", "status=524; times=1", False, None, (2, 2), "the answer, after one retry"),
    Row("529, once", "status=529; times=1", False, None, (2, 2), "the answer, after one retry"),
    Row(
        "503 before a stream starts, once",
        "status=503; times=1",
        True,
        None,
        (2, 2),
        "the whole stream, after one retry (nothing had been streamed)",
    ),
    Row(
        "500 every time",
        "status=500",
        False,
        errors.InternalServerError,
        (3, 3),
        "InternalServerError after 2 retries",
    ),
    Row(
        "502 every time",
        "status=502",
        False,
        errors.BadGatewayError,
        (3, 3),
        "BadGatewayError after 2 retries",
    ),
    Row(
        "503 every time",
        "status=503",
        False,
        errors.ServiceUnavailableError,
        (3, 3),
        "ServiceUnavailableError after 2 retries",
    ),
    Row(
        "524 every time",
        "status=524",
        False,
        errors.EdgeTimeoutError,
        (3, 3),
        "EdgeTimeoutError after 2 retries",
    ),
    Row(
        "529 every time",
        "status=529",
        False,
        errors.ProviderOverloadedError,
        (3, 3),
        "ProviderOverloadedError after 2 retries",
    ),
    Row(
        "slow first byte (0.3 s), within the read timeout",
        "slow_first_byte=0.3",
        True,
        None,
        (1, 1),
        "the whole stream, 0.3 s later",
        min_seconds=0.3,
    ),
    Row(
        "read timeout before the first byte, once",
        "slow_first_byte=2; times=1",
        False,
        None,
        (2, 2),
        "the answer: the timed-out try is retried (no output had arrived)",
        min_seconds=0.25,
        timeout=SHORT_READ,
    ),
    Row(
        "read timeout before the first byte, every time",
        "slow_first_byte=2",
        False,
        errors.APITimeoutError,
        (3, 3),
        "APITimeoutError after 2 retries, within the call budget",
        min_seconds=0.75,
        max_seconds=3.0,
        timeout=SHORT_READ,
    ),
    Row(
        "stall right after the headers (read timeout)",
        "slow_chunks=2",
        True,
        errors.APITimeoutError,
        (1, 1),
        "APITimeoutError from the iterator with .partial (empty); the stream is not replayed",
        min_seconds=0.25,
        timeout=SHORT_READ,
    ),
    Row(
        "dropped connection mid-stream",
        "drop_after=3",
        True,
        errors.APIConnectionError,
        (1, 1),
        "APIConnectionError with .partial holding the text streamed so far; not replayed",
        partial=True,
    ),
    Row(
        "dropped connection mid-body (not streamed), once",
        "drop_after=1; times=1",
        False,
        None,
        (2, 2),
        "the answer: nothing had reached the user, so the call is retried",
    ),
    Row(
        "in-band error mid-stream",
        "error_after=3",
        True,
        errors.StreamError,
        (1, 1),
        "StreamError (code 502) with .partial holding the text streamed so far; not replayed",
        partial=True,
    ),
    Row(
        "error object in a 200 JSON body",
        "error_after=0",
        False,
        errors.BadGatewayError,
        (1, 1),
        "BadGatewayError carrying the body's code and message",
    ),
    Row(
        "malformed JSON body",
        "malformed",
        False,
        errors.ResponseValidationError,
        (1, 1),
        "ResponseValidationError with the first 2,000 bytes of the body",
    ),
    Row(
        "malformed stream event",
        "malformed",
        True,
        errors.ResponseValidationError,
        (1, 1),
        "ResponseValidationError from the iterator, with .partial; not replayed",
    ),
]


@pytest.fixture(scope="module")
def full_text() -> str:
    """The emulator's answer to MESSAGES, without faults (deterministic)."""
    client = sync_client(CountingTransport())
    return client.chat.completions.create(model=MODEL, messages=MESSAGES).text


def _check(row: Row, outcome: Any, texts: list[str], seen: int, elapsed: float, full: str) -> None:
    low, high = row.requests
    assert low <= seen <= high, f"{row.name}: the emulator saw {seen} requests"
    assert row.min_seconds <= elapsed <= row.max_seconds, f"{row.name}: took {elapsed:.2f} s"
    if row.error is None:
        assert not isinstance(outcome, Exception), f"{row.name}: raised {outcome!r}"
        assert "".join(texts) == full
        return
    assert type(outcome) is row.error, f"{row.name}: got {outcome!r}"
    assert isinstance(outcome, errors.OpenRouterError)
    if row.stream and row.error is not errors.RateLimitError:
        partial = getattr(outcome, "partial", None)
        assert partial is not None, f"{row.name}: no partial output on the error"
        assert partial.text == "".join(texts), "the partial is exactly what the caller saw"
        assert full.startswith(partial.text)
        if row.partial:
            assert partial.text, "content had streamed before the fault"


def _run_sync(row: Row) -> tuple[Any, list[str], int, float]:
    transport = CountingTransport(Emulator())
    client = sync_client(transport, timeout=row.timeout)
    texts: list[str] = []
    started = time.monotonic()
    outcome: Any = None
    try:
        if row.stream:
            with client.chat.completions.create(
                model=MODEL,
                messages=MESSAGES,
                stream=True,
                extra_headers={"x-emulator-fault": row.fault},
            ) as stream:
                for chunk in stream:
                    texts.extend(c.delta.content or "" for c in chunk.choices if c.delta)
        else:
            result = client.chat.completions.create(
                model=MODEL, messages=MESSAGES, extra_headers={"x-emulator-fault": row.fault}
            )
            texts.append(result.text)
    except errors.OpenRouterError as exc:
        outcome = exc
    return outcome, texts, transport.total, time.monotonic() - started


async def _run_async(row: Row) -> tuple[Any, list[str], int, float]:
    transport = CountingTransport(Emulator())
    client = async_client(transport, timeout=row.timeout)
    texts: list[str] = []
    started = time.monotonic()
    outcome: Any = None
    try:
        if row.stream:
            stream = await client.chat.completions.create(
                model=MODEL,
                messages=MESSAGES,
                stream=True,
                extra_headers={"x-emulator-fault": row.fault},
            )
            async with stream:
                async for chunk in stream:
                    texts.extend(c.delta.content or "" for c in chunk.choices if c.delta)
        else:
            result = await client.chat.completions.create(
                model=MODEL, messages=MESSAGES, extra_headers={"x-emulator-fault": row.fault}
            )
            texts.append(result.text)
    except errors.OpenRouterError as exc:
        outcome = exc
    return outcome, texts, transport.total, time.monotonic() - started


@pytest.mark.parametrize("row", ROWS, ids=[r.name for r in ROWS])
def test_fault_sync(row: Row, full_text: str) -> None:
    outcome, texts, seen, elapsed = _run_sync(row)
    _check(row, outcome, texts, seen, elapsed, full_text)


@pytest.mark.parametrize("row", ROWS, ids=[r.name for r in ROWS])
async def test_fault_async(row: Row, full_text: str) -> None:
    outcome, texts, seen, elapsed = await _run_async(row)
    _check(row, outcome, texts, seen, elapsed, full_text)


def test_typed_errors_carry_what_the_server_said() -> None:
    transport = CountingTransport(Emulator())
    client = sync_client(transport, max_retries=0)
    with pytest.raises(errors.RateLimitError) as info:
        client.chat.completions.create(
            model=MODEL,
            messages=MESSAGES,
            extra_headers={"x-emulator-fault": "status=429; retry_after=3"},
        )
    error = info.value
    assert error.status_code == 429 and error.code == 429
    assert error.headers["retry-after"] == "3"
    assert error.provider_name == "OpenAI"
    assert "rate-limited upstream" in error.raw
    assert transport.total == 1


# -- a stall after content, on a real socket ----------------------------------------------


def _stall_after(app: Any, data_events: int, seconds: float) -> Any:
    """Wrap the emulator's ASGI app: after `data_events` SSE data events, stop sending for a while."""

    async def wrapped(scope: Any, receive: Any, send: Any) -> None:
        sent = 0

        async def slow_send(message: Any) -> None:
            nonlocal sent
            body = message.get("body", b"") if message["type"] == "http.response.body" else b""
            if body.startswith(b"data: {"):
                if sent >= data_events:
                    await asyncio.sleep(seconds)
                sent += 1
            await send(message)

        await app(scope, receive, slow_send)

    return wrapped


@pytest.mark.parametrize("mode", ["sync", "async"])
async def test_stall_mid_stream_after_content_times_out_with_partial(
    mode: str, full_text: str
) -> None:
    """The server sends 3 events, then goes silent: the read timeout fires and the user gets
    APITimeoutError carrying the 3 events' text; the request is not sent again."""
    emulator = Emulator()
    seen: list[str] = []

    def counting(app: Any) -> Any:
        async def wrapped(scope: Any, receive: Any, send: Any) -> None:
            if scope["type"] == "http":
                seen.append(scope["path"])
            await app(scope, receive, send)

        return wrapped

    app = counting(_stall_after(create_app(emulator), 3, 3.0))
    with served(app) as base_url:
        texts: list[str] = []
        timeout = httpx.Timeout(5.0, read=0.4)
        started = time.monotonic()
        if mode == "sync":
            client = sync_client(httpx.HTTPTransport(), base_url=base_url, timeout=timeout)
            stream = client.chat.completions.create(model=MODEL, messages=MESSAGES, stream=True)
            with pytest.raises(errors.APITimeoutError) as info, stream:
                for chunk in stream:
                    texts.extend(c.delta.content or "" for c in chunk.choices if c.delta)
            client.close()
        else:
            aclient = async_client(httpx.AsyncHTTPTransport(), base_url=base_url, timeout=timeout)
            with pytest.raises(errors.APITimeoutError) as info:
                stream = await aclient.chat.completions.create(
                    model=MODEL, messages=MESSAGES, stream=True
                )
                async with stream:
                    async for chunk in stream:
                        texts.extend(c.delta.content or "" for c in chunk.choices if c.delta)
            await aclient._http.aclose()
        elapsed = time.monotonic() - started
    partial = info.value.partial  # type: ignore[attr-defined]
    assert partial.text and partial.text == "".join(texts)
    assert full_text.startswith(partial.text) and partial.text != full_text
    assert seen == ["/api/v1/chat/completions"], "a stream that delivered content is not replayed"
    assert 0.4 <= elapsed < 3.0


# -- the other streaming endpoints --------------------------------------------------------

PROMPT = "Write three sentences about the sea and its tides."


def _open_stream(client: Any, endpoint: str, fault: str | None) -> Any:
    headers = {"x-emulator-fault": fault} if fault else {}
    if endpoint == "responses":
        return client.responses.create(
            model=MODEL, input=PROMPT, stream=True, extra_headers=headers
        )
    return client.messages.create(
        model="anthropic/claude-sonnet-4",
        messages=[{"role": "user", "content": PROMPT}],
        max_tokens=200,
        stream=True,
        extra_headers=headers,
    )


def _text_of(event: Any) -> str:
    if event.type == "response.output_text.delta":
        return str(event.delta)
    delta = getattr(event, "delta", None)
    return str(getattr(delta, "text", "") or "") if event.type == "content_block_delta" else ""


@pytest.mark.parametrize("endpoint", ["responses", "messages"])
@pytest.mark.parametrize(
    ("fault", "error"),
    [
        ("drop_after=8", errors.APIConnectionError),
        ("error_after=8", errors.StreamError),
        ("malformed", errors.ResponseValidationError),
        ("status=503; times=1", None),
    ],
)
def test_fault_on_responses_and_messages_streams(
    endpoint: str, fault: str, error: type[Exception] | None
) -> None:
    """/responses and /messages streams meet the same faults the same way as chat streams."""
    full = "".join(
        _text_of(e) for e in _open_stream(sync_client(CountingTransport()), endpoint, None)
    )
    transport = CountingTransport(Emulator())
    client = sync_client(transport)
    seen = ""
    try:
        with _open_stream(client, endpoint, fault) as stream:
            for event in stream:
                seen += _text_of(event)
    except errors.OpenRouterError as exc:
        assert error is not None and type(exc) is error, repr(exc)
        partial = exc.partial  # type: ignore[attr-defined]
        assert partial.text == seen and full.startswith(seen)
        if "after" in fault:
            assert seen, "content had streamed before the fault"
        assert transport.total == 1, "a stream that started is not replayed"
        return
    assert error is None, f"{fault}: nothing was raised"
    assert seen == full and transport.total == 2
