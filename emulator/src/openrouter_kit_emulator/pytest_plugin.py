"""A pytest plugin (registered by `pip install openrouter-kit-emulator`): the `openrouter_emulator` fixture.

Test your LangChain chain offline in three lines::

    def test_my_chain(openrouter_emulator):
        llm = ChatOpenRouter(model="openai/gpt-4o-mini", **openrouter_emulator.langchain_kwargs())
        assert "Paris" in (prompt | llm).invoke({"country": "France"}).content

One uvicorn server runs on 127.0.0.1 for the whole session, as in moto's server mode, so any
client (the core, LangChain, LlamaIndex, the openai SDK, curl from a subprocess) can reach it;
every test gets a fresh account on it (keys, credits, generations, behaviours), so tests do not
see each other's state.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from .behaviours import ModelBehaviour
from .handler import Emulator
from .server import EmulatorServer


class OpenRouterEmulator:
    """What a test gets: where the served emulator is, its keys, and knobs for its models."""

    def __init__(self, server: EmulatorServer, emulator: Emulator) -> None:
        self._server = server
        self.emulator = emulator
        """The emulator answering this test's requests (its account, faults and behaviours)."""

    @property
    def base_url(self) -> str:
        """The served API, e.g. `http://127.0.0.1:PORT/api/v1`."""
        return self._server.base_url

    @property
    def api_key(self) -> str:
        """An inference key of the emulated account (any other non-empty key works as one too)."""
        return self.emulator.api_key

    @property
    def management_key(self) -> str:
        """The account's management key (for /keys, /guardrails, /workspaces, ...)."""
        return self.emulator.management_key

    def set_model(
        self,
        model: str,
        *,
        latency: float = 0.0,
        failure_rate: float = 0.0,
        failure_status: int = 503,
        answer: str | None = None,
    ) -> ModelBehaviour:
        """Make `model` wait `latency` s, fail a `failure_rate` share of calls, or answer `answer`."""
        return self.emulator.behaviours.set(
            model,
            latency=latency,
            failure_rate=failure_rate,
            failure_status=failure_status,
            answer=answer,
        )

    def client(self, *, management: bool = False, **kwargs: Any) -> Any:
        """An `openrouter_kit.OpenRouter` on the served emulator (a management one if asked)."""
        from openrouter_kit import OpenRouter

        key = self.management_key if management else self.api_key
        return OpenRouter(base_url=self.base_url, api_key=key, **kwargs)

    def async_client(self, *, management: bool = False, **kwargs: Any) -> Any:
        """An `openrouter_kit.AsyncOpenRouter` on the served emulator."""
        from openrouter_kit import AsyncOpenRouter

        key = self.management_key if management else self.api_key
        return AsyncOpenRouter(base_url=self.base_url, api_key=key, **kwargs)

    def langchain_kwargs(self) -> dict[str, str]:
        """`base_url` and `api_key` for `ChatOpenRouter(...)` / `OpenRouterEmbeddings(...)`."""
        return {"base_url": self.base_url, "api_key": self.api_key}

    def llama_index_kwargs(self) -> dict[str, str]:
        """`api_base` and `api_key` for the LlamaIndex classes."""
        return {"api_base": self.base_url, "api_key": self.api_key}

    def __repr__(self) -> str:  # the keys are secrets even here
        return f"<OpenRouterEmulator {self.base_url}>"


@pytest.fixture(scope="session")
def openrouter_emulator_server() -> Iterator[EmulatorServer]:
    """The session's served emulator (uvicorn on 127.0.0.1, a free port)."""
    with EmulatorServer() as server:
        yield server


@pytest.fixture
def openrouter_emulator(openrouter_emulator_server: EmulatorServer) -> OpenRouterEmulator:
    """The served emulator with a fresh account for this test (see `OpenRouterEmulator`)."""
    emulator = Emulator()
    openrouter_emulator_server.emulator = emulator
    return OpenRouterEmulator(openrouter_emulator_server, emulator)
