"""openrouter-kit."""
