"""openrouter-kit: a fast, typed client for the whole OpenRouter API, sync and async.

from openrouter_kit import OpenRouter
client = OpenRouter()  # reads OPENROUTER_API_KEY
completion = client.chat.completions.create(model="openai/gpt-4o-mini", messages=[...])
"""

from typing import TYPE_CHECKING

from ._lazy import lazy_exports
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
    from ._streaming import AsyncStream, Stream
    from .cost import Budget, BudgetExceededError, CostTracker
    from .selector import (
        AsyncModelSelector,
        Guardrail,
        ModelSelector,
        NoModelFitsError,
        Requirements,
        Selection,
    )

# These load on first use, so `import openrouter_kit` stays fast and small.
_LAZY = {
    "AsyncStream": "_streaming",
    "Stream": "_streaming",
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


__getattr__ = lazy_exports(__name__, globals(), _LAZY)


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
