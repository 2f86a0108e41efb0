"""The keys group: GET /key, and key management (GET|POST /keys, GET|PATCH|DELETE /keys/{hash})."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any, Literal

from .._pagination import Paginator
from ._resource import (
    OPTION_NAMES,
    RequestOptions,
    Resource,
    page_query,
    split_options,
    split_query,
    utc_timestamp,
)

if TYPE_CHECKING:
    from typing_extensions import Unpack

    from ..types.common import Deleted
    from ..types.keys import ApiKey, CreatedKey, CurrentKeyResponse, KeyList, KeyResponse

NO_FIELDS: frozenset[str] = frozenset()


class KeyParams(RequestOptions, total=False):
    """Settings of a managed key (POST /keys and PATCH /keys/{hash})."""

    limit: float | None
    """Spending limit in USD (None: no limit)."""
    limit_reset: Literal["daily", "weekly", "monthly"] | None
    """When the limit resets (midnight UTC; weeks run Monday to Sunday); None: never."""
    include_byok_in_limit: bool
    """Count bring-your-own-key usage against the limit."""
    expires_at: str | datetime
    """When the key expires: a UTC datetime or ISO 8601 string (creation only)."""


class KeyUpdateParams(KeyParams, total=False):
    name: str
    """New name."""
    disabled: bool
    """Disable (True) or re-enable (False) the key."""


CREATE_FIELDS = frozenset(KeyParams.__annotations__) - OPTION_NAMES
UPDATE_FIELDS = (frozenset(KeyUpdateParams.__annotations__) - OPTION_NAMES) - {"expires_at"}


def _key_body(params: dict[str, Any]) -> dict[str, Any]:
    """The body of POST /keys: an `expires_at` datetime becomes the ISO 8601 UTC string."""
    if "expires_at" in params:
        params["expires_at"] = utc_timestamp("expires_at", params["expires_at"])
    return params


class Keys(Resource):
    """API keys: the current one, and managed ones (management key)."""

    def current(self, **options: Unpack[RequestOptions]) -> CurrentKeyResponse:
        """The key making this call: label, limit, usage, and whether it is a management key."""
        split_options("keys.current", dict(options), NO_FIELDS)
        return self._request("keys.current", **options)  # type: ignore[no-any-return]

    def list(
        self,
        *,
        include_disabled: bool | None = None,
        offset: int | None = None,
        **options: Unpack[RequestOptions],
    ) -> KeyList:
        """One page (up to 100) of the account's keys; `offset` skips that many."""
        query, found = split_query(
            "keys.list", options, {"include_disabled": include_disabled, **page_query(offset, None)}
        )
        return self._request("keys.list", query=query, **found)  # type: ignore[no-any-return]

    def list_all(
        self, *, include_disabled: bool | None = None, **options: Unpack[RequestOptions]
    ) -> Paginator[ApiKey]:
        """Every key, page by page (`for`, or `async for` with AsyncOpenRouter)."""
        split_options("keys.list_all", dict(options), NO_FIELDS)

        def fetch(offset: int) -> Any:
            return self.list(include_disabled=include_disabled, offset=offset, **options)

        return Paginator(fetch)

    def create(self, *, name: str, **params: Unpack[KeyParams]) -> CreatedKey:
        """Create a key. The secret is in `.key` (masked; `.key.get_secret_value()`), shown only once."""
        body: dict[str, Any] = dict(params)
        options = split_options("keys.create", body, CREATE_FIELDS)
        body = _key_body(body)
        body["name"] = name
        # None means "no limit" / "no reset" here, so it must reach the wire as null.
        extra = {k: None for k in ("limit", "limit_reset") if k in body and body[k] is None}
        return self._request(  # type: ignore[no-any-return]
            "keys.create",
            body=body,
            extra_body={**extra, **options.pop("extra_body", {})},
            **options,
        )

    def get(self, hash: str, **options: Unpack[RequestOptions]) -> KeyResponse:
        """One key by its hash."""
        split_options("keys.get", dict(options), NO_FIELDS)
        return self._request("keys.get", path_params={"hash": hash}, **options)  # type: ignore[no-any-return]

    def update(self, hash: str, **params: Unpack[KeyUpdateParams]) -> KeyResponse:
        """Change a key's name, disabled flag, limit or reset; `limit=None` removes the limit."""
        body: dict[str, Any] = dict(params)
        options = split_options("keys.update", body, UPDATE_FIELDS)
        extra = {k: None for k in ("limit", "limit_reset") if k in body and body[k] is None}
        return self._request(  # type: ignore[no-any-return]
            "keys.update",
            path_params={"hash": hash},
            body=body,
            extra_body={**extra, **options.pop("extra_body", {})},
            **options,
        )

    def delete(self, hash: str, **options: Unpack[RequestOptions]) -> Deleted:
        """Delete a key; it stops working at once."""
        split_options("keys.delete", dict(options), NO_FIELDS)
        return self._request("keys.delete", path_params={"hash": hash}, **options)  # type: ignore[no-any-return]
