"""LlamaIndex embedding model for OpenRouter, built on openrouter-kit."""

from llama_index.embeddings.openrouter_kit._version import __version__
from llama_index.embeddings.openrouter_kit.base import (
    OpenRouterEmbedding,
    OpenRouterEmbeddingUsageEvent,
)

__all__ = ["OpenRouterEmbedding", "OpenRouterEmbeddingUsageEvent", "__version__"]
