"""``OpenRouterEmbeddings``: LangChain embeddings over the openrouter-kit core client.

Raw strings go to POST /embeddings in batches of ``chunk_size`` (no tokenizer, no
downloads); batches run concurrently up to ``max_concurrency`` (threads for the sync
methods, tasks for the async ones). An empty string is sent as one space: the API rejects
empty input with a 400 that would fail the whole batch.
"""

from __future__ import annotations

import asyncio
import importlib
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any, Literal

from langchain_core.embeddings import Embeddings
from pydantic import ConfigDict, Field

from langchain_openrouter_kit._client import OpenRouterClientSettings
from langchain_openrouter_kit._convert import wire_field
from langchain_openrouter_kit._types import ProviderPreferences
from langchain_openrouter_kit.errors import langchain_errors


@dataclass
class EmbeddingUsage:
    """Tokens and cost of one ``embed_*_with_usage`` call, summed over its batches."""

    prompt_tokens: int = 0
    total_tokens: int = 0
    cost: float | None = None
    requests: int = 0
    models: list[str] = field(default_factory=list)
    providers: list[str] = field(default_factory=list)

    def add(self, response: Any) -> None:
        """Fold one /embeddings response's usage into the total."""
        self.requests += 1
        usage = wire_field(response, "usage")
        if usage is not None:
            self.prompt_tokens += int(wire_field(usage, "prompt_tokens") or 0)
            self.total_tokens += int(wire_field(usage, "total_tokens") or 0)
            cost = wire_field(usage, "cost")
            if cost is not None:
                self.cost = (self.cost or 0.0) + float(cost)
        for key, seen in (("model", self.models), ("provider", self.providers)):
            value = wire_field(response, key)
            if value and value not in seen:
                seen.append(value)


class OpenRouterEmbeddings(OpenRouterClientSettings, Embeddings):
    """OpenRouter embedding models for LangChain.

    Example:
        ```python
        from langchain_openrouter_kit import OpenRouterEmbeddings

        embeddings = OpenRouterEmbeddings(model="openai/text-embedding-3-small", dimensions=256)
        vectors = embeddings.embed_documents(["first", "second"])
        ```
    """

    model_config = ConfigDict(populate_by_name=True, arbitrary_types_allowed=True, extra="forbid")

    model: str = Field(default="openai/text-embedding-3-small", alias="model_name")
    """OpenRouter embedding model slug."""
    dimensions: int | None = None
    """Output size, for models that can shorten their vectors."""
    encoding_format: Literal["float", "base64"] | None = None
    """Wire encoding; None lets the core choose. Vectors always come back as floats."""
    input_type: str | None = None
    """Provider hint such as ``"search_query"`` / ``"search_document"``."""
    provider: ProviderPreferences | None = None
    """Provider routing preferences."""
    user: str | None = None
    chunk_size: int = Field(default=1000, gt=0)
    """Texts per request."""
    max_concurrency: int = Field(default=4, gt=0)
    """Batches in flight at once (sync and async methods)."""
    show_progress_bar: bool = False
    """Show a tqdm progress bar over the batches (needs ``tqdm``)."""
    model_kwargs: dict[str, Any] = Field(default_factory=dict)
    """Other request params, sent in the body."""

    def _request_kwargs(self) -> dict[str, Any]:
        kwargs: dict[str, Any] = {"model": self.model}
        for name in ("dimensions", "encoding_format", "input_type", "provider", "user"):
            value = getattr(self, name)
            if value is not None:
                kwargs[name] = value
        if self.model_kwargs:
            kwargs["extra_body"] = dict(self.model_kwargs)
        return kwargs

    def _batches(self, texts: list[str]) -> list[list[str]]:
        texts = [text or " " for text in texts]
        return [texts[i : i + self.chunk_size] for i in range(0, len(texts), self.chunk_size)]

    def _progress(self, total: int) -> Any:
        """A tqdm bar over ``total`` batches, or None when not asked for."""
        if not self.show_progress_bar:
            return None
        try:
            tqdm = importlib.import_module("tqdm.auto").tqdm  # optional, and untyped
        except ImportError as error:
            msg = "show_progress_bar=True needs tqdm: pip install tqdm"
            raise ImportError(msg) from error
        return tqdm(total=total, desc="Embedding", unit="batch")

    @staticmethod
    def _vectors(response: Any, expected: int) -> list[list[float]]:
        """The vectors in input order. Read from the core's objects without copying them:
        a batch holds ``chunk_size`` x ``dimensions`` floats."""
        data = list(wire_field(response, "data") or ())
        if any(wire_field(item, "index") != position for position, item in enumerate(data)):
            data.sort(key=lambda item: wire_field(item, "index") or 0)
        if len(data) != expected:
            msg = f"OpenRouter returned {len(data)} embeddings for {expected} inputs."
            raise ValueError(msg)
        return [wire_field(item, "embedding") for item in data]

    def embed_documents_with_usage(
        self, texts: list[str]
    ) -> tuple[list[list[float]], EmbeddingUsage]:
        """Embed ``texts`` and also return the summed usage and cost of the requests."""
        usage = EmbeddingUsage()
        vectors: list[list[float]] = []
        if not texts:
            return vectors, usage
        client = self._get_client()
        kwargs = self._request_kwargs()
        batches = self._batches(texts)
        bar = self._progress(len(batches))

        def embed_batch(batch: list[str]) -> Any:
            with langchain_errors():
                response = client.embeddings.create(input=batch, **kwargs)
            if bar is not None:
                bar.update(1)
            return response

        try:
            if len(batches) == 1 or self.max_concurrency == 1:
                responses = [embed_batch(batch) for batch in batches]
            else:
                workers = min(self.max_concurrency, len(batches))
                with ThreadPoolExecutor(workers, thread_name_prefix="openrouter-embed") as pool:
                    responses = list(pool.map(embed_batch, batches))
        finally:
            if bar is not None:
                bar.close()
        for batch, response in zip(batches, responses, strict=True):
            vectors.extend(self._vectors(response, len(batch)))
            usage.add(response)
        return vectors, usage

    async def aembed_documents_with_usage(
        self, texts: list[str]
    ) -> tuple[list[list[float]], EmbeddingUsage]:
        """Async ``embed_documents_with_usage``: batches run up to ``max_concurrency`` at once."""
        usage = EmbeddingUsage()
        if not texts:
            return [], usage
        client = self._get_async_client()
        kwargs = self._request_kwargs()
        limit = asyncio.Semaphore(self.max_concurrency)
        batches = self._batches(texts)
        bar = self._progress(len(batches))

        async def embed_batch(batch: list[str]) -> Any:
            async with limit:
                with langchain_errors():
                    response = await client.embeddings.create(input=batch, **kwargs)
            if bar is not None:
                bar.update(1)
            return response

        try:
            responses = await asyncio.gather(*(embed_batch(batch) for batch in batches))
        finally:
            if bar is not None:
                bar.close()
        vectors: list[list[float]] = []
        for batch, response in zip(batches, responses, strict=True):
            vectors.extend(self._vectors(response, len(batch)))
            usage.add(response)
        return vectors, usage

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        """Embed a list of documents."""
        return self.embed_documents_with_usage(texts)[0]

    def embed_query(self, text: str) -> list[float]:
        """Embed one query."""
        return self.embed_documents_with_usage([text])[0][0]

    async def aembed_documents(self, texts: list[str]) -> list[list[float]]:
        """Embed a list of documents (async)."""
        return (await self.aembed_documents_with_usage(texts))[0]

    async def aembed_query(self, text: str) -> list[float]:
        """Embed one query (async)."""
        return (await self.aembed_documents_with_usage([text]))[0][0]
