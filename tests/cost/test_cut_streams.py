"""A cut stream is never free (issue 15, item 2): a stream that ends before its end (no [DONE],
an aborted body, a stall, closed early) is settled from GET /generation, retried while the
record lags, else with an estimate of the prompt plus the output received, marked estimated.
A stream dropped before it was read releases its reservation. Servers here cut and stall for
real: httpx.MockTransport bodies, and raw loopback sockets."""

from __future__ import annotations

import json
import socket
import time
from collections.abc import Callable, Iterator
from decimal import Decimal
from typing import Any

import httpx
import pytest
from hostile_support import loopback
from openrouter_kit import AsyncOpenRouter, Budget, ModelSelector, OpenRouter
from openrouter_kit.errors import APIConnectionError, APITimeoutError
from openrouter_kit_emulator import Emulator

MODEL = "openai/gpt-4o-mini"
MESSAGES = [{"role": "user", "content": "Tell me about the tides."}]
KEY = "sk-or-v1-cut-stream-tests"


def chunk(i: int) -> bytes:
    event = {
        "id": "gen-cut-1",
        "object": "chat.completion.chunk",
        "model": MODEL,
        "provider": "OpenAI",
        "choices": [{"index": 0, "delta": {"role": "assistant", "content": f"Tides rise {i}. "}}],
    }
    return f"data: {json.dumps(event)}\n\n".encode()


CUT_BODY = b": OPENROUTER PROCESSING\n\n" + b"".join(chunk(i) for i in range(3))  # no [DONE]
GENERATION = {"data": {"id": "gen-cut-1", "total_cost": 0.0042, "tokens_prompt": 12}}


@pytest.fixture
def selector(user: OpenRouter) -> ModelSelector:
    """Prices from the emulator's catalogue; the calls themselves go to the cutting servers."""
    selector = ModelSelector(user, guardrail=None)
    selector.prefetch([MODEL])
    return selector


class Server:
    """An httpx.MockTransport handler: chat streams cut off, /generation lagging `lag` times."""

    def __init__(self, lag: int | None) -> None:
        self.lag = lag  # None: the record never appears
        self.paths: list[str] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.paths.append(request.url.path)
        if request.url.path.endswith("/generation"):
            if self.lag is None or self.paths.count(request.url.path) <= self.lag:
                return httpx.Response(404, json={"error": {"code": 404, "message": "not yet"}})
            return httpx.Response(200, json=GENERATION)
        return httpx.Response(200, headers={"content-type": "text/event-stream"}, content=CUT_BODY)


def budget_on(client: Any, selector: ModelSelector, limit: str = "1") -> Budget:
    budget = Budget(limit, client, selector=selector)
    budget.settle_delays = (0.0, 0.0, 0.0)
    return budget


def sync_client(handler: Callable[[httpx.Request], httpx.Response]) -> OpenRouter:
    return OpenRouter(
        api_key=KEY, http_client=httpx.Client(transport=httpx.MockTransport(handler)), max_retries=0
    )


def stream(client: OpenRouter) -> Any:
    return client.chat.completions.create(
        model=MODEL, messages=MESSAGES, max_tokens=200, stream=True
    )


def test_a_stream_without_done_is_settled_from_the_generation_record(
    selector: ModelSelector,
) -> None:
    server = Server(lag=2)
    client = sync_client(server)
    budget = budget_on(client, selector)
    with pytest.raises(APIConnectionError, match="without \\[DONE\\]"):
        for _ in stream(client):
            pass
    assert server.paths.count("/api/v1/generation") == 3  # 404, 404, then the record
    (call,) = budget.calls
    assert call.source == "generation" and not call.estimated
    assert budget.spent == Decimal("0.0042")
    assert budget.reserved == 0


def test_without_a_generation_record_the_cut_stream_is_estimated(
    selector: ModelSelector,
) -> None:
    server = Server(lag=None)
    client = sync_client(server)
    budget = budget_on(client, selector)
    body = {"model": MODEL, "messages": MESSAGES, "max_tokens": 200}
    worst = budget.worst_case("chat.completions.create", body)
    with pytest.raises(APIConnectionError):
        list(stream(client))
    (call,) = budget.calls
    assert call.estimated and call.source == "estimated"
    assert call.completion_tokens >= 3  # at least one token per chunk received
    assert call.prompt_tokens == worst.prompt_tokens
    assert worst.prompt_price is not None
    assert (
        call.cost is not None and call.cost >= worst.prompt_price / 1_000_000 * worst.prompt_tokens
    )
    assert call.cost < worst.cost  # 200 max_tokens were not all generated
    assert budget.spent == call.cost > 0 and budget.reserved == 0
    assert server.paths.count("/api/v1/generation") == 4  # tried at once, then after each delay
    assert budget.resolve_pending() == 1  # still estimated; resolve_pending retries it later


def test_a_failing_generation_lookup_is_not_retried(selector: ModelSelector) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/generation"):
            raise httpx.ConnectError("the network went away", request=request)
        return httpx.Response(200, headers={"content-type": "text/event-stream"}, content=CUT_BODY)

    seen: list[str] = []
    client = sync_client(lambda r: (seen.append(r.url.path), handler(r))[1])
    budget = budget_on(client, selector)
    budget.settle_delays = (5.0, 5.0)  # would be slept if it retried
    started = time.monotonic()
    with pytest.raises(APIConnectionError):
        list(stream(client))
    assert time.monotonic() - started < 2
    assert seen.count("/api/v1/generation") == 1  # only "not found yet" is worth waiting for
    assert budget.calls[0].estimated and budget.spent > 0


def test_closing_a_stream_early_is_still_billed(selector: ModelSelector) -> None:
    client = sync_client(Server(lag=0))
    budget = budget_on(client, selector)
    with stream(client) as s:
        for _ in s:
            break
    assert budget.spent == Decimal("0.0042") and budget.reserved == 0


def test_a_stream_dropped_unread_releases_its_reservation(selector: ModelSelector) -> None:
    server = Server(lag=0)
    client = sync_client(server)
    budget = budget_on(client, selector)
    s = stream(client)
    assert budget.reserved > 0
    del s  # no gc.collect(): an unread stream holds no cycle, so it goes at once
    assert budget.reserved == 0
    assert budget.calls == [] and budget.spent == 0
    assert "/api/v1/generation" not in server.paths


async def test_async_cut_streams_settle_in_the_background(selector: ModelSelector) -> None:
    server = Server(lag=1)
    client = AsyncOpenRouter(
        api_key=KEY,
        http_client=httpx.AsyncClient(transport=httpx.MockTransport(server)),
        max_retries=0,
    )
    budget = budget_on(client, selector)
    s = await client.chat.completions.create(
        model=MODEL, messages=MESSAGES, max_tokens=200, stream=True
    )
    with pytest.raises(APIConnectionError):
        async for _ in s:
            pass
    # at once: the estimate holds the spend, the reservation is gone
    assert budget.calls[0].source in ("estimated", "generation")
    assert budget.spent > 0 and budget.reserved == 0
    assert await budget.aresolve_pending() == 0
    assert budget.calls[0].source == "generation" and budget.spent == Decimal("0.0042")
    dropped = await client.chat.completions.create(
        model=MODEL, messages=MESSAGES, max_tokens=200, stream=True
    )
    assert budget.reserved > 0
    del dropped
    assert budget.reserved == 0 and len(budget.calls) == 1


# -- real sockets: an aborted chunked body, and a stall -----------------------------------


def chunked(data: bytes) -> bytes:
    return f"{len(data):x}\r\n".encode() + data + b"\r\n"


def cutting_server(*, stall: float = 0.0) -> Callable[[bytes, socket.socket], None]:
    """Answers /generation with 404, and a chat stream whose chunked body stops mid-way:
    the connection closes (or stalls for `stall` seconds first) without the last chunk."""

    def respond(request: bytes, conn: socket.socket) -> None:
        if b"/generation" in request.split(b"\r\n", 1)[0]:
            body = b'{"error":{"code":404,"message":"Generation not found"}}'
            conn.sendall(
                b"HTTP/1.1 404 Not Found\r\ncontent-type: application/json\r\n"
                + f"content-length: {len(body)}\r\nconnection: close\r\n\r\n".encode()
                + body
            )
            return
        conn.sendall(
            b"HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\n"
            b"transfer-encoding: chunked\r\nconnection: close\r\n\r\n"
        )
        for i in range(3):
            conn.sendall(chunked(chunk(i)))
        if stall:
            time.sleep(stall)
        conn.sendall(b"40\r\npartial")  # a chunk announced and never finished

    return respond


@pytest.fixture
def aborting() -> Iterator[str]:
    with loopback(cutting_server()) as url:
        yield url


def test_an_aborted_body_over_a_socket_is_estimated(selector: ModelSelector, aborting: str) -> None:
    client = OpenRouter(api_key=KEY, base_url=aborting, max_retries=0)
    budget = budget_on(client, selector)
    with pytest.raises(APIConnectionError, match="interrupted after 3 events"):
        list(stream(client))
    (call,) = budget.calls
    assert call.estimated and call.cost is not None and call.cost > 0
    assert call.generation_id == "gen-cut-1"
    assert budget.reserved == 0
    client.close()


def test_a_stalled_stream_that_times_out_is_estimated(selector: ModelSelector) -> None:
    with loopback(cutting_server(stall=1.0)) as url:
        client = OpenRouter(api_key=KEY, base_url=url, max_retries=0, timeout=httpx.Timeout(0.3))
        budget = budget_on(client, selector)
        with pytest.raises(APITimeoutError):
            list(stream(client))
        (call,) = budget.calls
        assert call.estimated and call.cost is not None and call.cost > 0
        assert budget.reserved == 0
        client.close()


def test_a_complete_stream_is_charged_its_usage_once(user: OpenRouter, emulator: Emulator) -> None:
    budget = Budget(1, user)
    for _ in user.chat.completions.create(
        model=MODEL, messages=MESSAGES, max_tokens=20, stream=True
    ):
        pass
    (call,) = budget.calls
    assert call.source == "usage" and not call.estimated
    booked = sum(Decimal(str(g.data["total_cost"])) for g in emulator.account.generations.values())
    assert budget.spent == booked
