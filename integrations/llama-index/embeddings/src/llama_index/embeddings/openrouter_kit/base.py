"""``OpenRouterEmbedding``: LlamaIndex embeddings over OpenRouter's POST /embeddings."""

from __future__ import annotations

import asyncio
import weakref
from typing import Any, Literal

from llama_index.core.base.embeddings.base import BaseEmbedding, Embedding
from llama_index.core.bridge.pydantic import Field, PrivateAttr
from llama_index.core.callbacks.base import CallbackManager
from llama_index.core.instrumentation import get_dispatcher  # type: ignore[attr-defined]
from llama_index.core.instrumentation.events import BaseEvent

from openrouter_kit.integration import (
    DEFAULT_MAX_RETRIES,
    DEFAULT_TIMEOUT,
    ClientPair,
    call_cost,
    resolve_base_url,
)
from openrouter_kit.types import ProviderPreferences

DEFAULT_EMBEDDING_MODEL = "openai/text-embedding-3-small"
DEFAULT_EMBED_BATCH_SIZE = 100
DEFAULT_MAX_CONCURRENCY = 20  # as llama-index-embeddings-openai's async default

dispatcher = get_dispatcher(__name__)


class OpenRouterEmbeddingUsageEvent(BaseEvent):
    """Sent after each /embeddings request: what it used and cost (``openrouter_call``)."""

    model_name: str
    openrouter_call: Any = None
    """An ``openrouter_kit.cost.CallCost``; cost handlers add it to their totals."""

    @classmethod
    def class_name(cls) -> str:
        return "OpenRouterEmbeddingUsageEvent"


class OpenRouterEmbedding(BaseEmbedding):
    """OpenRouter embedding models for LlamaIndex: sync and native async, batched.

    Batches of ``embed_batch_size`` texts go out in one request each; async batches run
    concurrently, at most ``max_concurrency`` at a time. Token usage and cost accumulate in
    ``total_tokens`` / ``total_cost``; ``last_response`` keeps the latest core response.

    Examples:
        ```python
        from llama_index.embeddings.openrouter_kit import OpenRouterEmbedding

        embed_model = OpenRouterEmbedding(model_name="openai/text-embedding-3-small", dimensions=256)
        vector = embed_model.get_text_embedding("hello")
        ```
    """

    model_name: str = Field(
        default=DEFAULT_EMBEDDING_MODEL, description="OpenRouter embedding model id."
    )
    embed_batch_size: int = Field(
        default=DEFAULT_EMBED_BATCH_SIZE, gt=0, le=2048, description="Texts per request."
    )
    dimensions: int | None = Field(
        default=None, gt=0, description="Output dimensions (models that support it)."
    )
    encoding_format: Literal["float", "base64"] | None = Field(
        default=None,
        description="Wire encoding; None lets the core pick base64 (smaller, faster to decode).",
    )
    query_input_type: str | None = Field(
        default=None, description="input_type sent with queries (e.g. 'query' for Voyage/Cohere)."
    )
    text_input_type: str | None = Field(
        default=None, description="input_type sent with documents (e.g. 'document')."
    )
    provider: ProviderPreferences | None = Field(
        default=None, description="Provider routing preferences."
    )
    user: str | None = Field(default=None, description="Stable id of your end user.")
    additional_kwargs: dict[str, Any] = Field(
        default_factory=dict, description="Extra request body fields (sent via extra_body)."
    )
    max_concurrency: int = Field(
        default=DEFAULT_MAX_CONCURRENCY,
        gt=0,
        description="Most async batch requests in flight at once.",
    )
    base_url: str = Field(default="", description="API base URL ('emulator://' runs offline).")
    timeout: float = Field(default=DEFAULT_TIMEOUT, description="Request timeout in seconds.")
    max_retries: int = Field(default=DEFAULT_MAX_RETRIES, description="Retries, done by the core.")
    app_name: str | None = Field(default=None, description="App attribution (X-Title header).")
    app_url: str | None = Field(default=None, description="App attribution (HTTP-Referer header).")
    default_headers: dict[str, str] | None = Field(
        default=None, description="Headers added to every request."
    )

    _clients: ClientPair = PrivateAttr()
    _semaphores: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Semaphore] = (
        PrivateAttr(default_factory=weakref.WeakKeyDictionary)
    )
    _total_tokens: int = PrivateAttr(default=0)
    _total_cost: float = PrivateAttr(default=0.0)
    _last_response: Any = PrivateAttr(default=None)

    def __init__(
        self,
        model_name: str = DEFAULT_EMBEDDING_MODEL,
        *,
        api_key: str | None = None,
        base_url: str | None = None,
        api_base: str | None = None,
        client: Any = None,
        async_client: Any = None,
        http_client: Any = None,
        async_http_client: Any = None,
        callback_manager: CallbackManager | None = None,
        **kwargs: Any,
    ) -> None:
        if "model" in kwargs:  # accept the name the LLM uses too
            model_name = kwargs.pop("model")
        super().__init__(
            model_name=model_name,
            base_url=resolve_base_url(base_url, api_base),
            callback_manager=callback_manager,
            **kwargs,
        )
        self._clients = ClientPair.for_component(
            self, api_key, client, async_client, http_client, async_http_client
        )

    @classmethod
    def class_name(cls) -> str:
        return "OpenRouterKitEmbedding"

    def __setstate__(self, state: dict[str, Any]) -> None:
        super().__setstate__(state)  # re-runs __init__ from the fields, where the key is not
        self._clients = ClientPair.pickled(state, self._clients)

    @property
    def api_base(self) -> str:
        """Alias of ``base_url``."""
        return self.base_url

    @property
    def total_tokens(self) -> int:
        """Prompt tokens embedded by this instance so far."""
        return self._total_tokens

    @property
    def total_cost(self) -> float:
        """USD spent by this instance so far, as OpenRouter reports it."""
        return self._total_cost

    @property
    def last_response(self) -> Any:
        """The latest core ``EmbeddingResponse`` (id, model, provider, usage)."""
        return self._last_response

    # -- requests -----------------------------------------------------------------------

    def _params(self, texts: list[str], input_type: str | None) -> dict[str, Any]:
        params: dict[str, Any] = {"model": self.model_name, "input": texts}
        if self.dimensions is not None:
            params["dimensions"] = self.dimensions
        if self.encoding_format is not None:
            params["encoding_format"] = self.encoding_format
        if input_type is not None:
            params["input_type"] = input_type
        if self.provider is not None:
            params["provider"] = self.provider.model_dump(exclude_none=True)
        if self.user is not None:
            params["user"] = self.user
        if self.additional_kwargs:
            params["extra_body"] = dict(self.additional_kwargs)
        return params

    def _vectors(self, response: Any, expected: int) -> list[Embedding]:
        """Vectors in input order; a short answer is an error, never silently misaligned."""
        self._last_response = response
        call = call_cost("embeddings.create", response, {"model": self.model_name})
        dispatcher.event(
            OpenRouterEmbeddingUsageEvent(model_name=self.model_name, openrouter_call=call)
        )
        usage = getattr(response, "usage", None)
        if usage is not None:
            self._total_tokens += getattr(usage, "prompt_tokens", None) or 0
            self._total_cost += getattr(usage, "cost", None) or 0.0
        data = sorted(response.data, key=lambda item: item.index)
        if len(data) != expected:
            raise ValueError(
                f"OpenRouter returned {len(data)} embeddings for {expected} inputs "
                f"(model {self.model_name!r})."
            )
        return [list(item.embedding) for item in data]

    def _embed(self, texts: list[str], input_type: str | None) -> list[Embedding]:
        response = self._clients.sync().embeddings.create(**self._params(texts, input_type))
        return self._vectors(response, len(texts))

    def _semaphore(self) -> asyncio.Semaphore:
        """The concurrency limit for the running event loop (a semaphore binds to one loop)."""
        loop = asyncio.get_running_loop()
        semaphore = self._semaphores.get(loop)
        if semaphore is None:
            semaphore = asyncio.Semaphore(self.max_concurrency)
            self._semaphores[loop] = semaphore
        return semaphore

    async def _aembed(self, texts: list[str], input_type: str | None) -> list[Embedding]:
        async with self._semaphore():
            response = await self._clients.async_().embeddings.create(
                **self._params(texts, input_type)
            )
        return self._vectors(response, len(texts))

    # -- BaseEmbedding hooks --------------------------------------------------------------

    def _get_query_embedding(self, query: str) -> Embedding:
        return self._embed([query], self.query_input_type)[0]

    async def _aget_query_embedding(self, query: str) -> Embedding:
        return (await self._aembed([query], self.query_input_type))[0]

    def _get_text_embedding(self, text: str) -> Embedding:
        return self._embed([text], self.text_input_type)[0]

    async def _aget_text_embedding(self, text: str) -> Embedding:
        return (await self._aembed([text], self.text_input_type))[0]

    def _get_text_embeddings(self, texts: list[str]) -> list[Embedding]:
        return self._embed(list(texts), self.text_input_type)

    async def _aget_text_embeddings(self, texts: list[str]) -> list[Embedding]:
        return await self._aembed(list(texts), self.text_input_type)
