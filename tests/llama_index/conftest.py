"""Fixtures for the LlamaIndex adapter tests: a clean /models cache per test."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from llama_index.llms.openrouter_kit._model_info import MODEL_CATALOGUE


@pytest.fixture(autouse=True)
def _fresh_model_catalogue() -> Iterator[None]:
    """Each test sees an empty per-process /models cache, so fetches are observable."""
    MODEL_CATALOGUE.clear()
    yield
    MODEL_CATALOGUE.clear()
