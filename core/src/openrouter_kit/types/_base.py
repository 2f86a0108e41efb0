"""The base of every response model: unknown fields are kept, absent optional ones are None."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict


class OpenRouterModel(BaseModel):
    """A response object. Fields OpenRouter adds later stay reachable as attributes and in `model_extra`."""

    model_config = ConfigDict(extra="allow", populate_by_name=True, protected_namespaces=())

    def to_dict(self) -> dict[str, Any]:
        """The object as wire JSON, without fields that were absent."""
        return self.model_dump(mode="json", exclude_none=True, by_alias=True)
