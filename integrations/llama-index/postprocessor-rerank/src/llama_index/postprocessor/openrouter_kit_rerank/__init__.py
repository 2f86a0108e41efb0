"""LlamaIndex reranking node postprocessor for OpenRouter, built on openrouter-kit."""

from llama_index.postprocessor.openrouter_kit_rerank._version import __version__
from llama_index.postprocessor.openrouter_kit_rerank.base import (
    OpenRouterRerank,
    OpenRouterReRankEndEvent,
)

__all__ = ["OpenRouterReRankEndEvent", "OpenRouterRerank", "__version__"]
