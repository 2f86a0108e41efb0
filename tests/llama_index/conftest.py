"""Fixtures for the LlamaIndex adapter tests: a clean /models cache per test."""

from __future__ import annotations

from collections.abc import Iterator

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
