"""The exception hierarchy.

Every failure the client raises is an `OpenRouterError`. Errors from the API carry the
HTTP status, OpenRouter's error code, message and metadata, the generation id when the
response named one, and the response headers. No error text ever contains the API key.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import httpx

__all__ = [
    "APIConnectionError",
    "APIError",
    "APIStatusError",
    "APITimeoutError",
    "AuthenticationError",
    "BadGatewayError",
    "BadRequestError",
    "ConflictError",
    "EdgeTimeoutError",
    "InternalServerError",
    "InvalidRequestError",
    "ManagementKeyRequiredError",
    "NotFoundError",
    "OpenRouterError",
    "PaginationLimitError",
    "PartialOutput",
    "PayloadTooLargeError",
    "PaymentRequiredError",
    "PermissionDeniedError",
    "ProviderOverloadedError",
    "RateLimitError",
    "RequestTimeoutError",
    "ResponseValidationError",
    "ServiceUnavailableError",
    "StreamError",
    "UnprocessableEntityError",
]


_SECRET = re.compile(r"sk-or-[A-Za-z0-9_-]+")
_known_secrets: tuple[str, ...] = ()
"""The keys clients were given, whatever their form (custom, management), longest first."""
_MAX_KNOWN_SECRETS = 256
REDACTED = "***"


def remember_secret(secret: str | None) -> None:
    """Redact `secret` from every error message from now on (clients call this with their key).

    Keys shorter than 8 characters are not remembered: hiding them would garble ordinary text.
    """
    global _known_secrets
    if not secret or len(secret) < 8 or secret in _known_secrets:
        return
    known = sorted((secret, *_known_secrets), key=len, reverse=True)
    _known_secrets = tuple(known[:_MAX_KNOWN_SECRETS])


def _redact(text: str) -> str:
    """Hide the clients' own keys and anything that looks like an OpenRouter key
    (upstream errors may echo one)."""
    for secret in _known_secrets:
        if secret in text:
            text = text.replace(secret, "sk-or-***" if secret.startswith("sk-or-") else REDACTED)
    return _SECRET.sub("sk-or-***", text) if "sk-or-" in text else text


def _redact_value(value: Any) -> Any:
    """`value` (a parsed error body: dicts, lists, strings, bytes) with every secret hidden."""
    if isinstance(value, str):
        return _redact(value)
    if isinstance(value, bytes):
        text = value.decode("utf-8", errors="replace")
        redacted = _redact(text)
        return value if redacted == text else redacted.encode()
    if isinstance(value, dict):
        return {key: _redact_value(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_redact_value(item) for item in value]
    return value


class OpenRouterError(Exception):
    """Base class of every error this library raises."""


class InvalidRequestError(OpenRouterError, ValueError):
    """A parameter broke a rule of the API; raised before any request is sent."""

    def __init__(self, field: str, problem: str) -> None:
        self.field = field
        self.problem = problem
        super().__init__(f"{field}: {problem}")


class PaginationLimitError(OpenRouterError):
    """An auto-paging walk reached its page cap (`max_pages`) while the server reported more."""


class APIConnectionError(OpenRouterError):
    """The request did not get an HTTP response (DNS, refused, reset, dropped stream)."""

    def __init__(
        self, message: str = "Connection error.", *, request: httpx.Request | None = None
    ) -> None:
        super().__init__(_redact(message))
        self.request = request


class APITimeoutError(APIConnectionError):
    """The request timed out (connect, read, write or pool)."""

    def __init__(
        self, message: str = "Request timed out.", *, request: httpx.Request | None = None
    ) -> None:
        super().__init__(message, request=request)


class APIError(OpenRouterError):
    """An error that OpenRouter reported, in an HTTP status or inside a response body."""

    status_code: int | None

    def __init__(
        self,
        message: str,
        *,
        status_code: int | None = None,
        code: int | str | None = None,
        metadata: Mapping[str, Any] | None = None,
        headers: Mapping[str, str] | None = None,
        generation_id: str | None = None,
        body: Any = None,
    ) -> None:
        self.message = _redact(message)
        self.status_code = status_code
        self.code = code
        self.metadata: dict[str, Any] = _redact_value(dict(metadata or {}))
        self.headers: dict[str, str] = dict(headers or {})
        self.generation_id = generation_id
        self.body = _redact_value(body)
        super().__init__(self._describe())

    @property
    def provider_name(self) -> str | None:
        """The upstream provider that produced the error, when OpenRouter names one."""
        value = self.metadata.get("provider_name")
        return value if isinstance(value, str) else None

    @property
    def raw(self) -> Any:
        """The upstream provider's own error, as OpenRouter forwarded it (often a JSON string)."""
        return self.metadata.get("raw")

    def _describe(self) -> str:
        parts = []
        if self.status_code is not None:
            parts.append(f"Error code: {self.status_code}")
        parts.append(self.message)
        if self.provider_name:
            parts.append(f"(provider: {self.provider_name})")
        raw = self.raw
        if raw:
            text = raw if isinstance(raw, str) else repr(raw)
            parts.append(f"- upstream: {text[:500]}")
        text = " ".join(parts[:1]) + (" - " if len(parts) > 1 else "") + " ".join(parts[1:])
        return _redact(text)  # the upstream's raw error is text we did not write


class APIStatusError(APIError):
    """An HTTP response with a 4xx or 5xx status."""

    status_code: int

    def __init__(self, message: str, *, response: httpx.Response, **kwargs: Any) -> None:
        self.response = response
        kwargs.setdefault("status_code", response.status_code)
        kwargs.setdefault("headers", response.headers)
        super().__init__(message, **kwargs)


class BadRequestError(APIStatusError):
    """400: invalid parameters or input, or an upstream provider rejected the request."""


class AuthenticationError(APIStatusError):
    """401: missing, invalid, disabled or expired API key."""


class PaymentRequiredError(APIStatusError):
    """402: not enough credits, or a key or guardrail limit is spent."""


class PermissionDeniedError(APIStatusError):
    """403: moderation, guardrail block, or a key without the needed permission."""


class ManagementKeyRequiredError(PermissionDeniedError):
    """A management endpoint was called with an ordinary API key."""


class NotFoundError(APIStatusError):
    """404: unknown resource, or no endpoint can serve the request."""


class RequestTimeoutError(APIStatusError):
    """408: the request took too long on OpenRouter's side."""


class ConflictError(APIStatusError):
    """409: the resource changed or already exists."""


class PayloadTooLargeError(APIStatusError):
    """413: the request body is over the size limit."""


class UnprocessableEntityError(APIStatusError):
    """422: the request was well-formed but semantically invalid."""


class RateLimitError(APIStatusError):
    """429: rate limited by OpenRouter or upstream."""


class InternalServerError(APIStatusError):
    """500 (and any other unlisted 5xx): an unexpected server error."""


class BadGatewayError(APIStatusError):
    """502: the provider is down or returned an invalid response."""


class ServiceUnavailableError(APIStatusError):
    """503: no provider meets the routing requirements right now."""


class EdgeTimeoutError(APIStatusError):
    """524: the request timed out at OpenRouter's edge network."""


class ProviderOverloadedError(APIStatusError):
    """529: the provider is temporarily overloaded."""


STATUS_ERRORS: dict[int, type[APIStatusError]] = {
    400: BadRequestError,
    401: AuthenticationError,
    402: PaymentRequiredError,
    403: PermissionDeniedError,
    404: NotFoundError,
    408: RequestTimeoutError,
    409: ConflictError,
    413: PayloadTooLargeError,
    422: UnprocessableEntityError,
    429: RateLimitError,
    500: InternalServerError,
    502: BadGatewayError,
    503: ServiceUnavailableError,
    524: EdgeTimeoutError,
    529: ProviderOverloadedError,
}


class PartialOutput:
    """What a stream delivered before it failed: text, reasoning, tool-call fragments, usage."""

    __slots__ = ("chunks", "reasoning", "text", "tool_calls", "usage")

    def __init__(
        self,
        *,
        text: str = "",
        reasoning: str = "",
        tool_calls: list[dict[str, Any]] | None = None,
        usage: Any = None,
        chunks: int = 0,
    ) -> None:
        self.text = text
        self.reasoning = reasoning
        self.tool_calls = tool_calls or []
        self.usage = usage
        self.chunks = chunks

    def __repr__(self) -> str:
        return (
            f"PartialOutput(text={self.text[:80]!r}, tool_calls={len(self.tool_calls)}, "
            f"chunks={self.chunks}, usage={'yes' if self.usage is not None else 'no'})"
        )


class StreamError(APIError):
    """An error that arrived inside a stream after HTTP 200; `.partial` holds what came before."""

    def __init__(self, message: str, *, partial: PartialOutput, **kwargs: Any) -> None:
        self.partial = partial
        super().__init__(message, **kwargs)


class ResponseValidationError(OpenRouterError):
    """A response body could not be read as the documented shape (malformed JSON, wrong types)."""

    def __init__(
        self, message: str, *, body: bytes | None = None, status_code: int | None = None
    ) -> None:
        self.body = _redact_value(body)
        self.status_code = status_code
        super().__init__(_redact(message))  # pydantic's errors quote the input they got
