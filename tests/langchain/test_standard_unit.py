"""langchain-tests standard unit suites for ChatOpenRouter and OpenRouterEmbeddings."""

from __future__ import annotations

from typing import Any

from langchain_openrouter_kit import OpenRouterEmbeddings
from langchain_tests.unit_tests import ChatModelUnitTests, EmbeddingsUnitTests
from lc_capabilities import ChatOpenRouterCapabilities

API_KEY = "test-api-key"


class TestChatOpenRouterStandardUnit(ChatOpenRouterCapabilities, ChatModelUnitTests):
    @property
    def chat_model_params(self) -> dict[str, Any]:
        return {"model": "openai/gpt-4o-mini", "api_key": API_KEY}

    @property
    def init_from_env_params(self) -> tuple[dict[str, str], dict[str, Any], dict[str, Any]]:
        return (
            {"OPENROUTER_API_KEY": API_KEY},
            {"model": "openai/gpt-4o-mini"},
            {"api_key": API_KEY, "model": "openai/gpt-4o-mini"},
        )

    @property
    def supports_video_inputs(self) -> bool:
        return True


class TestOpenRouterEmbeddingsStandardUnit(EmbeddingsUnitTests):
    @property
    def embeddings_class(self) -> type[OpenRouterEmbeddings]:
        return OpenRouterEmbeddings

    @property
    def embedding_model_params(self) -> dict[str, Any]:
        return {"model": "openai/text-embedding-3-small", "api_key": API_KEY}

    @property
    def init_from_env_params(self) -> tuple[dict[str, str], dict[str, Any], dict[str, Any]]:
        return (
            {"OPENROUTER_API_KEY": API_KEY},
            {"model": "openai/text-embedding-3-small"},
            {"api_key": API_KEY, "model": "openai/text-embedding-3-small"},
        )
