"""OAuth PKCE endpoints: POST /auth/keys/code and POST /auth/keys (`client.auth`).

See `openrouter_kit.oauth` for the verifier/challenge helper and the browser URL.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any, Literal

from ._resource import OPTION_NAMES, RequestOptions, Resource, split_options, utc_timestamp

if TYPE_CHECKING:
    from typing_extensions import Unpack

    from ..types.auth import AuthCode, AuthKey


class AuthCodeParams(RequestOptions, total=False):
    """Optional fields of POST /auth/keys/code."""

    code_challenge: str
    """The PKCE challenge (see openrouter_kit.oauth.create_pkce)."""
    code_challenge_method: Literal["S256", "plain"]
    limit: float
    """Credit limit in USD of the key the flow will create."""
    expires_at: str | datetime
    """When that key expires (UTC)."""
    key_label: str
    """Label of that key (defaults to the app name)."""
    usage_limit_type: Literal["daily", "weekly", "monthly"]
    """How often the credit limit resets."""
    spawn_agent: str
    spawn_cloud: str


AUTH_CODE_FIELDS = frozenset(AuthCodeParams.__annotations__) - OPTION_NAMES
NO_FIELDS: frozenset[str] = frozenset()


class Auth(Resource):
    """The OAuth PKCE flow: create an authorization code, exchange a code for a user's key."""

    def create_code(self, *, callback_url: str, **params: Unpack[AuthCodeParams]) -> AuthCode:
        """Create an authorization code for `callback_url` (https on port 443 or 3000)."""
        body: dict[str, Any] = dict(params)
        options = split_options("auth.create_code", body, AUTH_CODE_FIELDS)
        if "expires_at" in body:
            body["expires_at"] = utc_timestamp("expires_at", body["expires_at"])
        body["callback_url"] = callback_url
        return self._request("auth.create_code", body=body, **options)  # type: ignore[no-any-return]

    def exchange_code(
        self,
        *,
        code: str,
        code_verifier: str | None = None,
        code_challenge_method: Literal["S256", "plain"] | None = None,
        **options: Unpack[RequestOptions],
    ) -> AuthKey:
        """Finish the flow: trade the `code` from the callback (and your verifier) for the user's key.

        The key is masked in repr and logs; read it with `.key.get_secret_value()`.
        """
        split_options("auth.exchange_code", dict(options), NO_FIELDS)
        body = {
            "code": code,
            "code_verifier": code_verifier,
            "code_challenge_method": code_challenge_method,
        }
        return self._request("auth.exchange_code", body=body, **options)  # type: ignore[no-any-return]
