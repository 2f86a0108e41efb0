"""Fixtures for the LlamaIndex adapter tests: a clean /models cache per test."""

from __future__ import annotations

import os
from collections.abc import Iterator

import httpx
import pytest
from li_support import RecordingEventHandler
from llama_index.core.instrumentation import get_dispatcher
from llama_index.llms.openrouter_kit._model_info import MODEL_CATALOGUE


@pytest.fixture(autouse=True)
def _fresh_model_catalogue() -> Iterator[None]:
    """Each test sees an empty per-process /models cache, so fetches are observable."""
    MODEL_CATALOGUE.clear()
    yield
    MODEL_CATALOGUE.clear()


@pytest.fixture
def instrumentation_events() -> Iterator[RecordingEventHandler]:
    """A handler on the root dispatcher for the duration of one test."""
    root = get_dispatcher()
    handler = RecordingEventHandler(events=[])
    root.add_event_handler(handler)
    try:
        yield handler
    finally:
        root.event_handlers = [h for h in root.event_handlers if h is not handler]


def _recording_from_emulator(request: pytest.FixtureRequest) -> bool:
    mode = request.config.getoption("--record-mode", default="none")
    return mode not in (None, "none") and not os.environ.get("OPENROUTER_API_KEY")


@pytest.fixture
def cassette_http_client(request: pytest.FixtureRequest) -> Iterator[httpx.Client]:
    """Like the root fixture, but emulator traffic goes through an httpx.MockTransport.

    vcrpy records by patching httpx's own transport classes (HTTPTransport, MockTransport, ...),
    not custom ones such as EmulatorTransport, so the emulator is wrapped to be recorded.
    """
    if _recording_from_emulator(request):
        from openrouter_kit_emulator import EmulatorTransport

        emulator = EmulatorTransport()
        client = httpx.Client(transport=httpx.MockTransport(emulator.handle_request))
    else:
        client = httpx.Client()
    yield client
    client.close()


@pytest.fixture
def cassette_async_http_client(request: pytest.FixtureRequest) -> httpx.AsyncClient:
    """The async twin of cassette_http_client."""
    if _recording_from_emulator(request):
        from openrouter_kit_emulator import EmulatorTransport

        emulator = EmulatorTransport()

        async def handle(outgoing: httpx.Request) -> httpx.Response:
            return await emulator.handle_async_request(outgoing)

        return httpx.AsyncClient(transport=httpx.MockTransport(handle))
    return httpx.AsyncClient()
