"""openrouter-kit: a fast, typed client for the whole OpenRouter API, sync and async.

from openrouter_kit import OpenRouter
client = OpenRouter()  # reads OPENROUTER_API_KEY
completion = client.chat.completions.create(model="openai/gpt-4o-mini", messages=[...])
"""

from typing import TYPE_CHECKING, Any

from ._streaming import AsyncStream, Stream
from ._version import __version__
from .client import AsyncOpenRouter, OpenRouter
from .errors import (
    APIConnectionError,
    APIError,
    APIStatusError,
    APITimeoutError,
    InvalidRequestError,
    OpenRouterError,
    RateLimitError,
    StreamError,
)

if TYPE_CHECKING:
    from .cost import Budget, BudgetExceededError, CostTracker
    from .selector import (
        AsyncModelSelector,
        Guardrail,
        ModelSelector,
        NoModelFitsError,
        Requirements,
        Selection,
    )

# The selector and cost tracking load on first use, so `import openrouter_kit` stays fast.
_LAZY = {
    "AsyncModelSelector": "selector",
    "Guardrail": "selector",
    "ModelSelector": "selector",
    "NoModelFitsError": "selector",
    "Requirements": "selector",
    "Selection": "selector",
    "Budget": "cost",
    "BudgetExceededError": "cost",
    "CostTracker": "cost",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    from importlib import import_module

    value = getattr(import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value


__all__ = [
    "APIConnectionError",
    "APIError",
    "APIStatusError",
    "APITimeoutError",
    "AsyncModelSelector",
    "AsyncOpenRouter",
    "AsyncStream",
    "Budget",
    "BudgetExceededError",
    "CostTracker",
    "Guardrail",
    "InvalidRequestError",
    "ModelSelector",
    "NoModelFitsError",
    "OpenRouter",
    "OpenRouterError",
    "RateLimitError",
    "Requirements",
    "Selection",
    "Stream",
    "StreamError",
    "__version__",
]
