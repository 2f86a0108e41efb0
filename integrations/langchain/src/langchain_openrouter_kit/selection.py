"""LangChain chat models chosen by the guardrail-aware ``ModelSelector``.

- ``chat_model_from_selection(selection)`` builds a ``ChatOpenRouter`` that calls the selected
  model, with its fallbacks in ``models`` and routing kept inside the guardrails.
- ``AutoChatOpenRouter`` picks the model per call from what the call needs: bound tools need
  tool support, image content needs vision, structured output needs ``response_format``, and
  the prompt plus ``max_tokens`` must fit in the context. The choice is recorded in
  ``response_metadata["openrouter_selection"]``.

All selection logic lives in ``openrouter_kit.selector``; this module only reads the call's
wire params (built by ``ChatOpenRouter``) and passes the result on as per-call kwargs.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import Any

from langchain_core.callbacks import AsyncCallbackManagerForLLMRun, CallbackManagerForLLMRun
from langchain_core.messages import BaseMessage
from langchain_core.outputs import ChatGenerationChunk, ChatResult
from openrouter_kit.selector import (
    AsyncModelSelector,
    ModelSelector,
    Requirements,
    Selection,
)
from pydantic import Field, PrivateAttr

from langchain_openrouter_kit.chat_models import ChatOpenRouter

__all__ = ["AutoChatOpenRouter", "chat_model_from_selection", "selection_kwargs"]

METADATA_KEY = "openrouter_selection"
"""Where the auto mode records its choice in each message's ``response_metadata``."""


def selection_kwargs(selection: Selection) -> dict[str, Any]:
    """``model``, ``models`` and ``provider`` of a Selection, as ChatOpenRouter arguments."""
    return dict(selection.request_params())  # fallbacks and provider only when set


def chat_model_from_selection(selection: Selection, **kwargs: Any) -> ChatOpenRouter:
    """A ChatOpenRouter for the selected model, its fallbacks and guardrail-safe routing.

    Other ChatOpenRouter arguments (``client=``, ``temperature=``, ...) pass through.
    """
    return ChatOpenRouter(**selection_kwargs(selection), **kwargs)


class AutoChatOpenRouter(ChatOpenRouter):
    """A ChatOpenRouter that picks the model for each call from what the call needs.

    ``requirements`` are the standing needs (e.g. ``Requirements(zdr=True, prefer="latency")``);
    each call adds what it needs itself (tools, vision, structured output, context size).
    ``selector`` / ``async_selector`` default to selectors on this model's own core clients,
    reading guardrails per ``guardrail`` ("account", a ``Guardrail``, or None) with
    ``management_client`` / ``async_management_client`` when the key may not read them
    itself.
    """

    model: str = Field(default="auto", alias="model_name")
    """Shown in traces; the model actually called is chosen per call."""
    requirements: Requirements | None = Field(default=None, exclude=True)
    selector: Any = Field(default=None, exclude=True)
    async_selector: Any = Field(default=None, exclude=True)
    guardrail: Any = Field(default="account", exclude=True)
    management_client: Any = Field(default=None, exclude=True)
    """A core ``OpenRouter`` with a management key, to read guardrails (sync calls)."""
    async_management_client: Any = Field(default=None, exclude=True)
    """A core ``AsyncOpenRouter`` with a management key, to read guardrails (async calls)."""

    _selectors: dict[str, Any] = PrivateAttr(default_factory=dict)

    @property
    def _llm_type(self) -> str:
        return "openrouter-chat-auto"

    @classmethod
    def is_lc_serializable(cls) -> bool:
        return False

    def _sync_selector(self) -> ModelSelector:
        if self.selector is not None:
            return self.selector  # type: ignore[no-any-return]
        if "sync" not in self._selectors:
            self._selectors["sync"] = ModelSelector(
                self._get_client(),
                guardrail=self.guardrail,
                management_client=self.management_client,
            )
        return self._selectors["sync"]  # type: ignore[no-any-return]

    def _async_selector(self) -> AsyncModelSelector:
        if self.async_selector is not None:
            return self.async_selector  # type: ignore[no-any-return]
        if "async" not in self._selectors:
            self._selectors["async"] = AsyncModelSelector(
                self._get_async_client(),
                guardrail=self.guardrail,
                management_client=self.async_management_client,
            )
        return self._selectors["async"]  # type: ignore[no-any-return]

    def requirements_for(
        self, messages: list[BaseMessage], stop: list[str] | None, kwargs: dict[str, Any]
    ) -> tuple[Requirements, int]:
        """What this call needs, and how many completion tokens to budget for."""
        params = self._request_params(messages, stop, kwargs, stream=False)
        extra = params.pop("extra_body", None) or {}
        params.update({k: v for k, v in extra.items() if k not in params})
        req = Requirements.for_request(params, base=self.requirements)
        completion = int(params.get("max_tokens") or params.get("max_completion_tokens") or 1_000)
        return req, completion

    @staticmethod
    def _apply(selection: Selection, kwargs: dict[str, Any]) -> dict[str, Any]:
        routed = dict(kwargs)
        routed.update(selection_kwargs(selection))
        return routed

    @staticmethod
    def _record(result: ChatResult, selection: Selection) -> ChatResult:
        summary = selection.summary()
        for generation in result.generations:
            generation.message.response_metadata[METADATA_KEY] = summary
        result.llm_output = {**(result.llm_output or {}), METADATA_KEY: summary}
        return result

    def _select(
        self, messages: list[BaseMessage], stop: list[str] | None, kwargs: dict[str, Any]
    ) -> Selection:
        req, completion = self.requirements_for(messages, stop, kwargs)
        prompt = (req.min_context or 0) - (req.min_max_output or 0)
        return self._sync_selector().select(
            req, prompt_tokens=max(prompt, 1), completion_tokens=completion
        )

    async def _aselect(
        self, messages: list[BaseMessage], stop: list[str] | None, kwargs: dict[str, Any]
    ) -> Selection:
        req, completion = self.requirements_for(messages, stop, kwargs)
        prompt = (req.min_context or 0) - (req.min_max_output or 0)
        return await self._async_selector().select(
            req, prompt_tokens=max(prompt, 1), completion_tokens=completion
        )

    def _generate(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> ChatResult:
        selection = self._select(messages, stop, kwargs)
        result = super()._generate(messages, stop, run_manager, **self._apply(selection, kwargs))
        return self._record(result, selection)

    async def _agenerate(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: AsyncCallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> ChatResult:
        selection = await self._aselect(messages, stop, kwargs)
        result = await super()._agenerate(
            messages, stop, run_manager, **self._apply(selection, kwargs)
        )
        return self._record(result, selection)

    def _stream(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> Iterator[ChatGenerationChunk]:
        selection = self._select(messages, stop, kwargs)
        first = True
        for chunk in super()._stream(messages, stop, run_manager, **self._apply(selection, kwargs)):
            if first:
                chunk.message.response_metadata[METADATA_KEY] = selection.summary()
                first = False
            yield chunk

    async def _astream(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: AsyncCallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> AsyncIterator[ChatGenerationChunk]:
        selection = await self._aselect(messages, stop, kwargs)
        first = True
        async for chunk in super()._astream(
            messages, stop, run_manager, **self._apply(selection, kwargs)
        ):
            if first:
                chunk.message.response_metadata[METADATA_KEY] = selection.summary()
                first = False
            yield chunk
