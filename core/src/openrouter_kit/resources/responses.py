"""POST /responses (the OpenAI Responses API): `client.responses.create(...)`, streaming too."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, Literal, overload

from ._resource import OPTION_NAMES, RequestOptions, Resource, split_options

if TYPE_CHECKING:
    from typing_extensions import Unpack

    from .._streaming import Stream
    from ..types.common import ProviderPreferences
    from ..types.responses import Response, ResponseStreamEvent


class ResponseParams(RequestOptions, total=False):
    """Every body field of POST /responses besides `stream`."""

    model: str
    """Model id, e.g. 'openai/gpt-4o-mini'."""
    input: str | Sequence[Mapping[str, Any]]
    """A prompt string, or a list of input items (messages, function_call_output, ...)."""
    instructions: str
    """System instructions."""
    models: Sequence[str]
    """Fallback models, tried in order."""
    metadata: Mapping[str, str]
    """Up to 16 string pairs (keys <= 64 characters without brackets, values <= 512)."""
    tools: Sequence[Mapping[str, Any]]
    tool_choice: str | Mapping[str, Any]
    parallel_tool_calls: bool
    text: Mapping[str, Any]
    """Text output configuration: format (text, json_object, json_schema) and verbosity."""
    reasoning: Mapping[str, Any]
    """Reasoning config: effort, summary, max_tokens, enabled."""
    max_output_tokens: int
    temperature: float
    top_p: float
    top_k: int
    top_logprobs: int
    max_tool_calls: int
    presence_penalty: float
    frequency_penalty: float
    image_config: Mapping[str, Any]
    modalities: Sequence[str]
    """Output modalities: 'text', 'image'."""
    prompt_cache_key: str
    previous_response_id: str
    prompt: Mapping[str, Any]
    include: Sequence[str]
    background: bool
    safety_identifier: str
    store: bool
    service_tier: Literal["auto", "default", "flex", "priority", "scale"]
    truncation: Literal["auto", "disabled"]
    provider: ProviderPreferences | Mapping[str, Any]
    """Provider routing preferences."""
    plugins: Sequence[Mapping[str, Any]]
    route: Literal["fallback", "sort"]
    user: str
    """Your end user's id (at most 256 characters)."""
    session_id: str
    """Groups related requests for observability (at most 256 characters)."""
    trace: Mapping[str, Any]


RESPONSE_FIELDS = frozenset(ResponseParams.__annotations__) - OPTION_NAMES


class Responses(Resource):
    """The Responses API: one call, or a stream of typed events."""

    @overload
    def create(
        self, *, stream: Literal[False] = False, **params: Unpack[ResponseParams]
    ) -> Response: ...

    @overload
    def create(
        self, *, stream: Literal[True], **params: Unpack[ResponseParams]
    ) -> Stream[ResponseStreamEvent]: ...

    def create(
        self, *, stream: bool = False, **params: Unpack[ResponseParams]
    ) -> Response | Stream[ResponseStreamEvent]:
        """Create a response. With stream=True, iterate typed events (response.output_text.delta, ...).

        An `error` or `response.failed` event raises StreamError carrying what arrived before it.
        """
        body: dict[str, Any] = dict(params)
        options = split_options("responses.create", body, RESPONSE_FIELDS)
        if stream:
            body["stream"] = True
        return self._request(  # type: ignore[no-any-return]
            "responses.create", body=body, stream=stream, **options
        )
