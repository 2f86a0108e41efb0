"""LlamaIndex LLM for OpenRouter, built on openrouter-kit."""

from llama_index.llms.openrouter_kit.base import OpenRouter

__all__ = ["OpenRouter"]
