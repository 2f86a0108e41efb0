"""Cost tracking for LlamaIndex: an instrumentation event handler over OpenRouter's own cost.

``OpenRouterCostHandler`` listens to LLM end events (chat and completion, plain and
streamed), and to the events of the OpenRouter embedding model and reranker that carry an
``openrouter_call`` (their usage and cost), and adds up ``usage.cost`` as OpenRouter billed it (carried in each response's
``additional_kwargs["cost"]`` by the OpenRouter LLM), with tokens, per model and per
provider, using the core ``CostTracker``. A response without cost is looked up in
GET /generation when the handler has a core client. Each generation is counted once, even
when a completion call and the chat call under it both report it.

    from llama_index.llms.openrouter_kit.cost import track_openrouter_cost

    with track_openrouter_cost() as costs:
        index.as_query_engine(llm=llm).query("...")
    print(costs.total_cost, costs.by_model)
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal
from typing import Any

from llama_index.core.instrumentation import get_dispatcher  # type: ignore[attr-defined]
from llama_index.core.instrumentation.event_handlers import BaseEventHandler
from llama_index.core.instrumentation.events import BaseEvent
from llama_index.core.instrumentation.events.llm import (
    LLMChatEndEvent,
    LLMCompletionEndEvent,
)
from pydantic import ConfigDict, PrivateAttr

from openrouter_kit.cost import CallCost, CostTracker, Totals

__all__ = ["OpenRouterCostHandler", "track_openrouter_cost"]


class OpenRouterCostHandler(BaseEventHandler):
    """Adds up the OpenRouter cost and tokens of every LLM, embedding and rerank call."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    client: Any = None
    """A core ``openrouter_kit.OpenRouter`` for GET /generation lookups of missing costs."""

    _tracker: CostTracker = PrivateAttr()
    _seen: set[str] = PrivateAttr(default_factory=set)
    _lock: Any = PrivateAttr(default_factory=threading.Lock)

    def __init__(self, client: Any = None, **data: Any) -> None:
        super().__init__(client=client, **data)
        self._tracker = CostTracker(lookup_missing=client is not None)

    @classmethod
    def class_name(cls) -> str:
        return "OpenRouterCostHandler"

    def handle(self, event: BaseEvent, **kwargs: Any) -> None:
        """Record the response of an LLM end event, or an event's ``openrouter_call``."""
        carried = getattr(event, "openrouter_call", None)
        if isinstance(carried, CallCost):  # embedding and rerank requests
            self._tracker.record(carried, self.client)
            return
        if not isinstance(event, (LLMChatEndEvent, LLMCompletionEndEvent)):
            return
        response = event.response
        if response is None:
            return
        extra = getattr(response, "additional_kwargs", None) or {}
        if "cost" not in extra and "prompt_tokens" not in extra and "id" not in extra:
            return  # not an OpenRouter response
        generation_id = extra.get("id")
        if generation_id:
            with self._lock:
                if generation_id in self._seen:
                    return
                self._seen.add(generation_id)
        cost = extra.get("cost")
        call = CallCost(
            endpoint="chat.completions.create",
            model=extra.get("model"),
            provider=extra.get("provider"),
            generation_id=generation_id,
            cost=None if cost is None else Decimal(str(cost)),
            prompt_tokens=int(extra.get("prompt_tokens") or 0),
            completion_tokens=int(extra.get("completion_tokens") or 0),
            reasoning_tokens=int(extra.get("reasoning_tokens") or 0),
            cached_tokens=int(extra.get("cached_tokens") or 0),
            source="usage" if cost is not None else "pending",
        )
        self._tracker.record(call, self.client)

    @property
    def tracker(self) -> CostTracker:
        """The core tracker holding every recorded call."""
        return self._tracker

    @property
    def totals(self) -> Totals:
        return self._tracker.totals

    @property
    def total_cost(self) -> float:
        """USD billed by OpenRouter for the calls seen."""
        return self._tracker.total_cost

    @property
    def total_tokens(self) -> int:
        return self._tracker.total_tokens

    @property
    def requests(self) -> int:
        return self._tracker.requests

    @property
    def by_model(self) -> dict[str, Totals]:
        return self._tracker.by_model

    @property
    def by_provider(self) -> dict[str, Totals]:
        return self._tracker.by_provider

    def reset(self) -> None:
        """Forget every recorded call."""
        self._tracker.reset()
        with self._lock:
            self._seen.clear()


@contextmanager
def track_openrouter_cost(
    client: Any = None, dispatcher: Any = None
) -> Iterator[OpenRouterCostHandler]:
    """Track OpenRouter cost of every LlamaIndex LLM call inside the block.

    The handler is added to ``dispatcher`` (the root dispatcher by default) and removed on exit.
    """
    handler = OpenRouterCostHandler(client)
    target = dispatcher or get_dispatcher()
    target.add_event_handler(handler)
    try:
        yield handler
    finally:
        if handler in target.event_handlers:
            target.event_handlers.remove(handler)
