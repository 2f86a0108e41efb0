"""``OpenRouterRerank``: a LangChain document compressor over POST /rerank."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from langchain_core.callbacks import Callbacks
from langchain_core.documents import BaseDocumentCompressor, Document
from pydantic import ConfigDict, Field

from langchain_openrouter_kit._client import OpenRouterClientSettings, as_wire_dict
from langchain_openrouter_kit._types import ProviderPreferences
from langchain_openrouter_kit.errors import langchain_errors


def documents_from_rerank(
    documents: Sequence[Document], response: dict[str, Any]
) -> list[Document]:
    """Pair rerank results with the input documents, in the order the API returned.

    Each document is copied with ``relevance_score`` added to its metadata. Results whose
    index is not an int in range, or repeats an earlier one, are dropped rather than
    attached to the wrong document.
    """
    ranked: list[Document] = []
    used: set[int] = set()
    for result in response.get("results") or []:
        index = result.get("index")
        if (
            not isinstance(index, int)
            or isinstance(index, bool)
            or not 0 <= index < len(documents)
            or index in used
        ):
            continue
        used.add(index)
        source = documents[index]
        ranked.append(
            Document(
                page_content=source.page_content,
                metadata={**source.metadata, "relevance_score": result.get("relevance_score")},
                id=source.id,
            )
        )
    return ranked


class OpenRouterRerank(OpenRouterClientSettings, BaseDocumentCompressor):
    """Rerank documents for a query with an OpenRouter rerank model.

    Example:
        ```python
        from langchain_openrouter_kit import OpenRouterRerank

        reranker = OpenRouterRerank(model="cohere/rerank-v3.5", top_n=3)
        best = reranker.compress_documents(docs, "what is a vector store?")
        ```
    """

    model_config = ConfigDict(populate_by_name=True, arbitrary_types_allowed=True, extra="forbid")

    model: str = Field(default="cohere/rerank-v3.5", alias="model_name")
    """OpenRouter rerank model slug."""
    top_n: int | None = Field(default=3, gt=0)
    """How many documents to keep; None keeps all, ranked."""
    score_threshold: float | None = None
    """Drop results whose relevance score is below this."""
    provider: ProviderPreferences | None = None
    """Provider routing preferences."""
    model_kwargs: dict[str, Any] = Field(default_factory=dict)
    """Other request params, sent in the body."""

    def _request_kwargs(
        self, query: str, documents: Sequence[Document | str], top_n: int | None = -1
    ) -> dict[str, Any]:
        top_n = self.top_n if top_n == -1 else top_n
        kwargs: dict[str, Any] = {
            "model": self.model,
            "query": query,
            "documents": [
                document if isinstance(document, str) else document.page_content
                for document in documents
            ],
        }
        if top_n is not None:
            kwargs["top_n"] = top_n
        if self.provider is not None:
            kwargs["provider"] = self.provider
        if self.model_kwargs:
            kwargs["extra_body"] = dict(self.model_kwargs)
        return kwargs

    def _results(self, response: Any, count: int) -> list[dict[str, Any]]:
        """``{"index", "relevance_score"}`` per result, best first, above ``score_threshold``."""
        results: list[dict[str, Any]] = []
        for result in as_wire_dict(response).get("results") or []:
            index, score = result.get("index"), result.get("relevance_score")
            if not isinstance(index, int) or isinstance(index, bool) or not 0 <= index < count:
                continue
            if self.score_threshold is not None and (score is None or score < self.score_threshold):
                continue
            results.append({"index": index, "relevance_score": score})
        return results

    def rerank(
        self, documents: Sequence[str | Document], query: str, *, top_n: int | None = -1
    ) -> list[dict[str, Any]]:
        """Rank ``documents`` for ``query``: ``[{"index", "relevance_score"}]``, best first.

        As langchain-cohere's ``CohereRerank.rerank``; ``top_n`` defaults to the field
        (pass None for all).
        """
        if not documents:
            return []
        with langchain_errors():
            response = self._get_client().rerank.create(
                **self._request_kwargs(query, documents, top_n)
            )
        return self._results(response, len(documents))

    async def arerank(
        self, documents: Sequence[str | Document], query: str, *, top_n: int | None = -1
    ) -> list[dict[str, Any]]:
        """Async ``rerank``."""
        if not documents:
            return []
        with langchain_errors():
            response = await self._get_async_client().rerank.create(
                **self._request_kwargs(query, documents, top_n)
            )
        return self._results(response, len(documents))

    def compress_documents(
        self,
        documents: Sequence[Document],
        query: str,
        callbacks: Callbacks | None = None,
    ) -> Sequence[Document]:
        """Return the ``top_n`` most relevant documents, best first, with scores."""
        return documents_from_rerank(documents, {"results": self.rerank(documents, query)})

    async def acompress_documents(
        self,
        documents: Sequence[Document],
        query: str,
        callbacks: Callbacks | None = None,
    ) -> Sequence[Document]:
        """Async ``compress_documents``."""
        ranked = await self.arerank(documents, query)
        return documents_from_rerank(documents, {"results": ranked})
