"""One generation: the routed model, the composed answer, its usage and ids.

Shared by the three generation APIs so they bill, count and record identically.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from .answer import Answer, Conversation, compose
from .billing import Usage
from .catalogue import Endpoint, Model
from .ids import IdFactory
from .images import IMAGE_TOKENS
from .tokens import MESSAGE_OVERHEAD, REPLY_PRIMER, count_tokens

_GOOGLE = {"Google", "Google AI Studio"}
_ANTHROPIC = {"Anthropic", "Amazon Bedrock"}


def native_finish_reason(provider: str, model_id: str, finish: str) -> str:
    """The upstream's own finish reason, as real traffic shows per provider (README fact 10)."""
    if provider in _GOOGLE:
        return {"stop": "STOP", "length": "MAX_TOKENS", "tool_calls": "STOP"}[finish]
    if provider in _ANTHROPIC or model_id.startswith("anthropic/"):
        return {"stop": "end_turn", "length": "max_tokens", "tool_calls": "tool_use"}[finish]
    return finish


def reasoning_format(provider: str, model_id: str) -> str:
    """``reasoning_details[].format`` values seen in real traffic (README fact 18)."""
    if model_id.startswith("anthropic/"):
        return "anthropic-claude-v1"
    if model_id.startswith("google/"):
        return "google-gemini-v1"
    if model_id.startswith("x-ai/"):
        return "xai-responses-v1"
    if model_id.startswith("openai/") and provider in ("OpenAI", "Azure"):
        return "openai-responses-v1"
    return "unknown"


@dataclass
class Job:
    gen_id: str
    created: int
    model: Model
    endpoint: Endpoint
    conv: Conversation
    answer: Answer
    usage: Usage
    show_reasoning: bool

    @property
    def native_finish(self) -> str:
        return native_finish_reason(self.endpoint.provider, self.model.id, self.answer.finish)

    @property
    def reasoning_format(self) -> str:
        return reasoning_format(self.endpoint.provider, self.model.id)


def prompt_tokens(conv: Conversation, extra: str = "") -> int:
    total = REPLY_PRIMER + count_tokens(extra)
    for turn in conv.turns:
        total += MESSAGE_OVERHEAD + count_tokens(turn.text)
    if conv.tools:
        total += count_tokens(
            json.dumps([[t.name, t.description, t.parameters] for t in conv.tools])
        )
    if conv.json_schema is not None:
        total += count_tokens(json.dumps(conv.json_schema))
    return total


def run(
    conv: Conversation,
    model: Model,
    endpoint: Endpoint,
    ids: IdFactory,
    *,
    kind: str = "",
    call_id: object = None,
    show_reasoning: bool = True,
    scripted: str | None = None,
) -> Job:
    """Compose the answer and price it. ``call_id`` makes tool-call ids (default ``call_…``);
    ``scripted`` is an answer a test set for the model, used instead of the composed one."""
    make_id = call_id if callable(call_id) else ids.call_id
    if scripted is not None:
        answer = Answer(scripted)
    else:
        answer = compose(conv, model.data.get("name", model.id), make_id)
    completion = count_tokens(answer.text) + sum(
        count_tokens(c.name) + count_tokens(c.arguments) for c in answer.tool_calls
    )
    reasoning = count_tokens(answer.reasoning) if answer.reasoning else 0
    images = IMAGE_TOKENS * len(answer.images)
    usage = Usage.priced(endpoint, prompt_tokens(conv), completion + reasoning + images, reasoning)
    usage.image_tokens = images
    return Job(
        gen_id=ids.generation(kind),
        created=ids.now(),
        model=model,
        endpoint=endpoint,
        conv=conv,
        answer=answer,
        usage=usage,
        show_reasoning=show_reasoning,
    )
