"""Core errors as LangChain's error taxonomy (``langchain_core.exceptions``).

An error raised by the LangChain classes stays an instance of the core's class
(``openrouter_kit.RateLimitError`` ...) and is also an instance of LangChain's matching
``ModelError`` subclass, so agent middleware (``ModelRetryMiddleware``,
``SummarizationMiddleware``) can tell a retryable 429 from a 400 that will never pass.
The classes exist from langchain-core 1.6 (the lower bound); a class a core lacks is skipped.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import langchain_core.exceptions as lc_exceptions
from openrouter_kit.errors import OpenRouterError
from openrouter_kit.integration import ErrorKind, error_kind

__all__ = ["langchain_errors", "to_langchain_error"]

_LC_CLASS_BY_KIND: dict[ErrorKind, str] = {
    "authentication": "ModelAuthenticationError",
    "permission_denied": "ModelPermissionDeniedError",
    "invalid_request": "ModelInvalidRequestError",
    "context_overflow": "ContextOverflowError",
    "not_found": "ModelNotFoundError",
    "rate_limit": "ModelRateLimitError",
    "api": "ModelAPIError",
    "connection": "ModelConnectionError",
    "timeout": "ModelTimeoutError",
}

_mixed: dict[tuple[type[BaseException], type[BaseException]], type[BaseException]] = {}


def _mixed_class(core: type[BaseException], lc: type[BaseException]) -> type[BaseException]:
    """``class RateLimitError(openrouter_kit.RateLimitError, ModelRateLimitError)``, made once."""
    key = (core, lc)
    cls = _mixed.get(key)
    if cls is None:
        cls = type(core.__name__, (core, lc), {"__module__": __name__})
        cls.__qualname__ = core.__qualname__
        _mixed[key] = cls
    return cls


def to_langchain_error(exc: BaseException) -> BaseException:
    """The same error object, now also an instance of LangChain's class for its kind."""
    kind = error_kind(exc)
    lc_class = getattr(lc_exceptions, _LC_CLASS_BY_KIND[kind], None) if kind else None
    if lc_class is None or isinstance(exc, lc_class):
        return exc
    exc.__class__ = _mixed_class(type(exc), lc_class)
    return exc


@contextmanager
def langchain_errors() -> Iterator[None]:
    """Re-raise core errors inside the block with LangChain's taxonomy added."""
    try:
        yield
    except OpenRouterError as exc:
        raise to_langchain_error(exc) from exc.__cause__
