"""POST /chat/completions: `client.chat.completions.create(...)`."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, Literal, Union, overload

from ._resource import RequestOptions, Resource, split_options

if TYPE_CHECKING:
    from pydantic import BaseModel
    from typing_extensions import Unpack

    from .._streaming import Stream
    from ..types.chat import ChatCompletion, ChatCompletionChunk
    from ..types.common import ProviderPreferences


class ChatParams(RequestOptions, total=False):
    """Every body field of POST /chat/completions, besides `messages` and `stream`."""

    model: str
    """Model id, e.g. 'openai/gpt-4o-mini'. Omit to use the account default."""
    models: Sequence[str]
    """Fallback models, tried in order when the first is unavailable."""
    provider: ProviderPreferences | Mapping[str, Any]
    """Provider routing preferences (order, only, ignore, zdr, data_collection, sort, max_price, ...)."""
    route: Literal["fallback", "sort"]
    """Deprecated routing alias; prefer provider.sort."""
    transforms: Sequence[str]
    """Prompt transforms such as 'middle-out'."""
    plugins: Sequence[Mapping[str, Any]]
    """Plugins such as web search or file parsing, with their settings."""
    reasoning: Mapping[str, Any]
    """Reasoning config: effort, max_tokens, exclude, enabled, summary."""
    usage: Mapping[str, Any]
    """Usage accounting options, e.g. {'include': True}."""
    session_id: str
    """Groups related requests for observability (at most 256 characters)."""
    trace: Mapping[str, Any]
    """Tracing metadata: trace_id, trace_name, span_name, generation_name, parent_span_id, ..."""
    user: str
    """Your end user's id (at most 256 characters)."""
    metadata: Mapping[str, str]
    """Up to 16 string pairs (keys <= 64, values <= 512 characters)."""
    temperature: float
    top_p: float
    top_k: int
    min_p: float
    top_a: float
    frequency_penalty: float
    presence_penalty: float
    repetition_penalty: float
    seed: int
    max_tokens: int
    max_completion_tokens: int
    stop: str | Sequence[str]
    logit_bias: Mapping[str, float]
    logprobs: bool
    top_logprobs: int
    response_format: Mapping[str, Any]
    """{'type': 'json_object'} or {'type': 'json_schema', 'json_schema': {...}}."""
    tools: Sequence[Mapping[str, Any]]
    tool_choice: str | Mapping[str, Any]
    parallel_tool_calls: bool
    prediction: Mapping[str, Any]
    modalities: Sequence[str]
    """Output modalities: 'text', 'image', 'audio'."""
    image_config: Mapping[str, Any]
    audio: Mapping[str, Any]
    cache_control: Mapping[str, Any]
    """Automatic prompt caching, e.g. {'type': 'ephemeral'}."""
    service_tier: Literal["auto", "default", "flex", "priority", "scale"]
    stream_options: Mapping[str, Any]
    debug: Mapping[str, Any]
    verbosity: str


CHAT_FIELDS = frozenset(ChatParams.__annotations__) - {
    "extra_headers",
    "extra_query",
    "extra_body",
    "timeout",
}

Message = Union[Mapping[str, Any], "BaseModel"]


class Completions(Resource):
    """Chat completions: one call, or a stream of chunks."""

    @overload
    def create(
        self,
        *,
        messages: Sequence[Message],
        stream: Literal[False] = False,
        **params: Unpack[ChatParams],
    ) -> ChatCompletion: ...

    @overload
    def create(
        self, *, messages: Sequence[Message], stream: Literal[True], **params: Unpack[ChatParams]
    ) -> Stream[ChatCompletionChunk]: ...

    def create(
        self, *, messages: Sequence[Message], stream: bool = False, **params: Unpack[ChatParams]
    ) -> ChatCompletion | Stream[ChatCompletionChunk]:
        """Create a chat completion. With stream=True, iterate the returned Stream for chunks.

        The final streamed chunk carries usage and cost (requested by default).
        """
        body: dict[str, Any] = dict(params)
        options = split_options("chat.completions.create", body, CHAT_FIELDS)
        body["messages"] = messages
        if stream:
            body["stream"] = True
            body.setdefault("stream_options", {"include_usage": True})
        return self._request(  # type: ignore[no-any-return]
            "chat.completions.create", body=body, stream=stream, **options
        )


class Chat(Resource):
    """The chat group: `chat.completions`."""

    __slots__ = ("completions",)

    def __init__(self, client: Any) -> None:
        super().__init__(client)
        self.completions = Completions(client)
