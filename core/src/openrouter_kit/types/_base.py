"""The base of every response model: unknown fields are kept, absent optional ones are None.

It also decides how results look: a repr under 2,000 characters however large the result,
an HTML table in notebooks (`_repr_html_`) and `to_pandas()`. A type tunes them with one
line, `__columns__` (the cells of its row, see `openrouter_kit._display`), and a list result
whose items are not in `data` names their field in `__items__`.
"""

from __future__ import annotations

from typing import Any, ClassVar

from pydantic import BaseModel, ConfigDict


class OpenRouterModel(BaseModel):
    """A response object. Fields OpenRouter adds later stay reachable as attributes and in `model_extra`."""

    model_config = ConfigDict(
        extra="allow",
        populate_by_name=True,
        protected_namespaces=(),
        defer_build=True,
        cache_strings="keys",  # values are not interned: ~0.5 MB less peak memory, same speed
    )

    __columns__: ClassVar[str] = ""
    """What a row of this type shows, space-separated: 'path' or 'path:unit' ('$' USD, '$/M' per million tokens)."""
    __items__: ClassVar[str] = "data"
    """The field holding a list result's items."""

    def to_dict(self) -> dict[str, Any]:
        """The object as wire JSON, without fields that were absent."""
        return self.model_dump(mode="json", exclude_none=True, by_alias=True)

    def __repr__(self) -> str:
        from .._display import model_repr

        return model_repr(self)

    def __str__(self) -> str:
        return self.__repr__()

    def _repr_html_(self) -> str:
        """A compact table for Jupyter: a row per item of a list, else a row per field."""
        from .._display import model_html

        return model_html(self)

    def to_pandas(self) -> Any:
        """A pandas DataFrame: a row per item of a list result, one row for a single object.

        Needs the optional extra: `pip install "openrouter-kit[pandas]"`.
        """
        from .._display import to_pandas

        return to_pandas(self)
