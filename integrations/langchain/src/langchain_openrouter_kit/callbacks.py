"""Cost tracking for LangChain runs: ``get_openrouter_callback()`` and its handler.

Like ``get_openai_callback()``, but the cost is what OpenRouter billed (``usage.cost``, carried
in each message's ``response_metadata["cost"]``), never a local price table; a response
without it is looked up in GET /generation when the handler knows a core client. Totals are
kept per model and per provider by the core ``CostTracker``.

    from langchain_openrouter_kit.callbacks import get_openrouter_callback

    with get_openrouter_callback() as cb:
        chain.invoke(...)
    print(cb.total_cost, cb.by_model)
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from decimal import Decimal
from typing import Any

from langchain_core.callbacks import BaseCallbackHandler
from langchain_core.outputs import ChatGeneration, LLMResult
from langchain_core.tracers.context import register_configure_hook
from openrouter_kit.cost import CallCost, CostTracker, Totals

__all__ = ["OpenRouterCallbackHandler", "get_openrouter_callback"]


class OpenRouterCallbackHandler(BaseCallbackHandler):
    """Adds up OpenRouter cost and tokens of every chat model call it sees.

    ``client`` (a core ``openrouter_kit.OpenRouter``) enables GET /generation lookups for
    responses that carry no cost; otherwise such calls are counted with ``pending`` set.
    """

    raise_error = False
    run_inline = True

    def __init__(self, client: Any = None) -> None:
        super().__init__()
        self.client = client
        self.tracker = CostTracker(lookup_missing=client is not None)
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        t = self.tracker.totals
        return (
            f"Tokens Used: {t.total_tokens}\n\tPrompt Tokens: {t.prompt_tokens}\n"
            f"\tCompletion Tokens: {t.completion_tokens}\n"
            f"Successful Requests: {t.requests}\nTotal Cost (USD): ${float(t.cost)}"
        )

    @property
    def always_verbose(self) -> bool:
        return True

    def on_llm_end(self, response: LLMResult, **kwargs: Any) -> None:
        """Record one call: cost and tokens from the message OpenRouter produced."""
        for generations in response.generations:
            for generation in generations[:1]:
                if isinstance(generation, ChatGeneration):
                    self._record_message(generation.message, response.llm_output or {})

    def _record_message(self, message: Any, llm_output: dict[str, Any]) -> None:
        metadata = getattr(message, "response_metadata", None) or {}
        usage = getattr(message, "usage_metadata", None) or {}
        cost = metadata.get("cost")
        details = usage.get("output_token_details") or {}
        input_details = usage.get("input_token_details") or {}
        call = CallCost(
            endpoint="chat.completions.create",
            model=metadata.get("model_name") or llm_output.get("model_name"),
            provider=metadata.get("provider") or llm_output.get("provider"),
            generation_id=metadata.get("id")
            or llm_output.get("id")
            or getattr(message, "id", None),
            cost=None if cost is None else Decimal(str(cost)),
            prompt_tokens=int(usage.get("input_tokens") or 0),
            completion_tokens=int(usage.get("output_tokens") or 0),
            reasoning_tokens=int(details.get("reasoning") or 0),
            cached_tokens=int(input_details.get("cache_read") or 0),
            source="usage" if cost is not None else "pending",
        )
        self.tracker.record(call, self.client)

    # totals, named like LangChain's OpenAI callback ------------------------------------------
    @property
    def totals(self) -> Totals:
        return self.tracker.totals

    @property
    def total_cost(self) -> float:
        """USD billed by OpenRouter for the calls seen."""
        return self.tracker.total_cost

    @property
    def total_tokens(self) -> int:
        return self.tracker.total_tokens

    @property
    def prompt_tokens(self) -> int:
        return self.tracker.prompt_tokens

    @property
    def completion_tokens(self) -> int:
        return self.tracker.completion_tokens

    @property
    def successful_requests(self) -> int:
        return self.tracker.requests

    @property
    def by_model(self) -> dict[str, Totals]:
        return self.tracker.by_model

    @property
    def by_provider(self) -> dict[str, Totals]:
        return self.tracker.by_provider

    def __copy__(self) -> OpenRouterCallbackHandler:
        return self

    def __deepcopy__(self, memo: Any) -> OpenRouterCallbackHandler:
        return self


openrouter_callback_var: ContextVar[OpenRouterCallbackHandler | None] = ContextVar(
    "openrouter_callback", default=None
)
register_configure_hook(openrouter_callback_var, inheritable=True)


@contextmanager
def get_openrouter_callback(client: Any = None) -> Iterator[OpenRouterCallbackHandler]:
    """Track the OpenRouter cost of every LangChain chat call made inside the block.

    Pass ``client`` (a core ``OpenRouter``) to look up, in GET /generation, the cost of
    responses that arrive without one.
    """
    handler = OpenRouterCallbackHandler(client)
    token = openrouter_callback_var.set(handler)
    try:
        yield handler
    finally:
        # restore the enclosing block's handler (nested use), not None
        try:
            openrouter_callback_var.reset(token)
        except ValueError:  # exited in another context than it was entered in
            openrouter_callback_var.set(None)
