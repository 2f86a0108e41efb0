"""Types of POST /rerank and GET /rerank/models."""

from __future__ import annotations

from ._base import OpenRouterModel


class RerankDocument(OpenRouterModel):
    text: str | None = None


class RerankResult(OpenRouterModel):
    __columns__ = "index relevance_score document.text"
    index: int
    relevance_score: float
    document: RerankDocument | None = None


class RerankUsage(OpenRouterModel):
    search_units: int | None = None
    total_tokens: int | None = None
    cost: float | None = None


class RerankResponse(OpenRouterModel):
    """Results sorted by relevance; `index` points into the documents that were sent."""

    __items__ = "results"

    id: str | None = None
    model: str | None = None
    provider: str | None = None
    results: list[RerankResult] = []
    usage: RerankUsage | None = None
