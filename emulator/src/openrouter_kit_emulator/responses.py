"""POST /responses (OpenAI Responses API via OpenRouter): parsing, JSON and SSE events.

Event sequence as in real traffic (llm-openrouter test_prompt/test_tool_calls, pydantic-ai
raw_cot_stream): response.created, response.in_progress, per output item
output_item.added / content_part.added / *.delta / *.done / output_item.done, then
response.completed and ``data: [DONE]``.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from . import sse
from .answer import Conversation, ToolSpec, Turn, content_text
from .catalogue import Model
from .chat import wants_reasoning
from .generation import Job
from .ids import IdFactory
from .tokens import stream_pieces
from .wire import bad_request


def parse(body: dict[str, Any], model: Model) -> tuple[Conversation, bool]:
    turns: list[Turn] = []
    if isinstance(body.get("instructions"), str):
        turns.append(Turn("system", body["instructions"]))
    raw = body.get("input")
    call_names: dict[str, str] = {}
    if isinstance(raw, str):
        turns.append(Turn("user", raw))
    elif isinstance(raw, list):
        for item in raw:
            if not isinstance(item, dict):
                continue
            kind = item.get("type", "message")
            if kind == "function_call":
                call_names[str(item.get("call_id"))] = str(item.get("name", ""))
                turns.append(Turn("assistant", "", tool_calls=[str(item.get("name", ""))]))
            elif kind == "function_call_output":
                output = item.get("output")
                text = output if isinstance(output, str) else content_text(output)
                turns.append(Turn("tool", text, tool_name=call_names.get(str(item.get("call_id")))))
            elif kind == "message" or "role" in item:
                role = item.get("role", "user")
                role = "system" if role in ("system", "developer") else role
                turns.append(Turn(str(role), content_text(item.get("content"))))
    if not turns or all(t.role == "system" for t in turns):
        raise bad_request("Input must have at least 1 token.")
    tools = [
        ToolSpec(
            str(t["name"]),
            str(t.get("description") or ""),
            t.get("parameters") or {"type": "object", "properties": {}},
        )
        for t in body.get("tools") or []
        if isinstance(t, dict) and t.get("type", "function") == "function" and t.get("name")
    ]
    choice = body.get("tool_choice", "auto")
    tool_choice: str | tuple[str, str] = "auto"
    if choice in ("auto", "none", "required"):
        tool_choice = str(choice)
    elif isinstance(choice, dict) and isinstance(choice.get("name"), str):
        tool_choice = ("function", choice["name"])
    fmt = (body.get("text") or {}).get("format") if isinstance(body.get("text"), dict) else None
    json_schema = None
    json_object = False
    if isinstance(fmt, dict):
        if fmt.get("type") == "json_schema":
            json_schema = fmt.get("schema") or {"type": "object"}
        elif fmt.get("type") == "json_object":
            json_object = True
    reasoning, show = wants_reasoning(model, body)
    max_out = body.get("max_output_tokens")
    conv = Conversation(
        turns=turns,
        tools=tools,
        tool_choice=tool_choice,
        json_schema=json_schema,
        json_object=json_object,
        reasoning=reasoning,
        max_tokens=int(max_out) if isinstance(max_out, (int, float)) else None,
    )
    return conv, show


class _Items:
    """Output items of one response with stable ids (the stream and JSON agree)."""

    def __init__(self, job: Job, ids: IdFactory) -> None:
        self.items: list[dict[str, Any]] = []
        answer = job.answer
        if answer.reasoning and job.show_reasoning:
            self.items.append(
                {
                    "type": "reasoning",
                    "id": ids.item("rs"),
                    "summary": [],
                    "content": [{"type": "reasoning_text", "text": answer.reasoning}],
                }
            )
        for call in answer.tool_calls:
            self.items.append(
                {
                    "id": ids.item("fc"),
                    "type": "function_call",
                    "status": "completed",
                    "call_id": call.id,
                    "name": call.name,
                    "arguments": call.arguments,
                }
            )
        if not answer.tool_calls:
            self.items.append(
                {
                    "id": ids.item("msg"),
                    "type": "message",
                    "status": "completed",
                    "role": "assistant",
                    "content": [
                        {
                            "type": "output_text",
                            "text": answer.text,
                            "annotations": [],
                            "logprobs": [],
                        }
                    ],
                }
            )


def _echo_tool(tool: Any) -> Any:
    """Tools echo back normalised, with ``strict`` always present (real traffic)."""
    if not isinstance(tool, dict) or tool.get("type", "function") != "function":
        return tool
    return {
        "type": "function",
        "name": tool.get("name"),
        "description": tool.get("description"),
        "parameters": tool.get("parameters") or {"type": "object", "properties": {}},
        "strict": tool.get("strict"),
    }


def _envelope(job: Job, body: dict[str, Any], output: list[Any], done: bool) -> dict[str, Any]:
    length = job.answer.finish == "length"
    status = ("incomplete" if length else "completed") if done else "in_progress"
    return {
        "object": "response",
        "id": job.gen_id,
        "created_at": job.created,
        "model": job.model.id,
        "status": status,
        "completed_at": job.created if done else None,
        "output": output,
        # Real OpenRouter sends "" here even when the output holds text (every recorded
        # /responses body and response.completed event: ai-sdk-provider fixtures 2026-01,
        # pydantic-ai raw_cot_stream), or leaves the field out (llm-openrouter, 2026-08).
        # Keep it so: a client must read the text from `output`, as it must against the
        # real service.
        "output_text": "",
        "error": None,
        "incomplete_details": {"reason": "max_output_tokens"} if (done and length) else None,
        "tools": [_echo_tool(t) for t in body.get("tools") or []],
        "tool_choice": body.get("tool_choice", "auto"),
        "parallel_tool_calls": body.get("parallel_tool_calls", True),
        "max_output_tokens": body.get("max_output_tokens"),
        "temperature": body.get("temperature", 1),
        "top_p": body.get("top_p", 1),
        "presence_penalty": body.get("presence_penalty", 0),
        "frequency_penalty": body.get("frequency_penalty", 0),
        "top_logprobs": body.get("top_logprobs", 0),
        "max_tool_calls": body.get("max_tool_calls"),
        "metadata": body.get("metadata") or {},
        "background": False,
        "previous_response_id": body.get("previous_response_id"),
        "service_tier": body.get("service_tier", "auto"),
        "truncation": body.get("truncation", "disabled"),
        "store": bool(body.get("store", False)),
        "instructions": body.get("instructions"),
        "text": body.get("text") or {"format": {"type": "text"}},
        "reasoning": body.get("reasoning"),
        "safety_identifier": body.get("safety_identifier"),
        "prompt_cache_key": body.get("prompt_cache_key"),
        "prompt_cache_options": None,
        "user": body.get("user"),
        "usage": job.usage.responses() if done else None,
    }


def render(job: Job, body: dict[str, Any], ids: IdFactory) -> dict[str, Any]:
    return _envelope(job, body, _Items(job, ids).items, True)


def stream(job: Job, body: dict[str, Any], ids: IdFactory, keepalives: int = 1) -> Iterator[bytes]:
    items = _Items(job, ids).items
    seq = 0

    def ev(payload: dict[str, Any]) -> bytes:
        nonlocal seq
        payload["sequence_number"] = seq
        seq += 1
        return sse.data(payload)

    for _ in range(keepalives):
        yield sse.PROCESSING
    yield ev({"type": "response.created", "response": _envelope(job, body, [], False)})
    yield ev({"type": "response.in_progress", "response": _envelope(job, body, [], False)})
    for index, item in enumerate(items):
        item_id = item["id"]
        if item["type"] == "reasoning":
            text = item["content"][0]["text"]
            yield ev(
                {
                    "type": "response.output_item.added",
                    "output_index": index,
                    "item": {"type": "reasoning", "id": item_id, "summary": []},
                }
            )
            yield ev(
                {
                    "type": "response.content_part.added",
                    "item_id": item_id,
                    "output_index": index,
                    "content_index": 0,
                    "part": {"type": "reasoning_text", "text": ""},
                }
            )
            for piece in stream_pieces(text):
                yield ev(
                    {
                        "type": "response.reasoning_text.delta",
                        "output_index": index,
                        "item_id": item_id,
                        "content_index": 0,
                        "delta": piece,
                    }
                )
            yield ev(
                {
                    "type": "response.reasoning_text.done",
                    "output_index": index,
                    "item_id": item_id,
                    "content_index": 0,
                    "text": text,
                }
            )
            yield ev(
                {
                    "type": "response.content_part.done",
                    "item_id": item_id,
                    "output_index": index,
                    "content_index": 0,
                    "part": {"type": "reasoning_text", "text": text},
                }
            )
        elif item["type"] == "function_call":
            yield ev(
                {
                    "type": "response.output_item.added",
                    "output_index": index,
                    "item": {**item, "status": "in_progress", "arguments": ""},
                }
            )
            for piece in stream_pieces(item["arguments"], 4):
                yield ev(
                    {
                        "type": "response.function_call_arguments.delta",
                        "output_index": index,
                        "item_id": item_id,
                        "delta": piece,
                    }
                )
            yield ev(
                {
                    "type": "response.function_call_arguments.done",
                    "output_index": index,
                    "item_id": item_id,
                    "name": item["name"],
                    "arguments": item["arguments"],
                }
            )
        else:
            text = item["content"][0]["text"]
            yield ev(
                {
                    "type": "response.output_item.added",
                    "output_index": index,
                    "item": {**item, "status": "in_progress", "content": []},
                }
            )
            part = {"type": "output_text", "text": "", "annotations": [], "logprobs": []}
            yield ev(
                {
                    "type": "response.content_part.added",
                    "output_index": index,
                    "item_id": item_id,
                    "content_index": 0,
                    "part": part,
                }
            )
            for piece in stream_pieces(text):
                yield ev(
                    {
                        "type": "response.output_text.delta",
                        "output_index": index,
                        "item_id": item_id,
                        "content_index": 0,
                        "delta": piece,
                        "logprobs": [],
                    }
                )
            yield ev(
                {
                    "type": "response.output_text.done",
                    "output_index": index,
                    "item_id": item_id,
                    "content_index": 0,
                    "text": text,
                    "logprobs": [],
                }
            )
            yield ev(
                {
                    "type": "response.content_part.done",
                    "output_index": index,
                    "item_id": item_id,
                    "content_index": 0,
                    "part": {**part, "text": text},
                }
            )
        yield ev({"type": "response.output_item.done", "output_index": index, "item": item})
    yield ev({"type": "response.completed", "response": _envelope(job, body, items, True)})
    yield sse.DONE


def error_code(status: int) -> str:
    """The string code a Responses-API error carries for an HTTP-like status (OpenRouter's
    Responses error table: ``invalid_prompt`` 400, ``rate_limit_exceeded`` 429,
    ``server_error`` 500+)."""
    if status == 429:
        return "rate_limit_exceeded"
    if 400 <= status < 500:
        return "invalid_prompt"
    return "server_error"


def failure_events(
    sent: list[dict[str, Any]], unsent: list[dict[str, Any]], status: int, message: str
) -> list[dict[str, Any]]:
    """How a Responses stream reports an error after the events ``sent``: an ``error`` event
    (``code``, ``message``, ``param`` at the top level) and then ``response.failed``, whose
    ``response`` holds ``status: "failed"``, ``error: {code, message}``, the output items
    finished so far and the usage the rest (``unsent``) would have reported."""
    code = error_code(status)
    seq = max(
        (e["sequence_number"] for e in sent if isinstance(e.get("sequence_number"), int)),
        default=-1,
    )
    envelope: dict[str, Any] = {}
    for event in [*reversed(sent), *unsent]:
        if isinstance(event.get("response"), dict):
            envelope = dict(event["response"])
            break
    output = [
        e["item"]
        for e in sent
        if e.get("type") == "response.output_item.done" and isinstance(e.get("item"), dict)
    ]
    usage = next(
        (
            e["response"].get("usage")
            for e in unsent
            if e.get("type") == "response.completed" and isinstance(e.get("response"), dict)
        ),
        None,
    )
    failed = {
        **envelope,
        "status": "failed",
        "completed_at": None,
        "output": output,
        "error": {"code": code, "message": message},
        "incomplete_details": None,
        "usage": usage,
    }
    return [
        {
            "type": "error",
            "code": code,
            "message": message,
            "param": None,
            "sequence_number": seq + 1,
        },
        {"type": "response.failed", "response": failed, "sequence_number": seq + 2},
    ]
