"""Request hooks: code that sees every call before it is sent and every result after.

Cost tracking and budgets attach here (`client.hooks.append(tracker)`), so they work the
same for both clients and for every adapter built on them. A hook is any object with some
of these methods; `before_request` may raise to refuse a call before anything is sent.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Protocol


class Hook(Protocol):
    """The methods a hook may define (each is optional)."""

    def before_request(self, endpoint: str, body: Mapping[str, Any] | None) -> None: ...

    def after_response(
        self, endpoint: str, body: Mapping[str, Any] | None, result: Any
    ) -> None: ...

    def after_stream(
        self, endpoint: str, body: Mapping[str, Any] | None, events: Sequence[Any]
    ) -> None: ...

    def on_error(
        self, endpoint: str, body: Mapping[str, Any] | None, error: BaseException
    ) -> None: ...


def run_before(hooks: Sequence[Any], endpoint: str, body: Mapping[str, Any] | None) -> None:
    for hook in hooks:
        method = getattr(hook, "before_request", None)
        if method is not None:
            method(endpoint, body)


def run_after(
    hooks: Sequence[Any], endpoint: str, body: Mapping[str, Any] | None, result: Any
) -> None:
    for hook in hooks:
        method = getattr(hook, "after_response", None)
        if method is not None:
            method(endpoint, body, result)


def run_after_stream(
    hooks: Sequence[Any], endpoint: str, body: Mapping[str, Any] | None, events: Sequence[Any]
) -> None:
    for hook in hooks:
        method = getattr(hook, "after_stream", None)
        if method is not None:
            method(endpoint, body, events)


def run_failed(
    hooks: Sequence[Any], endpoint: str, body: Mapping[str, Any] | None, error: BaseException
) -> None:
    """The call ended without a result (refused by a hook, failed, or its parsing failed)."""
    for hook in hooks:
        method = getattr(hook, "on_error", None)
        if method is not None:
            method(endpoint, body, error)
