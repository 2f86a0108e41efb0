"""Pure conversions between LlamaIndex chat types and openrouter-kit params/results.

Nothing here sends a request: inputs are LlamaIndex objects, the core's pydantic results
(whose field names are the wire names) or, for streamed chunks, their wire dicts; outputs
are the dicts the core's ``create()`` accepts or LlamaIndex responses. Keeping them pure
makes them cheap to unit-test and shared by the sync and async paths.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from llama_index.core.base.llms.types import (
    AudioBlock,
    CachePoint,
    ChatMessage,
    ChatResponse,
    CitableBlock,
    CitationBlock,
    DocumentBlock,
    ImageBlock,
    LogProb,
    MessageRole,
    TextBlock,
    ThinkingBlock,
    ToolCallBlock,
    VideoBlock,
)

from openrouter_kit.integration import prebuilt, slot_setters

if TYPE_CHECKING:
    from llama_index.core.tools.types import BaseTool

WireMessage = dict[str, Any]

# Roles LlamaIndex knows that OpenRouter does not: map each to the nearest wire role.
_ROLE_TO_WIRE: dict[str, str] = {
    MessageRole.SYSTEM.value: "system",
    MessageRole.DEVELOPER.value: "developer",
    MessageRole.USER.value: "user",
    MessageRole.ASSISTANT.value: "assistant",
    MessageRole.TOOL.value: "tool",
    MessageRole.FUNCTION.value: "tool",
    MessageRole.CHATBOT.value: "assistant",
    MessageRole.MODEL.value: "assistant",
}

REASONING_DETAILS_KEY = "reasoning_details"
"""Key under which reasoning_details live in ChatMessage.additional_kwargs (sent back as is)."""


# --------------------------------------------------------------------------------------
# LlamaIndex -> wire
# --------------------------------------------------------------------------------------


def _dump(obj: Any) -> Any:
    """Return a plain dict for a pydantic model or mapping; other values unchanged."""
    if hasattr(obj, "model_dump"):
        return obj.model_dump(exclude_none=True)
    if isinstance(obj, Mapping):
        return dict(obj)
    return obj


def _image_part(block: ImageBlock) -> dict[str, Any]:
    """An ImageBlock as an ``image_url`` part; URLs pass through, bytes/paths become data URLs."""
    if block.url is not None and block.image is None:
        url = str(block.url)
    else:
        # ImageBlock guessed the mimetype from the bytes when it was built; fall back to PNG.
        data = block.resolve_image(as_base64=True).read().decode("ascii")
        url = f"data:{block.image_mimetype or 'image/png'};base64,{data}"
    image_url: dict[str, Any] = {"url": url}
    if block.detail:
        image_url["detail"] = block.detail
    return {"type": "image_url", "image_url": image_url}


def _audio_part(block: AudioBlock) -> dict[str, Any]:
    """An AudioBlock as an ``input_audio`` part (base64 data plus format, as OpenRouter expects)."""
    data = block.resolve_audio(as_base64=True).read().decode("ascii")
    return {"type": "input_audio", "input_audio": {"data": data, "format": block.format or "wav"}}


def _video_part(block: VideoBlock) -> dict[str, Any]:
    """A VideoBlock as a ``video_url`` part; URLs pass through, bytes become a data URL."""
    if block.url is not None and block.video is None:
        url = str(block.url)
    else:
        url = block.inline_url()
    return {"type": "video_url", "video_url": {"url": url}}


def _document_part(block: DocumentBlock) -> dict[str, Any]:
    """A DocumentBlock as a ``file`` part; a URL is passed for OpenRouter to fetch, else a data URL."""
    if block.url and block.data is None and block.path is None:
        file_data = str(block.url)
    else:
        if block.document_mimetype is None:
            block.document_mimetype = block._guess_mimetype() or "application/pdf"
        file_data = block.inline_url()
    # DocumentBlock defaults its title to "input_document"; a real file name is more useful.
    title = block.title if block.title and block.title != "input_document" else None
    source = block.path or block.url
    filename = title or (str(source).rsplit("/", 1)[-1] if source else None)
    return {
        "type": "file",
        "file": {"filename": filename or "document.pdf", "file_data": file_data},
    }


def _content_parts(blocks: Iterable[Any]) -> list[dict[str, Any]]:
    """Content blocks as wire content parts; thinking and tool-call blocks are handled elsewhere."""
    parts: list[dict[str, Any]] = []
    for block in blocks:
        if isinstance(block, TextBlock):
            parts.append({"type": "text", "text": block.text})
        elif isinstance(block, ImageBlock):
            parts.append(_image_part(block))
        elif isinstance(block, AudioBlock):
            parts.append(_audio_part(block))
        elif isinstance(block, VideoBlock):
            parts.append(_video_part(block))
        elif isinstance(block, DocumentBlock):
            parts.append(_document_part(block))
        elif isinstance(block, CachePoint):
            # A cache breakpoint marks the part before it (Anthropic/Gemini prompt caching).
            if parts:
                cache_control: dict[str, Any] = {"type": block.cache_control.type}
                if block.cache_control.ttl and block.cache_control.ttl != "5m":
                    cache_control["ttl"] = block.cache_control.ttl
                parts[-1]["cache_control"] = cache_control
        elif isinstance(block, CitableBlock):
            parts.extend(_content_parts(block.content))
        elif isinstance(block, CitationBlock):
            parts.extend(_content_parts(block.cited_content))
        # ThinkingBlock / ToolCallBlock: not content parts (see to_wire_message).
    return parts


def _simplify_content(parts: list[dict[str, Any]]) -> str | list[dict[str, Any]]:
    """A single plain text part becomes a string: the form every provider accepts."""
    if len(parts) == 1 and parts[0]["type"] == "text" and len(parts[0]) == 2:
        return str(parts[0]["text"])
    if not parts:
        return ""
    return parts


def _tool_call_arguments(tool_kwargs: Any) -> str:
    """Tool arguments as the JSON string the wire wants; strings are kept byte for byte."""
    if isinstance(tool_kwargs, str):
        return tool_kwargs
    return json.dumps(tool_kwargs, ensure_ascii=False)


def _raw_arguments_by_id(message: ChatMessage) -> dict[str, str]:
    """Tool-call argument strings exactly as the API returned them, keyed by call id."""
    raw: dict[str, str] = {}
    for call in message.additional_kwargs.get("tool_calls") or []:
        call_dict = _dump(call)
        arguments = _dump(call_dict.get("function") or {}).get("arguments")
        if call_dict.get("id") and isinstance(arguments, str):
            raw[call_dict["id"]] = arguments
    return raw


def _block_arguments(block: ToolCallBlock, raw_by_id: dict[str, str]) -> str:
    """A ToolCallBlock's arguments; the API's original string when the block still matches it.

    Sending back the exact bytes keeps provider prompt caches and signatures valid.
    """
    raw = raw_by_id.get(block.tool_call_id or "")
    if raw is not None and not isinstance(block.tool_kwargs, str):
        try:
            if json.loads(raw) == block.tool_kwargs:
                return raw
        except ValueError:
            pass
    return _tool_call_arguments(block.tool_kwargs)


def _wire_tool_calls(message: ChatMessage) -> list[dict[str, Any]]:
    """Tool calls of an assistant message: ToolCallBlocks, or the legacy additional_kwargs list."""
    blocks = [block for block in message.blocks if isinstance(block, ToolCallBlock)]
    if blocks:
        raw_by_id = _raw_arguments_by_id(message)
        return [
            {
                "id": block.tool_call_id or "",
                "type": "function",
                "function": {
                    "name": block.tool_name,
                    "arguments": _block_arguments(block, raw_by_id),
                },
            }
            for block in blocks
        ]
    legacy = message.additional_kwargs.get("tool_calls") or []
    result = []
    for call in legacy:
        call_dict = _dump(call)
        function = _dump(call_dict.get("function") or {})
        result.append(
            {
                "id": call_dict.get("id") or "",
                "type": call_dict.get("type") or "function",
                "function": {
                    "name": function.get("name") or "",
                    "arguments": _tool_call_arguments(function.get("arguments") or "{}"),
                },
            }
        )
    return result


def _reasoning_details_of(message: ChatMessage) -> list[dict[str, Any]] | None:
    """reasoning_details to send back: from additional_kwargs, else from ThinkingBlocks."""
    details = message.additional_kwargs.get(REASONING_DETAILS_KEY)
    if details:
        return [_dump(d) for d in details]
    collected: list[dict[str, Any]] = []
    for block in message.blocks:
        if isinstance(block, ThinkingBlock):
            collected.extend(
                _dump(d) for d in block.additional_information.get(REASONING_DETAILS_KEY, [])
            )
    return collected or None


def to_wire_message(message: ChatMessage) -> WireMessage:
    """One LlamaIndex ChatMessage as an OpenRouter chat message dict."""
    role = _ROLE_TO_WIRE.get(message.role.value, message.role.value)
    parts = _content_parts(message.blocks)
    wire: WireMessage = {"role": role}

    if role == "tool":
        wire["content"] = _simplify_content(parts)
        tool_call_id = message.additional_kwargs.get("tool_call_id")
        if tool_call_id is not None:
            wire["tool_call_id"] = tool_call_id
        return wire

    if role == "assistant":
        tool_calls = _wire_tool_calls(message)
        # An assistant turn that only calls tools carries null content (OpenAI convention).
        wire["content"] = _simplify_content(parts) if parts or not tool_calls else None
        if tool_calls:
            wire["tool_calls"] = tool_calls
        details = _reasoning_details_of(message)
        if details:
            wire[REASONING_DETAILS_KEY] = details
        else:
            thinking = "".join(
                b.content or "" for b in message.blocks if isinstance(b, ThinkingBlock)
            )
            if thinking:
                wire["reasoning"] = thinking
    else:
        wire["content"] = _simplify_content(parts)

    name = message.additional_kwargs.get("name")
    if name:
        wire["name"] = name
    return wire


def to_wire_messages(messages: Sequence[ChatMessage]) -> list[WireMessage]:
    """A LlamaIndex chat history as OpenRouter message dicts, in order."""
    return [to_wire_message(m) for m in messages]


def to_wire_tool(tool: BaseTool, strict: bool | None = None) -> dict[str, Any]:
    """A LlamaIndex tool as an OpenRouter function tool; ``strict`` closes the schema."""
    spec = tool.metadata.to_openai_tool(skip_length_check=True)
    if strict:
        function = spec["function"]
        function["strict"] = True
        parameters = dict(function["parameters"])
        parameters["additionalProperties"] = False
        function["parameters"] = parameters
    return spec


def resolve_tool_choice(tool_choice: str | dict[str, Any] | None, tool_required: bool) -> Any:
    """The wire tool_choice: explicit choice wins; a bare tool name selects that function."""
    if tool_choice is None:
        return "required" if tool_required else "auto"
    if isinstance(tool_choice, str) and tool_choice not in ("auto", "none", "required"):
        return {"type": "function", "function": {"name": tool_choice}}
    return tool_choice


# --------------------------------------------------------------------------------------
# wire results -> LlamaIndex
# --------------------------------------------------------------------------------------


def _field(obj: Any, key: str) -> Any:
    """A wire field of a core result (pydantic, wire-named fields) or of a wire dict."""
    if isinstance(obj, Mapping):
        return obj.get(key)
    return getattr(obj, key, None)


def usage_to_dict(usage: Any) -> dict[str, Any]:
    """Flat token/cost numbers for ChatResponse.additional_kwargs from a core Usage model
    or its wire dict.

    Keys: prompt_tokens, completion_tokens, total_tokens, cost, cached_tokens,
    cache_write_tokens, reasoning_tokens, is_byok, cost_details (only those present).
    """
    if usage is None:
        return {}
    out: dict[str, Any] = {}
    for key in ("prompt_tokens", "completion_tokens", "total_tokens", "cost", "is_byok"):
        value = _field(usage, key)
        if value is not None:
            out[key] = value
    prompt_details = _field(usage, "prompt_tokens_details")
    if prompt_details is not None:
        for key in ("cached_tokens", "cache_write_tokens"):
            value = _field(prompt_details, key)
            if value is not None:
                out[key] = value
    completion_details = _field(usage, "completion_tokens_details")
    if completion_details is not None:
        value = _field(completion_details, "reasoning_tokens")
        if value is not None:
            out["reasoning_tokens"] = value
    cost_details = _field(usage, "cost_details")
    if cost_details is not None:
        out["cost_details"] = _dump(cost_details)
    return out


def _parse_arguments(arguments: str | None) -> dict[str, Any] | str:
    """Tool arguments as a dict when they are a complete JSON object, else the raw string."""
    if not arguments:
        return {}
    try:
        parsed = json.loads(arguments)
    except ValueError:
        return arguments
    return parsed if isinstance(parsed, dict) else arguments


def _logprobs(choice_logprobs: Any) -> list[list[LogProb]] | None:
    """Chat logprobs as LlamaIndex's per-token lists of top alternatives."""
    content = getattr(choice_logprobs, "content", None) if choice_logprobs is not None else None
    if content is None and isinstance(choice_logprobs, Mapping):
        content = choice_logprobs.get("content")
    if not content:
        return None
    result: list[list[LogProb]] = []
    for item in content:
        item = _dump(item)
        top = item.get("top_logprobs") or [item]
        result.append(
            [
                LogProb(
                    token=str(t.get("token", "")),
                    logprob=float(t.get("logprob", 0.0)),
                    bytes=list(t.get("bytes") or []),
                )
                for t in (_dump(x) for x in top)
            ]
        )
    return result


def response_metadata(result: Any) -> dict[str, Any]:
    """id/model/provider of a completion or chunk (or its wire dict), for additional_kwargs."""
    out: dict[str, Any] = {}
    for key in ("id", "model", "provider"):
        value = _field(result, key)
        if value is not None:
            out[key] = value
    return out


def chat_response_from_completion(completion: Any) -> ChatResponse:
    """A core ChatCompletion as a ChatResponse: text, thinking, tool calls, images, usage, cost."""
    choice = completion.choices[0]
    message = choice.message
    usage = usage_to_dict(getattr(completion, "usage", None))

    blocks: list[Any] = []
    message_kwargs: dict[str, Any] = {}
    details = [_dump(d) for d in (getattr(message, REASONING_DETAILS_KEY, None) or [])]
    reasoning = getattr(message, "reasoning", None)
    if reasoning or details:
        blocks.append(
            ThinkingBlock(
                content=reasoning,
                num_tokens=usage.get("reasoning_tokens"),
                additional_information={REASONING_DETAILS_KEY: details} if details else {},
            )
        )
    if details:
        message_kwargs[REASONING_DETAILS_KEY] = details
    content = getattr(message, "content", None)
    if content:
        blocks.append(TextBlock(text=content))
    for image in getattr(message, "images", None) or []:
        url = (_dump(image).get("image_url") or {}).get("url")
        if url:
            blocks.append(ImageBlock(url=url))
    tool_calls = getattr(message, "tool_calls", None) or []
    for call in tool_calls:
        blocks.append(
            ToolCallBlock(
                tool_call_id=call.id,
                tool_name=call.function.name,
                tool_kwargs=_parse_arguments(call.function.arguments),
            )
        )
    if tool_calls:
        message_kwargs["tool_calls"] = [_dump(c) for c in tool_calls]
    annotations = getattr(message, "annotations", None)
    if annotations:
        message_kwargs["annotations"] = [_dump(a) for a in annotations]
    refusal = getattr(message, "refusal", None)
    if refusal:
        message_kwargs["refusal"] = refusal
    if not blocks or not any(isinstance(b, TextBlock) for b in blocks):
        # Keep ChatMessage.content == "" (not None) for tool-only or empty turns.
        blocks.append(TextBlock(text=content or ""))

    additional = {**usage, **response_metadata(completion)}
    for key in ("finish_reason", "native_finish_reason"):
        value = getattr(choice, key, None)
        if value is not None:
            additional[key] = value
    return ChatResponse(
        message=ChatMessage(
            role=MessageRole.ASSISTANT, blocks=blocks, additional_kwargs=message_kwargs
        ),
        raw=completion,
        logprobs=_logprobs(getattr(choice, "logprobs", None)),
        additional_kwargs=additional,
    )


def merge_reasoning_details(
    merged: list[dict[str, Any]], fragments: Iterable[Any]
) -> list[dict[str, Any]]:
    """Fold streamed reasoning_details fragments into whole entries, in place.

    Fragments with the same ``index`` and ``type`` are one entry: their text, summary and
    data strings concatenate; other fields (signature, format, id) take the last non-empty
    value. This rebuilds what a non-streaming call returns, so it can be sent back.
    """
    for fragment in fragments:
        fragment = _dump(fragment)
        target = None
        for entry in merged:
            if entry.get("index") == fragment.get("index") and entry.get("type") == fragment.get(
                "type"
            ):
                target = entry
                break
        if target is None:
            merged.append(dict(fragment))
            continue
        for key, value in fragment.items():
            if key in ("text", "summary", "data") and isinstance(value, str):
                target[key] = (target.get(key) or "") + value
            elif value not in (None, "") and key not in ("index", "type"):
                target[key] = value
    return merged


# delta fields that carry nothing but text (anything else takes StreamAccumulator's slow path)
_TEXT_DELTA = frozenset({"role", "content"})
_TEXT_BLOCK = prebuilt(TextBlock(text=""))
_TEXT_MESSAGE = prebuilt(
    ChatMessage(role=MessageRole.ASSISTANT, blocks=[TextBlock(text="")], additional_kwargs={})
)
_RESPONSE = prebuilt(
    ChatResponse(
        message=ChatMessage(role=MessageRole.ASSISTANT, content=""),
        delta="",
        raw=None,
        additional_kwargs={},
    )
)

TextTokenResponse = Callable[[str, str, Any, dict[str, Any]], ChatResponse]


def _text_token_maker() -> TextTokenResponse:
    """The response to a token of plain text: (text so far, delta, raw chunk, additional_kwargs)
    -> a ChatResponse holding a ChatMessage holding one TextBlock.

    Each object is copied from a template validated once, as `prebuilt` does, but all three in
    one call: three makers cost ~4% more of a whole LlamaIndex stream (bench/README.md).
    Templates with extra fields or private attributes (a future LlamaIndex) take the makers.
    """
    block = TextBlock(text="")
    message = ChatMessage(role=MessageRole.ASSISTANT, blocks=[block], additional_kwargs={})
    response = ChatResponse(message=message, delta="", raw=None, additional_kwargs={})
    templates = (block, message, response)
    if any(t.__pydantic_extra__ is not None or t.__pydantic_private__ for t in templates):

        def composed(text: str, delta: str, raw: Any, additional: dict[str, Any]) -> ChatResponse:
            blocks = [_TEXT_BLOCK(text=text)]
            made = _TEXT_MESSAGE(blocks=blocks, additional_kwargs={})
            return _RESPONSE(message=made, delta=delta, raw=raw, additional_kwargs=additional)

        return composed
    block_values, message_values, response_values = (dict(t.__dict__) for t in templates)
    block_set, message_set, response_set = (frozenset(t.model_fields_set) for t in templates)
    set_fields_set, set_extra, set_private = slot_setters()
    new, set_state = object.__new__, object.__setattr__

    def make(text: str, delta: str, raw: Any, additional: dict[str, Any]) -> ChatResponse:
        made_block = new(TextBlock)
        set_state(made_block, "__dict__", {**block_values, "text": text})
        set_fields_set(made_block, set(block_set))
        set_extra(made_block, None)
        set_private(made_block, None)
        made_message = new(ChatMessage)
        state = {**message_values, "blocks": [made_block], "additional_kwargs": {}}
        set_state(made_message, "__dict__", state)
        set_fields_set(made_message, set(message_set))
        set_extra(made_message, None)
        set_private(made_message, None)
        made: ChatResponse = new(ChatResponse)
        state = {
            **response_values,
            "message": made_message,
            "delta": delta,
            "raw": raw,
            "additional_kwargs": additional,
        }
        set_state(made, "__dict__", state)
        set_fields_set(made, set(response_set))
        set_extra(made, None)
        set_private(made, None)
        return made

    return make


_TEXT_TOKEN_RESPONSE = _text_token_maker()


class StreamAccumulator:
    """Builds the running ChatResponse for each streamed chunk, read from its wire dict.

    Each yielded response carries the accumulated message (thinking, text, tool calls) plus
    this chunk's ``delta`` and ``thinking_delta``, and the chunk as sent in ``raw``; the
    chunk with usage adds tokens and cost. Handles both final-usage shapes (``choices: []``
    and a repeated finish chunk).
    """

    def __init__(self) -> None:
        self.text = ""
        self.reasoning = ""
        self.reasoning_details: list[dict[str, Any]] = []
        self.tool_calls: dict[int, dict[str, Any]] = {}
        self.images: list[str] = []
        self.annotations: list[Any] = []
        self.usage: dict[str, Any] = {}
        self.finish: dict[str, Any] = {}
        self.metadata: dict[str, Any] = {}
        self._additional: dict[str, Any] = {}
        self.logprobs: list[list[LogProb]] = []
        # nothing but text so far (no thinking, images, tool calls, citations): most tokens
        self.text_only = True

    def add(self, chunk: Mapping[str, Any]) -> ChatResponse:
        """Fold one wire chunk (the core stream's ``wire_dicts()``) in; the response for it."""
        content_delta = ""
        thinking_delta = ""
        changed = False  # whether the metadata every response repeats changed with this chunk
        if not self.metadata:
            self.metadata = response_metadata(chunk)
            changed = True
        choices = chunk.get("choices")
        if choices:
            choice = choices[0]
            delta = choice.get("delta")
            if delta:
                content_delta = delta.get("content") or ""
                self.text += content_delta
                if not _TEXT_DELTA.issuperset(delta):
                    thinking_delta = self._add_extras(delta)
            logprobs = choice.get("logprobs")
            if logprobs is not None:
                self.logprobs.extend(_logprobs(logprobs) or ())
            finish_reason = choice.get("finish_reason")
            native_finish_reason = choice.get("native_finish_reason")
            if finish_reason is not None or native_finish_reason is not None:
                if finish_reason is not None:
                    self.finish["finish_reason"] = finish_reason
                if native_finish_reason is not None:
                    self.finish["native_finish_reason"] = native_finish_reason
                changed = True
        usage = chunk.get("usage")
        if usage is not None:
            self.usage = usage_to_dict(usage)
            changed = True
        if changed:
            self._additional = {**self.usage, **self.metadata, **self.finish}
        additional = self._additional.copy()
        if thinking_delta:
            additional["thinking_delta"] = thinking_delta
        if self.logprobs:  # rare: validated, each response carrying the tokens so far
            return ChatResponse(
                message=self.message(final=bool(self.finish) or usage is not None),
                delta=content_delta,
                raw=chunk,
                additional_kwargs=additional,
                logprobs=list(self.logprobs),
            )
        if self.text_only:  # most tokens
            return _TEXT_TOKEN_RESPONSE(self.text, content_delta, chunk, additional)
        return _RESPONSE(
            message=self.message(final=bool(self.finish) or usage is not None),
            delta=content_delta,
            raw=chunk,
            additional_kwargs=additional,
        )

    def _add_extras(self, delta: Mapping[str, Any]) -> str:
        """Fold in what a delta carries besides its text; returns its reasoning text."""
        thinking_delta: str = delta.get("reasoning") or ""
        self.reasoning += thinking_delta
        fragments = delta.get(REASONING_DETAILS_KEY)
        if fragments:
            merge_reasoning_details(self.reasoning_details, fragments)
        for call in delta.get("tool_calls") or ():
            self._add_tool_call(call)
        for image in delta.get("images") or ():
            url = ((image or {}).get("image_url") or {}).get("url")
            if url:
                self.images.append(url)
        for annotation in delta.get("annotations") or ():
            self.annotations.append(_dump(annotation))
        self.text_only = not (
            self.reasoning
            or self.reasoning_details
            or self.images
            or self.tool_calls
            or self.annotations
        )
        return thinking_delta

    def _add_tool_call(self, call: Mapping[str, Any]) -> None:
        index = call.get("index")
        if index is None:
            index = len(self.tool_calls)
        entry = self.tool_calls.setdefault(index, {"id": None, "name": "", "arguments": ""})
        if call.get("id"):
            entry["id"] = call["id"]
        function = call.get("function")
        if function:
            if function.get("name"):
                entry["name"] = function["name"]
            if function.get("arguments"):
                entry["arguments"] += function["arguments"]

    def message(self, final: bool = True) -> ChatMessage:
        """The assistant message accumulated so far; ``final`` parses tool arguments to dicts."""
        if self.text_only:
            # The objects validation would build, prebuilt.
            text: ChatMessage = _TEXT_MESSAGE(
                blocks=[_TEXT_BLOCK(text=self.text)], additional_kwargs={}
            )
            return text
        blocks: list[Any] = []
        kwargs: dict[str, Any] = {}
        if self.reasoning or self.reasoning_details:
            details = [dict(d) for d in self.reasoning_details]
            blocks.append(
                ThinkingBlock(
                    content=self.reasoning or None,
                    num_tokens=self.usage.get("reasoning_tokens"),
                    additional_information={REASONING_DETAILS_KEY: details} if details else {},
                )
            )
            if details:
                kwargs[REASONING_DETAILS_KEY] = details
        blocks.append(TextBlock(text=self.text))
        blocks.extend(ImageBlock(url=url) for url in self.images)
        if self.tool_calls:
            calls = [self.tool_calls[i] for i in sorted(self.tool_calls)]
            blocks.extend(
                ToolCallBlock(
                    tool_call_id=c["id"],
                    tool_name=c["name"],
                    tool_kwargs=_parse_arguments(c["arguments"]) if final else c["arguments"],
                )
                for c in calls
            )
            kwargs["tool_calls"] = [
                {
                    "id": c["id"],
                    "type": "function",
                    "function": {"name": c["name"], "arguments": c["arguments"]},
                }
                for c in calls
            ]
        if self.annotations:
            kwargs["annotations"] = list(self.annotations)
        return ChatMessage(role=MessageRole.ASSISTANT, blocks=blocks, additional_kwargs=kwargs)
