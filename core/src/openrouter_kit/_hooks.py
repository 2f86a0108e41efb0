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

    def after_incomplete_stream(
        self, endpoint: str, body: Mapping[str, Any] | None, events: Sequence[Any], outcome: str
    ) -> None:
        """A stream ended before its end. `outcome` is "cut" (read, then cut off: no [DONE],
        a dropped connection, an error event, or closed early by the caller; the call may have
        been billed) or "unread" (closed or dropped before anything was read). A hook without
        this method gets `after_stream` instead."""

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
    hooks: Sequence[Any],
    endpoint: str,
    body: Mapping[str, Any] | None,
    events: Sequence[Any],
    outcome: str = "complete",
) -> None:
    """A stream ended: `outcome` is "complete", "cut" or "unread" (see Hook)."""
    for hook in hooks:
        if outcome != "complete":
            incomplete = getattr(hook, "after_incomplete_stream", None)
            if incomplete is not None:
                incomplete(endpoint, body, events, outcome)
                continue
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
