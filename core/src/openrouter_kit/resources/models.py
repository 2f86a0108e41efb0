"""The models group: GET /models, /models/count, /models/{author}/{slug}/endpoints."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from ..errors import InvalidRequestError
from ._operations import operation
from ._resource import RequestOptions, Resource, split_options, split_query

if TYPE_CHECKING:
    from typing_extensions import Unpack

    from ..types.models import ModelCount, ModelEndpoints, ModelList

NO_FIELDS: frozenset[str] = frozenset()


class Models(Resource):
    """The model catalogue."""

    get = operation("models.get")
    """GET /model/{author}/{slug}: one model, as `models.get("author/slug")`."""

    def list(
        self,
        *,
        category: str | None = None,
        supported_parameters: str | Sequence[str] | None = None,
        output_modalities: str | Sequence[str] | None = None,
        **options: Unpack[RequestOptions],
    ) -> ModelList:
        """All models, optionally filtered by category, supported parameters or output modalities."""
        query, found = split_query(
            "models.list",
            options,
            {
                "category": category,
                "supported_parameters": supported_parameters,
                "output_modalities": output_modalities,
            },
        )
        return self._request("models.list", query=query, **found)  # type: ignore[no-any-return]

    def count(
        self,
        *,
        output_modalities: str | Sequence[str] | None = None,
        **options: Unpack[RequestOptions],
    ) -> ModelCount:
        """How many models there are (for the given output modalities)."""
        split_options("models.count", dict(options), NO_FIELDS)
        return self._request(  # type: ignore[no-any-return]
            "models.count", query={"output_modalities": output_modalities}, **options
        )

    def endpoints(self, model: str, **options: Unpack[RequestOptions]) -> ModelEndpoints:
        """Every provider endpoint serving `model` ('author/slug'), with prices, limits and health."""
        split_options("models.endpoints", dict(options), NO_FIELDS)
        author, _, slug = model.partition("/")
        if not author or not slug:
            raise InvalidRequestError("model", f"expected 'author/slug', got {model!r}")
        return self._request(  # type: ignore[no-any-return]
            "models.endpoints", path_params={"author": author, "slug": slug}, **options
        )

    def list_for_user(self, **options: Unpack[RequestOptions]) -> ModelList:
        """The models this key may use, after its provider preferences, privacy settings and guardrails."""
        query, found = split_query("models.list_for_user", options)
        return self._request("models.list_for_user", query=query, **found)  # type: ignore[no-any-return]
