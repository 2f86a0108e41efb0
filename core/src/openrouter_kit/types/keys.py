"""Types of the keys group: GET /key, GET|POST /keys, GET|PATCH|DELETE /keys/{hash}.

A new key's secret (POST /keys, and POST /auth/keys in types.auth) is a `SecretStr`: repr, str
and JSON dumps show `**********`; `key.get_secret_value()` returns it.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import SecretStr

from ._base import OpenRouterModel
from .common import DataList, DataObject


class KeyUsage(OpenRouterModel):
    """Limit and spend fields (USD) shared by the current key and managed keys."""

    label: str | None = None
    limit: float | None = None
    limit_remaining: float | None = None
    limit_reset: str | None = None
    include_byok_in_limit: bool | None = None
    usage: float | None = None
    usage_daily: float | None = None
    usage_weekly: float | None = None
    usage_monthly: float | None = None
    byok_usage: float | None = None
    byok_usage_daily: float | None = None
    byok_usage_weekly: float | None = None
    byok_usage_monthly: float | None = None
    expires_at: datetime | None = None
    creator_user_id: str | None = None


class RateLimit(OpenRouterModel):
    requests: int | None = None
    interval: str | None = None
    note: str | None = None


class CurrentKey(KeyUsage):
    """The key making the call: its limits, spend, and whether it is a management key."""

    __columns__ = "label limit:$ limit_remaining:$ limit_reset usage:$ usage_daily:$ usage_monthly:$ is_free_tier is_management_key expires_at"

    is_free_tier: bool | None = None
    is_management_key: bool | None = None
    is_provisioning_key: bool | None = None
    rate_limit: RateLimit | None = None
    free_model_daily_requests: dict[str, Any] | None = None
    allowed_data_regions: list[str] | None = None
    budgets: list[dict[str, Any]] | None = None
    organization_id: str | None = None
    workspace_id: str | None = None


class CurrentKeyResponse(DataObject[CurrentKey]):
    """`data` holds the CurrentKey."""


class ApiKey(KeyUsage):
    """A managed API key, identified by `hash` (the secret itself is never listed)."""

    __columns__ = "name label hash disabled limit:$ limit_remaining:$ usage:$ created_at"

    hash: str | None = None
    name: str | None = None
    disabled: bool | None = None
    created_at: datetime | None = None
    updated_at: datetime | None = None
    workspace_id: str | None = None


class KeyResponse(DataObject[ApiKey]):
    """`data` holds the ApiKey."""


class KeyList(DataList[ApiKey]):
    """A page of API keys (up to 100; pass `offset` for the next)."""


class CreatedKey(OpenRouterModel):
    """A newly created key: `data` describes it, `key` is the secret, shown only this once."""

    data: ApiKey | None = None
    key: SecretStr | None = None
