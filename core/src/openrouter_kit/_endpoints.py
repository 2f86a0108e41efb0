"""The declarative endpoint table: one row per API endpoint, read by the shared request pipeline.

A row says how to call the endpoint (method, path template), how to check its body before
sending (rules), how to read its answer (response type, or stream event type), and whether it
needs a management key. Resources look rows up by name; nothing else knows about paths.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from functools import cache
from importlib import import_module
from typing import Any

from . import _validation as v
from ._validation import Flag, Mapped, Metadata, OneOf, Range, StringList, Text
from .errors import PartialOutput


class Ref:
    """A lazily imported attribute of `openrouter_kit.types`, written 'module:Name[.attr]'.

    Rows name their types this way so `import openrouter_kit` does not build ~100 pydantic
    models up front; each is imported the first time its endpoint is called.
    """

    __slots__ = ("_value", "spec")

    def __init__(self, spec: str) -> None:
        self.spec = spec
        self._value: Any = None

    def get(self) -> Any:
        if self._value is None:
            module, _, path = self.spec.partition(":")
            value: Any = import_module(f"{__package__}.types.{module}")
            for name in path.split("."):
                value = getattr(value, name)
            self._value = value
        return self._value

    def __repr__(self) -> str:
        return f"Ref({self.spec!r})"


def _ref(spec: str) -> Ref:
    return Ref(spec)


def _get(value: Any) -> Any:
    return value.get() if isinstance(value, Ref) else value


@dataclass(frozen=True)
class Endpoint:
    """How to call one endpoint and how to read what it returns."""

    name: str
    method: str
    path: str
    response: Ref | type[Any] | None
    stream_event: Ref | type[Any] | None = None
    rules: tuple[v.Rule, ...] = ()
    management: bool = False
    # Turns parsed JSON into the response when plain model validation is not the fastest way.
    parse: Ref | Callable[[Any], Any] | None = field(default=None, compare=False)
    # Turns one SSE data payload into its typed event (default: stream_event.model_validate_json);
    # used where events of several types share one stream.
    parse_event: Ref | Callable[[bytes], Any] | None = field(default=None, compare=False)
    # Assembles what a stream delivered before an error (default: the chat-chunk assembler).
    partial: Ref | Callable[[list[Any]], PartialOutput] | None = field(default=None, compare=False)
    # The stream always ends with `data: [DONE]` (chat and responses, per real traffic), so a
    # body that ends without it was cut off and must not pass for a complete answer.
    ends_with_done: bool = False
    # The success answer is bytes (audio, a file, a video): returned unread as a BinaryResponse.
    binary: bool = False
    # The body may carry a file: sent as multipart/form-data when it does.
    multipart: bool = False

    @property
    def response_model(self) -> Any:
        return _get(self.response)

    @property
    def stream_model(self) -> Any:
        return _get(self.stream_event)

    @property
    def parse_json(self) -> Callable[[Any], Any] | None:
        return _get(self.parse)  # type: ignore[no-any-return]

    @property
    def parse_sse(self) -> Callable[[bytes], Any] | None:
        return _get(self.parse_event)  # type: ignore[no-any-return]

    @property
    def partial_output(self) -> Callable[[list[Any]], PartialOutput] | None:
        return _get(self.partial)  # type: ignore[no-any-return]


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

DEFINED: dict[str, Endpoint] = _endpoints(
    Endpoint(
        "chat.completions.create",
        "POST",
        "/chat/completions",
        _ref("chat:ChatCompletion"),
        stream_event=_ref("chat:ChatCompletionChunk"),
        rules=v.CHAT_RULES,
        ends_with_done=True,
    ),
    Endpoint(
        "embeddings.create",
        "POST",
        "/embeddings",
        _ref("embeddings:EmbeddingResponse"),
        rules=v.EMBEDDING_RULES,
        parse=_ref("embeddings:EmbeddingResponse.from_wire"),
    ),
    Endpoint(
        "rerank.create", "POST", "/rerank", _ref("rerank:RerankResponse"), rules=v.RERANK_RULES
    ),
    Endpoint("models.list", "GET", "/models", _ref("models:ModelList")),
    Endpoint("models.count", "GET", "/models/count", _ref("models:ModelCount")),
    Endpoint(
        "models.endpoints",
        "GET",
        "/models/{author}/{slug}/endpoints",
        _ref("models:ModelEndpoints"),
    ),
    Endpoint(
        "responses.create",
        "POST",
        "/responses",
        _ref("responses:Response"),
        stream_event=_ref("responses:ResponseStreamEvent"),
        rules=RESPONSES_RULES,
        parse_event=_ref("responses:parse_response_event"),
        partial=_ref("responses:responses_partial"),
        ends_with_done=True,
    ),
    Endpoint(
        "messages.create",
        "POST",
        "/messages",
        _ref("messages:Message"),
        stream_event=_ref("messages:MessageStreamEvent"),
        rules=MESSAGES_RULES,
        parse_event=_ref("messages:parse_message_event"),
        partial=_ref("messages:messages_partial"),
    ),
    Endpoint("embeddings.list_models", "GET", "/embeddings/models", _ref("models:ModelList")),
    Endpoint("rerank.list_models", "GET", "/rerank/models", _ref("models:ModelList")),
    Endpoint("models.list_for_user", "GET", "/models/user", _ref("models:ModelList")),
    Endpoint("endpoints.zdr", "GET", "/endpoints/zdr", _ref("models:ZdrEndpoints")),
    Endpoint("providers.list", "GET", "/providers", _ref("providers:ProviderList")),
    Endpoint("generations.get", "GET", "/generation", _ref("generations:GenerationResponse")),
    Endpoint("activity.list", "GET", "/activity", _ref("activity:ActivityList"), management=True),
    Endpoint("credits.get", "GET", "/credits", _ref("credits:Credits"), management=True),
    Endpoint(
        "credits.create_coinbase_charge",
        "POST",
        "/credits/coinbase",
        _ref("credits:CoinbaseCharge"),
        rules=COINBASE_RULES,
    ),
    Endpoint("keys.current", "GET", "/key", _ref("keys:CurrentKeyResponse")),
    Endpoint("keys.list", "GET", "/keys", _ref("keys:KeyList"), management=True),
    Endpoint(
        "keys.create",
        "POST",
        "/keys",
        _ref("keys:CreatedKey"),
        rules=(Text("name", required=True), *KEY_RULES),
        management=True,
    ),
    Endpoint("keys.get", "GET", "/keys/{hash}", _ref("keys:KeyResponse"), management=True),
    Endpoint(
        "keys.update",
        "PATCH",
        "/keys/{hash}",
        _ref("keys:KeyResponse"),
        rules=KEY_RULES,
        management=True,
    ),
    Endpoint("keys.delete", "DELETE", "/keys/{hash}", _ref("common:Deleted"), management=True),
    Endpoint(
        "organization.list_members",
        "GET",
        "/organization/members",
        _ref("organization:MemberList"),
        management=True,
    ),
    Endpoint(
        "guardrails.list", "GET", "/guardrails", _ref("guardrails:GuardrailList"), management=True
    ),
    Endpoint(
        "guardrails.create",
        "POST",
        "/guardrails",
        _ref("guardrails:GuardrailResponse"),
        rules=(Text("name", required=True), *GUARDRAIL_RULES),
        management=True,
    ),
    Endpoint(
        "guardrails.get",
        "GET",
        "/guardrails/{id}",
        _ref("guardrails:GuardrailResponse"),
        management=True,
    ),
    Endpoint(
        "guardrails.update",
        "PATCH",
        "/guardrails/{id}",
        _ref("guardrails:GuardrailResponse"),
        rules=GUARDRAIL_RULES,
        management=True,
    ),
    Endpoint(
        "guardrails.delete", "DELETE", "/guardrails/{id}", _ref("common:Deleted"), management=True
    ),
    Endpoint(
        "guardrails.list_key_assignments",
        "GET",
        "/guardrails/assignments/keys",
        _ref("guardrails:KeyAssignmentList"),
        management=True,
    ),
    Endpoint(
        "guardrails.list_member_assignments",
        "GET",
        "/guardrails/assignments/members",
        _ref("guardrails:MemberAssignmentList"),
        management=True,
    ),
    Endpoint(
        "guardrails.list_guardrail_key_assignments",
        "GET",
        "/guardrails/{id}/assignments/keys",
        _ref("guardrails:KeyAssignmentList"),
        management=True,
    ),
    Endpoint(
        "guardrails.list_guardrail_member_assignments",
        "GET",
        "/guardrails/{id}/assignments/members",
        _ref("guardrails:MemberAssignmentList"),
        management=True,
    ),
    Endpoint(
        "guardrails.assign_keys",
        "POST",
        "/guardrails/{id}/assignments/keys",
        _ref("guardrails:AssignedCount"),
        rules=KEY_HASHES,
        management=True,
    ),
    Endpoint(
        "guardrails.unassign_keys",
        "POST",
        "/guardrails/{id}/assignments/keys/remove",
        _ref("guardrails:UnassignedCount"),
        rules=KEY_HASHES,
        management=True,
    ),
    Endpoint(
        "guardrails.assign_members",
        "POST",
        "/guardrails/{id}/assignments/members",
        _ref("guardrails:AssignedCount"),
        rules=MEMBER_IDS,
        management=True,
    ),
    Endpoint(
        "guardrails.unassign_members",
        "POST",
        "/guardrails/{id}/assignments/members/remove",
        _ref("guardrails:UnassignedCount"),
        rules=MEMBER_IDS,
        management=True,
    ),
    Endpoint(
        "auth.create_code", "POST", "/auth/keys/code", _ref("auth:AuthCode"), rules=AUTH_CODE_RULES
    ),
    Endpoint(
        "auth.exchange_code", "POST", "/auth/keys", _ref("auth:AuthKey"), rules=AUTH_EXCHANGE_RULES
    ),
)


VARIANTS: dict[str, Endpoint] = {
    # embeddings.create(vector_type="array"): the same call, its vectors read as float32 arrays
    "embeddings.create:float32": replace(
        DEFINED["embeddings.create"],
        response=_ref("embeddings:Float32EmbeddingResponse"),
        parse=_ref("embeddings:Float32EmbeddingResponse.from_wire"),
    ),
}
"""Other ways to read an operation's answer; each keeps its operation's name for hooks and budgets."""


@cache
def _generated_rows() -> dict[str, Endpoint]:
    """Rows for the operations of spec/openapi.yaml that no hand-written row above covers.

    Their answers parse into the permissive base model (every field kept); binary answers and
    multipart uploads are flagged from the document's content types.
    """
    from ._generated.operations import OPERATIONS

    rows: dict[str, Endpoint] = {}
    for op in OPERATIONS.values():
        if op.name in DEFINED or op.name in rows:
            continue
        rows[op.name] = Endpoint(
            op.name,
            op.method,
            op.path,
            None if op.binary else _ref("_base:OpenRouterModel"),
            stream_event=_ref("_base:OpenRouterModel") if op.streams else None,
            binary=op.binary,
            multipart=op.multipart,
        )
    return rows


class _Routes(dict[str, Endpoint]):
    """The hand-written rows and variants; the generated rows join on the first call of one,
    so a chat program never loads the 98-operation table (`_generated/operations.py`)."""

    _complete = False

    def __missing__(self, name: str) -> Endpoint:
        if self._complete:
            raise KeyError(name)
        for key, row in _generated_rows().items():
            self.setdefault(key, row)
        self._complete = True  # after the rows are in: another thread may be looking too
        if name in self:
            return self[name]
        raise KeyError(name)


ROUTES: dict[str, Endpoint] = _Routes({**DEFINED, **VARIANTS})
"""What the clients look a resource's call up in: every operation and its variants."""

ENDPOINTS: dict[str, Endpoint]
"""Every operation's row, hand-written or generated (built on first access)."""
GENERATED: frozenset[str]
"""Names of the rows made from the document alone (no hand-written row)."""


def __getattr__(name: str) -> Any:
    # PEP 562: the full tables are built when first imported, not with the module
    if name == "ENDPOINTS":
        value: Any = {**DEFINED, **_generated_rows()}
    elif name == "GENERATED":
        value = frozenset(_generated_rows())
    else:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    globals()[name] = value
    return value
