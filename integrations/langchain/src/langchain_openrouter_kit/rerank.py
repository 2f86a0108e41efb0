"""``OpenRouterRerank``: a LangChain document compressor over POST /rerank."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from langchain_core.callbacks import Callbacks
from langchain_core.documents import BaseDocumentCompressor, Document
from pydantic import ConfigDict, Field

from langchain_openrouter_kit._client import OpenRouterClientSettings, as_wire_dict
from langchain_openrouter_kit._types import ProviderPreferences


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
    provider: ProviderPreferences | None = None
    """Provider routing preferences."""
    model_kwargs: dict[str, Any] = Field(default_factory=dict)
    """Other request params, sent in the body."""

    def _request_kwargs(self, query: str, documents: Sequence[Document]) -> dict[str, Any]:
        kwargs: dict[str, Any] = {
            "model": self.model,
            "query": query,
            "documents": [document.page_content for document in documents],
        }
        if self.top_n is not None:
            kwargs["top_n"] = self.top_n
        if self.provider is not None:
            kwargs["provider"] = self.provider
        if self.model_kwargs:
            kwargs["extra_body"] = dict(self.model_kwargs)
        return kwargs

    def compress_documents(
        self,
        documents: Sequence[Document],
        query: str,
        callbacks: Callbacks | None = None,
    ) -> Sequence[Document]:
        """Return the ``top_n`` most relevant documents, best first, with scores."""
        if not documents:
            return []
        response = self._get_client().rerank.create(**self._request_kwargs(query, documents))
        return documents_from_rerank(documents, as_wire_dict(response))

    async def acompress_documents(
        self,
        documents: Sequence[Document],
        query: str,
        callbacks: Callbacks | None = None,
    ) -> Sequence[Document]:
        """Async ``compress_documents``."""
        if not documents:
            return []
        response = await self._get_async_client().rerank.create(
            **self._request_kwargs(query, documents)
        )
        return documents_from_rerank(documents, as_wire_dict(response))
