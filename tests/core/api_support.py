"""Shared fixtures of the cassette-backed API tests (tests/core/test_api_*.py).

Test modules import the `*_fixture` functions; they register as `mode`, `http`,
`management_key`, `kit` and `admin`. Every test runs twice, on `OpenRouter` and on
`AsyncOpenRouter` (`mode` is parametrized), over the cassette http clients of the root
conftest. `Kit.run` awaits what the async client returns, so one test body checks both
clients. Each request the client sends is kept (`kit.requests`) so tests can check method,
path, query and body.

Recording (`--record-mode=once` without OPENROUTER_API_KEY) goes to the root conftest's shared
offline emulator; management-key tests then use its seeded management key. Recording live,
OPENROUTER_MANAGEMENT_KEY is the management key.
"""

from __future__ import annotations

import inspect
import json
import os
from pathlib import Path
from typing import Any

import httpx
import pytest
from openrouter_kit import AsyncOpenRouter, OpenRouter

BASE_PATH = "/api/v1"
ROOT = Path(__file__).resolve().parents[2]


class Kit:
    """One client, sync or async, and the requests it sent."""

    def __init__(self, mode: str, client: OpenRouter | AsyncOpenRouter) -> None:
        self.mode = mode
        self.client: Any = client
        self.requests: list[httpx.Request] = []

    @property
    def is_async(self) -> bool:
        return self.mode == "async"

    async def run(self, value: Any) -> Any:
        """The result of a call: awaited for the async client, as is for the sync one."""
        return await value if inspect.isawaitable(value) else value

    async def events(self, value: Any) -> list[Any]:
        """Every event of a stream (opened with `with` / `async with`)."""
        stream = await self.run(value)
        if self.is_async:
            async with stream:
                return [event async for event in stream]
        with stream:
            return list(stream)

    async def items(self, paginator: Any) -> list[Any]:
        """Every item an auto-paging iterator yields."""
        if self.is_async:
            return [item async for item in paginator]
        return list(paginator)

    @property
    def last(self) -> httpx.Request:
        return self.requests[-1]

    def sent(self, index: int = -1) -> tuple[str, str, dict[str, str], Any]:
        """(method, path below /api/v1, query, JSON body or None) of a sent request."""
        request = self.requests[index]
        path = request.url.path
        assert path.startswith(BASE_PATH), path
        body = json.loads(request.content) if request.content else None
        return request.method, path[len(BASE_PATH) :], dict(request.url.params), body


def _kit(mode: str, key: str, http: Any) -> Kit:
    client = OpenRouter if mode == "sync" else AsyncOpenRouter
    kit = Kit(mode, client(api_key=key, http_client=http, max_retries=0))
    if mode == "sync":
        http.event_hooks["request"].append(kit.requests.append)
        return kit

    async def keep(request: httpx.Request) -> None:
        kit.requests.append(request)

    http.event_hooks["request"].append(keep)
    return kit


@pytest.fixture(name="mode", params=["sync", "async"])
def mode_fixture(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture(name="http")
def http_fixture(mode: str, request: pytest.FixtureRequest) -> Any:
    """The cassette http client of this mode (only that one is built: each costs an SSL context).

    Recording offline, the client sends to the root conftest's shared emulator through a plain
    httpx.MockTransport (sync or async handler), which vcrpy patches and so records.
    """
    if _recording_offline(request):
        conftest = _root_conftest(request.config)
        if conftest is not None:
            return _emulator_client(mode, conftest._shared_emulator())
    name = "cassette_http_client" if mode == "sync" else "cassette_async_http_client"
    return request.getfixturevalue(name)


def _recording_offline(request: pytest.FixtureRequest) -> bool:
    mode = request.config.getoption("--record-mode", default="none")
    return mode not in (None, "none") and not os.environ.get("OPENROUTER_API_KEY")


def _emulator_client(mode: str, emulator: Any) -> Any:
    from openrouter_kit_emulator import EmulatorTransport

    transport = EmulatorTransport(emulator)
    if mode == "sync":
        return httpx.Client(transport=httpx.MockTransport(transport.handle_request))

    async def handle(request: httpx.Request) -> httpx.Response:
        return await transport.handle_async_request(request)

    return httpx.AsyncClient(transport=httpx.MockTransport(handle))


def _root_conftest(config: pytest.Config) -> Any:
    """The root conftest module (it owns the shared recording emulator)."""
    path = ROOT / "conftest.py"
    for plugin in config.pluginmanager.get_plugins():
        if getattr(plugin, "__file__", None) and Path(plugin.__file__).resolve() == path:
            return plugin
    return None


@pytest.fixture(name="management_key")
def management_key_fixture(api_key: str, request: pytest.FixtureRequest) -> str:
    """The emulator's seeded management key while recording offline; else env or the placeholder.

    Replaying, the key does not matter (cassettes match on method, URL and body, and hold no
    credentials); recording live, set OPENROUTER_MANAGEMENT_KEY.
    """
    if _recording_offline(request):
        conftest = _root_conftest(request.config)
        if conftest is not None:
            return str(conftest._shared_emulator().management_key)
    return os.environ.get("OPENROUTER_MANAGEMENT_KEY") or api_key


@pytest.fixture(name="kit")
def kit_fixture(mode: str, api_key: str, http: Any) -> Kit:
    """A client with an ordinary API key."""
    return _kit(mode, api_key, http)


@pytest.fixture(name="admin")
def admin_fixture(mode: str, management_key: str, http: Any) -> Kit:
    """A client with a management key (it shares the http client, and so the cassette, with `kit`)."""
    return _kit(mode, management_key, http)
