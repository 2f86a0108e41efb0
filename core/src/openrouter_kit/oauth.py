"""OAuth PKCE helpers (RFC 7636): a code verifier, its S256 challenge, and the OpenRouter auth URL.

The flow: `pkce = create_pkce()`; send the user to `auth_url(callback_url, pkce.challenge)`;
OpenRouter redirects to `callback_url?code=...`; then
`client.auth.exchange_code(code=code, code_verifier=pkce.verifier, code_challenge_method="S256")`
returns the user's API key.
"""

from __future__ import annotations

import base64
import hashlib
import secrets
from dataclasses import dataclass, field
from typing import Literal
from urllib.parse import urlencode

from .errors import InvalidRequestError

__all__ = ["AUTH_URL", "PKCE", "auth_url", "code_challenge", "create_pkce", "create_verifier"]

AUTH_URL = "https://openrouter.ai/auth"
_UNRESERVED = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")


def create_verifier(length: int = 64) -> str:
    """A random code verifier of `length` (43..128) unreserved characters (RFC 7636 §4.1)."""
    if not 43 <= length <= 128:
        raise InvalidRequestError("length", f"expected 43 to 128 characters, got {length}")
    # token_urlsafe yields [A-Za-z0-9_-], all unreserved; ~1.3 characters per byte.
    return secrets.token_urlsafe(length)[:length]


def code_challenge(verifier: str, method: Literal["S256", "plain"] = "S256") -> str:
    """The challenge for `verifier`: BASE64URL(SHA256(ASCII(verifier))) without padding, or the verifier itself."""
    if not 43 <= len(verifier) <= 128 or not set(verifier) <= _UNRESERVED:
        raise InvalidRequestError(
            "code_verifier", "expected 43 to 128 characters from [A-Za-z0-9-._~] (RFC 7636 §4.1)"
        )
    if method == "plain":
        return verifier
    if method != "S256":
        raise InvalidRequestError("method", f"expected 'S256' or 'plain', got {method!r}")
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


@dataclass(frozen=True)
class PKCE:
    """A verifier (keep it private until the exchange) and the challenge to send with the auth URL."""

    verifier: str = field(repr=False)
    challenge: str
    method: Literal["S256", "plain"] = "S256"


def create_pkce(verifier: str | None = None) -> PKCE:
    """A fresh S256 verifier/challenge pair (or the pair for a given verifier)."""
    verifier = verifier if verifier is not None else create_verifier()
    return PKCE(verifier=verifier, challenge=code_challenge(verifier, "S256"))


def auth_url(
    callback_url: str,
    code_challenge: str | None = None,
    code_challenge_method: Literal["S256", "plain"] = "S256",
    *,
    base_url: str = AUTH_URL,
) -> str:
    """The URL to send the user to: https://openrouter.ai/auth?callback_url=...&code_challenge=...&code_challenge_method=S256."""
    if not isinstance(callback_url, str) or not callback_url.startswith(("https://", "http://")):
        raise InvalidRequestError("callback_url", f"expected an http(s) URL, got {callback_url!r}")
    params = {"callback_url": callback_url}
    if code_challenge is not None:
        params["code_challenge"] = code_challenge
        params["code_challenge_method"] = code_challenge_method
    return f"{base_url}?{urlencode(params)}"
