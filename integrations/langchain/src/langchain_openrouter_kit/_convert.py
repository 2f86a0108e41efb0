"""Pure conversions between LangChain message types and OpenRouter wire-shaped dicts.

Nothing here talks to the network or to the core client: inputs are LangChain objects or
plain dicts in the wire shape (what ``model.model_dump(exclude_none=True)`` of a core result
gives), outputs are wire dicts or LangChain objects. That keeps every rule testable alone.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, cast

from langchain_core.messages import (
    AIMessage,
    AIMessageChunk,
    BaseMessage,
    ChatMessage,
    FunctionMessage,
    HumanMessage,
    InvalidToolCall,
    SystemMessage,
    ToolCall,
    ToolCallChunk,
    ToolMessage,
)
from langchain_core.messages import content as types
from langchain_core.messages.ai import InputTokenDetails, OutputTokenDetails, UsageMetadata
from langchain_core.messages.tool import invalid_tool_call, tool_call, tool_call_chunk
from langchain_core.outputs import ChatGeneration, ChatGenerationChunk, ChatResult
from openrouter_kit.integration import prebuilt

MODEL_PROVIDER = "openrouter"
"""Value of ``response_metadata["model_provider"]``; selects our content-block translator."""

# Keys of a reasoning_details entry that identify it rather than carry streamed text. In a
# stream they are sent once per entry, so LangChain's chunk merging (which concatenates
# strings) does not turn "anthropic-claude-v1" into "anthropic-claude-v1anthropic-claude-v1".
_REASONING_IDENTITY_KEYS = ("format", "id")


# --------------------------------------------------------------------------------------
# LangChain -> wire (requests)
# --------------------------------------------------------------------------------------


def messages_to_wire(messages: Sequence[BaseMessage]) -> list[dict[str, Any]]:
    """Convert a LangChain conversation to the list of chat-completions message dicts."""
    return [message_to_wire(message) for message in messages]


def message_to_wire(message: BaseMessage) -> dict[str, Any]:
    """Convert one LangChain message to a chat-completions message dict."""
    wire: dict[str, Any]
    if isinstance(message, AIMessage):
        return _ai_message_to_wire(message)
    if isinstance(message, HumanMessage):
        wire = {"role": "user", "content": content_to_wire(message.content)}
    elif isinstance(message, SystemMessage):
        wire = {"role": "system", "content": content_to_wire(message.content)}
    elif isinstance(message, ToolMessage):
        wire = {
            "role": "tool",
            "tool_call_id": message.tool_call_id,
            "content": content_to_wire(message.content),
        }
    elif isinstance(message, ChatMessage):
        wire = {"role": message.role, "content": content_to_wire(message.content)}
    elif isinstance(message, FunctionMessage):
        wire = {"role": "function", "name": message.name, "content": message.text}
    else:
        msg = f"Cannot send a message of type {type(message).__name__} to OpenRouter."
        raise TypeError(msg)
    if message.name and wire["role"] in ("user", "system", "assistant"):
        wire["name"] = message.name
    return wire


def _ai_message_to_wire(message: AIMessage) -> dict[str, Any]:
    """Convert an assistant turn, keeping tool calls and reasoning_details for replay."""
    wire: dict[str, Any] = {"role": "assistant"}
    content = content_to_wire(message.content, assistant=True)
    tool_calls = [tool_call_to_wire(call) for call in message.tool_calls]
    tool_calls += [
        _invalid_tool_call_to_wire(call) for call in message.invalid_tool_calls if call.get("id")
    ]
    if tool_calls:
        wire["tool_calls"] = tool_calls
        # Several upstreams reject an empty text part next to tool calls; null is accepted.
        wire["content"] = content if content else None
    else:
        wire["content"] = content
    if message.name:
        wire["name"] = message.name
    extra = message.additional_kwargs
    details = (
        extra.get("reasoning_details")
        or _v1_reasoning_details(message.content)
        or _anthropic_thinking_details(message.content)
    )
    if details:
        # Replayed exactly (merged fragments, signatures and encrypted data intact): Gemini
        # thought signatures and Anthropic thinking signatures are rejected otherwise.
        wire["reasoning_details"] = merge_reasoning_details(details)
    elif extra.get("reasoning_content"):
        wire["reasoning"] = extra["reasoning_content"]
    return wire


def _v1_reasoning_details(content: str | list[Any]) -> list[dict[str, Any]]:
    """reasoning_details kept in v1 ``reasoning`` blocks (``extras.reasoning_detail``), for
    messages whose additional_kwargs were lost (e.g. stored as content blocks only)."""
    if isinstance(content, str):
        return []
    return [
        dict(block["extras"]["reasoning_detail"])
        for block in content
        if isinstance(block, Mapping)
        and block.get("type") == "reasoning"
        and isinstance(block.get("extras"), Mapping)
        and isinstance(block["extras"].get("reasoning_detail"), Mapping)
    ]


def _anthropic_thinking_details(content: str | list[Any]) -> list[dict[str, Any]]:
    """Anthropic ``thinking`` / ``redacted_thinking`` blocks (e.g. a history written by
    ChatAnthropic) as the reasoning_details OpenRouter replays to Claude, signature intact."""
    if isinstance(content, str):
        return []
    details: list[dict[str, Any]] = []
    for block in content:
        if not isinstance(block, Mapping):
            continue
        if block.get("type") == "thinking":
            detail = {"type": "reasoning.text", "text": block.get("thinking", "")}
            if block.get("signature"):
                detail["signature"] = block["signature"]
        elif block.get("type") == "redacted_thinking":
            detail = {"type": "reasoning.encrypted", "data": block.get("data", "")}
        else:
            continue
        detail["format"] = "anthropic-claude-v1"
        detail["index"] = len(details)
        details.append(detail)
    return details


def tool_call_to_wire(call: ToolCall) -> dict[str, Any]:
    """Convert a parsed LangChain tool call to the wire ``tool_calls`` item."""
    return {
        "id": call["id"],
        "type": "function",
        "function": {"name": call["name"], "arguments": json.dumps(call["args"])},
    }


def _invalid_tool_call_to_wire(call: InvalidToolCall) -> dict[str, Any]:
    """Send an unparseable tool call back as the model produced it."""
    return {
        "id": call["id"],
        "type": "function",
        "function": {"name": call.get("name") or "", "arguments": call.get("args") or ""},
    }


def content_to_wire(content: str | list[Any], *, assistant: bool = False) -> Any:
    """Convert message content (a string or content blocks) to wire content.

    Strings pass through. Text, image, file, audio and video blocks (LangChain v1 standard
    blocks, v0 ``source_type`` blocks and OpenAI-format blocks) become chat-completions parts;
    ``cache_control`` on a block is kept. For assistant turns only text is sent: reasoning
    and tool-call blocks travel in ``reasoning_details`` / ``tool_calls`` instead.
    """
    if isinstance(content, str):
        return content
    parts: list[dict[str, Any]] = []
    for block in content:
        if isinstance(block, str):
            parts.append({"type": "text", "text": block})
            continue
        if not isinstance(block, Mapping):
            msg = f"Unsupported content block: {block!r}"
            raise TypeError(msg)
        part = content_block_to_wire(block, assistant=assistant)
        if part is not None:
            parts.append(part)
    if assistant and not parts:
        return ""
    return parts


_ASSISTANT_SKIPPED_BLOCKS = frozenset(
    {
        "reasoning",
        "thinking",
        "redacted_thinking",
        "tool_call",
        "tool_call_chunk",
        "invalid_tool_call",
        "tool_use",
        "function_call",
        "server_tool_call",
        "server_tool_result",
    }
)


def content_block_to_wire(
    block: Mapping[str, Any], *, assistant: bool = False
) -> dict[str, Any] | None:
    """Convert one content block to a chat-completions content part (None to drop it)."""
    block_type = block.get("type")
    cache_control = block.get("cache_control") or (block.get("extras") or {}).get("cache_control")
    part: dict[str, Any] | None
    if block_type == "text":
        part = {"type": "text", "text": block.get("text", "")}
    elif assistant and block_type in _ASSISTANT_SKIPPED_BLOCKS:
        return None
    elif block_type == "image":
        part = _image_block_to_wire(block)
    elif block_type == "file" or (block_type == "document" and "source" in block):
        part = _file_block_to_wire(block)
    elif block_type == "audio":
        part = _audio_block_to_wire(block)
    elif block_type == "video":
        part = {"type": "video_url", "video_url": {"url": _url_or_data_uri(block, "video")}}
    elif block_type == "image_url" and isinstance(block.get("image_url"), str):
        part = {"type": "image_url", "image_url": {"url": block["image_url"]}}
    else:
        # Already wire-shaped (image_url, input_audio, file, video_url, ...) or a part type
        # OpenRouter adds later: pass it through untouched.
        return dict(block)
    if cache_control and part is not None:
        part["cache_control"] = cache_control
    return part


def _block_base64(block: Mapping[str, Any]) -> str | None:
    """Base64 data of a v1 (``base64``), v0 (``source_type``) or Anthropic (``source``) block."""
    if block.get("base64"):
        return cast("str", block["base64"])
    if block.get("source_type") == "base64":
        return cast("str", block.get("data"))
    source = block.get("source")
    if isinstance(source, Mapping) and source.get("type") == "base64":
        return cast("str", source.get("data"))
    return None


def _block_url(block: Mapping[str, Any]) -> str | None:
    if block.get("url"):
        return cast("str", block["url"])
    if block.get("source_type") == "url":
        return cast("str", block.get("url") or block.get("data"))
    source = block.get("source")
    if isinstance(source, Mapping) and source.get("type") == "url":
        return cast("str", source.get("url"))
    return None


def _block_mime_type(block: Mapping[str, Any]) -> str | None:
    source = block.get("source")
    if isinstance(source, Mapping) and source.get("media_type"):
        return cast("str", source["media_type"])
    return cast("str | None", block.get("mime_type"))


def _url_or_data_uri(block: Mapping[str, Any], kind: str) -> str:
    url = _block_url(block)
    if url:
        return url
    data = _block_base64(block)
    if data is None:
        msg = f"A {kind} block needs 'url' or 'base64' data; file ids are not supported by OpenRouter."
        raise ValueError(msg)
    mime_type = _block_mime_type(block)
    if not mime_type:
        msg = f"A base64 {kind} block needs 'mime_type'."
        raise ValueError(msg)
    return f"data:{mime_type};base64,{data}"


def _image_block_to_wire(block: Mapping[str, Any]) -> dict[str, Any]:
    image_url: dict[str, Any] = {"url": _url_or_data_uri(block, "image")}
    detail = block.get("detail") or (block.get("extras") or {}).get("detail")
    if detail:
        image_url["detail"] = detail
    return {"type": "image_url", "image_url": image_url}


def _file_block_to_wire(block: Mapping[str, Any]) -> dict[str, Any]:
    if isinstance(block.get("file"), Mapping):  # already the wire shape
        return dict(block)
    extras = block.get("extras") or block.get("metadata") or {}
    filename = block.get("filename") or extras.get("filename") or block.get("title") or "document"
    if block.get("mime_type") == "text/plain" and block.get("text") is not None:
        return {"type": "text", "text": block["text"]}
    return {
        "type": "file",
        "file": {"filename": filename, "file_data": _url_or_data_uri(block, "file")},
    }


def _audio_block_to_wire(block: Mapping[str, Any]) -> dict[str, Any]:
    data = _block_base64(block)
    if data is None:
        msg = "OpenRouter takes audio input as base64 only: give the audio block 'base64' data."
        raise ValueError(msg)
    mime_type = cast("str", block.get("mime_type") or "audio/wav")
    audio_format = mime_type.split("/")[-1]
    if audio_format in ("mpeg", "mp3"):
        audio_format = "mp3"
    elif audio_format in ("x-wav", "wave"):
        audio_format = "wav"
    return {"type": "input_audio", "input_audio": {"data": data, "format": audio_format}}


def tool_choice_to_wire(tool_choice: Any, tool_names: Sequence[str]) -> Any:
    """Map LangChain's tool_choice spellings to the chat-completions ``tool_choice``.

    "auto", "none" and "required" pass through; "any" means "required"; ``True`` forces the
    single bound tool (or any tool when several are bound); another string names a tool.
    ``None`` and ``False`` mean "not set".
    """
    if tool_choice is None or tool_choice is False:
        return None
    if tool_choice is True:
        if len(tool_names) == 1:
            return {"type": "function", "function": {"name": tool_names[0]}}
        return "required"
    if isinstance(tool_choice, str):
        if tool_choice in ("auto", "none", "required"):
            return tool_choice
        if tool_choice == "any":
            return "required"
        return {"type": "function", "function": {"name": tool_choice}}
    if isinstance(tool_choice, Mapping):
        return dict(tool_choice)
    msg = f"Unsupported tool_choice: {tool_choice!r}"
    raise ValueError(msg)


# --------------------------------------------------------------------------------------
# Reasoning details
# --------------------------------------------------------------------------------------


def merge_reasoning_details(details: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Merge streamed reasoning_details fragments into whole entries.

    Fragments with the same ``(type, index)`` are one entry: string fields that stream
    (text, summary, data, signature) are concatenated, the others keep their first non-null
    value. Entries without an index are kept as they are. Already-merged lists come back
    unchanged, so this is safe to apply before every send.
    """
    merged: list[dict[str, Any]] = []
    position: dict[tuple[Any, Any], int] = {}
    for detail in details:
        index = _wire_index(detail.get("index"))
        if index is None:
            merged.append(dict(detail))
            continue
        key = (detail.get("type"), index)
        at = position.get(key)
        if at is None:
            position[key] = len(merged)
            merged.append({**detail, "index": index})
            continue
        target = merged[at]
        for name, value in detail.items():
            if value is None:
                continue
            if name == "index":
                continue
            current = target.get(name)
            if current is None:
                target[name] = value
            elif name in ("text", "summary", "data", "signature") and isinstance(value, str):
                target[name] = current + value
    return merged


_COLLISION_PREFIX = "lc_rd_"


def _wire_index(index: Any) -> Any:
    """Undo :class:`ReasoningStreamState`'s collision index (``"lc_rd_<n>_<type>"`` -> n)."""
    if isinstance(index, str) and index.startswith(_COLLISION_PREFIX):
        number = index[len(_COLLISION_PREFIX) :].split("_", 1)[0]
        return int(number) if number.isdigit() else index
    return index


class ReasoningStreamState:
    """Prepare streamed reasoning_details fragments for LangChain's chunk merging.

    ``AIMessageChunk.__add__`` merges list items that share an ``index`` and concatenates
    their string fields. That is right for ``text``/``signature`` but wrong for identity
    fields such as ``format``, and it would fuse two entries of different types that share
    an index (OpenAI models send a ``reasoning.summary`` and a ``reasoning.encrypted`` both
    at index 0). This state drops the repeated identity fields after the first fragment of
    each entry, and gives an entry whose index another type already holds the index
    ``"lc_rd_<index>_<type>"`` (LangChain merges ``lc_``-prefixed indexes by equality and
    never concatenates them); :func:`merge_reasoning_details` restores the number before
    anything is sent, so ``sum(chunks)`` replays exactly what OpenRouter streamed.
    """

    __slots__ = ("_index_owner", "_seen")

    def __init__(self) -> None:
        self._seen: set[tuple[Any, Any]] = set()
        self._index_owner: dict[Any, Any] = {}

    def prepare(self, fragments: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
        """Return the fragments to put in this chunk's additional_kwargs."""
        prepared: list[dict[str, Any]] = []
        for fragment in fragments:
            item = dict(fragment)
            index = item.get("index")
            if index is None:
                prepared.append(item)
                continue
            kind = item.get("type")
            key = (kind, index)
            if self._index_owner.setdefault(index, kind) != kind:
                item["index"] = f"{_COLLISION_PREFIX}{index}_{kind}"
            if key in self._seen:
                for name in _REASONING_IDENTITY_KEYS:
                    item.pop(name, None)
            else:
                self._seen.add(key)
            prepared.append(item)
        return prepared


# --------------------------------------------------------------------------------------
# wire -> LangChain (responses)
# --------------------------------------------------------------------------------------


def usage_to_metadata(usage: Mapping[str, Any] | None) -> UsageMetadata | None:
    """Convert a wire ``usage`` object to LangChain ``UsageMetadata``.

    cache reads and cache writes go to ``input_token_details`` (cache_read and
    cache_creation), reasoning tokens to ``output_token_details``. Counts are ints.
    """
    if not usage:
        return None
    input_tokens = int(usage.get("prompt_tokens") or 0)
    output_tokens = int(usage.get("completion_tokens") or 0)
    total = usage.get("total_tokens")
    metadata: dict[str, Any] = {
        "input_tokens": input_tokens,
        "output_tokens": output_tokens,
        "total_tokens": int(total) if total is not None else input_tokens + output_tokens,
    }
    prompt_details = usage.get("prompt_tokens_details") or {}
    input_details: dict[str, int] = {}
    for wire_name, lc_name in (
        ("cached_tokens", "cache_read"),
        ("cache_write_tokens", "cache_creation"),
        ("audio_tokens", "audio"),
    ):
        value = prompt_details.get(wire_name)
        if value is not None:
            input_details[lc_name] = int(value)
    if input_details:
        metadata["input_token_details"] = cast("InputTokenDetails", input_details)
    completion_details = usage.get("completion_tokens_details") or {}
    output_details: dict[str, int] = {}
    for wire_name, lc_name in (("reasoning_tokens", "reasoning"), ("audio_tokens", "audio")):
        value = completion_details.get(wire_name)
        if value is not None:
            output_details[lc_name] = int(value)
    if output_details:
        metadata["output_token_details"] = cast("OutputTokenDetails", output_details)
    return cast("UsageMetadata", metadata)


_USAGE_METADATA_KEYS = ("cost", "cost_details", "is_byok", "server_tool_use_details")


def usage_response_metadata(usage: Mapping[str, Any] | None) -> dict[str, Any]:
    """Pick the billing fields of ``usage`` (cost, cost_details, is_byok, ...) for metadata."""
    if not usage:
        return {}
    return {key: usage[key] for key in _USAGE_METADATA_KEYS if usage.get(key) is not None}


def parse_tool_calls(
    raw_tool_calls: Iterable[Mapping[str, Any]],
) -> tuple[list[ToolCall], list[InvalidToolCall]]:
    """Parse wire tool calls; ones whose arguments are not a JSON object become invalid."""
    calls: list[ToolCall] = []
    invalid: list[InvalidToolCall] = []
    for raw in raw_tool_calls:
        function = raw.get("function") or {}
        name = function.get("name")
        arguments = function.get("arguments")
        call_id = raw.get("id")
        try:
            args = json.loads(arguments) if arguments else {}
            if not isinstance(args, dict):
                msg = "tool call arguments are not a JSON object"
                raise ValueError(msg)
        except ValueError as error:
            invalid.append(
                invalid_tool_call(
                    name=name,
                    args=arguments if isinstance(arguments, str) else json.dumps(arguments),
                    id=call_id,
                    error=f"Could not parse the tool call arguments as a JSON object: {error}",
                )
            )
            continue
        calls.append(tool_call(name=name or "", args=args, id=call_id))
    return calls, invalid


def _message_extras(message: Mapping[str, Any]) -> dict[str, Any]:
    """Collect the OpenRouter message fields LangChain has no slot for."""
    extra: dict[str, Any] = {}
    if message.get("reasoning"):
        extra["reasoning_content"] = message["reasoning"]
    for key in ("reasoning_details", "images", "annotations", "audio"):
        if message.get(key):
            extra[key] = message[key]
    if message.get("refusal"):
        extra["refusal"] = message["refusal"]
    return extra


def _response_metadata(completion: Mapping[str, Any], choice: Mapping[str, Any]) -> dict[str, Any]:
    metadata: dict[str, Any] = {"model_provider": MODEL_PROVIDER}
    for wire_name, lc_name in (
        ("model", "model_name"),
        ("provider", "provider"),
        ("id", "id"),
        ("created", "created"),
        ("system_fingerprint", "system_fingerprint"),
        ("service_tier", "service_tier"),
    ):
        if completion.get(wire_name) is not None:
            metadata[lc_name] = completion[wire_name]
    for key in ("finish_reason", "native_finish_reason", "logprobs"):
        if choice.get(key) is not None:
            metadata[key] = choice[key]
    metadata.update(usage_response_metadata(completion.get("usage")))
    return metadata


def completion_to_chat_result(completion: Mapping[str, Any]) -> ChatResult:
    """Convert a wire chat completion to a LangChain ``ChatResult``."""
    usage_metadata = usage_to_metadata(completion.get("usage"))
    generations: list[ChatGeneration] = []
    for choice in completion.get("choices") or []:
        message = choice.get("message") or {}
        tool_calls, invalid = parse_tool_calls(message.get("tool_calls") or [])
        ai_message = AIMessage(
            content=message.get("content") or "",
            additional_kwargs=_message_extras(message),
            tool_calls=tool_calls,
            invalid_tool_calls=invalid,
            response_metadata=_response_metadata(completion, choice),
            usage_metadata=usage_metadata,
            id=completion.get("id"),
        )
        generation_info = {
            key: choice[key]
            for key in ("finish_reason", "native_finish_reason", "logprobs")
            if choice.get(key) is not None
        }
        generations.append(ChatGeneration(message=ai_message, generation_info=generation_info))
    llm_output = {
        "model_name": completion.get("model"),
        "id": completion.get("id"),
        "provider": completion.get("provider"),
    }
    return ChatResult(generations=generations, llm_output=llm_output)


_TEXT_MESSAGE = prebuilt(AIMessageChunk(content="template", id="gen-template"))
_TEXT_GENERATION = prebuilt(
    ChatGenerationChunk(message=AIMessageChunk(content="template", id="gen-template"))
)


class ChunkConverter:
    """Turn one stream's wire chunks into ``ChatGenerationChunk``s, carrying stream state.

    Metadata that OpenRouter repeats on every chunk (model, provider, id, fingerprint) and
    a finish reason that arrives twice (once more with the usage chunk) are emitted once,
    because LangChain concatenates string metadata when it adds chunks together.
    """

    __slots__ = ("_finished", "_header_sent", "_reasoning", "_usage_sent")

    def __init__(self) -> None:
        self._header_sent = False
        self._finished = False
        self._usage_sent = False
        self._reasoning = ReasoningStreamState()

    def convert(self, chunk: Any) -> ChatGenerationChunk | None:
        """Convert one chunk (a wire dict, or a core chunk object); None if it carries nothing.

        This runs once per streamed token, so it reads the wire fields with plain dict
        lookups (a core object's fields are its ``__dict__``) and passes only the fields
        that are set.
        """
        chunk = _fields(chunk)
        metadata: dict[str, Any] = {}
        if not self._header_sent:
            self._header_sent = True
            metadata["model_provider"] = MODEL_PROVIDER
            for wire_name, lc_name in _HEADER_FIELDS:
                value = chunk.get(wire_name)
                if value is not None:
                    metadata[lc_name] = value
        content: str = ""
        extra: dict[str, Any] = {}
        tool_chunks: list[ToolCallChunk] = []
        generation_info: dict[str, Any] = {}
        choices = chunk.get("choices")
        if choices:
            choice = _fields(choices[0])
            delta = choice.get("delta")
            if delta is not None:
                delta = _fields(delta)
                content = delta.get("content") or ""
                if not _TEXT_DELTA.issuperset(delta):
                    self._delta_extras(delta, extra, tool_chunks)
            finish_reason = choice.get("finish_reason")
            if finish_reason is not None and not self._finished:
                self._finished = True
                metadata["finish_reason"] = generation_info["finish_reason"] = finish_reason
                native = choice.get("native_finish_reason")
                if native is not None:
                    metadata["native_finish_reason"] = native
                    generation_info["native_finish_reason"] = native
            logprobs = choice.get("logprobs")
            if logprobs:
                generation_info["logprobs"] = _mapping(logprobs)
        usage_metadata = None
        usage = chunk.get("usage")
        if usage and not self._usage_sent:
            self._usage_sent = True
            usage = _usage_mapping(usage)
            usage_metadata = usage_to_metadata(usage)
            metadata.update(usage_response_metadata(usage))
        if not (content or extra or tool_chunks or metadata or usage_metadata):
            return None
        if not (extra or tool_chunks or metadata or usage_metadata or generation_info):
            # Only text (most tokens): the objects validation would build, from templates.
            text: ChatGenerationChunk = _TEXT_GENERATION(
                message=_TEXT_MESSAGE(content=content, id=chunk.get("id")), text=content
            )
            return text
        # Only non-empty fields are passed: every keyword costs validation time per token.
        fields: dict[str, Any] = {"content": content, "id": chunk.get("id")}
        if extra:
            fields["additional_kwargs"] = extra
        if tool_chunks:
            fields["tool_call_chunks"] = tool_chunks
        if metadata:
            fields["response_metadata"] = metadata
        if usage_metadata:
            fields["usage_metadata"] = usage_metadata
        message = AIMessageChunk(**fields)
        if generation_info:
            return ChatGenerationChunk(message=message, generation_info=generation_info)
        return ChatGenerationChunk(message=message)

    def _delta_extras(
        self, delta: Mapping[str, Any], extra: dict[str, Any], tool_chunks: list[ToolCallChunk]
    ) -> None:
        """What a delta carries besides its text: reasoning, images, annotations, tool calls."""
        reasoning = delta.get("reasoning")
        if reasoning:
            extra["reasoning_content"] = reasoning
        details = delta.get("reasoning_details")
        if details:
            extra["reasoning_details"] = self._reasoning.prepare(
                _mapping(detail) for detail in details
            )
        for key in ("images", "annotations"):
            items = delta.get(key)
            if items:
                extra[key] = [_mapping(item) for item in items]
        refusal = delta.get("refusal")
        if refusal:
            extra["refusal"] = refusal
        for raw in delta.get("tool_calls") or ():
            raw = _fields(raw)
            function = raw.get("function")
            function = _fields(function) if function is not None else {}
            tool_chunks.append(
                tool_call_chunk(
                    name=function.get("name"),
                    args=function.get("arguments"),
                    id=raw.get("id"),
                    index=raw.get("index"),
                )
            )


_TEXT_DELTA = frozenset(("role", "content"))  # a delta with only these needs no more reading

_HEADER_FIELDS = (
    ("model", "model_name"),
    ("provider", "provider"),
    ("id", "id"),
    ("created", "created"),
    ("system_fingerprint", "system_fingerprint"),
    ("service_tier", "service_tier"),
)


def wire_field(obj: Any, name: str) -> Any:
    """Read a wire field from a dict or from a core response object (None when absent)."""
    if isinstance(obj, dict):
        return obj.get(name)
    return getattr(obj, name, None)


def _fields(obj: Any) -> Any:
    """A wire dict as it is; a core response object's declared fields, as a dict."""
    return obj if isinstance(obj, dict) else obj.__dict__


def _usage_mapping(usage: Any) -> Any:
    """Usage as the core's typed Usage dumps it (once per stream): its absent fields dropped."""
    if isinstance(usage, dict):
        from openrouter_kit.types import Usage

        try:
            usage = Usage.model_validate(usage)
        except ValueError:  # not the documented shape: hand it over as it came
            return usage
    return _mapping(usage)


def _mapping(obj: Any) -> Any:
    """A core response object as its wire dict (absent fields dropped); dicts pass through."""
    dump = getattr(obj, "model_dump", None)
    return dump(exclude_none=True) if dump is not None else obj


# --------------------------------------------------------------------------------------
# Standard content blocks (AIMessage.content_blocks)
# --------------------------------------------------------------------------------------


def _citations(annotations: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """``url_citation`` annotations as standard ``citation`` annotations."""
    citations: list[dict[str, Any]] = []
    for annotation in annotations:
        if annotation.get("type") != "url_citation":
            continue
        body = annotation.get("url_citation") or annotation
        citation: dict[str, Any] = {"type": "citation"}
        for wire_name, lc_name in (
            ("url", "url"),
            ("title", "title"),
            ("start_index", "start_index"),
            ("end_index", "end_index"),
            ("content", "cited_text"),
        ):
            if body.get(wire_name) is not None:
                citation[lc_name] = body[wire_name]
        citations.append(citation)
    return citations


def _image_output_block(image: Any) -> dict[str, Any] | None:
    """An ``images`` item (``{"image_url": {"url": ...}}``) as a standard image block."""
    url = (image.get("image_url") or {}).get("url") if isinstance(image, Mapping) else None
    if not isinstance(url, str):
        return None
    if url.startswith("data:") and ";base64," in url:
        header, data = url[5:].split(";base64,", 1)
        return {"type": "image", "base64": data, "mime_type": header or "image/png"}
    return {"type": "image", "url": url}


def _reasoning_blocks(message: AIMessage) -> list[dict[str, Any]]:
    """One reasoning block per merged reasoning_details entry (the entry kept in extras)."""
    details = message.additional_kwargs.get("reasoning_details")
    blocks: list[dict[str, Any]] = []
    if details:
        for detail in merge_reasoning_details(details):
            text = detail.get("text") or detail.get("summary")
            block: dict[str, Any] = {"type": "reasoning"}
            if text:
                block["reasoning"] = text
            block["extras"] = {"reasoning_detail": detail}
            blocks.append(block)
        return blocks
    reasoning = message.additional_kwargs.get("reasoning_content")
    if reasoning:
        blocks.append({"type": "reasoning", "reasoning": reasoning})
    return blocks


def _translate(message: AIMessage) -> list[dict[str, Any]]:
    """Derive standard content blocks: reasoning, text with citations, images, audio."""
    blocks = _reasoning_blocks(message)
    extra = message.additional_kwargs
    if isinstance(message.content, str):
        if message.content:
            text: dict[str, Any] = {"type": "text", "text": message.content}
            citations = _citations(extra.get("annotations") or [])
            if citations:
                text["annotations"] = citations
            blocks.append(text)
    else:
        for block in message.content:
            if isinstance(block, str):
                blocks.append({"type": "text", "text": block})
            elif block.get("type") != "reasoning":
                blocks.append(dict(block))
    for image in extra.get("images") or []:
        image_block = _image_output_block(image)
        if image_block is not None:
            blocks.append(image_block)
    audio = extra.get("audio")
    if isinstance(audio, Mapping) and audio.get("data"):
        audio_block: dict[str, Any] = {"type": "audio", "base64": audio["data"]}
        if audio.get("id"):
            audio_block["id"] = audio["id"]
        if audio.get("transcript"):
            audio_block["extras"] = {"transcript": audio["transcript"]}
        blocks.append(audio_block)
    if extra.get("refusal"):
        blocks.append({"type": "non_standard", "value": {"refusal": extra["refusal"]}})
    return blocks


def translate_content(message: AIMessage) -> list[types.ContentBlock]:
    """``content_blocks`` translator for complete messages from ChatOpenRouter."""
    blocks = _translate(message)
    for call in message.tool_calls:
        blocks.append(
            {"type": "tool_call", "id": call.get("id"), "name": call["name"], "args": call["args"]}
        )
    for bad in message.invalid_tool_calls:
        blocks.append({**bad, "type": "invalid_tool_call"})
    return cast("list[types.ContentBlock]", blocks)


def translate_content_chunk(message: AIMessageChunk) -> list[types.ContentBlock]:
    """``content_blocks`` translator for streamed chunks from ChatOpenRouter.

    Like LangChain's OpenAI translator: the last (aggregated) chunk shows parsed tool
    calls, earlier chunks show their raw tool-call fragments.
    """
    blocks = _translate(message)
    if message.chunk_position == "last":
        for call in message.tool_calls:
            blocks.append(
                {
                    "type": "tool_call",
                    "id": call.get("id"),
                    "name": call["name"],
                    "args": call["args"],
                }
            )
    else:
        for chunk in message.tool_call_chunks:
            tool_chunk: dict[str, Any] = {
                "type": "tool_call_chunk",
                "id": chunk.get("id"),
                "name": chunk.get("name"),
                "args": chunk.get("args"),
            }
            if chunk.get("index") is not None:
                tool_chunk["index"] = chunk["index"]
            blocks.append(tool_chunk)
    return cast("list[types.ContentBlock]", blocks)


def register_content_translator() -> None:
    """Register our translator so ``content_blocks`` understands OpenRouter messages."""
    from langchain_core.messages.block_translators import register_translator

    register_translator(MODEL_PROVIDER, translate_content, translate_content_chunk)


# Registered on import, so messages carrying model_provider="openrouter" translate even when
# only this module was imported (e.g. messages loaded from a checkpoint).
register_content_translator()
