"""Fixtures shared by the selector and cost tests: one emulator per test, and standard-key and
management-key clients on it (the emulator enforces guardrails and books usage.cost)."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

import httpx
import pytest
from openrouter_kit import AsyncOpenRouter, OpenRouter
from openrouter_kit_emulator import Emulator, EmulatorTransport

BASE_URL = "http://emulator.openrouter-kit.local/api/v1"


class Recorder(httpx.BaseTransport, httpx.AsyncBaseTransport):
    """Passes requests to the emulator and remembers their paths (to count fetches)."""

    def __init__(self, emulator: Emulator) -> None:
        self.inner = EmulatorTransport(emulator)
        self.paths: list[str] = []

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        self.paths.append(request.url.path)
        return self.inner.handle_request(request)

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self.paths.append(request.url.path)
        return await self.inner.handle_async_request(request)


@pytest.fixture
def emulator() -> Emulator:
    return Emulator(clock=lambda: 1767225600.0)


@pytest.fixture
def transport(emulator: Emulator) -> Recorder:
    return Recorder(emulator)


@pytest.fixture
def user(emulator: Emulator, transport: Recorder) -> Iterator[OpenRouter]:
    """A standard (inference) key: may not read guardrails."""
    with OpenRouter(
        api_key=emulator.api_key,
        base_url=BASE_URL,
        http_client=httpx.Client(transport=transport),
        max_retries=0,
    ) as client:
        yield client


@pytest.fixture
def admin(emulator: Emulator, transport: Recorder) -> Iterator[OpenRouter]:
    """A management key: creates guardrails and assignments, and reads them for the selector."""
    with OpenRouter(
        api_key=emulator.management_key,
        base_url=BASE_URL,
        http_client=httpx.Client(transport=transport),
        max_retries=0,
    ) as client:
        yield client


@pytest.fixture
def async_user(emulator: Emulator, transport: Recorder) -> AsyncOpenRouter:
    return AsyncOpenRouter(
        api_key=emulator.api_key,
        base_url=BASE_URL,
        http_client=httpx.AsyncClient(transport=transport),
        max_retries=0,
    )


@pytest.fixture
def async_admin(emulator: Emulator, transport: Recorder) -> AsyncOpenRouter:
    return AsyncOpenRouter(
        api_key=emulator.management_key,
        base_url=BASE_URL,
        http_client=httpx.AsyncClient(transport=transport),
        max_retries=0,
    )


def core(emulator: Emulator, key: str | None = None) -> OpenRouter:
    """A sync core client on the emulator (the standard key unless told otherwise)."""
    return OpenRouter(
        api_key=key or emulator.api_key,
        base_url=BASE_URL,
        http_client=httpx.Client(transport=EmulatorTransport(emulator)),
        max_retries=0,
    )


def acore(emulator: Emulator, key: str | None = None) -> AsyncOpenRouter:
    """The async twin of core()."""
    return AsyncOpenRouter(
        api_key=key or emulator.api_key,
        base_url=BASE_URL,
        http_client=httpx.AsyncClient(transport=EmulatorTransport(emulator)),
        max_retries=0,
    )


def booked(emulator: Emulator) -> Decimal:
    """What the emulator billed across every generation, as its own books say."""
    return sum(
        (Decimal(str(g.data["total_cost"])) for g in emulator.account.generations.values()),
        Decimal(0),
    )


def restrict(emulator: Emulator, **rules: object) -> OpenRouter:
    """Create a guardrail with the management key and assign it to the standard key."""
    admin = core(emulator, emulator.management_key)
    created = admin.guardrails.create(name="team", **rules)  # type: ignore[arg-type]
    admin.guardrails.assign_keys(created.data.id, key_hashes=[emulator.default_key.hash])
    return admin
