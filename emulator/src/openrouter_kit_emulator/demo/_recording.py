"""Cost-table bookkeeping for sections that call OpenRouter through a framework adapter.

A framework makes its API calls itself, so such a section cannot call `ctx.record(...)` after
each one. It attaches a `CallRecorder` to the demo's core client instead (the adapters are
given that client), and every call made through it lands in the cost table, streams included.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from decimal import Decimal
from typing import Any

from openrouter_kit._endpoints import ENDPOINTS

from . import DemoContext


class CallRecorder:
    """A request hook (see `openrouter_kit._hooks`) booking each call into `ctx.calls`."""

    def __init__(self, ctx: DemoContext) -> None:
        self.ctx = ctx
        self.booked: list[tuple[str, Decimal | None]] = []
        """(path, cost) of every call this recorder saw, in order."""

    def _book(self, endpoint: str, usage: Any, suffix: str = "") -> None:
        row = ENDPOINTS.get(endpoint)
        path = (row.path if row else endpoint) + suffix
        self.booked.append((path, self.ctx.record(path, usage)))

    def after_response(self, endpoint: str, body: Mapping[str, Any] | None, result: Any) -> None:
        self._book(endpoint, getattr(result, "usage", None))

    def after_stream(
        self, endpoint: str, body: Mapping[str, Any] | None, events: Sequence[Any]
    ) -> None:
        usage = next(
            (u for u in (getattr(e, "usage", None) for e in reversed(events)) if u is not None),
            None,
        )
        self._book(endpoint, usage, " (stream)")

    def cost(self, prefix: str) -> Decimal:
        """The summed cost of the booked calls whose path starts with `prefix`."""
        return sum(
            (c for path, c in self.booked if path.startswith(prefix) and c is not None),
            Decimal(0),
        )

    def count(self, prefix: str) -> int:
        """How many booked calls have a path starting with `prefix`."""
        return sum(1 for path, _ in self.booked if path.startswith(prefix))


@contextmanager
def recording(ctx: DemoContext) -> Iterator[CallRecorder]:
    """Book every call made through `ctx.client` while the block runs."""
    recorder = CallRecorder(ctx)
    ctx.client.hooks.append(recorder)
    try:
        yield recorder
    finally:
        if recorder in ctx.client.hooks:
            ctx.client.hooks.remove(recorder)
