"""Types of the guardrails group: guardrails, and their key and member assignments."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from ._base import OpenRouterModel
from .common import DataList, DataObject


class Guardrail(OpenRouterModel):
    """Spending limits and model/provider/data-policy rules applied to keys or members."""

    __columns__ = "id name limit_usd:$ reset_interval allowed_models enforce_zdr created_at"

    id: str | None = None
    name: str | None = None
    description: str | None = None
    limit_usd: float | None = None
    reset_interval: str | None = None
    allowed_providers: list[str] | None = None
    ignored_providers: list[str] | None = None
    allowed_models: list[str] | None = None
    ignored_models: list[str] | None = None
    allowed_data_regions: list[str] | None = None
    enforce_zdr: bool | None = None
    include_byok_in_budgets: bool | None = None
    content_filters: list[dict[str, Any]] | None = None
    content_filter_builtins: list[dict[str, Any]] | None = None
    workspace_id: str | None = None
    created_at: datetime | None = None
    updated_at: datetime | None = None


class GuardrailResponse(DataObject[Guardrail]):
    """`data` holds the Guardrail."""


class GuardrailList(DataList[Guardrail]):
    """A page of guardrails; `total_count` counts them all."""


class KeyAssignment(OpenRouterModel):
    """A guardrail applied to an API key."""

    id: str | None = None
    guardrail_id: str | None = None
    key_hash: str | None = None
    key_name: str | None = None
    key_label: str | None = None
    assigned_by: str | None = None
    created_at: datetime | None = None


class KeyAssignmentList(DataList[KeyAssignment]):
    """A page of key assignments; `total_count` counts them all."""


class MemberAssignment(OpenRouterModel):
    """A guardrail applied to an organization member."""

    id: str | None = None
    guardrail_id: str | None = None
    user_id: str | None = None
    organization_id: str | None = None
    assigned_by: str | None = None
    created_at: datetime | None = None


class MemberAssignmentList(DataList[MemberAssignment]):
    """A page of member assignments; `total_count` counts them all."""


class AssignedCount(OpenRouterModel):
    """How many keys or members were newly assigned."""

    assigned_count: int | None = None


class UnassignedCount(OpenRouterModel):
    """How many keys or members were unassigned."""

    unassigned_count: int | None = None
