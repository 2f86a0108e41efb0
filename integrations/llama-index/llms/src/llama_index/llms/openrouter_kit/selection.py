"""LlamaIndex LLMs chosen by the guardrail-aware ``ModelSelector``.

- ``llm_from_selection(selection)`` builds an ``OpenRouter`` LLM for the selected model, with
  its fallbacks in ``models`` and routing kept inside the guardrails.
- ``AutoOpenRouter`` picks the model per call from what the call needs: tools need tool
  support, image content needs vision, structured output needs ``response_format``, and the
  prompt plus ``max_tokens`` must fit in the context. The choice is recorded in the
  response's ``additional_kwargs["openrouter_selection"]``.

All selection logic lives in ``openrouter_kit.selector``; this module reads the call's wire
params (built by the OpenRouter LLM) and passes the choice on as per-call kwargs.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator, Generator, Sequence
from typing import Any

from llama_index.core.base.llms.types import (
    ChatMessage,
    ChatResponse,
    ChatResponseAsyncGen,
    ChatResponseGen,
)
from llama_index.llms.openrouter_kit.base import OpenRouter
from pydantic import Field, PrivateAttr

from openrouter_kit.selector import AsyncModelSelector, ModelSelector, Requirements, Selection

__all__ = ["AutoOpenRouter", "llm_from_selection", "selection_kwargs"]

METADATA_KEY = "openrouter_selection"
"""Where the auto mode records its choice in each response's ``additional_kwargs``."""


def selection_kwargs(selection: Selection) -> dict[str, Any]:
    """``model``, ``models`` and ``provider`` of a Selection, as OpenRouter LLM arguments."""
    return dict(selection.request_params())  # fallbacks and provider only when set


def llm_from_selection(selection: Selection, **kwargs: Any) -> OpenRouter:
    """An OpenRouter LLM for the selected model, its fallbacks and guardrail-safe routing.

    Other OpenRouter LLM arguments (``client=``, ``temperature=``, ...) pass through.
    """
    return OpenRouter(**selection_kwargs(selection), **kwargs)


class AutoOpenRouter(OpenRouter):
    """An OpenRouter LLM that picks the model for each call from what the call needs.

    ``requirements`` are the standing needs (e.g. ``Requirements(zdr=True)``); each call adds
    its own (tools, vision, structured output, context size). Selectors default to ones on
    this LLM's core clients, reading guardrails per ``guardrail`` ("account", a
    ``Guardrail`` or None) with ``management_client`` / ``async_management_client`` when the
    key may not read them. Metadata reports a chat, function-calling model with
    ``context_window`` (default 128k) since the concrete model is only known per call.
    """

    requirements: Requirements | None = Field(default=None, exclude=True)
    guardrail: Any = Field(default="account", exclude=True)

    _selector: Any = PrivateAttr(default=None)
    _async_selector: Any = PrivateAttr(default=None)
    _management: Any = PrivateAttr(default=None)
    _async_management: Any = PrivateAttr(default=None)

    def __init__(
        self,
        model: str = "auto",
        *,
        selector: ModelSelector | None = None,
        async_selector: AsyncModelSelector | None = None,
        management_client: Any = None,
        async_management_client: Any = None,
        **kwargs: Any,
    ) -> None:
        kwargs.setdefault("context_window", 128_000)
        kwargs.setdefault("is_function_calling_model", True)
        kwargs.setdefault("is_chat_model", True)
        kwargs.setdefault("max_tokens", None)
        super().__init__(model, **kwargs)
        self._selector = selector
        self._async_selector = async_selector
        self._management = management_client
        self._async_management = async_management_client

    @classmethod
    def class_name(cls) -> str:
        return "OpenRouterKit_AutoLLM"

    def _metadata_needs_catalogue(self) -> bool:
        return False

    def _sync_selector(self) -> ModelSelector:
        if self._selector is None:
            self._selector = ModelSelector(
                self._clients.sync(), guardrail=self.guardrail, management_client=self._management
            )
        return self._selector  # type: ignore[no-any-return]

    def _async_sel(self) -> AsyncModelSelector:
        if self._async_selector is None:
            self._async_selector = AsyncModelSelector(
                self._clients.async_(),
                guardrail=self.guardrail,
                management_client=self._async_management,
            )
        return self._async_selector  # type: ignore[no-any-return]

    def requirements_for(
        self, messages: Sequence[ChatMessage], kwargs: dict[str, Any]
    ) -> tuple[Requirements, int, int]:
        """What this call needs, its estimated prompt tokens and its completion budget."""
        params = self._request_params(messages, dict(kwargs))
        extra = params.pop("extra_body", None) or {}
        params.update({k: v for k, v in extra.items() if k not in params})
        req = Requirements.for_request(params, base=self.requirements)
        completion = int(params.get("max_tokens") or params.get("max_completion_tokens") or 0)
        prompt = max(1, (req.min_context or 0) - completion)
        return req, prompt, completion or 1_000

    @staticmethod
    def _route(selection: Selection, kwargs: dict[str, Any]) -> dict[str, Any]:
        return {**kwargs, **selection_kwargs(selection)}

    @staticmethod
    def _mark(response: ChatResponse, selection: Selection) -> ChatResponse:
        response.additional_kwargs[METADATA_KEY] = selection.summary()
        return response

    def _choose(self, messages: Sequence[ChatMessage], kwargs: dict[str, Any]) -> Selection:
        req, prompt, completion = self.requirements_for(messages, kwargs)
        return self._sync_selector().select(req, prompt_tokens=prompt, completion_tokens=completion)

    async def _achoose(self, messages: Sequence[ChatMessage], kwargs: dict[str, Any]) -> Selection:
        req, prompt, completion = self.requirements_for(messages, kwargs)
        return await self._async_sel().select(
            req, prompt_tokens=prompt, completion_tokens=completion
        )

    def _chat(self, messages: Sequence[ChatMessage], **kwargs: Any) -> ChatResponse:
        selection = self._choose(messages, kwargs)
        return self._mark(super()._chat(messages, **self._route(selection, kwargs)), selection)

    async def _achat(self, messages: Sequence[ChatMessage], **kwargs: Any) -> ChatResponse:
        selection = await self._achoose(messages, kwargs)
        response = await super()._achat(messages, **self._route(selection, kwargs))
        return self._mark(response, selection)

    def _stream_chat(self, messages: Sequence[ChatMessage], **kwargs: Any) -> ChatResponseGen:
        selection = self._choose(messages, kwargs)
        inner = super()._stream_chat(messages, **self._route(selection, kwargs))

        def gen() -> Generator[ChatResponse, None, None]:
            for response in inner:
                yield self._mark(response, selection)

        return gen()

    async def _astream_chat(
        self, messages: Sequence[ChatMessage], **kwargs: Any
    ) -> ChatResponseAsyncGen:
        selection = await self._achoose(messages, kwargs)
        inner = await super()._astream_chat(messages, **self._route(selection, kwargs))

        async def gen() -> AsyncGenerator[ChatResponse, None]:
            async for response in inner:
                yield self._mark(response, selection)

        return gen()
