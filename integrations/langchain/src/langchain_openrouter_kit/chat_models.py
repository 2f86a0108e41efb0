"""``ChatOpenRouter``: a LangChain chat model over the openrouter-kit core client.

It converts LangChain messages and tools to chat-completions params, calls the core client
(which owns HTTP, retries, SSE and errors), and converts the core's results back. No HTTP
request is built and no wire JSON is parsed here.
"""

from __future__ import annotations

import importlib
import warnings
from collections.abc import AsyncIterator, Callable, Iterator, Mapping, Sequence
from operator import itemgetter
from typing import Any, Literal, TypeAlias

from langchain_core.callbacks import AsyncCallbackManagerForLLMRun, CallbackManagerForLLMRun
from langchain_core.language_models import LangSmithParams, LanguageModelInput
from langchain_core.language_models.chat_models import (
    BaseChatModel,
    agenerate_from_stream,
    generate_from_stream,
)
from langchain_core.language_models.model_profile import ModelProfile
from langchain_core.messages import AIMessage, BaseMessage
from langchain_core.output_parsers import JsonOutputParser, PydanticOutputParser
from langchain_core.output_parsers.openai_tools import (
    JsonOutputKeyToolsParser,
    PydanticToolsParser,
)
from langchain_core.outputs import ChatGenerationChunk, ChatResult
from langchain_core.runnables import Runnable, RunnableMap, RunnablePassthrough
from langchain_core.tools import BaseTool
from langchain_core.utils import from_env
from langchain_core.utils.function_calling import (
    convert_to_openai_function,
    convert_to_openai_tool,
)
from langchain_core.utils.pydantic import is_basemodel_subclass
from openrouter_kit.integration import ROUTING_FIELDS
from pydantic import BaseModel, ConfigDict, Field, model_validator

from langchain_openrouter_kit._client import OpenRouterClientSettings, as_wire_dict
from langchain_openrouter_kit._convert import (
    ChunkConverter,
    completion_to_chat_result,
    messages_to_wire,
    tool_choice_to_wire,
)
from langchain_openrouter_kit._profile import LazyModelProfile
from langchain_openrouter_kit._types import ProviderPreferences
from langchain_openrouter_kit.errors import langchain_errors


def _allow_load_all() -> None:
    """List ChatOpenRouter among the classes ``load(..., allowed_objects="all")`` revives.

    langchain-core keeps that allowlist as a table of partner classes it knows; packages
    outside the monorepo have no public hook, so we add our own path to it. Only "all"
    (trusted partner integrations) is affected, never the "core" default.
    """
    try:
        lc_load = importlib.import_module("langchain_core.load.load")
        path = ("langchain_openrouter_kit", "chat_models", "ChatOpenRouter")
        lc_load.ALL_SERIALIZABLE_MAPPINGS.setdefault(path, path)
        cached = lc_load._default_class_paths_cache.get("all")
        if cached is not None:
            cached.add(path)
    except (ImportError, AttributeError):  # pragma: no cover - langchain-core internals moved
        pass


_allow_load_all()

StructuredOutputMethod: TypeAlias = Literal["function_calling", "json_schema", "json_mode"]

# Keywords of ``client.chat.completions.create`` per the core contract, used when the core
# does not publish its own table (``openrouter_kit.resources.chat.CHAT_FIELDS``).
_CONTRACT_CHAT_FIELDS = frozenset(
    {
        "model", "tools", "tool_choice", "parallel_tool_calls", "response_format", "reasoning",
        "provider", "models", "route", "transforms", "plugins", "session_id", "trace", "user",
        "usage", "temperature", "max_tokens", "max_completion_tokens", "stop", "seed", "top_p",
        "logprobs", "top_logprobs", "metadata", "modalities", "image_config", "cache_control",
        "service_tier", "stream_options", "debug",
    }
)  # fmt: skip
_CALL_KEYWORDS = frozenset(
    {"messages", "stream", "extra_body", "extra_headers", "extra_query", "timeout"}
)
_core_keywords_cache: list[frozenset[str]] = []


def _core_keywords() -> frozenset[str]:
    """Keyword names the core's chat ``create`` accepts; anything else goes into extra_body."""
    if not _core_keywords_cache:
        try:
            from openrouter_kit.resources.chat import CHAT_FIELDS

            fields = frozenset(CHAT_FIELDS)
        except ImportError:  # pragma: no cover - older core without the table
            fields = _CONTRACT_CHAT_FIELDS
        _core_keywords_cache.append(fields | _CALL_KEYWORDS)
    return _core_keywords_cache[0]


# Constructor fields sent as request params under the same name.
_REQUEST_FIELDS = (
    "temperature",
    "max_tokens",
    "top_p",
    "top_k",
    "min_p",
    "top_a",
    "frequency_penalty",
    "presence_penalty",
    "repetition_penalty",
    "seed",
    "logprobs",
    "top_logprobs",
    "logit_bias",
    "provider",
    *ROUTING_FIELDS,
    "cache_control",
    "modalities",
    "image_config",
    "verbosity",
)


class ChatOpenRouter(BaseChatModel, OpenRouterClientSettings):
    """OpenRouter chat model for LangChain, built on the openrouter-kit core client.

    Example:
        ```python
        from langchain_openrouter_kit import ChatOpenRouter

        llm = ChatOpenRouter(model="openai/gpt-4o-mini", provider={"sort": "price"})
        llm.invoke("Hello").response_metadata["cost"]
        ```
    """

    model_config = ConfigDict(populate_by_name=True, arbitrary_types_allowed=True)

    model: str = Field(alias="model_name")
    """OpenRouter model slug, e.g. ``"anthropic/claude-sonnet-4.5"``."""
    temperature: float | None = None
    max_tokens: int | None = Field(default=None, alias="max_completion_tokens")
    """Upper bound on generated tokens (sent as ``max_tokens``)."""
    top_p: float | None = None
    top_k: int | None = None
    min_p: float | None = None
    top_a: float | None = None
    frequency_penalty: float | None = None
    presence_penalty: float | None = None
    repetition_penalty: float | None = None
    seed: int | None = None
    stop: list[str] | None = Field(default=None, alias="stop_sequences")
    logprobs: bool | None = None
    top_logprobs: int | None = None
    logit_bias: dict[str, float] | None = None
    verbosity: str | None = None

    streaming: bool = False
    """Make ``invoke`` stream under the hood (callbacks see tokens as they arrive)."""
    stream_usage: bool = True
    """Ask for the final usage chunk when streaming (so streams carry usage and cost)."""

    reasoning: dict[str, Any] | None = None
    """OpenRouter ``reasoning`` config, e.g. ``{"effort": "high"}`` or ``{"max_tokens": 2000}``."""
    reasoning_effort: str | None = None
    """Shorthand for ``reasoning={"effort": ...}``."""

    provider: ProviderPreferences | None = Field(default=None, alias="openrouter_provider")
    """Provider routing preferences (order, only, ignore, sort, allow_fallbacks, zdr, ...)."""
    models: list[str] | None = None
    """Fallback models, tried in order when the primary fails."""
    route: str | None = None
    transforms: list[str] | None = None
    """Prompt transforms, e.g. ``["middle-out"]``."""
    plugins: list[dict[str, Any]] | None = None
    """Plugins, e.g. ``[{"id": "web"}]``."""
    session_id: str | None = Field(default_factory=from_env("OPENROUTER_SESSION_ID", default=None))
    """Groups related requests for OpenRouter observability (env: ``OPENROUTER_SESSION_ID``)."""
    trace: dict[str, Any] | None = None
    """Broadcast trace metadata."""
    user: str | None = None
    """Stable end-user identifier."""
    cache_control: dict[str, Any] | None = None
    """Top-level prompt-cache control (Anthropic automatic caching)."""
    modalities: list[str] | None = None
    """Output modalities, e.g. ``["image", "text"]`` for image generation."""
    image_config: dict[str, Any] | None = None

    model_kwargs: dict[str, Any] = Field(default_factory=dict)
    """Other request params; ones the core does not name go into ``extra_body``."""
    extra_body: dict[str, Any] | None = None
    """Raw JSON merged into the request body."""

    @model_validator(mode="before")
    @classmethod
    def _collect_model_kwargs(cls, values: Any) -> Any:
        """Move unknown constructor kwargs into ``model_kwargs`` (with a warning)."""
        if not isinstance(values, dict):
            return values
        known: set[str] = set()
        for name, field in cls.model_fields.items():
            known.add(name)
            if field.alias:
                known.add(field.alias)
        extra = {key: values[key] for key in list(values) if key not in known}
        if not extra:
            return values
        values = {key: value for key, value in values.items() if key not in extra}
        model_kwargs = dict(values.get("model_kwargs") or {})
        for key, value in extra.items():
            if key in model_kwargs:
                msg = f"{key!r} was given both directly and in model_kwargs."
                raise ValueError(msg)
            warnings.warn(
                f"{key!r} is not a ChatOpenRouter field; it is sent as a request param "
                "via model_kwargs.",
                UserWarning,
                stacklevel=4,
            )
            model_kwargs[key] = value
        values["model_kwargs"] = model_kwargs
        return values

    @model_validator(mode="after")
    def _arm_lazy_profile(self) -> ChatOpenRouter:
        """Let the profile load on first read, now that construction is over."""
        if isinstance(self.profile, LazyModelProfile):
            self.profile.arm()
        return self

    # ---- LangChain plumbing -----------------------------------------------------------

    @property
    def _llm_type(self) -> str:
        return "openrouter-chat"

    @classmethod
    def is_lc_serializable(cls) -> bool:
        return True

    @classmethod
    def get_lc_namespace(cls) -> list[str]:
        return ["langchain_openrouter_kit", "chat_models"]

    @property
    def lc_secrets(self) -> dict[str, str]:
        return {"api_key": "OPENROUTER_API_KEY", "openrouter_api_key": "OPENROUTER_API_KEY"}

    @property
    def _identifying_params(self) -> dict[str, Any]:
        params = {"model": self.model, "base_url": self.base_url}
        params.update(self._default_params)
        return params

    def _get_ls_params(self, stop: list[str] | None = None, **kwargs: Any) -> LangSmithParams:
        params = LangSmithParams(
            ls_provider="openrouter",
            ls_model_name=kwargs.get("model") or self.model,
            ls_model_type="chat",
        )
        temperature = kwargs.get("temperature", self.temperature)
        if temperature is not None:
            params["ls_temperature"] = temperature
        max_tokens = kwargs.get("max_tokens", self.max_tokens)
        if max_tokens is not None:
            params["ls_max_tokens"] = max_tokens
        stop = stop or kwargs.get("stop") or self.stop
        if stop:
            params["ls_stop"] = stop
        return params

    def _resolve_model_profile(self) -> ModelProfile | None:
        # Loaded from GET /models through the core on first read, never at construction.
        return LazyModelProfile(self)  # type: ignore[return-value]

    # ---- request building -------------------------------------------------------------

    @property
    def _default_params(self) -> dict[str, Any]:
        """Request params from the constructor fields (None means "not set")."""
        params: dict[str, Any] = {}
        for name in _REQUEST_FIELDS:
            value = getattr(self, name)
            if value is not None:
                params[name] = value
        if self.stop:
            params["stop"] = self.stop
        reasoning = dict(self.reasoning) if self.reasoning else {}
        if self.reasoning_effort and "effort" not in reasoning:
            reasoning["effort"] = self.reasoning_effort
        if reasoning:
            params["reasoning"] = reasoning
        params.update(self.model_kwargs)
        return params

    def _request_params(
        self,
        messages: Sequence[BaseMessage],
        stop: list[str] | None,
        call_kwargs: dict[str, Any],
        *,
        stream: bool,
    ) -> dict[str, Any]:
        """Merge fields, per-call kwargs and messages into the core ``create`` kwargs.

        Per-call kwargs win (including ``model=``); params the core does not name are moved
        into ``extra_body`` so OpenRouter features newer than the core still work.
        """
        call_kwargs = dict(call_kwargs)
        call_kwargs.pop("ls_structured_output_format", None)
        call_kwargs.pop("stream", None)
        stream_usage = call_kwargs.pop("stream_usage", self.stream_usage)
        params = self._default_params
        extra_body = dict(self.extra_body or {})
        extra_body.update(call_kwargs.pop("extra_body", None) or {})
        params.update(call_kwargs)
        if stop is not None:
            params["stop"] = stop
        params["model"] = params.get("model") or self.model
        params["messages"] = messages_to_wire(messages)
        if stream:
            params["stream"] = True
            if not stream_usage:
                params.setdefault("stream_options", {"include_usage": False})
        keywords = _core_keywords()
        for key in [key for key in params if key not in keywords]:
            extra_body[key] = params.pop(key)
        if extra_body:
            params["extra_body"] = extra_body
        return params

    # ---- calls --------------------------------------------------------------------------

    def _generate(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> ChatResult:
        if self.streaming:
            return generate_from_stream(self._stream(messages, stop, run_manager, **kwargs))
        create = self._get_client().chat.completions.create
        with langchain_errors():
            completion = create(**self._request_params(messages, stop, kwargs, stream=False))
        return completion_to_chat_result(as_wire_dict(completion))

    async def _agenerate(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: AsyncCallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> ChatResult:
        if self.streaming:
            return await agenerate_from_stream(self._astream(messages, stop, run_manager, **kwargs))
        create = self._get_async_client().chat.completions.create
        with langchain_errors():
            completion = await create(**self._request_params(messages, stop, kwargs, stream=False))
        return completion_to_chat_result(as_wire_dict(completion))

    def _stream(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> Iterator[ChatGenerationChunk]:
        create = self._get_client().chat.completions.create
        with langchain_errors():
            stream = create(
                **self._request_params(messages, stop, kwargs, stream=True)
            ).wire_dicts()
            converter = ChunkConverter()
            with stream:
                for wire_chunk in stream:
                    chunk = converter.convert(wire_chunk)
                    if chunk is None:
                        continue
                    if run_manager and chunk.text:
                        run_manager.on_llm_new_token(chunk.text, chunk=chunk)
                    yield chunk

    async def _astream(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: AsyncCallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> AsyncIterator[ChatGenerationChunk]:
        create = self._get_async_client().chat.completions.create
        with langchain_errors():
            stream = (
                await create(**self._request_params(messages, stop, kwargs, stream=True))
            ).wire_dicts()
            converter = ChunkConverter()
            async with stream:
                async for wire_chunk in stream:
                    chunk = converter.convert(wire_chunk)
                    if chunk is None:
                        continue
                    if run_manager and chunk.text:
                        await run_manager.on_llm_new_token(chunk.text, chunk=chunk)
                    yield chunk

    # ---- tools and structured output ----------------------------------------------------

    def bind_tools(
        self,
        tools: Sequence[dict[str, Any] | type | Callable[..., Any] | BaseTool],
        *,
        tool_choice: dict[str, Any] | str | bool | None = None,
        strict: bool | None = None,
        parallel_tool_calls: bool | None = None,
        **kwargs: Any,
    ) -> Runnable[LanguageModelInput, AIMessage]:
        """Bind tools (any LangChain tool form) with an optional ``tool_choice``.

        ``tool_choice`` takes "auto", "none", "required", "any" (= required), a tool name,
        ``True`` (force the single bound tool) or a wire dict. ``strict`` asks for strict
        JSON-schema arguments; ``parallel_tool_calls=False`` asks for one call per turn.
        """
        formatted = [convert_to_openai_tool(tool, strict=strict) for tool in tools]
        names = [tool["function"]["name"] for tool in formatted if "function" in tool]
        if formatted:
            kwargs["tools"] = formatted
        choice = tool_choice_to_wire(tool_choice, names)
        if choice is not None:
            kwargs["tool_choice"] = choice
        if parallel_tool_calls is not None:
            kwargs["parallel_tool_calls"] = parallel_tool_calls
        return super().bind(**kwargs)

    def with_structured_output(
        self,
        schema: dict[str, Any] | type | None = None,
        *,
        method: StructuredOutputMethod = "function_calling",
        include_raw: bool = False,
        strict: bool | None = None,
        **kwargs: Any,
    ) -> Runnable[LanguageModelInput, dict[str, Any] | BaseModel]:
        """Return a runnable whose output follows ``schema``.

        Methods: ``"function_calling"`` (a forced tool call), ``"json_schema"``
        (``response_format`` with an optional ``strict``) and ``"json_mode"`` (JSON object
        output; describe the shape in the prompt). ``include_raw=True`` returns
        ``{"raw", "parsed", "parsing_error"}`` instead of raising on a parse failure.
        """
        if kwargs:
            msg = f"Received unsupported arguments {kwargs}"
            raise ValueError(msg)
        is_pydantic = isinstance(schema, type) and is_basemodel_subclass(schema)
        ls_format = {"kwargs": {"method": method, "strict": strict}, "schema": schema}
        llm: Runnable[LanguageModelInput, Any]
        parser: Runnable[Any, Any]
        if method == "function_calling":
            if schema is None:
                msg = "schema must be given for method='function_calling'."
                raise ValueError(msg)
            tool_name = convert_to_openai_tool(schema)["function"]["name"]
            llm = self.bind_tools(
                [schema],
                tool_choice=tool_name,
                strict=strict,
                parallel_tool_calls=False,
                ls_structured_output_format=ls_format,
            )
            if is_pydantic:
                parser = PydanticToolsParser(tools=[schema], first_tool_only=True)
            else:
                parser = JsonOutputKeyToolsParser(key_name=tool_name, first_tool_only=True)
        elif method == "json_schema":
            if schema is None:
                msg = "schema must be given for method='json_schema'."
                raise ValueError(msg)
            # Same conversion as tools: with strict=True it closes every object
            # (additionalProperties false) as strict JSON-schema providers require.
            function = convert_to_openai_function(schema, strict=strict)
            response_format: dict[str, Any] = {
                "type": "json_schema",
                "json_schema": {"name": function["name"], "schema": function["parameters"]},
            }
            if strict is not None:
                response_format["json_schema"]["strict"] = strict
            if function.get("description"):
                response_format["json_schema"]["description"] = function["description"]
            llm = self.bind(response_format=response_format, ls_structured_output_format=ls_format)
            parser = _json_parser(schema, is_pydantic)
        elif method == "json_mode":
            llm = self.bind(
                response_format={"type": "json_object"}, ls_structured_output_format=ls_format
            )
            parser = _json_parser(schema, is_pydantic)
        else:
            msg = (
                f"Unknown structured output method {method!r}: use 'function_calling', "
                "'json_schema' or 'json_mode'."
            )
            raise ValueError(msg)
        if not include_raw:
            return llm | parser
        parse_or_none = RunnablePassthrough.assign(
            parsed=itemgetter("raw") | parser, parsing_error=lambda _: None
        ).with_fallbacks(
            [RunnablePassthrough.assign(parsed=lambda _: None)], exception_key="parsing_error"
        )
        return RunnableMap(raw=llm) | parse_or_none

    # ---- token counting ----------------------------------------------------------------

    def get_num_tokens(self, text: str) -> int:
        """Approximate token count (about 4 characters a token) unless
        ``custom_get_token_ids`` is set.

        OpenRouter models use many tokenizers, and LangChain's default needs ``transformers``
        and a download; the exact count of a call is in ``usage_metadata`` afterwards.
        """
        if self.custom_get_token_ids is not None:
            return len(self.custom_get_token_ids(text))
        return -(-len(text) // 4)

    def get_num_tokens_from_messages(
        self, messages: list[BaseMessage], tools: Sequence[Any] | None = None
    ) -> int:
        """Approximate token count of a conversation (``count_tokens_approximately``)."""
        if self.custom_get_token_ids is not None:
            return super().get_num_tokens_from_messages(messages, tools)
        from langchain_core.messages.utils import count_tokens_approximately

        return count_tokens_approximately(messages, tools=list(tools) if tools else None)

    # ---- profile ------------------------------------------------------------------------

    def _fetch_model_entry(self) -> Mapping[str, Any] | None:
        """This model's GET /models entry via the core (cached per base URL)."""
        from langchain_openrouter_kit._profile import model_entry

        return model_entry(self._get_client(), self.base_url, self.model)

    async def _afetch_model_entry(self) -> Mapping[str, Any] | None:
        from langchain_openrouter_kit._profile import amodel_entry

        return await amodel_entry(self._get_async_client(), self.base_url, self.model)

    async def aload_profile(self) -> ModelProfile | None:
        """Fetch ``profile`` from GET /models without blocking the event loop, and return it.

        Reading ``profile`` in sync code loads it on demand; in async code call this first.
        """
        if isinstance(self.profile, LazyModelProfile):
            await self.profile.aload()
        return self.profile


def _json_parser(schema: Any, is_pydantic: bool) -> Runnable[Any, Any]:
    if is_pydantic:
        return PydanticOutputParser(pydantic_object=schema)
    return JsonOutputParser()
