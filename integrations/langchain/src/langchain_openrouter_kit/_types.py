"""Typed shapes of OpenRouter request params that LangChain users pass as dicts."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import ConfigDict
from typing_extensions import TypedDict


class ProviderPreferences(TypedDict, total=False):
    """Provider routing preferences (the request's ``provider`` object).

    Unknown keys are kept and sent, so routing options newer than this package still work.
    """

    __pydantic_config__ = ConfigDict(extra="allow")  # type: ignore[misc]

    order: list[str]
    only: list[str]
    ignore: list[str]
    allow_fallbacks: bool
    require_parameters: bool
    data_collection: Literal["allow", "deny"]
    zdr: bool
    enforce_distillable_text: bool
    quantizations: list[str]
    sort: str | dict[str, Any]
    max_price: dict[str, Any]
    preferred_min_throughput: Any
    preferred_max_latency: Any
