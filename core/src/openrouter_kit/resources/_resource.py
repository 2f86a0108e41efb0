"""What every resource shares: a reference to its client, and keyword checking.

A resource method builds the parameters of one endpoint and hands them to the client's
pipeline. The sync client returns the result; the async client returns an awaitable of it.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from datetime import datetime, timezone
from typing import Any, Protocol, TypedDict

import httpx

from ..errors import InvalidRequestError


class Requester(Protocol):
    """What a resource needs of its client: the one pipeline entry (resources never import it)."""

    def _request(self, name: str, **kwargs: Any) -> Any: ...


OPTION_NAMES = frozenset({"extra_headers", "extra_query", "extra_body", "timeout"})


class RequestOptions(TypedDict, total=False):
    """Per-call options every method accepts."""

    extra_headers: Mapping[str, str]
    """Headers to add to (or override on) this request."""
    extra_query: Mapping[str, Any]
    """Query parameters to add to this request."""
    extra_body: Mapping[str, Any]
    """Body fields to add, for parameters this library does not name yet (they win on conflict)."""
    timeout: float | httpx.Timeout | None
    """Timeout in seconds for this call, overriding the client's."""


def split_options(where: str, params: dict[str, Any], allowed: frozenset[str]) -> dict[str, Any]:
    """Pop the request options out of `params`; an unknown keyword raises TypeError naming it.

    Besides `allowed`, every body field, query parameter and header parameter that the API
    document gives the operation `where` is accepted; a header parameter's keyword (snake case,
    `x_openrouter_metadata=`) moves into the call's headers.
    """
    documented, headers = _documented(where)
    unknown = params.keys() - allowed - documented - OPTION_NAMES
    if unknown:
        names = ", ".join(sorted(unknown))
        raise TypeError(
            f"{where}() got unexpected keyword argument(s): {names}. "
            "Pass fields this library does not know yet in extra_body={...}."
        )
    options = {name: params.pop(name) for name in OPTION_NAMES if name in params}
    sent = {headers[key]: str(params.pop(key)) for key in list(params) if key in headers}
    if sent:
        options["extra_headers"] = {**sent, **(options.get("extra_headers") or {})}
    return options


def split_query(
    where: str, options: Mapping[str, Any], query: Mapping[str, Any] | None = None
) -> tuple[dict[str, Any], dict[str, Any]]:
    """(query, options) of a GET method: documented query parameters given as keywords join `query`."""
    params = dict(options)
    found = split_options(where, params, frozenset())
    return {**(query or {}), **params}, found


@functools.lru_cache(maxsize=256)  # one entry per operation name: bounded by the API
def _documented(where: str) -> tuple[frozenset[str], dict[str, str]]:
    """The keywords the API document gives the operation `where`, and its header keywords."""
    from .._generated.keywords import KEYWORDS

    fields, header_names = KEYWORDS.get(where, ("", ""))
    headers = {h.lower().replace("-", "_"): h for h in header_names.split()}
    return frozenset(fields.split()) | frozenset(headers), headers


class Resource:
    """Base of the API groups (chat, embeddings, models, ...)."""

    __slots__ = ("_client",)

    def __init__(self, client: Requester) -> None:
        self._client = client

    def _request(self, name: str, **kwargs: Any) -> Any:
        return self._client._request(name, **kwargs)


def page_query(
    offset: int | None, limit: int | None, max_limit: int | None = 100
) -> dict[str, Any]:
    """The offset/limit query of a list call, checked: non-negative offset, limit 1..max_limit."""
    for name, value, low in (("offset", offset, 0), ("limit", limit, 1)):
        if value is None:
            continue
        if not isinstance(value, int) or isinstance(value, bool) or value < low:
            raise InvalidRequestError(name, f"expected an integer >= {low}, got {value!r}")
    if limit is not None and max_limit is not None and limit > max_limit:
        raise InvalidRequestError("limit", f"expected at most {max_limit}, got {limit}")
    return {"offset": offset, "limit": limit}


def utc_timestamp(field: str, value: Any) -> Any:
    """A datetime as the ISO 8601 UTC string OpenRouter requires ('...Z'); other values unchanged.

    A naive datetime is refused: OpenRouter rejects non-UTC times and guessing a zone is worse.
    """
    if not isinstance(value, datetime):
        return value
    if value.tzinfo is None or value.utcoffset() is None:
        raise InvalidRequestError(field, "expected a timezone-aware datetime (it is sent as UTC)")
    return value.astimezone(timezone.utc).isoformat().replace("+00:00", "Z")
