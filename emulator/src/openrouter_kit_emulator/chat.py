"""POST /chat/completions: request parsing and the JSON / SSE chunk wire format."""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Iterator
from typing import Any

from . import enrich, sse
from .answer import Conversation, ToolSpec, Turn, content_text
from .catalogue import Model
from .generation import Job
from .tokens import stream_pieces
from .wire import ApiError, bad_request


def wants_reasoning(model: Model, body: dict[str, Any]) -> tuple[bool, bool]:
    """(produce reasoning, show it) for a request on a model (needs ``reasoning`` support)."""
    if not model.supports_reasoning:
        return False, False
    cfg = body.get("reasoning")
    on = model.reasoning_mandatory or bool(body.get("include_reasoning"))
    show = True
    if isinstance(cfg, dict):
        enabled = cfg.get("enabled", True) is not False and cfg.get("effort") != "none"
        on = on or enabled
        show = not cfg.get("exclude", False)
    elif cfg is True:
        on = True
    return on, show


def _tool_choice(value: Any) -> str | tuple[str, str]:
    if isinstance(value, str) and value in ("auto", "none", "required"):
        return value
    if isinstance(value, dict):
        fn = value.get("function") or {}
        name = fn.get("name") if isinstance(fn, dict) else None
        name = name or value.get("name")
        if isinstance(name, str):
            return ("function", name)
        if value.get("type") in ("any", "required"):
            return "required"
    return "auto"


def parse(body: dict[str, Any], model: Model) -> tuple[Conversation, bool]:
    """The normalised conversation of a chat request, and whether reasoning is shown."""
    messages = body.get("messages")
    if not isinstance(messages, list) or not messages:
        raise ApiError(400, 'Input required: specify "prompt" or "messages"', with_user=True)
    turns: list[Turn] = []
    call_names: dict[str, str] = {}
    for message in messages:
        if not isinstance(message, dict):
            raise bad_request("Each message must be an object with a role")
        role = message.get("role")
        text = content_text(message.get("content"))
        if role in ("system", "developer"):
            turns.append(Turn("system", text))
        elif role == "assistant":
            names = []
            for call in message.get("tool_calls") or []:
                fn = call.get("function") or {}
                names.append(str(fn.get("name", "")))
                call_names[str(call.get("id"))] = str(fn.get("name", ""))
            turns.append(Turn("assistant", text, tool_calls=names))
        elif role == "tool":
            turns.append(
                Turn("tool", text, tool_name=call_names.get(str(message.get("tool_call_id"))))
            )
        elif role == "user":
            turns.append(Turn("user", text))
        else:
            raise bad_request(f"Invalid role {role!r} in messages")
    tools = []
    for tool in body.get("tools") or []:
        fn = tool.get("function") if isinstance(tool, dict) else None
        if isinstance(fn, dict) and fn.get("name"):
            tools.append(
                ToolSpec(
                    str(fn["name"]),
                    str(fn.get("description") or ""),
                    fn.get("parameters") or {"type": "object", "properties": {}},
                )
            )
    fmt = body.get("response_format")
    json_schema = None
    json_object = False
    if isinstance(fmt, dict):
        if fmt.get("type") == "json_schema":
            spec = fmt.get("json_schema") or {}
            json_schema = spec.get("schema") or {"type": "object"}
        elif fmt.get("type") == "json_object":
            json_object = True
    stop = body.get("stop")
    stops = [stop] if isinstance(stop, str) else [s for s in stop or [] if isinstance(s, str)]
    max_tokens = body.get("max_completion_tokens") or body.get("max_tokens")
    reasoning, show = wants_reasoning(model, body)
    modalities = body.get("modalities")
    images = "image" in model.output_modalities and (
        not isinstance(modalities, list) or "image" in modalities
    )
    conv = Conversation(
        images=images,
        turns=turns,
        tools=tools,
        tool_choice=_tool_choice(body.get("tool_choice")),
        json_schema=json_schema,
        json_object=json_object,
        reasoning=reasoning,
        max_tokens=int(max_tokens) if isinstance(max_tokens, (int, float)) else None,
        stop=stops,
    )
    return conv, show


def _signature(job: Job) -> str:
    """Anthropic thinking blocks carry a signature (opaque here, derived from the reasoning)."""
    digest = hashlib.sha256(job.answer.reasoning.encode() if job.answer.reasoning else b"")
    return base64.b64encode(digest.digest()).decode()


def _details(job: Job, text: str, signed: bool = True) -> list[dict[str, Any]]:
    detail: dict[str, Any] = {
        "type": "reasoning.text",
        "text": text,
        "format": job.reasoning_format,
        "index": 0,
    }
    if signed and detail["format"] == "anthropic-claude-v1":
        detail["signature"] = _signature(job)
    return [detail]


def _signature_details(job: Job) -> list[dict[str, Any]]:
    """The last reasoning fragment of an Anthropic stream: the signature alone, no text
    (real traffic: pydantic-ai test_openrouter_streaming_reasoning, ai-sdk-provider e2e)."""
    return [
        {
            "type": "reasoning.text",
            "signature": _signature(job),
            "format": job.reasoning_format,
            "index": 0,
        }
    ]


def _tool_calls(job: Job) -> list[dict[str, Any]]:
    return [
        {
            "index": i,
            "id": call.id,
            "type": "function",
            "function": {"name": call.name, "arguments": call.arguments},
        }
        for i, call in enumerate(job.answer.tool_calls)
    ]


def _images(job: Job) -> list[dict[str, Any]]:
    return [
        {"type": "image_url", "image_url": {"url": url}, "index": i}
        for i, url in enumerate(job.answer.images)
    ]


def render(job: Job) -> dict[str, Any]:
    """The non-streaming ``chat.completion`` object."""
    answer = job.answer
    message: dict[str, Any] = {
        "role": "assistant",
        "content": answer.text,
        "refusal": None,
        "reasoning": answer.reasoning if job.show_reasoning else None,
    }
    if answer.reasoning and job.show_reasoning:
        message["reasoning_details"] = _details(job, answer.reasoning)
    if answer.tool_calls:
        message["tool_calls"] = _tool_calls(job)
    if answer.images:
        message["images"] = _images(job)
    return {
        "id": job.gen_id,
        "provider": job.endpoint.provider,
        "model": job.model.id,
        "object": "chat.completion",
        "created": job.created,
        "system_fingerprint": None,
        "choices": [
            {
                "logprobs": None,
                "finish_reason": answer.finish,
                "native_finish_reason": job.native_finish,
                "index": 0,
                "message": message,
            }
        ],
        "usage": job.usage.chat(),
    }


def chunks(job: Job) -> Iterator[dict[str, Any]]:
    """The ``chat.completion.chunk`` objects of the stream, finish and usage chunks included."""
    base = {
        "id": job.gen_id,
        "provider": job.endpoint.provider,
        "model": job.model.id,
        "object": "chat.completion.chunk",
        "created": job.created,
    }

    def chunk(delta: dict[str, Any], finish: str | None = None) -> dict[str, Any]:
        return {
            **base,
            "choices": [
                {
                    "index": 0,
                    "delta": {"role": "assistant", "content": "", **delta},
                    "finish_reason": finish,
                    "native_finish_reason": job.native_finish if finish else None,
                    "logprobs": None,
                }
            ],
        }

    answer = job.answer
    if answer.reasoning and job.show_reasoning:
        for piece in stream_pieces(answer.reasoning):
            yield chunk({"reasoning": piece, "reasoning_details": _details(job, piece, False)})
        if job.reasoning_format == "anthropic-claude-v1":
            yield chunk({"reasoning": None, "reasoning_details": _signature_details(job)})
    if answer.tool_calls:
        for i, call in enumerate(answer.tool_calls):
            yield chunk(
                {
                    "content": None,
                    "tool_calls": [
                        {
                            "index": i,
                            "id": call.id,
                            "type": "function",
                            "function": {"name": call.name, "arguments": ""},
                        }
                    ],
                }
            )
            for piece in stream_pieces(call.arguments, 4):
                yield chunk(
                    {
                        "content": None,
                        "tool_calls": [{"index": i, "function": {"arguments": piece}}],
                    }
                )
    else:
        for piece in stream_pieces(answer.text):
            yield chunk({"content": piece})
    if answer.images:
        yield chunk({"images": _images(job)})
    yield chunk({}, answer.finish)
    yield {**base, "choices": [], "usage": job.usage.chat()}


def stream(
    job: Job, keepalives: int = 1, body: dict[str, Any] | None = None, question: str = ""
) -> Iterator[bytes]:
    """The SSE byte stream: keep-alive comments, chunks, ``[DONE]`` (one event per chunk).

    `body` is the request: what it asks for (logprobs, web citations) is added as in the
    non-streamed answer (`enrich.apply_stream`).
    """
    for _ in range(keepalives):
        yield sse.PROCESSING
    for item in enrich.apply_stream(chunks(job), body or {}, question, job.answer.text):
        yield sse.data(item)
    yield sse.DONE
