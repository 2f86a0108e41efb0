"""LlamaIndex integration for OpenRouter, built on openrouter-kit."""
