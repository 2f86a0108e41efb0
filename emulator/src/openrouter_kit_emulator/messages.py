"""POST /messages (Anthropic Messages API via OpenRouter): parsing, JSON and SSE events.

Stream events, each as ``event: <type>`` + ``data: {...}``: message_start, ping,
content_block_start, content_block_delta (text_delta / thinking_delta / input_json_delta),
content_block_stop, message_delta (stop_reason + usage), message_stop.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from . import sse
from .answer import Conversation, ToolSpec, Turn, content_text
from .catalogue import Model
from .chat import wants_reasoning
from .generation import Job
from .tokens import stream_pieces
from .wire import bad_request

STOP_REASONS = {"stop": "end_turn", "length": "max_tokens", "tool_calls": "tool_use"}


def parse(body: dict[str, Any], model: Model) -> tuple[Conversation, bool]:
    messages = body.get("messages")
    if not isinstance(messages, list) or not messages:
        raise bad_request("messages: Field required")
    turns: list[Turn] = []
    system = body.get("system")
    if system:
        turns.append(Turn("system", content_text(system)))
    names: dict[str, str] = {}
    for message in messages:
        if not isinstance(message, dict):
            raise bad_request("messages: each message must be an object")
        role = message.get("role")
        content = message.get("content")
        if role == "assistant":
            called = []
            if isinstance(content, list):
                for block in content:
                    if isinstance(block, dict) and block.get("type") == "tool_use":
                        names[str(block.get("id"))] = str(block.get("name", ""))
                        called.append(str(block.get("name", "")))
            turns.append(Turn("assistant", content_text(content), tool_calls=called))
        elif role == "user":
            results = [
                b
                for b in content or []
                if isinstance(content, list)
                and isinstance(b, dict)
                and b.get("type") == "tool_result"
            ]
            for block in results:
                turns.append(
                    Turn(
                        "tool",
                        content_text(block.get("content")),
                        tool_name=names.get(str(block.get("tool_use_id"))),
                    )
                )
            text = content_text(
                [b for b in content if not (isinstance(b, dict) and b.get("type") == "tool_result")]
                if isinstance(content, list)
                else content
            )
            if text or not results:
                turns.append(Turn("user", text))
        else:
            raise bad_request(f"messages: invalid role {role!r}")
    tools = [
        ToolSpec(
            str(t["name"]),
            str(t.get("description") or ""),
            t.get("input_schema") or {"type": "object", "properties": {}},
        )
        for t in body.get("tools") or []
        if isinstance(t, dict) and t.get("name")
    ]
    choice = body.get("tool_choice")
    tool_choice: str | tuple[str, str] = "auto"
    if isinstance(choice, dict):
        kind = choice.get("type")
        if kind == "any":
            tool_choice = "required"
        elif kind == "none":
            tool_choice = "none"
        elif kind == "tool" and isinstance(choice.get("name"), str):
            tool_choice = ("function", choice["name"])
    thinking = body.get("thinking")
    reasoning_body = dict(body)
    if isinstance(thinking, dict) and thinking.get("type") in ("enabled", "adaptive"):
        reasoning_body["reasoning"] = {"enabled": True}
    reasoning, show = wants_reasoning(model, reasoning_body)
    fmt = (
        (body.get("output_config") or {}).get("format")
        if isinstance(body.get("output_config"), dict)
        else None
    )
    json_schema = (
        fmt.get("schema") if isinstance(fmt, dict) and fmt.get("type") == "json_schema" else None
    )
    max_tokens = body.get("max_tokens")
    stops = [s for s in body.get("stop_sequences") or [] if isinstance(s, str)]
    conv = Conversation(
        turns=turns,
        tools=tools,
        tool_choice=tool_choice,
        json_schema=json_schema,
        reasoning=reasoning,
        max_tokens=int(max_tokens) if isinstance(max_tokens, (int, float)) else None,
        stop=stops,
    )
    return conv, show


def _blocks(job: Job) -> list[dict[str, Any]]:
    answer = job.answer
    blocks: list[dict[str, Any]] = []
    if answer.reasoning and job.show_reasoning:
        blocks.append({"type": "thinking", "thinking": answer.reasoning, "signature": ""})
    if answer.text or not answer.tool_calls:
        blocks.append({"type": "text", "text": answer.text, "citations": None})
    for call in answer.tool_calls:
        blocks.append(
            {
                "type": "tool_use",
                "id": call.id,
                "name": call.name,
                "input": json.loads(call.arguments),
            }
        )
    return blocks


def _message(job: Job, content: list[Any], done: bool) -> dict[str, Any]:
    usage = job.usage.messages()
    if not done:
        usage = {**usage, "output_tokens": 0, "cost": 0}
    return {
        "id": job.gen_id,
        "type": "message",
        "role": "assistant",
        "container": None,
        "model": job.model.id,
        "provider": job.endpoint.provider,
        "content": content,
        "stop_reason": STOP_REASONS[job.answer.finish] if done else None,
        "stop_details": None,
        "stop_sequence": None,
        "usage": usage,
    }


def render(job: Job) -> dict[str, Any]:
    return _message(job, _blocks(job), True)


def stream(job: Job, keepalives: int = 1) -> Iterator[bytes]:
    for _ in range(keepalives):
        yield sse.PROCESSING
    yield sse.named("message_start", {"type": "message_start", "message": _message(job, [], False)})
    yield sse.named("ping", {"type": "ping"})  # as Anthropic's stream sends after message_start
    for index, block in enumerate(_blocks(job)):
        kind = block["type"]
        start: dict[str, Any]
        deltas: list[dict[str, Any]]
        if kind == "thinking":
            start = {"type": "thinking", "thinking": "", "signature": ""}
            deltas = [
                {"type": "thinking_delta", "thinking": p} for p in stream_pieces(block["thinking"])
            ]
            deltas.append({"type": "signature_delta", "signature": ""})
        elif kind == "tool_use":
            start = {"type": "tool_use", "id": block["id"], "name": block["name"], "input": {}}
            deltas = [
                {"type": "input_json_delta", "partial_json": p}
                for p in stream_pieces(json.dumps(block["input"]), 4)
            ]
        else:
            start = {"type": "text", "text": ""}
            deltas = [{"type": "text_delta", "text": p} for p in stream_pieces(block["text"])]
        yield sse.named(
            "content_block_start",
            {"type": "content_block_start", "index": index, "content_block": start},
        )
        for delta in deltas:
            yield sse.named(
                "content_block_delta",
                {"type": "content_block_delta", "index": index, "delta": delta},
            )
        yield sse.named("content_block_stop", {"type": "content_block_stop", "index": index})
    yield sse.named(
        "message_delta",
        {
            "type": "message_delta",
            "delta": {"stop_reason": STOP_REASONS[job.answer.finish], "stop_sequence": None},
            "usage": job.usage.messages(),
        },
    )
    yield sse.named("message_stop", {"type": "message_stop"})
