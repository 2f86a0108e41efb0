"""Request and response values of the pure emulator handler, plus JSON and error helpers.

Kept free of httpx and ASGI so the handler can be driven and tested on its own.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

EMULATOR_HEADER = "x-openrouter-kit-emulator"
JSON_TYPE = "application/json"
SSE_TYPE = "text/event-stream"

# Headers every real OpenRouter answer carries (see real-traffic cassettes).
BASE_HEADERS: tuple[tuple[str, str], ...] = (
    (EMULATOR_HEADER, "1"),
    ("access-control-allow-origin", "*"),
    ("access-control-expose-headers", "X-Generation-Id,X-Provider-Name,cf-ray"),
    ("referrer-policy", "no-referrer, strict-origin-when-cross-origin"),
    ("x-content-type-options", "nosniff"),
    ("server", "openrouter-kit-emulator"),
)


_orjson_dumps: Callable[[Any], bytes] | None
try:  # the optional "fast" extra; same compact UTF-8 output, several times faster on floats
    from orjson import dumps as _orjson_dumps
except ImportError:  # pragma: no cover - exercised when orjson is absent
    _orjson_dumps = None


def dumps(value: Any) -> bytes:
    """Compact JSON bytes, the way OpenRouter writes them (no spaces, UTF-8)."""
    if _orjson_dumps is not None:
        return _orjson_dumps(value)
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False).encode()


@dataclass
class EmulatorRequest:
    """One HTTP request: method, full or relative path, query params, headers, raw body."""

    method: str
    path: str
    query: Mapping[str, str] = field(default_factory=dict)
    headers: Mapping[str, str] = field(default_factory=dict)
    body: bytes = b""

    def header(self, name: str) -> str | None:
        """Case-insensitive header lookup."""
        lname = name.lower()
        for key, value in self.headers.items():
            if key.lower() == lname:
                return value
        return None


@dataclass
class EmulatorResponse:
    """One HTTP response. ``stream`` (an iterator of byte chunks) replaces ``body`` for SSE.

    Fault injection rides along: ``first_byte_delay`` seconds before the headers and
    ``chunk_delay`` seconds before every chunk. A dropped connection is a stream whose
    iterator raises ``ConnectionDropped``; the faces turn it into a protocol error.
    """

    status: int
    headers: list[tuple[str, str]]
    body: bytes = b""
    stream: Iterator[bytes] | None = None
    first_byte_delay: float = 0.0
    chunk_delay: float = 0.0

    def header(self, name: str) -> str | None:
        lname = name.lower()
        for key, value in self.headers:
            if key.lower() == lname:
                return value
        return None

    def chunks(self) -> Iterator[bytes]:
        """The body as chunks (a plain body is one chunk), without delays or drops."""
        if self.stream is not None:
            return self.stream
        return iter((self.body,)) if self.body else iter(())

    def read(self) -> bytes:
        """The whole body (consumes a stream); handy in tests of the pure handler."""
        return b"".join(self.chunks())

    def json(self) -> Any:
        return json.loads(self.read())


def headers_with(content_type: str, extra: Iterable[tuple[str, str]] = ()) -> list[tuple[str, str]]:
    out = [("content-type", content_type), *BASE_HEADERS]
    out.extend(extra)
    return out


def json_response(
    status: int, payload: Any, extra_headers: Iterable[tuple[str, str]] = ()
) -> EmulatorResponse:
    return EmulatorResponse(status, headers_with(JSON_TYPE, extra_headers), dumps(payload))


def raw_json_response(
    status: int, body: bytes, extra_headers: Iterable[tuple[str, str]] = ()
) -> EmulatorResponse:
    return EmulatorResponse(status, headers_with(JSON_TYPE, extra_headers), body)


class ConnectionDropped(Exception):
    """Raised by a response stream where the emulated server cuts the connection."""


class ApiError(Exception):
    """An OpenRouter error answer: ``{"error": {code, message, metadata?}, "user_id"?}``."""

    def __init__(
        self,
        code: int,
        message: str,
        metadata: Mapping[str, Any] | None = None,
        *,
        headers: Iterable[tuple[str, str]] = (),
        with_user: bool = True,
        user_id: str | None = None,
    ) -> None:
        super().__init__(message)
        self.user_id = user_id
        self.code = code
        self.message = message
        self.metadata = dict(metadata) if metadata is not None else None
        self.headers = list(headers)
        self.with_user = with_user

    def payload(self, user_id: str | None) -> dict[str, Any]:
        error: dict[str, Any] = {"message": self.message, "code": self.code}
        if self.metadata is not None:
            error["metadata"] = self.metadata
        out: dict[str, Any] = {"error": error}
        user_id = self.user_id or user_id
        if self.with_user and user_id:
            out["user_id"] = user_id
        return out

    def response(self, user_id: str | None) -> EmulatorResponse:
        return json_response(self.code, self.payload(user_id), self.headers)


def bad_request(message: str) -> ApiError:
    """A 400 raised by OpenRouter itself (real traffic: ``metadata.provider_name`` is null)."""
    return ApiError(400, message, {"provider_name": None})
