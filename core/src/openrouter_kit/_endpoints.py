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
from ._validation import Flag, Mapped, Metadata, OneOf, Range, StringList, Text
from .errors import PartialOutput
from .types.activity import ActivityList
from .types.auth import AuthCode, AuthKey
from .types.chat import ChatCompletion, ChatCompletionChunk
from .types.common import Deleted
from .types.credits import CoinbaseCharge, Credits
from .types.embeddings import EmbeddingResponse
from .types.generations import GenerationResponse
from .types.guardrails import (
    AssignedCount,
    GuardrailList,
    GuardrailResponse,
    KeyAssignmentList,
    MemberAssignmentList,
    UnassignedCount,
)
from .types.keys import CreatedKey, CurrentKeyResponse, KeyList, KeyResponse
from .types.messages import Message, MessageStreamEvent, messages_partial, parse_message_event
from .types.models import ModelCount, ModelEndpoints, ModelList, ZdrEndpoints
from .types.organization import MemberList
from .types.providers import ProviderList
from .types.rerank import RerankResponse
from .types.responses import (
    Response,
    ResponseStreamEvent,
    parse_response_event,
    responses_partial,
)


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
    # Turns one SSE data payload into its typed event (default: stream_event.model_validate_json);
    # used where events of several types share one stream.
    parse_event: Callable[[bytes], Any] | None = field(default=None, compare=False)
    # Assembles what a stream delivered before an error (default: the chat-chunk assembler).
    partial: Callable[[list[Any]], PartialOutput] | None = field(default=None, compare=False)


def _endpoints(*rows: Endpoint) -> dict[str, Endpoint]:
    table = {row.name: row for row in rows}
    assert len(table) == len(rows), "duplicate endpoint name"
    return table


RESET = ("daily", "weekly", "monthly")
CHALLENGE_METHODS = ("S256", "plain")

RESPONSES_RULES: tuple[v.Rule, ...] = (
    v.Items("input"),
    Text("model"),
    Text("instructions"),
    Range("temperature", 0, 2),
    Range("top_p", 0, 1),
    Range("top_k", 0, None, integer=True),
    Range("top_logprobs", 0, 20, integer=True),
    Range("max_output_tokens", 1, None, integer=True),
    Range("max_tool_calls", 1, None, integer=True),
    Range("frequency_penalty", -2, 2),
    Range("presence_penalty", -2, 2),
    Metadata(),
    Flag("parallel_tool_calls"),
    Flag("stream"),
    Flag("store"),
    Flag("background"),
    Mapped("reasoning"),
    Mapped("text"),
    StringList("modalities"),
    StringList("include"),
    OneOf("service_tier", v.SERVICE_TIERS),
    OneOf("truncation", ("auto", "disabled")),
    *v.ROUTING_RULES,
)

MESSAGES_RULES: tuple[v.Rule, ...] = (
    v.Messages(roles=v.ANTHROPIC_ROLES),
    Text("model", required=True),
    Range("max_tokens", 1, None, integer=True),
    Range("temperature", 0, 2),
    Range("top_p", 0, 1),
    Range("top_k", 0, None, integer=True),
    StringList("stop_sequences"),
    Mapped("metadata"),
    Flag("stream"),
    OneOf("service_tier", ("auto", "standard_only")),
    OneOf("speed", ("fast", "standard")),
    *v.ROUTING_RULES,
)

KEY_RULES: tuple[v.Rule, ...] = (
    Text("name"),
    Flag("disabled"),
    Range("limit", 0, None),
    OneOf("limit_reset", RESET),
    Flag("include_byok_in_limit"),
    Text("expires_at"),
)

GUARDRAIL_RULES: tuple[v.Rule, ...] = (
    Text("name"),
    Text("description"),
    Range("limit_usd", 0, None),
    OneOf("reset_interval", RESET),
    StringList("allowed_providers"),
    StringList("ignored_providers"),
    StringList("allowed_models"),
    StringList("ignored_models"),
    Flag("enforce_zdr"),
)

KEY_HASHES = (StringList("key_hashes", min_items=1, required=True),)
MEMBER_IDS = (StringList("member_user_ids", min_items=1, required=True),)

AUTH_CODE_RULES: tuple[v.Rule, ...] = (
    Text("callback_url", required=True),
    Text("code_challenge"),
    OneOf("code_challenge_method", CHALLENGE_METHODS),
    Range("limit", 0, None),
    Text("expires_at"),
    Text("key_label"),
    OneOf("usage_limit_type", RESET),
)

AUTH_EXCHANGE_RULES: tuple[v.Rule, ...] = (
    Text("code", required=True),
    Text("code_verifier"),
    OneOf("code_challenge_method", CHALLENGE_METHODS),
)

COINBASE_RULES: tuple[v.Rule, ...] = (
    Range("amount", 0, None),
    Text("sender", required=True),
    Range("chain_id", None, None, integer=True),
)

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
    Endpoint(
        "responses.create",
        "POST",
        "/responses",
        Response,
        stream_event=ResponseStreamEvent,
        rules=RESPONSES_RULES,
        parse_event=parse_response_event,
        partial=responses_partial,
    ),
    Endpoint(
        "messages.create",
        "POST",
        "/messages",
        Message,
        stream_event=MessageStreamEvent,
        rules=MESSAGES_RULES,
        parse_event=parse_message_event,
        partial=messages_partial,
    ),
    Endpoint("embeddings.list_models", "GET", "/embeddings/models", ModelList),
    Endpoint("rerank.list_models", "GET", "/rerank/models", ModelList),
    Endpoint("models.list_for_user", "GET", "/models/user", ModelList),
    Endpoint("endpoints.zdr", "GET", "/endpoints/zdr", ZdrEndpoints),
    Endpoint("providers.list", "GET", "/providers", ProviderList),
    Endpoint("generations.get", "GET", "/generation", GenerationResponse),
    Endpoint("activity.list", "GET", "/activity", ActivityList, management=True),
    Endpoint("credits.get", "GET", "/credits", Credits, management=True),
    Endpoint(
        "credits.create_coinbase_charge",
        "POST",
        "/credits/coinbase",
        CoinbaseCharge,
        rules=COINBASE_RULES,
    ),
    Endpoint("keys.current", "GET", "/key", CurrentKeyResponse),
    Endpoint("keys.list", "GET", "/keys", KeyList, management=True),
    Endpoint(
        "keys.create",
        "POST",
        "/keys",
        CreatedKey,
        rules=(Text("name", required=True), *KEY_RULES),
        management=True,
    ),
    Endpoint("keys.get", "GET", "/keys/{hash}", KeyResponse, management=True),
    Endpoint("keys.update", "PATCH", "/keys/{hash}", KeyResponse, rules=KEY_RULES, management=True),
    Endpoint("keys.delete", "DELETE", "/keys/{hash}", Deleted, management=True),
    Endpoint(
        "organization.list_members", "GET", "/organization/members", MemberList, management=True
    ),
    Endpoint("guardrails.list", "GET", "/guardrails", GuardrailList, management=True),
    Endpoint(
        "guardrails.create",
        "POST",
        "/guardrails",
        GuardrailResponse,
        rules=(Text("name", required=True), *GUARDRAIL_RULES),
        management=True,
    ),
    Endpoint("guardrails.get", "GET", "/guardrails/{id}", GuardrailResponse, management=True),
    Endpoint(
        "guardrails.update",
        "PATCH",
        "/guardrails/{id}",
        GuardrailResponse,
        rules=GUARDRAIL_RULES,
        management=True,
    ),
    Endpoint("guardrails.delete", "DELETE", "/guardrails/{id}", Deleted, management=True),
    Endpoint(
        "guardrails.list_key_assignments",
        "GET",
        "/guardrails/assignments/keys",
        KeyAssignmentList,
        management=True,
    ),
    Endpoint(
        "guardrails.list_member_assignments",
        "GET",
        "/guardrails/assignments/members",
        MemberAssignmentList,
        management=True,
    ),
    Endpoint(
        "guardrails.list_guardrail_key_assignments",
        "GET",
        "/guardrails/{id}/assignments/keys",
        KeyAssignmentList,
        management=True,
    ),
    Endpoint(
        "guardrails.list_guardrail_member_assignments",
        "GET",
        "/guardrails/{id}/assignments/members",
        MemberAssignmentList,
        management=True,
    ),
    Endpoint(
        "guardrails.assign_keys",
        "POST",
        "/guardrails/{id}/assignments/keys",
        AssignedCount,
        rules=KEY_HASHES,
        management=True,
    ),
    Endpoint(
        "guardrails.unassign_keys",
        "POST",
        "/guardrails/{id}/assignments/keys/remove",
        UnassignedCount,
        rules=KEY_HASHES,
        management=True,
    ),
    Endpoint(
        "guardrails.assign_members",
        "POST",
        "/guardrails/{id}/assignments/members",
        AssignedCount,
        rules=MEMBER_IDS,
        management=True,
    ),
    Endpoint(
        "guardrails.unassign_members",
        "POST",
        "/guardrails/{id}/assignments/members/remove",
        UnassignedCount,
        rules=MEMBER_IDS,
        management=True,
    ),
    Endpoint("auth.create_code", "POST", "/auth/keys/code", AuthCode, rules=AUTH_CODE_RULES),
    Endpoint("auth.exchange_code", "POST", "/auth/keys", AuthKey, rules=AUTH_EXCHANGE_RULES),
)
