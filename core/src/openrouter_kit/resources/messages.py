"""POST /messages (the Anthropic Messages format): `client.messages.create(...)`, streaming too."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, Literal, overload

from ..errors import InvalidRequestError
from ._resource import OPTION_NAMES, RequestOptions, Resource, split_options

if TYPE_CHECKING:
    from typing_extensions import Unpack

    from .._streaming import Stream
    from ..types.common import ProviderPreferences
    from ..types.messages import Message, MessageStreamEvent


class MessageParams(RequestOptions, total=False):
    """Body fields of POST /messages besides `model`, `messages` and `stream`."""

    max_tokens: int
    """The most tokens to generate."""
    system: str | Sequence[Mapping[str, Any]]
    """System prompt: a string or a list of text blocks."""
    metadata: Mapping[str, Any]
    """{'user_id': ...}."""
    stop_sequences: Sequence[str]
    temperature: float
    top_p: float
    top_k: int
    tools: Sequence[Mapping[str, Any]]
    """Anthropic tools: name, description, input_schema."""
    tool_choice: Mapping[str, Any]
    thinking: Mapping[str, Any]
    """Extended thinking, e.g. {'type': 'enabled', 'budget_tokens': 1024}."""
    service_tier: Literal["auto", "standard_only"]
    output_config: Mapping[str, Any]
    cache_control: Mapping[str, Any]
    context_management: Mapping[str, Any]
    provider: ProviderPreferences | Mapping[str, Any]
    plugins: Sequence[Mapping[str, Any]]
    route: Literal["fallback", "sort"]
    user: str
    session_id: str
    trace: Mapping[str, Any]
    models: Sequence[str]
    speed: Literal["fast", "standard"]


MESSAGE_FIELDS = frozenset(MessageParams.__annotations__) - OPTION_NAMES


def _check_messages(messages: Any) -> None:
    """A non-empty list of {role: 'user' | 'assistant', content: ...} turns (Anthropic's rule)."""
    if isinstance(messages, (str, bytes)) or not isinstance(messages, Sequence) or not messages:
        raise InvalidRequestError("messages", "expected a non-empty list of messages")
    for i, message in enumerate(messages):
        if hasattr(message, "model_dump"):
            continue
        if not isinstance(message, Mapping):
            raise InvalidRequestError(
                f"messages[{i}]", f"expected an object, got {type(message).__name__}"
            )
        if message.get("role") not in ("user", "assistant"):
            raise InvalidRequestError(
                f"messages[{i}].role",
                f"expected 'user' or 'assistant' (put system prompts in system=...), got {message.get('role')!r}",
            )
        if "content" not in message:
            raise InvalidRequestError(f"messages[{i}].content", "is required")


class Messages(Resource):
    """The Anthropic-compatible Messages API: one call, or a stream of typed events."""

    @overload
    def create(
        self,
        *,
        model: str,
        messages: Sequence[Mapping[str, Any]],
        stream: Literal[False] = False,
        **params: Unpack[MessageParams],
    ) -> Message: ...

    @overload
    def create(
        self,
        *,
        model: str,
        messages: Sequence[Mapping[str, Any]],
        stream: Literal[True],
        **params: Unpack[MessageParams],
    ) -> Stream[MessageStreamEvent]: ...

    def create(
        self,
        *,
        model: str,
        messages: Sequence[Mapping[str, Any]],
        stream: bool = False,
        **params: Unpack[MessageParams],
    ) -> Message | Stream[MessageStreamEvent]:
        """Create a message. With stream=True, iterate message_start, content_block_delta, ... events.

        An `error` event raises StreamError carrying what arrived before it.
        """
        body: dict[str, Any] = dict(params)
        options = split_options("messages.create", body, MESSAGE_FIELDS)
        _check_messages(messages)
        body["model"] = model
        body["messages"] = messages
        if stream:
            body["stream"] = True
        return self._request(  # type: ignore[no-any-return]
            "messages.create", body=body, stream=stream, **options
        )
