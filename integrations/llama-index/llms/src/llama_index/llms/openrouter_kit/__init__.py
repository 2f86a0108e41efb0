"""LlamaIndex LLM for OpenRouter, built on openrouter-kit.

Cost tracking (`OpenRouterCostHandler`, `track_openrouter_cost`) and model selection
(`llm_from_selection`, `AutoOpenRouter`) load on first access.
"""

from importlib import import_module
from typing import TYPE_CHECKING, Any

from llama_index.llms.openrouter_kit._version import __version__
from llama_index.llms.openrouter_kit.base import OpenRouter

if TYPE_CHECKING:
    from llama_index.llms.openrouter_kit.cost import OpenRouterCostHandler, track_openrouter_cost
    from llama_index.llms.openrouter_kit.selection import AutoOpenRouter, llm_from_selection

__all__ = [
    "AutoOpenRouter",
    "OpenRouter",
    "OpenRouterCostHandler",
    "__version__",
    "llm_from_selection",
    "track_openrouter_cost",
]

_LAZY = {
    "OpenRouterCostHandler": "llama_index.llms.openrouter_kit.cost",
    "track_openrouter_cost": "llama_index.llms.openrouter_kit.cost",
    "AutoOpenRouter": "llama_index.llms.openrouter_kit.selection",
    "llm_from_selection": "llama_index.llms.openrouter_kit.selection",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(import_module(module), name)
    globals()[name] = value
    return value
