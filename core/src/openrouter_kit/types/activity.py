"""Types of GET /activity: spend and token counts per day, model and provider endpoint."""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import field_validator

from ._base import OpenRouterModel
from .common import DataList


class ActivityItem(OpenRouterModel):
    """One row: a (date, model, endpoint) bucket with its USD usage and token counts."""

    __columns__ = "date model provider_name requests prompt_tokens completion_tokens usage:$"

    date: dt.date | None = None
    model: str | None = None
    model_permaslug: str | None = None
    endpoint_id: str | None = None
    provider_name: str | None = None
    usage: float | None = None
    byok_usage_inference: float | None = None
    requests: int | None = None
    prompt_tokens: int | None = None
    completion_tokens: int | None = None
    reasoning_tokens: int | None = None
    cached_tokens: int | None = None
    workspace_id: str | None = None

    @field_validator("date", mode="before")
    @classmethod
    def _day(cls, value: Any) -> Any:
        """'YYYY-MM-DD' as documented; a timestamp ('YYYY-MM-DD 00:00:00', ISO) keeps its day."""
        if isinstance(value, str) and len(value) > 10 and value[10] in " T":
            return value[:10]
        return value


class ActivityList(DataList[ActivityItem]):
    """The activity rows of the last 30 days (or of one date)."""
