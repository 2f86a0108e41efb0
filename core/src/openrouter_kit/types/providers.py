"""Types of GET /providers."""

from __future__ import annotations

from ._base import OpenRouterModel
from .common import DataList


class Provider(OpenRouterModel):
    """An upstream provider and its policy pages."""

    name: str | None = None
    slug: str | None = None
    privacy_policy_url: str | None = None
    terms_of_service_url: str | None = None
    status_page_url: str | None = None
    headquarters: str | None = None
    datacenters: list[str] | None = None


class ProviderList(DataList[Provider]):
    """Every provider OpenRouter routes to."""
