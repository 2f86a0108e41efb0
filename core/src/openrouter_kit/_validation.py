"""Request rules the spec states, checked before anything is sent.

Each rule looks only at fields that are present, so a call pays for the rules it uses.
A broken rule raises InvalidRequestError naming the field and saying what was expected.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from .errors import InvalidRequestError


class Rule(Protocol):
    def check(self, body: Mapping[str, Any]) -> None: ...


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


@dataclass(frozen=True)
class Range:
    """A number within [low, high]; `integer` requires a whole number."""

    field: str
    low: float | None = None
    high: float | None = None
    integer: bool = False

    def check(self, body: Mapping[str, Any]) -> None:
        value = body.get(self.field)
        if value is None:
            return
        kind = "an integer" if self.integer else "a number"
        if not _is_number(value) or (self.integer and not isinstance(value, int)):
            raise InvalidRequestError(
                self.field, f"expected {kind}, got {type(value).__name__} {value!r}"
            )
        if (
            value != value  # NaN passes both comparisons below
            or (self.low is not None and value < self.low)
            or (self.high is not None and value > self.high)
        ):
            low = "-inf" if self.low is None else f"{self.low:g}"
            high = "inf" if self.high is None else f"{self.high:g}"
            raise InvalidRequestError(
                self.field, f"expected {kind} from {low} to {high}, got {value!r}"
            )


@dataclass(frozen=True)
class OneOf:
    field: str
    choices: tuple[str, ...]

    def check(self, body: Mapping[str, Any]) -> None:
        value = body.get(self.field)
        if value is not None and value not in self.choices:
            raise InvalidRequestError(
                self.field, f"expected one of {', '.join(map(repr, self.choices))}, got {value!r}"
            )


@dataclass(frozen=True)
class Text:
    """A string, optionally with a maximum length and not empty."""

    field: str
    max_length: int | None = None
    required: bool = False

    def check(self, body: Mapping[str, Any]) -> None:
        value = body.get(self.field)
        if value is None:
            if self.required:
                raise InvalidRequestError(self.field, "is required")
            return
        if not isinstance(value, str):
            raise InvalidRequestError(self.field, f"expected a string, got {type(value).__name__}")
        if self.required and not value:
            raise InvalidRequestError(self.field, "expected a non-empty string")
        if self.max_length is not None and len(value) > self.max_length:
            raise InvalidRequestError(
                self.field, f"expected at most {self.max_length} characters, got {len(value)}"
            )


@dataclass(frozen=True)
class Flag:
    field: str

    def check(self, body: Mapping[str, Any]) -> None:
        value = body.get(self.field)
        if value is not None and not isinstance(value, bool):
            raise InvalidRequestError(self.field, f"expected true or false, got {value!r}")


@dataclass(frozen=True)
class StringList:
    """A list of strings with bounds on its length (a lone string counts as one when allowed)."""

    field: str
    max_items: int | None = None
    min_items: int = 0
    allow_single: bool = False
    required: bool = False

    def check(self, body: Mapping[str, Any]) -> None:
        value = body.get(self.field)
        if value is None:
            if self.required:
                raise InvalidRequestError(self.field, "is required")
            return
        if isinstance(value, str) and self.allow_single:
            value = [value]
        if not isinstance(value, (list, tuple)) or not all(isinstance(v, str) for v in value):
            raise InvalidRequestError(
                self.field, f"expected a list of strings, got {type(value).__name__}"
            )
        if len(value) < self.min_items:
            raise InvalidRequestError(
                self.field, f"expected at least {self.min_items} item(s), got {len(value)}"
            )
        if self.max_items is not None and len(value) > self.max_items:
            raise InvalidRequestError(
                self.field, f"expected at most {self.max_items} items, got {len(value)}"
            )


@dataclass(frozen=True)
class Metadata:
    """At most 16 pairs; keys up to 64 characters without brackets; values strings up to 512."""

    field: str = "metadata"

    def check(self, body: Mapping[str, Any]) -> None:
        value = body.get(self.field)
        if value is None:
            return
        if not isinstance(value, Mapping):
            raise InvalidRequestError(
                self.field, f"expected an object of string pairs, got {type(value).__name__}"
            )
        if len(value) > 16:
            raise InvalidRequestError(self.field, f"expected at most 16 pairs, got {len(value)}")
        for key, item in value.items():
            if not isinstance(key, str) or len(key) > 64 or "[" in key or "]" in key:
                raise InvalidRequestError(
                    f"{self.field}.{key}",
                    "expected a key of at most 64 characters without brackets",
                )
            if not isinstance(item, str) or len(item) > 512:
                raise InvalidRequestError(
                    f"{self.field}.{key}", "expected a string value of at most 512 characters"
                )


@dataclass(frozen=True)
class Mapped:
    """An object (dict or pydantic model), optionally required."""

    field: str
    required: bool = False

    def check(self, body: Mapping[str, Any]) -> None:
        value = body.get(self.field)
        if value is None:
            if self.required:
                raise InvalidRequestError(self.field, "is required")
            return
        if not isinstance(value, Mapping):
            raise InvalidRequestError(self.field, f"expected an object, got {type(value).__name__}")


CHAT_ROLES = ("system", "developer", "user", "assistant", "tool")


@dataclass(frozen=True)
class Messages:
    """A non-empty list of chat messages, each an object with a known role."""

    field: str = "messages"
    roles: Collection[str] = CHAT_ROLES

    def check(self, body: Mapping[str, Any]) -> None:
        value = body.get(self.field)
        if value is None:
            raise InvalidRequestError(self.field, "is required")
        if not isinstance(value, Sequence) or isinstance(value, (str, bytes)):
            raise InvalidRequestError(
                self.field, f"expected a list of message objects, got {type(value).__name__}"
            )
        if not value:
            raise InvalidRequestError(
                self.field, "expected at least one message, got an empty list"
            )
        for i, message in enumerate(value):
            if not isinstance(message, Mapping):
                raise InvalidRequestError(
                    f"{self.field}[{i}]",
                    f"expected an object with role and content, got {type(message).__name__}",
                )
            role = message.get("role")
            if role not in self.roles:
                raise InvalidRequestError(
                    f"{self.field}[{i}].role",
                    f"expected one of {', '.join(self.roles)}, got {role!r}",
                )


@dataclass(frozen=True)
class Tools:
    """Function tools: each {"type": "function", "function": {"name": ..., "parameters": {...}}}."""

    field: str = "tools"

    def check(self, body: Mapping[str, Any]) -> None:
        value = body.get(self.field)
        if value is None:
            return
        if not isinstance(value, Sequence) or isinstance(value, (str, bytes)):
            raise InvalidRequestError(
                self.field, f"expected a list of tool objects, got {type(value).__name__}"
            )
        for i, tool in enumerate(value):
            where = f"{self.field}[{i}]"
            if not isinstance(tool, Mapping):
                raise InvalidRequestError(
                    where, f"expected a tool object, got {type(tool).__name__}"
                )
            if tool.get("type", "function") != "function":
                continue  # server tools (e.g. openrouter:web_search) have their own shapes
            function = tool.get("function")
            if not isinstance(function, Mapping):
                raise InvalidRequestError(
                    f"{where}.function", "expected an object with name and parameters"
                )
            name = function.get("name")
            if not isinstance(name, str) or not name:
                raise InvalidRequestError(f"{where}.function.name", "expected a non-empty string")
            parameters = function.get("parameters")
            if parameters is not None and not isinstance(parameters, Mapping):
                raise InvalidRequestError(
                    f"{where}.function.parameters", "expected a JSON schema object"
                )


ANTHROPIC_ROLES = ("user", "assistant")
"""Roles of /messages turns (the system prompt is the top-level `system` field)."""


@dataclass(frozen=True)
class Items:
    """A text, or a non-empty list of item objects (the Responses API `input`)."""

    field: str

    def check(self, body: Mapping[str, Any]) -> None:
        value = body.get(self.field)
        if value is None or isinstance(value, str):
            return
        if not isinstance(value, Sequence) or isinstance(value, (bytes, bytearray)):
            raise InvalidRequestError(
                self.field,
                f"expected a string or a list of input items, got {type(value).__name__}",
            )
        if not value:
            raise InvalidRequestError(
                self.field, "expected at least one input item, got an empty list"
            )
        for i, item in enumerate(value):
            if not isinstance(item, Mapping):
                raise InvalidRequestError(
                    f"{self.field}[{i}]",
                    f"expected an input item object, got {type(item).__name__}",
                )


def id_list(value: Any) -> Any:
    """A list of ids to send: a list copy of a sequence, but a lone string left as it is.

    (`list("key")` would send one id per character; left alone, the rule rejects the string.)
    """
    if isinstance(value, (str, bytes)) or not isinstance(value, Sequence):
        return value
    return list(value)


def check(rules: Sequence[Rule], body: Mapping[str, Any]) -> None:
    """Apply every rule to the body; the first broken one raises."""
    for rule in rules:
        rule.check(body)


SERVICE_TIERS = ("auto", "default", "flex", "priority", "scale")
ROUTES = ("fallback", "sort")

ROUTING_RULES: tuple[Rule, ...] = (
    Mapped("provider"),
    StringList("models"),
    OneOf("route", ROUTES),
    Text("user", max_length=256),
    Text("session_id", max_length=256),
    Mapped("trace"),
)

CHAT_RULES: tuple[Rule, ...] = (
    Messages(),
    Text("model"),
    Range("temperature", 0, 2),
    Range("top_p", 0, 1),
    Range("top_k", 0, None, integer=True),
    Range("frequency_penalty", -2, 2),
    Range("presence_penalty", -2, 2),
    Range("repetition_penalty", 0, 2),
    Range("min_p", 0, 1),
    Range("top_a", 0, 1),
    Range("top_logprobs", 0, 20, integer=True),
    Range("max_tokens", 1, None, integer=True),
    Range("max_completion_tokens", 1, None, integer=True),
    Range("seed", None, None, integer=True),
    StringList("stop", max_items=4, allow_single=True),
    Metadata(),
    Tools(),
    Flag("parallel_tool_calls"),
    Flag("logprobs"),
    Flag("stream"),
    Mapped("reasoning"),
    Mapped("response_format"),
    Mapped("usage"),
    OneOf("service_tier", SERVICE_TIERS),
    StringList("modalities"),
    StringList("transforms"),
    *ROUTING_RULES,
)

EMBEDDING_RULES: tuple[Rule, ...] = (
    Text("model", required=True),
    OneOf("encoding_format", ("float", "base64")),
    Range("dimensions", 1, None, integer=True),
    Text("input_type"),
    Mapped("provider"),
    Text("user", max_length=256),
)

RERANK_RULES: tuple[Rule, ...] = (
    Text("model", required=True),
    Text("query", required=True),
    Range("top_n", 1, None, integer=True),
    Mapped("provider"),
)
