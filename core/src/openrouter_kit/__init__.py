"""openrouter-kit: a fast, typed client for the whole OpenRouter API, sync and async.

from openrouter_kit import OpenRouter
client = OpenRouter()  # reads OPENROUTER_API_KEY
completion = client.chat.completions.create(model="openai/gpt-4o-mini", messages=[...])
"""

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

__all__ = [
    "APIConnectionError",
    "APIError",
    "APIStatusError",
    "APITimeoutError",
    "AsyncOpenRouter",
    "AsyncStream",
    "InvalidRequestError",
    "OpenRouter",
    "OpenRouterError",
    "RateLimitError",
    "Stream",
    "StreamError",
    "__version__",
]
