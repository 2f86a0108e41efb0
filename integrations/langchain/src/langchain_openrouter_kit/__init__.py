"""LangChain integration for OpenRouter, built on openrouter-kit.

``ChatOpenRouter``, ``OpenRouterEmbeddings`` and ``OpenRouterRerank`` are imported on first
access, so ``import langchain_openrouter_kit`` stays cheap.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from langchain_openrouter_kit.callbacks import (
        OpenRouterCallbackHandler,
        get_openrouter_callback,
    )
    from langchain_openrouter_kit.chat_models import ChatOpenRouter
    from langchain_openrouter_kit.embeddings import OpenRouterEmbeddings
    from langchain_openrouter_kit.rerank import OpenRouterRerank
    from langchain_openrouter_kit.selection import AutoChatOpenRouter, chat_model_from_selection

from langchain_openrouter_kit._version import __version__

__all__ = [
    "AutoChatOpenRouter",
    "ChatOpenRouter",
    "OpenRouterCallbackHandler",
    "OpenRouterEmbeddings",
    "OpenRouterRerank",
    "__version__",
    "chat_model_from_selection",
    "get_openrouter_callback",
]

_LAZY = {
    "ChatOpenRouter": "langchain_openrouter_kit.chat_models",
    "OpenRouterEmbeddings": "langchain_openrouter_kit.embeddings",
    "OpenRouterRerank": "langchain_openrouter_kit.rerank",
    "OpenRouterCallbackHandler": "langchain_openrouter_kit.callbacks",
    "get_openrouter_callback": "langchain_openrouter_kit.callbacks",
    "AutoChatOpenRouter": "langchain_openrouter_kit.selection",
    "chat_model_from_selection": "langchain_openrouter_kit.selection",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        msg = f"module {__name__!r} has no attribute {name!r}"
        raise AttributeError(msg)
    value = getattr(import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)
