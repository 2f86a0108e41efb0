"""The declarative endpoint table: one row per API endpoint, read by the shared request pipeline.

A row says how to call the endpoint (method, path template), how to check its body before
sending (rules), how to read its answer (response type, or stream event type), and whether it
needs a management key. Resources look rows up by name; nothing else knows about paths.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from . import _validation as v
from .types.chat import ChatCompletion, ChatCompletionChunk
from .types.embeddings import EmbeddingResponse
from .types.models import ModelCount, ModelEndpoints, ModelList
from .types.rerank import RerankResponse


@dataclass(frozen=True)
class Endpoint:
    """How to call one endpoint and how to read what it returns."""

    name: str
    method: str
    path: str
    response: type[Any] | None
    stream_event: type[Any] | None = None
    rules: tuple[v.Rule, ...] = ()
    management: bool = False
    # Turns parsed JSON into the response when plain model validation is not the fastest way.
    parse: Callable[[Any], Any] | None = field(default=None, compare=False)


def _endpoints(*rows: Endpoint) -> dict[str, Endpoint]:
    table = {row.name: row for row in rows}
    assert len(table) == len(rows), "duplicate endpoint name"
    return table


ENDPOINTS: dict[str, Endpoint] = _endpoints(
    Endpoint(
        "chat.completions.create",
        "POST",
        "/chat/completions",
        ChatCompletion,
        stream_event=ChatCompletionChunk,
        rules=v.CHAT_RULES,
    ),
    Endpoint(
        "embeddings.create",
        "POST",
        "/embeddings",
        EmbeddingResponse,
        rules=v.EMBEDDING_RULES,
        parse=EmbeddingResponse.from_wire,
    ),
    Endpoint("rerank.create", "POST", "/rerank", RerankResponse, rules=v.RERANK_RULES),
    Endpoint("models.list", "GET", "/models", ModelList),
    Endpoint("models.count", "GET", "/models/count", ModelCount),
    Endpoint("models.endpoints", "GET", "/models/{author}/{slug}/endpoints", ModelEndpoints),
)
