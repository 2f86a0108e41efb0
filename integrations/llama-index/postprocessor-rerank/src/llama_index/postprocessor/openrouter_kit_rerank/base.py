"""``OpenRouterRerank``: a LlamaIndex node postprocessor over OpenRouter's POST /rerank."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from llama_index.core.bridge.pydantic import Field, PrivateAttr
from llama_index.core.callbacks import CBEventType, EventPayload
from llama_index.core.callbacks.base import CallbackManager
from llama_index.core.instrumentation import get_dispatcher  # type: ignore[attr-defined]
from llama_index.core.instrumentation.events.rerank import ReRankEndEvent, ReRankStartEvent
from llama_index.core.postprocessor.types import BaseNodePostprocessor
from llama_index.core.schema import MetadataMode, NodeWithScore, QueryBundle
from openrouter_kit.integration import (
    DEFAULT_MAX_RETRIES,
    DEFAULT_TIMEOUT,
    ClientPair,
    call_cost,
    resolve_base_url,
)
from openrouter_kit.types import ProviderPreferences

dispatcher = get_dispatcher(__name__)

DEFAULT_RERANK_MODEL = "cohere/rerank-v3.5"


class OpenRouterReRankEndEvent(ReRankEndEvent):
    """``ReRankEndEvent`` with what the request used and cost (``openrouter_call``)."""

    openrouter_call: Any = None
    """An ``openrouter_kit.cost.CallCost`` (None when no request was sent)."""

    # class_name stays "ReRankEndEvent": handlers pair it with ReRankStartEvent


class OpenRouterRerank(BaseNodePostprocessor):
    """Rerank retrieved nodes with an OpenRouter rerank model (Cohere, Voyage, Qwen, ...).

    Returns at most ``top_n`` nodes (clamped to the number given), best first, scored by
    the model. ``keep_retrieval_score`` stores the retriever's score in
    ``node.metadata["retrieval_score"]``. API failures raise the core's typed errors.

    Examples:
        ```python
        from llama_index.postprocessor.openrouter_kit_rerank import OpenRouterRerank

        query_engine = index.as_query_engine(
            similarity_top_k=10, node_postprocessors=[OpenRouterRerank(top_n=3)]
        )
        ```
    """

    model: str = Field(default=DEFAULT_RERANK_MODEL, description="OpenRouter rerank model id.")
    top_n: int = Field(default=2, gt=0, description="Most nodes to return.")
    metadata_mode: MetadataMode = Field(
        default=MetadataMode.EMBED, description="Which node metadata is sent along with its text."
    )
    keep_retrieval_score: bool = Field(
        default=False, description="Keep the retriever's score in node.metadata['retrieval_score']."
    )
    provider: ProviderPreferences | None = Field(
        default=None, description="Provider routing preferences."
    )
    additional_kwargs: dict[str, Any] = Field(
        default_factory=dict, description="Extra request body fields (sent via extra_body)."
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
    _last_response: Any = PrivateAttr(default=None)

    def __init__(
        self,
        model: str = DEFAULT_RERANK_MODEL,
        top_n: int = 2,
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
        super().__init__(
            model=model,
            top_n=top_n,
            base_url=resolve_base_url(base_url, api_base),
            callback_manager=callback_manager or CallbackManager([]),
            **kwargs,
        )
        self._clients = ClientPair.for_component(
            self, api_key, client, async_client, http_client, async_http_client
        )

    @classmethod
    def class_name(cls) -> str:
        return "OpenRouterRerank"

    def __setstate__(self, state: dict[str, Any]) -> None:
        super().__setstate__(state)  # re-runs __init__ from the fields, where the key is not
        self._clients = ClientPair.pickled(state, self._clients)

    @property
    def last_response(self) -> Any:
        """The latest core ``RerankResponse`` (id, provider, usage with cost)."""
        return self._last_response

    # -- helpers --------------------------------------------------------------------------

    def _params(self, query: str, nodes: list[NodeWithScore], top_n: int) -> dict[str, Any]:
        params: dict[str, Any] = {
            "model": self.model,
            "query": query,
            "documents": [n.node.get_content(metadata_mode=self.metadata_mode) for n in nodes],
            "top_n": top_n,
        }
        if self.provider is not None:
            params["provider"] = self.provider.model_dump(exclude_none=True)
        if self.additional_kwargs:
            params["extra_body"] = dict(self.additional_kwargs)
        return params

    def _reranked(
        self, nodes: list[NodeWithScore], response: Any, top_n: int
    ) -> list[NodeWithScore]:
        """Nodes in the model's order with its scores; bad or repeated indices are skipped."""
        self._last_response = response
        results = sorted(response.results, key=lambda r: r.relevance_score, reverse=True)
        seen: set[int] = set()
        reranked: list[NodeWithScore] = []
        for result in results:
            index = result.index
            if not 0 <= index < len(nodes) or index in seen:
                continue
            seen.add(index)
            original = nodes[index]
            if self.keep_retrieval_score:
                original.node.metadata["retrieval_score"] = original.score
            reranked.append(NodeWithScore(node=original.node, score=result.relevance_score))
            if len(reranked) == top_n:
                break
        return reranked

    def _callback_payload(self, nodes: list[NodeWithScore], query: QueryBundle) -> dict[Any, Any]:
        return {
            EventPayload.NODES: nodes,
            EventPayload.MODEL_NAME: self.model,
            EventPayload.QUERY_STR: query.query_str,
            EventPayload.TOP_K: self.top_n,
        }

    @contextmanager
    def _reranking(
        self, nodes: list[NodeWithScore], query_bundle: QueryBundle | None
    ) -> Iterator[_Rerank]:
        """The events around one rerank (sync or async): start, callback span, end with the cost.

        The end event fires on every path, errors included, so start and end stay balanced.
        """
        dispatcher.event(
            ReRankStartEvent(
                query=query_bundle, nodes=nodes, top_n=self.top_n, model_name=self.model
            )
        )
        outcome = _Rerank(self, nodes)
        try:
            if query_bundle is None:
                raise ValueError("OpenRouterRerank needs a query: pass query_bundle or query_str.")
            with self.callback_manager.event(
                CBEventType.RERANKING, payload=self._callback_payload(nodes, query_bundle)
            ) as event:
                yield outcome
                event.on_end(payload={EventPayload.NODES: outcome.reranked})
        finally:
            dispatcher.event(
                OpenRouterReRankEndEvent(nodes=outcome.reranked, openrouter_call=outcome.call)
            )

    # -- BaseNodePostprocessor hooks ---------------------------------------------------------

    def _postprocess_nodes(
        self, nodes: list[NodeWithScore], query_bundle: QueryBundle | None = None
    ) -> list[NodeWithScore]:
        with self._reranking(nodes, query_bundle) as outcome:
            if nodes:
                assert query_bundle is not None
                params = self._params(query_bundle.query_str, nodes, outcome.top_n)
                outcome.answered(self._clients.sync().rerank.create(**params))
        return outcome.reranked

    @dispatcher.span
    async def _apostprocess_nodes(
        self, nodes: list[NodeWithScore], query_bundle: QueryBundle | None = None
    ) -> list[NodeWithScore]:
        with self._reranking(nodes, query_bundle) as outcome:
            if nodes:
                assert query_bundle is not None
                params = self._params(query_bundle.query_str, nodes, outcome.top_n)
                outcome.answered(await self._clients.async_().rerank.create(**params))
        return outcome.reranked


class _Rerank:
    """What one rerank produced: the nodes kept and the call's cost (both empty until answered)."""

    def __init__(self, owner: OpenRouterRerank, nodes: list[NodeWithScore]) -> None:
        self.owner = owner
        self.nodes = nodes
        self.top_n = min(owner.top_n, len(nodes))
        self.reranked: list[NodeWithScore] = []
        self.call: Any = None

    def answered(self, response: Any) -> None:
        self.reranked = self.owner._reranked(self.nodes, response, self.top_n)
        self.call = call_cost("rerank.create", response, {"model": self.owner.model})
