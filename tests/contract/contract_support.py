"""What the contract suite shares: the case ledger of every recording, and independent readings.

Every recorded exchange in tests/recordings is classified once here (`classify`) into the
kind of replay that applies to it, or "not applicable" with the reason. The readers below
parse the recorded bytes with nothing but `json` and string splitting, so the expectations
they produce do not depend on the client code under test (its SSE decoder, its models).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from recordings_loader import Interaction, all_interactions, file_of, recording_files

# -- the ledger ---------------------------------------------------------------------------

CHAT_JSON = "chat.json"
CHAT_SSE = "chat.sse"
CHAT_ERROR = "chat.error"
RESPONSES_JSON = "responses.json"
RESPONSES_SSE = "responses.sse"
MODELS = "models"
EMBEDDINGS = "embeddings"
NOT_APPLICABLE = "n/a"

ADAPTER_KINDS = frozenset({CHAT_JSON, CHAT_SSE, CHAT_ERROR})
"""Kinds the chat-model adapters (ChatOpenRouter, the LlamaIndex LLM) can replay: they only
speak /chat/completions; /responses, /models and /embeddings are not part of a chat model."""


@dataclass(frozen=True)
class Case:
    """One recorded exchange and the replay that applies to it."""

    interaction: Interaction
    kind: str
    reason: str = ""

    @property
    def id(self) -> str:
        return self.interaction.source


def _looks_like_embeddings(body: bytes) -> bool:
    try:
        payload = json.loads(body)
    except ValueError:
        return False
    return (
        isinstance(payload, dict)
        and payload.get("object") == "list"
        and isinstance(payload.get("data"), list)
        and all(isinstance(d, dict) and "embedding" in d for d in payload["data"])
    )


def classify(interaction: Interaction) -> Case:
    """The replay that applies to a recorded exchange, by its URL, status and body."""
    if "openrouter.ai" not in interaction.url:
        return Case(
            interaction,
            NOT_APPLICABLE,
            "not OpenRouter traffic: a call to crewAI's own tracing service "
            "(app.crewai.com/crewai_plus) recorded in the same cassette",
        )
    path, method = interaction.path, interaction.method.upper()
    if path == "/chat/completions" and method == "POST":
        if interaction.status >= 400:
            return Case(interaction, CHAT_ERROR)
        return Case(interaction, CHAT_SSE if interaction.is_sse else CHAT_JSON)
    if path == "/responses" and method == "POST":
        if not interaction.is_sse and _looks_like_embeddings(interaction.body):
            # ai-sdk-provider's recorder stored an /embeddings answer under this /responses
            # request (fixture LfXI3PQO1xh); the body is real embeddings traffic, so it is
            # replayed as what it is.
            return Case(interaction, EMBEDDINGS, "embeddings body filed under /responses")
        return Case(interaction, RESPONSES_SSE if interaction.is_sse else RESPONSES_JSON)
    if path == "/models" and method == "GET":
        return Case(interaction, MODELS)
    if path == "/embeddings" and method == "POST":
        return Case(interaction, EMBEDDINGS)
    return Case(interaction, NOT_APPLICABLE, f"no replay for {method} {path}")


def all_cases() -> list[Case]:
    """Every recorded exchange, OpenRouter's and the foreign calls that share its cassettes."""
    return [classify(i) for i in all_interactions(include_foreign=True)]


def cases(*kinds: str) -> list[Case]:
    return [case for case in all_cases() if case.kind in kinds]


def files() -> list[str]:
    return recording_files()


def files_of(found: list[Case]) -> set[str]:
    return {file_of(case.interaction) for case in found}


# -- independent SSE reading --------------------------------------------------------------


def sse_data(body: bytes) -> list[str]:
    """The data payloads of an SSE body, by plain splitting (comments and blank events dropped)."""
    text = body.decode("utf-8").replace("\r\n", "\n").replace("\r", "\n")
    payloads = []
    for block in text.split("\n\n"):
        data = [
            line[5:][1:] if line[5:].startswith(" ") else line[5:]
            for line in block.split("\n")
            if line.startswith("data:")
        ]
        if data:
            payloads.append("\n".join(data))
    return payloads


def sse_json(body: bytes) -> list[dict[str, Any]]:
    """The JSON events of an SSE body, up to `[DONE]`."""
    events = []
    for data in sse_data(body):
        if data == "[DONE]":
            break
        events.append(json.loads(data))
    return events


def without_nulls(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: without_nulls(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [without_nulls(v) for v in value]
    return value


# -- chat ---------------------------------------------------------------------------------


@dataclass
class ChatReading:
    """What a user should get from one recorded chat answer (the first choice)."""

    id: str | None = None
    model: str | None = None
    providers: list[str | None] = field(default_factory=list)
    text: str = ""
    reasoning: str = ""
    reasoning_details: list[Any] = field(default_factory=list)
    tool_calls: list[dict[str, str]] = field(default_factory=list)
    finish_reasons: list[str] = field(default_factory=list)
    native_finish_reasons: list[str] = field(default_factory=list)
    images: list[Any] = field(default_factory=list)
    annotations: list[Any] = field(default_factory=list)
    usage: dict[str, Any] | None = None
    error: dict[str, Any] | None = None
    chunks: int = 0

    @property
    def finish_reason(self) -> str | None:
        return self.finish_reasons[0] if self.finish_reasons else None


def read_chat_json(body: bytes) -> ChatReading:
    raw = json.loads(body)
    reading = ChatReading(id=raw.get("id"), model=raw.get("model"), usage=raw.get("usage"))
    reading.providers = [raw.get("provider")]
    choice = (raw.get("choices") or [{}])[0]
    message = choice.get("message") or {}
    content = message.get("content")
    if isinstance(content, str):
        reading.text = content
    elif isinstance(content, list):
        reading.text = "".join(p.get("text", "") for p in content if isinstance(p, dict))
    reading.reasoning = message.get("reasoning") or ""
    reading.reasoning_details = message.get("reasoning_details") or []
    reading.tool_calls = [
        {
            "id": call.get("id") or "",
            "name": (call.get("function") or {}).get("name") or "",
            "arguments": (call.get("function") or {}).get("arguments") or "",
        }
        for call in message.get("tool_calls") or []
    ]
    if choice.get("finish_reason"):
        reading.finish_reasons = [choice["finish_reason"]]
    if choice.get("native_finish_reason"):
        reading.native_finish_reasons = [choice["native_finish_reason"]]
    reading.images = message.get("images") or []
    reading.annotations = message.get("annotations") or []
    return reading


def read_chat_stream(body: bytes) -> ChatReading:
    """Assemble a recorded chat stream; stops at an in-band error (kept in `.error`)."""
    reading = ChatReading()
    calls: dict[int, dict[str, str]] = {}
    for event in sse_json(body):
        reading.id = reading.id or event.get("id")
        reading.model = reading.model or event.get("model")
        reading.providers.append(event.get("provider"))
        if event.get("usage"):
            reading.usage = event["usage"]
        if event.get("error"):
            reading.error = event["error"]
            break
        reading.chunks += 1
        for choice in event.get("choices") or []:
            if choice.get("index", 0) != 0:
                continue
            delta = choice.get("delta") or {}
            reading.text += delta.get("content") or ""
            reading.reasoning += delta.get("reasoning") or ""
            reading.reasoning_details += delta.get("reasoning_details") or []
            reading.images += delta.get("images") or []
            reading.annotations += delta.get("annotations") or []
            for call in delta.get("tool_calls") or []:
                entry = calls.setdefault(
                    call.get("index", 0), {"id": "", "name": "", "arguments": ""}
                )
                entry["id"] = entry["id"] or call.get("id") or ""
                function = call.get("function") or {}
                entry["name"] += function.get("name") or ""
                entry["arguments"] += function.get("arguments") or ""
            if choice.get("finish_reason"):
                reading.finish_reasons.append(choice["finish_reason"])
            if choice.get("native_finish_reason"):
                reading.native_finish_reasons.append(choice["native_finish_reason"])
    reading.tool_calls = [calls[k] for k in sorted(calls)]
    return reading


# -- responses ----------------------------------------------------------------------------


@dataclass
class ResponsesReading:
    id: str | None = None
    model: str | None = None
    status: str | None = None
    text: str = ""
    reasoning: str = ""
    function_calls: list[dict[str, str]] = field(default_factory=list)
    annotations: list[Any] = field(default_factory=list)
    encrypted: int = 0  # reasoning items carrying encrypted_content
    usage: dict[str, Any] | None = None
    error: dict[str, Any] | None = None
    event_types: list[str] = field(default_factory=list)


def _read_output(reading: ResponsesReading, output: list[dict[str, Any]]) -> None:
    for item in output:
        kind = item.get("type")
        if kind == "message":
            for part in item.get("content") or []:
                if part.get("type") == "output_text":
                    reading.text += part.get("text") or ""
                    reading.annotations += part.get("annotations") or []
        elif kind == "reasoning":
            for part in [*(item.get("summary") or []), *(item.get("content") or [])]:
                reading.reasoning += part.get("text") or ""
            if item.get("encrypted_content"):
                reading.encrypted += 1
        elif kind == "function_call":
            reading.function_calls.append(
                {
                    "call_id": item.get("call_id") or "",
                    "name": item.get("name") or "",
                    "arguments": item.get("arguments") or "",
                }
            )


def read_responses_json(body: bytes) -> ResponsesReading:
    raw = json.loads(body)
    reading = ResponsesReading(
        id=raw.get("id"), model=raw.get("model"), status=raw.get("status"), usage=raw.get("usage")
    )
    _read_output(reading, raw.get("output") or [])
    return reading


def read_responses_stream(body: bytes) -> ResponsesReading:
    reading = ResponsesReading()
    for event in sse_json(body):
        kind = event.get("type", "")
        reading.event_types.append(kind)
        if kind == "response.output_text.delta":
            reading.text += event.get("delta") or ""
        elif kind in ("response.reasoning_text.delta", "response.reasoning_summary_text.delta"):
            reading.reasoning += event.get("delta") or ""
        elif kind == "response.output_item.done":
            item = event.get("item") or {}
            if item.get("type") == "function_call":
                reading.function_calls.append(
                    {
                        "call_id": item.get("call_id") or "",
                        "name": item.get("name") or "",
                        "arguments": item.get("arguments") or "",
                    }
                )
        elif kind in ("error", "response.failed"):
            reading.error = event
            break
        response = event.get("response")
        if isinstance(response, dict):
            reading.id = response.get("id") or reading.id
            reading.model = response.get("model") or reading.model
            reading.status = response.get("status") or reading.status
            reading.usage = response.get("usage") or reading.usage
    return reading


# -- what cannot apply, per surface -------------------------------------------------------

_ADAPTER_REASONS = {
    RESPONSES_JSON: "POST /responses: a chat-model adapter speaks /chat/completions only",
    RESPONSES_SSE: "POST /responses: a chat-model adapter speaks /chat/completions only",
    MODELS: "GET /models: the model catalogue, not a chat call",
    EMBEDDINGS: "POST /embeddings: not a chat call (the adapters' embedding classes replay it)",
}


def not_applicable_to(surface: str) -> dict[str, str]:
    """{case id: reason} of the recordings that cannot apply to a surface."""
    if surface == "quoted":
        from quoted_bodies import QUOTED_NOT_REPLAYABLE

        return dict(QUOTED_NOT_REPLAYABLE)
    out = {}
    for case in all_cases():
        if case.kind == NOT_APPLICABLE:
            out[case.id] = case.reason
        elif surface in ("langchain", "llama_index") and case.kind not in ADAPTER_KINDS:
            out[case.id] = _ADAPTER_REASONS[case.kind]
    return out
