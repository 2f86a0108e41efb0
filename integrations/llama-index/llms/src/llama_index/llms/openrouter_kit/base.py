"""``OpenRouter``: a LlamaIndex FunctionCallingLLM on top of the openrouter-kit core client."""

from __future__ import annotations

import functools
import logging
import re
from collections.abc import AsyncGenerator, Generator, Sequence
from typing import TYPE_CHECKING, Any, Literal, cast

from llama_index.core.base.llms.generic_utils import (
    achat_to_completion_decorator,
    astream_chat_to_completion_decorator,
    chat_to_completion_decorator,
    stream_chat_to_completion_decorator,
)
from llama_index.core.base.llms.types import (
    ChatMessage,
    ChatResponse,
    ChatResponseAsyncGen,
    ChatResponseGen,
    CompletionResponse,
    CompletionResponseAsyncGen,
    CompletionResponseGen,
    LLMMetadata,
    MessageRole,
    ToolCallBlock,
)
from llama_index.core.bridge.pydantic import Field, PrivateAttr
from llama_index.core.instrumentation import get_dispatcher  # type: ignore[attr-defined]
from llama_index.core.instrumentation.events.llm import (
    LLMStructuredPredictEndEvent,
    LLMStructuredPredictStartEvent,
)
from llama_index.core.llms.callbacks import llm_chat_callback, llm_completion_callback
from llama_index.core.llms.function_calling import FunctionCallingLLM
from llama_index.core.llms.llm import ToolSelection
from llama_index.core.types import Model, PydanticProgramMode

from openrouter_kit.integration import (
    DEFAULT_MAX_RETRIES,
    DEFAULT_TIMEOUT,
    ROUTING_FIELDS,
    ClientPair,
    resolve_base_url,
)
from openrouter_kit.types import ProviderPreferences

from ._model_info import MODEL_CATALOGUE, ModelInfo, lookup, unknown_model_info
from .utils import (
    StreamAccumulator,
    chat_response_from_completion,
    resolve_tool_choice,
    to_wire_messages,
    to_wire_tool,
)

if TYPE_CHECKING:
    from llama_index.core.prompts.base import PromptTemplate
    from llama_index.core.tools.types import BaseTool

logger = logging.getLogger(__name__)
dispatcher = get_dispatcher(__name__)

DEFAULT_MODEL = "openai/gpt-4o-mini"  # cheap, and supports tools and structured outputs

# Instance fields sent as top-level request params when set (names are the wire names).
_REQUEST_FIELDS = (
    "temperature",
    "max_tokens",
    "top_p",
    "seed",
    "stop",
    *ROUTING_FIELDS,
)


@functools.cache
def _core_chat_keywords() -> frozenset[str]:
    """Keyword names the core's chat ``create()`` accepts; anything else must go in extra_body."""
    from openrouter_kit.resources.chat import CHAT_FIELDS

    return frozenset(CHAT_FIELDS) | {"extra_headers", "extra_query", "timeout"}


def _strict_json_schema(node: Any) -> Any:
    """A copy of a pydantic JSON schema made acceptable for ``strict`` structured outputs.

    Strict mode needs every object closed (``additionalProperties: false``) with every
    property required, no ``default`` keywords, and ``$ref`` without sibling keywords.
    """
    if isinstance(node, list):
        return [_strict_json_schema(item) for item in node]
    if not isinstance(node, dict):
        return node
    if "$ref" in node:
        return {"$ref": node["$ref"]}
    out = {k: _strict_json_schema(v) for k, v in node.items() if k != "default"}
    if out.get("type") == "object" and "properties" in out:
        out["additionalProperties"] = False
        out["required"] = list(out["properties"])
    return out


def _has_open_objects(node: Any) -> bool:
    """True when the schema holds a free-form object (a dict field), which strict mode rejects."""
    if isinstance(node, list):
        return any(_has_open_objects(item) for item in node)
    if not isinstance(node, dict):
        return False
    if node.get("type") == "object" and (
        "properties" not in node or node.get("additionalProperties") not in (None, False)
    ):
        return True
    return any(_has_open_objects(value) for value in node.values())


def json_schema_response_format(output_cls: type[Any]) -> dict[str, Any]:
    """A ``json_schema`` response_format for a pydantic class; strict when the schema allows it."""
    schema = output_cls.model_json_schema()
    strict = not _has_open_objects(schema)
    return {
        "type": "json_schema",
        "json_schema": {
            "name": re.sub(r"[^a-zA-Z0-9_-]", "_", output_cls.__name__)[:64],
            "schema": _strict_json_schema(schema) if strict else schema,
            "strict": strict,
        },
    }


class OpenRouter(FunctionCallingLLM):
    """OpenRouter chat models as a LlamaIndex FunctionCallingLLM.

    Metadata (context window, output budget, tool support) comes from OpenRouter's /models
    catalogue, fetched lazily once per process. Every OpenRouter routing option is a field;
    anything else goes in ``additional_kwargs`` and is sent in the request body.

    Examples:
        ```python
        from llama_index.llms.openrouter_kit import OpenRouter

        llm = OpenRouter(model="openai/gpt-4o-mini", provider={"sort": "price"})
        print(llm.complete("Hello"))
        ```
    """

    model: str = Field(
        default=DEFAULT_MODEL, description="OpenRouter model id, e.g. 'openai/gpt-4o'."
    )
    base_url: str = Field(default="", description="API base URL ('emulator://' runs offline).")
    temperature: float | None = Field(
        default=None, description="Sampling temperature; None = model default."
    )
    max_tokens: int | None = Field(
        default=None,
        description="Output token cap; None lets the model decide (never a silent 256).",
    )
    top_p: float | None = Field(default=None, description="Nucleus sampling.")
    seed: int | None = Field(default=None, description="Seed for reproducible sampling.")
    stop: list[str] | None = Field(default=None, description="Stop sequences.")
    reasoning: dict[str, Any] | None = Field(
        default=None,
        description="OpenRouter reasoning config, e.g. {'effort': 'high'} or {'max_tokens': 2000}.",
    )
    reasoning_effort: Literal["none", "minimal", "low", "medium", "high", "xhigh"] | None = Field(
        default=None, description="Shortcut for reasoning={'effort': ...}."
    )
    provider: ProviderPreferences | None = Field(
        default=None,
        description="Provider routing preferences (order, only, ignore, sort, max_price, ...).",
    )
    models: list[str] | None = Field(default=None, description="Fallback models, tried in order.")
    route: Literal["fallback", "sort"] | None = Field(
        default=None, description="Deprecated routing mode."
    )
    transforms: list[str] | None = Field(
        default=None, description="Prompt transforms, e.g. ['middle-out']."
    )
    plugins: list[dict[str, Any]] | None = Field(
        default=None, description="Plugins, e.g. [{'id': 'web'}]."
    )
    session_id: str | None = Field(default=None, description="Groups requests for observability.")
    trace: dict[str, Any] | None = Field(default=None, description="Trace metadata for broadcast.")
    user: str | None = Field(default=None, description="Stable id of your end user.")
    app_name: str | None = Field(default=None, description="App attribution (X-Title header).")
    app_url: str | None = Field(default=None, description="App attribution (HTTP-Referer header).")
    timeout: float = Field(default=DEFAULT_TIMEOUT, description="Request timeout in seconds.")
    max_retries: int = Field(
        default=DEFAULT_MAX_RETRIES,
        description="Retries on 429/5xx/connection errors (done by the core).",
    )
    default_headers: dict[str, str] | None = Field(
        default=None, description="Headers added to every request."
    )
    strict: bool = Field(
        default=False, description="Send tool schemas with strict=true (closed objects)."
    )
    additional_kwargs: dict[str, Any] = Field(
        default_factory=dict, description="Extra request params; unknown ones go in extra_body."
    )
    context_window: int | None = Field(
        default=None, description="Override the context window read from /models."
    )
    is_function_calling_model: bool | None = Field(
        default=None, description="Override tool support read from /models."
    )
    is_chat_model: bool | None = Field(
        default=None, description="Override chat support read from /models (text output)."
    )

    _clients: ClientPair = PrivateAttr()
    _model_info: ModelInfo | None = PrivateAttr(default=None)

    def __init__(
        self,
        model: str = DEFAULT_MODEL,
        *,
        api_key: str | None = None,
        base_url: str | None = None,
        api_base: str | None = None,
        order: list[str] | None = None,
        allow_fallbacks: bool | None = None,
        client: Any = None,
        async_client: Any = None,
        http_client: Any = None,
        async_http_client: Any = None,
        **kwargs: Any,
    ) -> None:
        provider = kwargs.pop("provider", None)
        if order is not None or allow_fallbacks is not None:
            # The two routing kwargs llama-index-llms-openrouter had, folded into `provider`.
            merged = (
                provider.model_dump(exclude_none=True)
                if isinstance(provider, ProviderPreferences)
                else dict(provider or {})
            )
            if order is not None:
                merged.setdefault("order", order)
            if allow_fallbacks is not None:
                merged.setdefault("allow_fallbacks", allow_fallbacks)
            provider = merged
        super().__init__(
            model=model,
            base_url=resolve_base_url(base_url, api_base),
            provider=provider,
            **kwargs,
        )
        self._clients = ClientPair.for_component(
            self, api_key, client, async_client, http_client, async_http_client
        )

    @classmethod
    def class_name(cls) -> str:
        return "OpenRouterKit_LLM"

    def __setstate__(self, state: dict[str, Any]) -> None:
        super().__setstate__(state)  # re-runs __init__ from the fields, where the key is not
        self._clients = ClientPair.pickled(state, self._clients)

    @property
    def api_base(self) -> str:
        """Alias of ``base_url`` (the name llama-index-llms-openrouter uses)."""
        return self.base_url

    # -- metadata -----------------------------------------------------------------------

    def _metadata_needs_catalogue(self) -> bool:
        """False only when every catalogue-derived value was given explicitly."""
        return (
            self.context_window is None
            or self.is_function_calling_model is None
            or self.is_chat_model is None
            or self.max_tokens is None
        )

    def _catalogue_failed(self, error: Exception) -> ModelInfo:
        logger.warning(
            "Could not read the OpenRouter /models catalogue (%s); using default metadata.", error
        )
        return unknown_model_info(self.model)

    def get_model_info(self) -> ModelInfo:
        """This model's catalogue entry, fetched (sync) on first use and cached per process."""
        if self._model_info is not None and self._model_info.model_id == self.model:
            return self._model_info
        from openrouter_kit.errors import OpenRouterError

        try:
            catalogue = MODEL_CATALOGUE.get(self._clients.sync(), self._clients.cache_key)
        except OpenRouterError as error:
            return self._catalogue_failed(error)
        self._model_info = lookup(catalogue, self.model)
        return self._model_info

    async def aget_model_info(self) -> ModelInfo:
        """Async twin of :meth:`get_model_info`; await it to warm ``metadata`` without blocking."""
        if self._model_info is not None and self._model_info.model_id == self.model:
            return self._model_info
        from openrouter_kit.errors import OpenRouterError

        try:
            catalogue = await MODEL_CATALOGUE.aget(self._clients.async_(), self._clients.cache_key)
        except OpenRouterError as error:
            return self._catalogue_failed(error)
        self._model_info = lookup(catalogue, self.model)
        return self._model_info

    @property
    def metadata(self) -> LLMMetadata:
        """Context window, output budget and tool support of ``model``, from /models."""
        info = self.get_model_info() if self._metadata_needs_catalogue() else None
        context_window = self.context_window or (info.context_window if info else 0)
        if self.max_tokens is not None:
            num_output = self.max_tokens
        else:
            num_output = info.num_output if info else 256
        function_calling = (
            self.is_function_calling_model
            if self.is_function_calling_model is not None
            else bool(info and info.is_function_calling_model)
        )
        return LLMMetadata(
            context_window=context_window,
            num_output=num_output,
            is_chat_model=(
                self.is_chat_model
                if self.is_chat_model is not None
                else bool(info is None or info.is_chat_model)
            ),
            is_function_calling_model=function_calling,
            model_name=self.model,
            system_role=MessageRole.SYSTEM,
        )

    def to_payload(self) -> dict[str, Any]:
        """What instrumentation events show about this LLM: never a secret, never a network call.

        The base class reports ``metadata``, which may need /models; an LLM event must not
        trigger a (blocking) catalogue fetch, so full metadata appears once it is cached.
        """
        payload: dict[str, Any] = {"class_name": self.class_name(), "model_name": self.model}
        if self._model_info is not None or not self._metadata_needs_catalogue():
            payload.update(self.metadata.model_dump())
        return payload

    # -- request building ---------------------------------------------------------------

    def _request_params(
        self, messages: Sequence[ChatMessage], kwargs: dict[str, Any]
    ) -> dict[str, Any]:
        """The core ``create()`` keyword arguments for one call.

        Instance fields come first, then ``additional_kwargs``, then per-call kwargs; keys the
        core does not know are moved into ``extra_body`` (the core rejects unknown keywords).
        """
        params: dict[str, Any] = {"model": self.model, "messages": to_wire_messages(messages)}
        for name in _REQUEST_FIELDS:
            value = getattr(self, name)
            if value is not None:
                params[name] = value
        reasoning = dict(self.reasoning or {})
        if self.reasoning_effort is not None:
            reasoning.setdefault("effort", self.reasoning_effort)
        if reasoning:
            params["reasoning"] = reasoning
        if self.provider is not None:
            params["provider"] = self.provider.model_dump(exclude_none=True)

        accepted = _core_chat_keywords()
        extra_body: dict[str, Any] = {}
        for source in (self.additional_kwargs, kwargs):
            for key, value in source.items():
                if key == "extra_body":
                    extra_body.update(value or {})
                elif value is None:
                    continue
                elif key in accepted:
                    params[key] = value
                else:
                    extra_body[key] = value
        if extra_body:
            params["extra_body"] = {**params.get("extra_body", {}), **extra_body}
        return params

    # -- chat ---------------------------------------------------------------------------

    def _chat(self, messages: Sequence[ChatMessage], **kwargs: Any) -> ChatResponse:
        create = self._clients.sync().chat.completions.create
        completion = create(**self._request_params(messages, kwargs))
        return chat_response_from_completion(completion)

    async def _achat(self, messages: Sequence[ChatMessage], **kwargs: Any) -> ChatResponse:
        create = self._clients.async_().chat.completions.create
        completion = await create(**self._request_params(messages, kwargs))
        return chat_response_from_completion(completion)

    def _stream_chat(self, messages: Sequence[ChatMessage], **kwargs: Any) -> ChatResponseGen:
        create = self._clients.sync().chat.completions.create
        params = self._request_params(messages, kwargs)

        def gen() -> Generator[ChatResponse, None, None]:
            accumulator = StreamAccumulator()
            # wire dicts: the responses are built from them, no typed chunk made per token
            with create(stream=True, **params).wire_dicts() as stream:
                yield from map(accumulator.add, stream)

        return gen()

    async def _astream_chat(
        self, messages: Sequence[ChatMessage], **kwargs: Any
    ) -> ChatResponseAsyncGen:
        create = self._clients.async_().chat.completions.create
        params = self._request_params(messages, kwargs)

        async def gen() -> AsyncGenerator[ChatResponse, None]:
            accumulator = StreamAccumulator()
            stream = (await create(stream=True, **params)).wire_dicts()
            async with stream:
                async for chunk in stream:
                    yield accumulator.add(chunk)

        return gen()

    @llm_chat_callback()
    def chat(self, messages: Sequence[ChatMessage], **kwargs: Any) -> ChatResponse:
        return self._chat(messages, **kwargs)

    @llm_chat_callback()
    def stream_chat(self, messages: Sequence[ChatMessage], **kwargs: Any) -> ChatResponseGen:
        return self._stream_chat(messages, **kwargs)

    @llm_chat_callback()
    async def achat(self, messages: Sequence[ChatMessage], **kwargs: Any) -> ChatResponse:
        return await self._achat(messages, **kwargs)

    @llm_chat_callback()
    async def astream_chat(
        self, messages: Sequence[ChatMessage], **kwargs: Any
    ) -> ChatResponseAsyncGen:
        return await self._astream_chat(messages, **kwargs)

    # -- completion (a single user message over chat) -------------------------------------

    @llm_completion_callback()
    def complete(self, prompt: str, formatted: bool = False, **kwargs: Any) -> CompletionResponse:
        return chat_to_completion_decorator(self._chat)(prompt, **kwargs)

    @llm_completion_callback()
    def stream_complete(
        self, prompt: str, formatted: bool = False, **kwargs: Any
    ) -> CompletionResponseGen:
        return stream_chat_to_completion_decorator(self._stream_chat)(prompt, **kwargs)

    @llm_completion_callback()
    async def acomplete(
        self, prompt: str, formatted: bool = False, **kwargs: Any
    ) -> CompletionResponse:
        return await achat_to_completion_decorator(self._achat)(prompt, **kwargs)

    @llm_completion_callback()
    async def astream_complete(
        self, prompt: str, formatted: bool = False, **kwargs: Any
    ) -> CompletionResponseAsyncGen:
        return await astream_chat_to_completion_decorator(self._astream_chat)(prompt, **kwargs)

    # -- tools --------------------------------------------------------------------------

    def _prepare_chat_with_tools(
        self,
        tools: Sequence[BaseTool],
        user_msg: str | ChatMessage | None = None,
        chat_history: list[ChatMessage] | None = None,
        verbose: bool = False,
        allow_parallel_tool_calls: bool = False,
        tool_required: bool = False,
        tool_choice: str | dict[str, Any] | None = None,
        strict: bool | None = None,
        **kwargs: Any,
    ) -> dict[str, Any]:
        """Chat kwargs with tools: schemas (strict if asked), tool_choice and parallel_tool_calls."""
        use_strict = self.strict if strict is None else strict
        tool_specs = [to_wire_tool(tool, strict=use_strict) for tool in tools]
        messages = list(chat_history or [])
        if isinstance(user_msg, str):
            user_msg = ChatMessage(role=MessageRole.USER, content=user_msg)
        if user_msg is not None:
            messages.append(user_msg)
        params: dict[str, Any] = {"messages": messages, **kwargs}
        if tool_specs:
            params["tools"] = tool_specs
            params["tool_choice"] = resolve_tool_choice(tool_choice, tool_required)
            params["parallel_tool_calls"] = allow_parallel_tool_calls
        return params

    def _validate_chat_with_tools_response(
        self,
        response: ChatResponse,
        tools: Sequence[BaseTool],
        allow_parallel_tool_calls: bool = False,
        **kwargs: Any,
    ) -> ChatResponse:
        """Keep only the first tool call when parallel calls were not allowed."""
        if not allow_parallel_tool_calls:
            calls = [b for b in response.message.blocks if isinstance(b, ToolCallBlock)]
            if len(calls) > 1:
                first = calls[0]
                response.message.blocks = [
                    b
                    for b in response.message.blocks
                    if not isinstance(b, ToolCallBlock) or b is first
                ]
                if "tool_calls" in response.message.additional_kwargs:
                    response.message.additional_kwargs["tool_calls"] = (
                        response.message.additional_kwargs["tool_calls"][:1]
                    )
        return response

    def get_tool_calls_from_response(
        self,
        response: ChatResponse,
        error_on_no_tool_call: bool = True,
        **kwargs: Any,
    ) -> list[ToolSelection]:
        """The tool calls in a response as ToolSelections (partial JSON arguments tolerated)."""
        calls = [b for b in response.message.blocks if isinstance(b, ToolCallBlock)]
        if not calls:
            if error_on_no_tool_call:
                raise ValueError("Expected at least one tool call, but got 0 tool calls.")
            return []
        return [
            ToolSelection(
                tool_id=call.tool_call_id or "",
                tool_name=call.tool_name,
                tool_kwargs=_tool_kwargs_dict(call.tool_kwargs),
            )
            for call in calls
        ]

    # -- structured output --------------------------------------------------------------

    def _use_json_schema(self) -> bool:
        """json_schema structured outputs when the model supports them and no mode was forced."""
        if self.pydantic_program_mode != PydanticProgramMode.DEFAULT:
            return False
        return self.get_model_info().supports_json_schema

    async def _ause_json_schema(self) -> bool:
        if self.pydantic_program_mode != PydanticProgramMode.DEFAULT:
            return False
        return (await self.aget_model_info()).supports_json_schema

    @staticmethod
    def _json_schema_kwargs(
        llm_kwargs: dict[str, Any] | None, output_cls: type[Model]
    ) -> dict[str, Any]:
        kwargs = dict(llm_kwargs or {})
        kwargs.pop("tool_choice", None)
        kwargs["response_format"] = json_schema_response_format(output_cls)
        return kwargs

    @staticmethod
    def _parse_structured(output_cls: type[Model], text: str | None) -> Model:
        from llama_index.core.output_parsers.pydantic import PydanticOutputParser

        return cast(Model, PydanticOutputParser(output_cls=output_cls).parse(text or ""))

    @staticmethod
    def _with_required_tool(llm_kwargs: dict[str, Any] | None) -> dict[str, Any]:
        kwargs = dict(llm_kwargs or {})
        kwargs.setdefault("tool_choice", "required")
        return kwargs

    @dispatcher.span
    def structured_predict(
        self,
        output_cls: type[Model],
        prompt: PromptTemplate,
        llm_kwargs: dict[str, Any] | None = None,
        **prompt_args: Any,
    ) -> Model:
        """Structured output via json_schema when supported, else a forced tool call."""
        if self._use_json_schema():
            dispatcher.event(
                LLMStructuredPredictStartEvent(
                    output_cls=output_cls, template=prompt, template_args=prompt_args
                )
            )
            messages = self._extend_messages(prompt.format_messages(**prompt_args))
            response = self.chat(messages, **self._json_schema_kwargs(llm_kwargs, output_cls))
            result = self._parse_structured(output_cls, response.message.content)
            dispatcher.event(LLMStructuredPredictEndEvent(output=result))
            return result
        result = super().structured_predict(
            output_cls, prompt, llm_kwargs=self._with_required_tool(llm_kwargs), **prompt_args
        )
        return cast(Model, result)

    @dispatcher.span
    async def astructured_predict(
        self,
        output_cls: type[Model],
        prompt: PromptTemplate,
        llm_kwargs: dict[str, Any] | None = None,
        **prompt_args: Any,
    ) -> Model:
        """Async :meth:`structured_predict`."""
        if await self._ause_json_schema():
            dispatcher.event(
                LLMStructuredPredictStartEvent(
                    output_cls=output_cls, template=prompt, template_args=prompt_args
                )
            )
            messages = self._extend_messages(prompt.format_messages(**prompt_args))
            response = await self.achat(
                messages, **self._json_schema_kwargs(llm_kwargs, output_cls)
            )
            result = self._parse_structured(output_cls, response.message.content)
            dispatcher.event(LLMStructuredPredictEndEvent(output=result))
            return result
        result = await super().astructured_predict(
            output_cls, prompt, llm_kwargs=self._with_required_tool(llm_kwargs), **prompt_args
        )
        return cast(Model, result)

    def _structured_stream_call(
        self,
        output_cls: type[Model],
        prompt: PromptTemplate,
        llm_kwargs: dict[str, Any] | None = None,
        **prompt_args: Any,
    ) -> Generator[Any, None, None]:
        if not self._use_json_schema():
            yield from super()._structured_stream_call(
                output_cls, prompt, self._with_required_tool(llm_kwargs), **prompt_args
            )
            return
        from llama_index.core.program.streaming_utils import process_streaming_content_incremental

        messages = self._extend_messages(prompt.format_messages(**prompt_args))
        current = None
        for response in self.stream_chat(
            messages, **self._json_schema_kwargs(llm_kwargs, output_cls)
        ):
            current = process_streaming_content_incremental(response, output_cls, current)
            yield current

    async def _structured_astream_call(
        self,
        output_cls: type[Model],
        prompt: PromptTemplate,
        llm_kwargs: dict[str, Any] | None = None,
        **prompt_args: Any,
    ) -> AsyncGenerator[Any, None]:
        if not await self._ause_json_schema():
            return await super()._structured_astream_call(
                output_cls, prompt, self._with_required_tool(llm_kwargs), **prompt_args
            )
        from llama_index.core.program.streaming_utils import process_streaming_content_incremental

        messages = self._extend_messages(prompt.format_messages(**prompt_args))
        kwargs = self._json_schema_kwargs(llm_kwargs, output_cls)

        async def gen() -> AsyncGenerator[Any, None]:
            current = None
            async for response in await self.astream_chat(messages, **kwargs):
                current = process_streaming_content_incremental(response, output_cls, current)
                yield current

        return gen()


def _tool_kwargs_dict(tool_kwargs: Any) -> dict[str, Any]:
    """Tool arguments as a dict; partial JSON (mid-stream) yields what parses, garbage yields {}."""
    if isinstance(tool_kwargs, dict):
        return tool_kwargs
    if not tool_kwargs:
        return {}
    from llama_index.core.llms.utils import parse_partial_json

    try:
        parsed = parse_partial_json(tool_kwargs)
    except (ValueError, TypeError):
        return {}
    return parsed if isinstance(parsed, dict) else {}
