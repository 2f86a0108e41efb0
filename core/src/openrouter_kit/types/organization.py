"""Types of GET /organization/members."""

from __future__ import annotations

from ._base import OpenRouterModel
from .common import DataList


class OrganizationMember(OpenRouterModel):
    id: str | None = None
    email: str | None = None
    first_name: str | None = None
    last_name: str | None = None
    role: str | None = None


class MemberList(DataList[OrganizationMember]):
    """A page of the organization's members (`total_count` is the whole list's size)."""
