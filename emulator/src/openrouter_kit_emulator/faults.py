"""Fault injection: error statuses, Retry-After, 529, in-band stream errors, dropped
connections, slow first byte, slow chunks and malformed bodies.

Per emulator: ``Emulator(faults=[Fault(...)])`` or ``emulator.inject(Fault(...))``. Faults are
matched in order against the request path (``path=None`` matches every path) and each is
used ``times`` times (``None`` = forever) before it is discarded, so
``Fault(status=503, times=2)`` fails twice and then lets requests succeed.

Per request: the ``x-emulator-fault`` header, ``;``-separated ``name=value`` items using the
same field names, e.g. ``status=429; retry_after=2`` or ``drop_after=3`` or ``malformed``.
With ``times=N`` only the first N requests carrying that exact header value fail (the
emulator counts them), which gives "fail N times then succeed" for retry tests.
Aliases: ``slow_first_byte`` = ``first_byte_delay``, ``slow_chunks`` = ``chunk_delay``.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any

HEADER = "x-emulator-fault"

DEFAULT_MESSAGES: dict[int, str] = {
    400: "Provider returned error",
    401: "User not found.",
    402: "Insufficient credits. Add more using https://openrouter.ai/settings/credits",
    403: "Forbidden",
    404: "Not Found",
    408: "Request timed out",
    413: "Payload Too Large",
    422: "Unprocessable Entity",
    429: "Provider returned error",
    500: "Internal Server Error",
    502: "Provider returned error",
    503: "No available model provider that meets your routing requirements",
    504: "Gateway Timeout",
    524: "Provider request timed out",
    529: "Provider returned error",
}


@dataclass
class Fault:
    """One fault to inject. Set the fields for the behaviour you want; combine freely.

    - ``status``: answer with this HTTP status and an OpenRouter error body;
      ``retry_after`` adds a ``Retry-After`` header (seconds); ``message`` overrides the text.
    - ``error_after``: HTTP 200, then after N data events the stream's own in-band error:
      chat, a chunk with a top-level ``error: {code: error_code, message}`` and
      ``finish_reason: null`` (real-traffic test_openrouter_stream_error.yaml); /responses,
      an ``error`` event (string ``code``, ``message``, ``param``) then ``response.failed``;
      /messages, ``event: error``. Then ``[DONE]``. On a JSON answer: 200 + error body.
    - ``drop_after``: cut the connection after N data chunks (JSON: after half the body).
    - ``first_byte_delay`` / ``chunk_delay``: seconds before the headers / before each chunk.
    - ``malformed``: the body is truncated, invalid JSON (SSE: one broken data line).
    - ``times``: how many matching requests it affects (``None`` = all); ``path``: only
      paths containing this text (e.g. ``"/chat/completions"``).
    """

    status: int | None = None
    retry_after: float | None = None
    message: str | None = None
    error_after: int | None = None
    error_code: int = 502
    drop_after: int | None = None
    first_byte_delay: float = 0.0
    chunk_delay: float = 0.0
    malformed: bool = False
    times: int | None = 1
    path: str | None = None

    def matches(self, path: str) -> bool:
        return self.path is None or self.path in path

    @property
    def error_message(self) -> str:
        if self.message:
            return self.message
        code = self.status or self.error_code
        return DEFAULT_MESSAGES.get(code, "Provider returned error")


_ALIASES = {"slow_first_byte": "first_byte_delay", "slow_chunks": "chunk_delay", "count": "times"}
_INT = {"status", "error_after", "error_code", "drop_after", "times"}
_FLOAT = {"retry_after", "first_byte_delay", "chunk_delay"}


def parse_header(value: str) -> Fault:
    """Parse an ``x-emulator-fault`` header value into a Fault (``ValueError`` if invalid)."""
    known = {f.name for f in fields(Fault)}
    kwargs: dict[str, Any] = {"times": None}
    for item in value.replace(",", ";").split(";"):
        item = item.strip()
        if not item:
            continue
        name, _, raw = item.partition("=")
        name = _ALIASES.get(name.strip().lower(), name.strip().lower())
        raw = raw.strip()
        if name == "id":
            continue
        if name not in known or name == "path":
            raise ValueError(f"unknown fault field {name!r}")
        if name in _INT:
            kwargs[name] = int(raw)
        elif name in _FLOAT:
            kwargs[name] = float(raw)
        elif name == "malformed":
            kwargs[name] = raw.lower() not in ("0", "false", "no") if raw else True
        else:
            kwargs[name] = raw
    return Fault(**kwargs)
