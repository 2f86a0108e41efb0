"""What a call needs (Requirements) and what the account's guardrails allow (Guardrail)."""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Literal

from ..errors import (
    OpenRouterError,
)

Preference = Literal["price", "throughput", "latency", "uptime"]

MILLION = Decimal(1_000_000)
DEFAULT_PROMPT_TOKENS = 1_000
DEFAULT_COMPLETION_TOKENS = 1_000

# Model authors whose models fall under the per-family ZDR switches of real guardrails.
_ZDR_FAMILIES = {"anthropic": "anthropic", "openai": "openai", "google": "google", "x-ai": "xai"}


class NoModelFitsError(OpenRouterError):
    """No model meets the requirements inside the guardrails; `.nearest` lists the closest misses."""

    def __init__(self, message: str, *, nearest: list[tuple[str, list[str]]]) -> None:
        self.nearest = nearest
        super().__init__(message)


# -- values ------------------------------------------------------------------------------


def _field(obj: Any, name: str, default: Any = None) -> Any:
    """A field of an API result that may be a pydantic object or a plain dict."""
    if obj is None:
        return default
    if isinstance(obj, Mapping):
        return obj.get(name, default)
    value = getattr(obj, name, default)
    return default if value is None else value


def _items(result: Any) -> list[Any]:
    """The items of a list result (`.data` of a model, `["data"]` of a dict, or a list)."""
    if result is None:
        return []
    if isinstance(result, list):
        return result
    data = _field(result, "data")
    if isinstance(data, list):
        return data
    return []


def _tuple(values: Iterable[str] | str | None) -> tuple[str, ...] | None:
    if values is None:
        return None
    if isinstance(values, str):
        return (values,)
    return tuple(values)


@dataclass(frozen=True)
class Guardrail:
    """The rules of one OpenRouter guardrail, as the selector honours them.

    Build one yourself (`Guardrail(allowed_models=[...], enforce_zdr=True)`) or read it from
    the account (`Guardrail.from_api(client.guardrails.get(id).data)`). Empty or None lists
    mean "no restriction". `limit_usd` is the guardrail budget; the API does not report what
    has been spent against it, so pass `spent_usd` when you know it (else the whole limit
    counts as the most that may remain). `enforce_zdr_families` holds per-family switches
    ("anthropic", "openai", "google", "xai", "other") of newer guardrails.
    """

    name: str = "guardrail"
    id: str | None = None
    allowed_models: tuple[str, ...] | None = None
    ignored_models: tuple[str, ...] | None = None
    allowed_providers: tuple[str, ...] | None = None
    ignored_providers: tuple[str, ...] | None = None
    enforce_zdr: bool = False
    enforce_zdr_families: frozenset[str] = frozenset()
    limit_usd: float | None = None
    spent_usd: float | None = None
    reset_interval: str | None = None

    def __init__(
        self,
        name: str = "guardrail",
        *,
        id: str | None = None,
        allowed_models: Iterable[str] | None = None,
        ignored_models: Iterable[str] | None = None,
        allowed_providers: Iterable[str] | None = None,
        ignored_providers: Iterable[str] | None = None,
        enforce_zdr: bool | None = False,
        enforce_zdr_families: Iterable[str] = (),
        limit_usd: float | None = None,
        spent_usd: float | None = None,
        reset_interval: str | None = None,
    ) -> None:
        set_ = object.__setattr__
        set_(self, "name", name)
        set_(self, "id", id)
        set_(self, "allowed_models", _tuple(allowed_models) or None)
        set_(self, "ignored_models", _tuple(ignored_models) or None)
        set_(self, "allowed_providers", _tuple(allowed_providers) or None)
        set_(self, "ignored_providers", _tuple(ignored_providers) or None)
        set_(self, "enforce_zdr", bool(enforce_zdr))
        set_(self, "enforce_zdr_families", frozenset(enforce_zdr_families))
        set_(self, "limit_usd", None if limit_usd is None else float(limit_usd))
        set_(self, "spent_usd", None if spent_usd is None else float(spent_usd))
        set_(self, "reset_interval", reset_interval)

    @classmethod
    def from_api(cls, obj: Any) -> Guardrail:
        """A Guardrail from the API's guardrail object (a dict or a response model)."""
        families = [
            family
            for family in ("anthropic", "openai", "google", "xai", "other")
            if _field(obj, f"enforce_zdr_{family}") is True
        ]
        return cls(
            str(_field(obj, "name", "guardrail")),
            id=_field(obj, "id"),
            allowed_models=_field(obj, "allowed_models"),
            ignored_models=_field(obj, "ignored_models"),
            allowed_providers=_field(obj, "allowed_providers"),
            ignored_providers=_field(obj, "ignored_providers"),
            enforce_zdr=bool(_field(obj, "enforce_zdr", False)),
            enforce_zdr_families=families,
            limit_usd=_field(obj, "limit_usd"),
            reset_interval=_field(obj, "reset_interval"),
        )

    @property
    def remaining_usd(self) -> float | None:
        """What may still be spent under this guardrail's budget (None: no budget)."""
        if self.limit_usd is None:
            return None
        return max(0.0, self.limit_usd - (self.spent_usd or 0.0))

    def requires_zdr(self, model_id: str) -> bool:
        """Whether routing for this model must use zero-data-retention endpoints."""
        if self.enforce_zdr:
            return True
        if not self.enforce_zdr_families:
            return False
        family = _ZDR_FAMILIES.get(model_id.split("/", 1)[0], "other")
        return family in self.enforce_zdr_families

    def __str__(self) -> str:
        rules = []
        if self.allowed_models:
            rules.append(f"models={list(self.allowed_models)}")
        if self.ignored_models:
            rules.append(f"ignored_models={list(self.ignored_models)}")
        if self.allowed_providers:
            rules.append(f"providers={list(self.allowed_providers)}")
        if self.ignored_providers:
            rules.append(f"ignored_providers={list(self.ignored_providers)}")
        if self.enforce_zdr:
            rules.append("zdr")
        if self.enforce_zdr_families:
            rules.append(f"zdr_for={sorted(self.enforce_zdr_families)}")
        if self.limit_usd is not None:
            rules.append(f"limit=${self.limit_usd:g}")
        return f"{self.name}({', '.join(rules)})"


def _price(value: float | Decimal | str | None) -> Decimal | None:
    return None if value is None else Decimal(str(value))


@dataclass(frozen=True)
class Requirements:
    """What a call needs from a model and its route. Combine with `&` (the stricter wins).

    Capabilities: `tools`, `tool_choice`, `response_format` (JSON mode), `structured_outputs`
    (JSON schema), `reasoning`; `input_modalities` such as {"image"}, {"audio"}, {"file"};
    `output_modalities` (default {"text"}). Limits: `min_context` tokens, `min_max_output`
    tokens, `max_prompt_price` / `max_completion_price` in USD per million tokens. Routing:
    `providers` (allow), `ignore_providers` (deny), `zdr`, `data_collection_deny`,
    `quantizations`. `models` / `exclude_models` restrict the candidates by id. `prefer`
    orders the result: "price" (default), "throughput", "latency" or "uptime".
    """

    tools: bool = False
    tool_choice: bool = False
    response_format: bool = False
    structured_outputs: bool = False
    reasoning: bool = False
    input_modalities: frozenset[str] = frozenset()
    output_modalities: frozenset[str] = frozenset({"text"})
    min_context: int | None = None
    min_max_output: int | None = None
    max_prompt_price: Decimal | None = None
    max_completion_price: Decimal | None = None
    providers: tuple[str, ...] | None = None
    ignore_providers: tuple[str, ...] = ()
    zdr: bool = False
    data_collection_deny: bool = False
    quantizations: tuple[str, ...] | None = None
    models: tuple[str, ...] | None = None
    exclude_models: tuple[str, ...] = ()
    prefer: Preference = "price"

    def __init__(
        self,
        *,
        tools: bool = False,
        tool_choice: bool = False,
        response_format: bool = False,
        structured_outputs: bool = False,
        reasoning: bool = False,
        input_modalities: Iterable[str] = (),
        output_modalities: Iterable[str] = ("text",),
        min_context: int | None = None,
        min_max_output: int | None = None,
        max_prompt_price: float | Decimal | str | None = None,
        max_completion_price: float | Decimal | str | None = None,
        providers: Iterable[str] | None = None,
        ignore_providers: Iterable[str] = (),
        zdr: bool = False,
        data_collection_deny: bool = False,
        quantizations: Iterable[str] | None = None,
        models: Iterable[str] | None = None,
        exclude_models: Iterable[str] = (),
        prefer: Preference = "price",
    ) -> None:
        if prefer not in ("price", "throughput", "latency", "uptime"):
            raise ValueError(
                f"prefer: expected 'price', 'throughput', 'latency' or 'uptime', got {prefer!r}"
            )
        for name, value in (("min_context", min_context), ("min_max_output", min_max_output)):
            if value is not None and (not isinstance(value, int) or value < 0):
                raise ValueError(f"{name}: expected a non-negative integer, got {value!r}")
        set_ = object.__setattr__
        set_(self, "tools", bool(tools))
        set_(self, "tool_choice", bool(tool_choice))
        set_(self, "response_format", bool(response_format))
        set_(self, "structured_outputs", bool(structured_outputs))
        set_(self, "reasoning", bool(reasoning))
        set_(self, "input_modalities", frozenset(m.lower() for m in input_modalities))
        set_(self, "output_modalities", frozenset(m.lower() for m in output_modalities))
        set_(self, "min_context", min_context)
        set_(self, "min_max_output", min_max_output)
        set_(self, "max_prompt_price", _price(max_prompt_price))
        set_(self, "max_completion_price", _price(max_completion_price))
        set_(self, "providers", _tuple(providers))
        set_(self, "ignore_providers", _tuple(ignore_providers) or ())
        set_(self, "zdr", bool(zdr))
        set_(self, "data_collection_deny", bool(data_collection_deny))
        set_(self, "quantizations", _tuple(quantizations))
        set_(self, "models", _tuple(models))
        set_(self, "exclude_models", _tuple(exclude_models) or ())
        set_(self, "prefer", prefer)

    def __and__(self, other: Requirements) -> Requirements:
        """Both sets of needs at once: flags OR-ed, limits tightened, allow-lists intersected."""
        if not isinstance(other, Requirements):
            return NotImplemented

        def larger(a: int | None, b: int | None) -> int | None:
            return b if a is None else a if b is None else max(a, b)

        def lower(a: Decimal | None, b: Decimal | None) -> Decimal | None:
            return b if a is None else a if b is None else min(a, b)

        def both(a: tuple[str, ...] | None, b: tuple[str, ...] | None) -> tuple[str, ...] | None:
            if a is None:
                return b
            if b is None:
                return a
            return tuple(x for x in a if x in b)

        return Requirements(
            tools=self.tools or other.tools,
            tool_choice=self.tool_choice or other.tool_choice,
            response_format=self.response_format or other.response_format,
            structured_outputs=self.structured_outputs or other.structured_outputs,
            reasoning=self.reasoning or other.reasoning,
            input_modalities=self.input_modalities | other.input_modalities,
            output_modalities=self.output_modalities | other.output_modalities,
            min_context=larger(self.min_context, other.min_context),
            min_max_output=larger(self.min_max_output, other.min_max_output),
            max_prompt_price=lower(self.max_prompt_price, other.max_prompt_price),
            max_completion_price=lower(self.max_completion_price, other.max_completion_price),
            providers=both(self.providers, other.providers),
            ignore_providers=tuple(dict.fromkeys(self.ignore_providers + other.ignore_providers)),
            zdr=self.zdr or other.zdr,
            data_collection_deny=self.data_collection_deny or other.data_collection_deny,
            quantizations=both(self.quantizations, other.quantizations),
            models=both(self.models, other.models),
            exclude_models=tuple(dict.fromkeys(self.exclude_models + other.exclude_models)),
            prefer=other.prefer if other.prefer != "price" else self.prefer,
        )

    def replace(self, **changes: Any) -> Requirements:
        """A copy with some fields changed."""
        values = {name: getattr(self, name) for name in self.__dataclass_fields__}
        values.update(changes)
        return Requirements(**values)

    @property
    def parameters(self) -> tuple[str, ...]:
        """Request parameters the model (and its endpoint) must support."""
        names = (
            ("tools", self.tools),
            ("tool_choice", self.tool_choice),
            ("response_format", self.response_format),
            ("structured_outputs", self.structured_outputs),
            ("reasoning", self.reasoning),
        )
        return tuple(name for name, wanted in names if wanted)

    @classmethod
    def for_request(
        cls,
        params: Mapping[str, Any],
        *,
        prompt_tokens: int | None = None,
        base: Requirements | None = None,
    ) -> Requirements:
        """What a chat-completions request needs, read from its params.

        Bound `tools` need tool support (and `tool_choice` when forced), `response_format`
        needs JSON mode or JSON schema, `reasoning` needs reasoning, image / audio / file
        content parts need those input modalities, and the prompt plus `max_tokens` must fit
        in the context. Used by the framework "auto" modes to pick a model per call.
        """
        needs: dict[str, Any] = {}
        if params.get("tools"):
            needs["tools"] = True
            choice = params.get("tool_choice")
            if choice not in (None, "auto", "none"):
                needs["tool_choice"] = True
        response_format = params.get("response_format")
        if isinstance(response_format, Mapping):
            kind = response_format.get("type")
            if kind == "json_schema":
                needs["structured_outputs"] = True
            elif kind == "json_object":
                needs["response_format"] = True
        reasoning = params.get("reasoning")
        if (
            isinstance(reasoning, Mapping)
            and reasoning
            and reasoning.get("enabled") is not False
            and reasoning.get("effort") != "none"
        ):
            needs["reasoning"] = True
        modalities = set(content_modalities(params.get("messages") or ()))
        if modalities:
            needs["input_modalities"] = modalities
        wanted_output = params.get("modalities")
        if wanted_output:
            needs["output_modalities"] = set(wanted_output)
        if prompt_tokens is None:
            prompt_tokens = estimate_prompt_tokens(params.get("messages") or ())
        max_tokens = params.get("max_tokens") or params.get("max_completion_tokens") or 0
        needs["min_context"] = int(prompt_tokens) + int(max_tokens)
        if max_tokens:
            needs["min_max_output"] = int(max_tokens)
        result = cls(**needs)
        return base & result if base is not None else result

    def describe(self) -> str:
        """A one-line summary of the needs, for notes and error messages."""
        parts = list(self.parameters)
        if self.input_modalities:
            parts.append("input:" + "+".join(sorted(self.input_modalities)))
        if self.output_modalities != frozenset({"text"}):
            parts.append("output:" + "+".join(sorted(self.output_modalities)))
        if self.min_context:
            parts.append(f"context>={self.min_context:,}")
        if self.min_max_output:
            parts.append(f"max_output>={self.min_max_output:,}")
        if self.max_prompt_price is not None:
            parts.append(f"prompt<=${self.max_prompt_price}/M")
        if self.max_completion_price is not None:
            parts.append(f"completion<=${self.max_completion_price}/M")
        if self.providers is not None:
            parts.append(f"providers={list(self.providers)}")
        if self.ignore_providers:
            parts.append(f"ignore={list(self.ignore_providers)}")
        if self.zdr:
            parts.append("zdr")
        if self.data_collection_deny:
            parts.append("data_collection=deny")
        if self.quantizations:
            parts.append(f"quantizations={list(self.quantizations)}")
        parts.append(f"prefer={self.prefer}")
        return ", ".join(parts)


_PART_MODALITY = {
    "image_url": "image",
    "input_image": "image",
    "image": "image",
    "input_audio": "audio",
    "audio": "audio",
    "file": "file",
    "input_file": "file",
    "video_url": "video",
    "input_video": "video",
}


def content_modalities(messages: Iterable[Any]) -> set[str]:
    """Input modalities a list of chat messages uses beyond text (image, audio, file, video)."""
    found: set[str] = set()
    for message in messages:
        content = _field(message, "content")
        if not isinstance(content, list):
            continue
        for part in content:
            kind = _field(part, "type")
            if isinstance(kind, str) and kind in _PART_MODALITY:
                found.add(_PART_MODALITY[kind])
    return found


def estimate_prompt_tokens(messages: Iterable[Any]) -> int:
    """A deliberately generous token count for chat messages (about 3 characters per token).

    Used for budgets and context checks before sending, so it errs high: 4 tokens of
    overhead per message, text at len/3, and a flat 1,000 tokens per image, audio or file.
    """
    total = 3
    for message in messages:
        total += 4
        content = _field(message, "content")
        if isinstance(content, str):
            total += math.ceil(len(content) / 3)
        elif isinstance(content, list):
            for part in content:
                kind = _field(part, "type")
                if kind == "text":
                    total += math.ceil(len(str(_field(part, "text", ""))) / 3)
                elif kind in _PART_MODALITY:
                    total += 1_000
        for call in _field(message, "tool_calls") or ():
            total += math.ceil(len(str(call)) / 3)
    return total
