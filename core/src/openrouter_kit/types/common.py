"""Types shared across API groups: provider routing preferences, lists, and (from usage.py) usage."""

from __future__ import annotations

from decimal import Decimal
from typing import Any, Generic, Literal, TypeVar

from pydantic import BaseModel, ConfigDict

from ._base import OpenRouterModel

T = TypeVar("T")


class MaxPrice(BaseModel):
    """Highest price per million tokens (or per request/image) a routed endpoint may charge."""

    model_config = ConfigDict(extra="allow")

    prompt: float | str | None = None
    completion: float | str | None = None
    image: float | str | None = None
    audio: float | str | None = None
    request: float | str | None = None


class ProviderPreferences(BaseModel):
    """Routing preferences for the `provider` request field; pass this or a plain dict."""

    model_config = ConfigDict(extra="allow")

    order: list[str] | None = None
    only: list[str] | None = None
    ignore: list[str] | None = None
    allow_fallbacks: bool | None = None
    require_parameters: bool | None = None
    data_collection: Literal["allow", "deny"] | None = None
    zdr: bool | None = None
    enforce_distillable_text: bool | None = None
    quantizations: list[str] | None = None
    sort: str | dict[str, Any] | None = None
    max_price: MaxPrice | dict[str, Any] | None = None
    preferred_min_throughput: float | dict[str, Any] | None = None
    preferred_max_latency: float | dict[str, Any] | None = None

    def to_dict(self) -> dict[str, Any]:
        return self.model_dump(exclude_none=True)


class DataList(OpenRouterModel, Generic[T]):
    """A list response: `{"data": [...]}`, with `total_count` where the API gives one."""

    data: list[T] = []
    total_count: int | None = None

    def __iter__(self) -> Any:  # iterate the items, not the fields
        return iter(self.data)

    def __len__(self) -> int:
        return len(self.data)

    def __getitem__(self, index: int) -> T:
        return self.data[index]


class DataObject(OpenRouterModel, Generic[T]):
    """A single-object response wrapped as `{"data": {...}}`."""

    data: T


def per_million(price: Decimal | None) -> Decimal | None:
    """USD per million tokens from a per-token price."""
    return None if price is None else price * 1_000_000


class Deleted(OpenRouterModel):
    """The answer of a DELETE: `deleted` is True when the object is gone."""

    deleted: bool | None = None
