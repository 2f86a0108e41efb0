"""Server-sent-events framing exactly as OpenRouter writes it."""

from __future__ import annotations

from typing import Any

from .wire import dumps

PROCESSING = b": OPENROUTER PROCESSING\n\n"
DONE = b"data: [DONE]\n\n"


def data(payload: Any) -> bytes:
    """One ``data:`` event holding compact JSON."""
    return b"data: " + dumps(payload) + b"\n\n"


def named(event: str, payload: Any) -> bytes:
    """An ``event:`` + ``data:`` pair (the Anthropic Messages stream style)."""
    return b"event: " + event.encode() + b"\ndata: " + dumps(payload) + b"\n\n"
