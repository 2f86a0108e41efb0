"""Fault-test plumbing: core clients on the emulator that count requests, and a served emulator.

`CountingTransport` is the emulator's own httpx transport, counting what reached the
emulator per path. `served(app)` runs an ASGI app on uvicorn (the emulator's `EmulatorServer`)
in a background thread on 127.0.0.1, for faults that need a real socket.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import httpx
from openrouter_kit import AsyncOpenRouter, OpenRouter
from openrouter_kit._retry import RetryPolicy
from openrouter_kit_emulator import Emulator, EmulatorTransport
from openrouter_kit_emulator.server import EmulatorServer

BASE_URL = "http://emulator.test/api/v1"
KEY = "sk-or-v1-fault-tests"
MODEL = "openai/gpt-4o-mini"
MESSAGES = [{"role": "user", "content": "Write three sentences about the sea and its tides."}]

# Backoff used by the fault tests: the client's real policy with short waits, so a test
# that retries twice ends in well under a second. Retry-After from the server is honoured as is.
FAST_BACKOFF = {"initial_delay": 0.05, "max_delay": 0.2}


class CountingTransport(EmulatorTransport):
    """The emulator transport, counting every request that reached the emulator."""

    def __init__(self, emulator: Emulator | None = None) -> None:
        super().__init__(emulator)
        self.seen: Counter[str] = Counter()

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        self.seen[request.url.path] += 1
        return super().handle_request(request)

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self.seen[request.url.path] += 1
        return await super().handle_async_request(request)

    @property
    def total(self) -> int:
        return sum(self.seen.values())


def _fast(client: Any, max_retries: int) -> None:
    client._retry = RetryPolicy(max_retries=max_retries, **FAST_BACKOFF)


def sync_client(
    transport: httpx.BaseTransport,
    *,
    max_retries: int = 2,
    timeout: Any = 10.0,
    base_url: str = BASE_URL,
) -> OpenRouter:
    client = OpenRouter(
        api_key=KEY,
        base_url=base_url,
        http_client=httpx.Client(transport=transport),
        max_retries=max_retries,
        timeout=timeout,
    )
    _fast(client, max_retries)
    return client


def async_client(
    transport: httpx.AsyncBaseTransport,
    *,
    max_retries: int = 2,
    timeout: Any = 10.0,
    base_url: str = BASE_URL,
) -> AsyncOpenRouter:
    client = AsyncOpenRouter(
        api_key=KEY,
        base_url=base_url,
        http_client=httpx.AsyncClient(transport=transport),
        max_retries=max_retries,
        timeout=timeout,
    )
    _fast(client, max_retries)
    return client


@contextmanager
def served(app: Any) -> Iterator[str]:
    """Serve an ASGI app on uvicorn at 127.0.0.1 (a free port) in a background thread; yields the base URL."""
    with EmulatorServer(app=app) as server:
        yield server.base_url
