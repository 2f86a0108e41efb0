"""POST /rerank and GET /rerank/models: `client.rerank`."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from ..errors import InvalidRequestError
from ._resource import RequestOptions, Resource, split_options

if TYPE_CHECKING:
    from typing_extensions import Unpack

    from ..types.common import ProviderPreferences
    from ..types.models import ModelList
    from ..types.rerank import RerankResponse


class RerankParams(RequestOptions, total=False):
    provider: ProviderPreferences | Mapping[str, Any]
    return_documents: bool


RERANK_FIELDS = frozenset({"provider", "return_documents"})


def _check_documents(documents: Any) -> None:
    if isinstance(documents, (str, bytes)) or not isinstance(documents, Sequence):
        raise InvalidRequestError(
            "documents", f"expected a list of strings, got {type(documents).__name__}"
        )
    if not documents:
        raise InvalidRequestError("documents", "expected at least one document, got an empty list")
    for i, document in enumerate(documents):
        if isinstance(document, str):
            continue
        if isinstance(document, Mapping) and isinstance(document.get("text"), str):
            continue
        raise InvalidRequestError(
            f"documents[{i}]", "expected a string or an object with a 'text' string"
        )


class Rerank(Resource):
    """Relevance reranking of documents against a query."""

    def create(
        self,
        *,
        model: str,
        query: str,
        documents: Sequence[str | Mapping[str, Any]],
        top_n: int | None = None,
        **params: Unpack[RerankParams],
    ) -> RerankResponse:
        """Score documents against the query; results are sorted by relevance, `index` points into `documents`."""
        body: dict[str, Any] = dict(params)
        options = split_options("rerank.create", body, RERANK_FIELDS)
        _check_documents(documents)
        body.update(model=model, query=query, documents=documents, top_n=top_n)
        return self._request("rerank.create", body=body, **options)  # type: ignore[no-any-return]

    def list_models(self, **options: Unpack[RequestOptions]) -> ModelList:
        """The rerank models, in the same shape as GET /models."""
        split_options("rerank.list_models", dict(options), frozenset())
        return self._request("rerank.list_models", **options)  # type: ignore[no-any-return]
