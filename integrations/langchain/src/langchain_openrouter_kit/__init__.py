"""LangChain integration for OpenRouter, built on openrouter-kit."""
