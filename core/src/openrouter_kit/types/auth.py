"""Types of the OAuth PKCE endpoints: POST /auth/keys/code and POST /auth/keys."""

from __future__ import annotations

from datetime import datetime

from pydantic import SecretStr

from ._base import OpenRouterModel
from .common import DataObject


class AuthCodeData(OpenRouterModel):
    id: str | None = None
    app_id: int | None = None
    created_at: datetime | None = None


class AuthCode(DataObject[AuthCodeData]):
    """`data.id` is the authorization code to exchange with POST /auth/keys."""


class AuthKey(OpenRouterModel):
    """The API key a finished OAuth flow yields. `key` is masked; `key.get_secret_value()` reveals it."""

    key: SecretStr | None = None
    user_id: str | None = None
