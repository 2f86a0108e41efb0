"""The guardrail-aware model selector: say what a call needs, get a model the guardrails accept.

Teams run OpenRouter under guardrails (allowed models and providers, zero data retention,
spend limits) and today learn that a model is forbidden only when a request fails. The
selector reads the live catalogue (GET /models, /models/{author}/{slug}/endpoints,
/endpoints/zdr, /providers) and the guardrails that apply to the current key, and returns a
`Selection`: a model, fallbacks for OpenRouter's `models` parameter, a `provider` object that
keeps routing inside the guardrails, a cost estimate, and the reason every other candidate
was rejected.

Shape of the code, so that sync and async share every decision:

- `Guardrail`, `Requirements`, `Selection`, `Candidate`, `Ranking`: plain values.
- `evaluate()`: a pure function from (catalogue snapshot, account view, requirements) to a
  `Ranking`. No I/O, so it is tested and reasoned about on its own.
- Fetching is written once as generator "plans" that yield the calls they need and receive
  the results; `ModelSelector` runs a plan with blocking calls (a small thread pool for the
  per-model endpoint lists), `AsyncModelSelector` runs the same plan with `await`.
"""

from __future__ import annotations

import asyncio
import hashlib
import html
import math
import threading
import time
from collections.abc import Callable, Generator, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import Any, Literal, TypeVar

from .errors import (
    AuthenticationError,
    NotFoundError,
    OpenRouterError,
    PermissionDeniedError,
)
from .types.common import ProviderPreferences
from .types.models import Model, ModelEndpoint, Pricing

__all__ = [
    "AccountView",
    "AsyncModelSelector",
    "Candidate",
    "CatalogueSnapshot",
    "Guardrail",
    "ModelSelector",
    "NoModelFitsError",
    "Ranking",
    "Requirements",
    "Selection",
    "evaluate",
]

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


# -- catalogue and account snapshots ---------------------------------------------------------


@dataclass
class CatalogueSnapshot:
    """What the catalogue endpoints said: models, their provider endpoints, ZDR set, providers.

    `endpoints` maps a model id to its endpoint list, or to the error text when the lookup
    failed; models never looked up are absent. `zdr` holds (model id, provider name) pairs of
    zero-data-retention endpoints, or None when GET /endpoints/zdr was not available.
    """

    models: list[Model]
    endpoints: dict[str, list[ModelEndpoint] | str] = field(default_factory=dict)
    zdr: set[tuple[str, str]] | None = None
    provider_slugs: dict[str, str] = field(default_factory=dict)
    fetched_at: float = 0.0
    notes: list[str] = field(default_factory=list)

    def model(self, model_id: str) -> Model | None:
        for model in self.models:
            if model.id == model_id or model.canonical_slug == model_id:
                return model
        return None

    def is_zdr(self, model_id: str, endpoint: ModelEndpoint) -> bool:
        """Whether this endpoint retains no data (GET /endpoints/zdr, else its own flag)."""
        if self.zdr is not None:
            return (model_id, endpoint.provider_name or "") in self.zdr
        return bool(_field(endpoint, "supports_zdr", False))

    def provider_names(self, endpoint: ModelEndpoint) -> set[str]:
        """Every name a provider rule may use for this endpoint: name, slug, tag, tag prefix."""
        names = set()
        name = endpoint.provider_name or ""
        if name:
            names.add(name.lower())
            slug = self.provider_slugs.get(name)
            if slug:
                names.add(slug.lower())
        tag = endpoint.tag or ""
        if tag:
            names.add(tag.lower())
            names.add(tag.split("/", 1)[0].lower())
        return names

    def provider_slug(self, endpoint: ModelEndpoint) -> str:
        """The id to name this endpoint's provider by in routing preferences."""
        name = endpoint.provider_name or ""
        slug = self.provider_slugs.get(name)
        if slug:
            return slug
        if endpoint.tag:
            return endpoint.tag.split("/", 1)[0]
        return name.lower()


@dataclass
class AccountView:
    """What the selector knows about the key it selects for.

    `guardrails` are the rules that apply (read from the account or given by the caller);
    `guardrails_known` says whether they could be read in full. When the key may not read
    guardrails, `user_models` holds the ids GET /models/user still offers this key (the
    account's guardrails already applied by OpenRouter). `key_limit_remaining` comes from
    GET /key. `notes` say where each fact came from.
    """

    guardrails: list[Guardrail] = field(default_factory=list)
    guardrails_known: bool = True
    source: str = "none"
    key_limit_remaining: float | None = None
    user_models: set[str] | None = None
    notes: list[str] = field(default_factory=list)
    fetched_at: float = 0.0

    @property
    def remaining_budget(self) -> float | None:
        """The least of the key's remaining limit and every guardrail budget (None: unlimited)."""
        values = [g.remaining_usd for g in self.guardrails if g.remaining_usd is not None]
        if self.key_limit_remaining is not None:
            values.append(self.key_limit_remaining)
        return min(values) if values else None

    def budget_source(self) -> str:
        remaining = self.remaining_budget
        if remaining is None:
            return "no limit"
        if self.key_limit_remaining is not None and self.key_limit_remaining == remaining:
            return "key limit_remaining"
        for g in self.guardrails:
            if g.remaining_usd == remaining:
                return f'guardrail "{g.name}" limit_usd'
        return "limit"


# -- candidates, rankings, selections --------------------------------------------------------


def _p50(value: Any) -> float | None:
    if isinstance(value, (int, float)):
        return float(value)
    p50 = _field(value, "p50")
    return float(p50) if isinstance(p50, (int, float)) else None


def _per_million(value: Decimal | None) -> Decimal | None:
    return None if value is None else value * MILLION


def _money(value: Decimal | float | None) -> str:
    if value is None:
        return "-"
    value = Decimal(str(value))
    if value == 0:
        return "$0"
    if abs(value) >= 1:
        return f"${value:,.2f}"
    return f"${value:.6f}".rstrip("0")


@dataclass(frozen=True)
class Candidate:
    """A model that meets the requirements inside the guardrails, with the endpoints it may use.

    `endpoints` are the provider endpoints that pass every rule, best first by the preference;
    `estimated_cost` is at the best endpoint's prices, `worst_case_cost` at the dearest
    allowed endpoint's (what a budget must assume), both for the token counts given.
    """

    model: Model
    endpoints: tuple[ModelEndpoint, ...]
    provider_slugs: tuple[str, ...]
    estimated_cost: Decimal
    worst_case_cost: Decimal
    prompt_tokens: int
    completion_tokens: int

    @property
    def id(self) -> str:
        return self.model.id

    @property
    def endpoint(self) -> ModelEndpoint:
        """The best allowed endpoint."""
        return self.endpoints[0]

    @property
    def provider(self) -> str:
        return self.endpoint.provider_name or self.provider_slugs[0]

    @property
    def prompt_price_per_million(self) -> Decimal | None:
        return _per_million(self.endpoint.pricing.prompt if self.endpoint.pricing else None)

    @property
    def completion_price_per_million(self) -> Decimal | None:
        return _per_million(self.endpoint.pricing.completion if self.endpoint.pricing else None)

    @property
    def context_length(self) -> int | None:
        return max((e.context_length or 0 for e in self.endpoints), default=0) or (
            self.model.context_length
        )

    @property
    def throughput(self) -> float | None:
        return _p50(self.endpoint.throughput_last_30m)

    @property
    def latency(self) -> float | None:
        return _p50(self.endpoint.latency_last_30m)

    @property
    def uptime(self) -> float | None:
        return self.endpoint.uptime_last_30m

    def row(self) -> dict[str, str]:
        """This candidate as display strings (for tables)."""

        def fmt(value: float | None, unit: str = "") -> str:
            return "-" if value is None else f"{value:,.0f}{unit}"

        return {
            "model": self.id,
            "provider": self.provider,
            "prompt $/M": _money(self.prompt_price_per_million),
            "completion $/M": _money(self.completion_price_per_million),
            "context": fmt(self.context_length),
            "tok/s": fmt(self.throughput),
            "latency": fmt(self.latency, "ms"),
            "uptime": "-" if self.uptime is None else f"{self.uptime:.1f}%",
            f"est. cost ({self.prompt_tokens}+{self.completion_tokens})": _money(
                self.estimated_cost
            ),
        }


def _text_table(rows: list[dict[str, str]]) -> str:
    if not rows:
        return ""
    headers = list(rows[0])
    widths = [max(len(h), *(len(r[h]) for r in rows)) for h in headers]
    lines = ["  ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True))]
    lines.append("  ".join("-" * w for w in widths))
    for row in rows:
        lines.append("  ".join(row[h].ljust(w) for h, w in zip(headers, widths, strict=True)))
    return "\n".join(lines)


def _html_table(rows: list[dict[str, str]]) -> str:
    if not rows:
        return ""
    head = "".join(f"<th>{html.escape(h)}</th>" for h in rows[0])
    body = "".join(
        "<tr>" + "".join(f"<td>{html.escape(v)}</td>" for v in row.values()) + "</tr>"
        for row in rows
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


_HARD_RULES = (
    "guardrail",
    "not offered to this key",
    "not in the requested models",
    "excluded by the requirements",
    "variable pricing",
)


def _distance(reasons: list[str]) -> int:
    """How far a rejected model is from fitting: rules the caller cannot relax count most."""
    return sum(10 if any(rule in r for rule in _HARD_RULES) else 1 for r in reasons)


@dataclass(frozen=True)
class Ranking(Sequence[Candidate]):
    """Every candidate that fits, best first, and why every other model was rejected.

    Prints as a table (`str(ranking)`) and renders as HTML in notebooks.
    """

    candidates: tuple[Candidate, ...]
    rejected: dict[str, list[str]]
    requirements: Requirements
    guardrails: tuple[Guardrail, ...]
    remaining_budget: Decimal | None
    notes: tuple[str, ...]

    def __len__(self) -> int:
        return len(self.candidates)

    def __getitem__(self, index: Any) -> Any:
        return self.candidates[index]

    def __iter__(self) -> Iterator[Candidate]:
        return iter(self.candidates)

    @property
    def ids(self) -> list[str]:
        return [c.id for c in self.candidates]

    def nearest_misses(self, limit: int = 5) -> list[tuple[str, list[str]]]:
        """Rejected models with the fewest reasons first: what came closest to fitting."""
        ordered = sorted(self.rejected.items(), key=lambda item: (_distance(item[1]), item[0]))
        return [(model, reasons) for model, reasons in ordered[:limit]]

    def table(self, limit: int | None = None) -> str:
        """The candidates as an aligned text table."""
        rows = [c.row() for c in self.candidates[:limit]]
        return _text_table(rows) or "(no candidates)"

    def __str__(self) -> str:
        lines = [f"{len(self.candidates)} candidate(s) for: {self.requirements.describe()}"]
        if self.guardrails:
            lines.append("guardrails: " + "; ".join(str(g) for g in self.guardrails))
        if self.remaining_budget is not None:
            lines.append(f"remaining budget: {_money(self.remaining_budget)}")
        lines.extend(f"note: {n}" for n in self.notes)
        lines.append(self.table())
        if self.rejected:
            lines.append(f"rejected {len(self.rejected)}:")
            for model, reasons in sorted(self.rejected.items()):
                lines.append(f"  {model}: {'; '.join(reasons)}")
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        parts = [
            f"<p><b>{len(self.candidates)} candidate(s)</b> for "
            f"{html.escape(self.requirements.describe())}</p>"
        ]
        if self.guardrails:
            parts.append(
                "<p>guardrails: " + html.escape("; ".join(str(g) for g in self.guardrails)) + "</p>"
            )
        if self.notes:
            parts.append(
                "<ul>" + "".join(f"<li>{html.escape(n)}</li>" for n in self.notes) + "</ul>"
            )
        parts.append(_html_table([c.row() for c in self.candidates]))
        if self.rejected:
            items = "".join(
                f"<li><code>{html.escape(m)}</code>: {html.escape('; '.join(r))}</li>"
                for m, r in sorted(self.rejected.items())
            )
            parts.append(
                f"<details><summary>rejected {len(self.rejected)}</summary><ul>{items}</ul></details>"
            )
        return "".join(parts)

    def __repr__(self) -> str:
        return f"Ranking({self.ids!r}, rejected={len(self.rejected)})"


@dataclass(frozen=True)
class Selection:
    """The chosen model and how to call it inside the guardrails.

    `model` is the pick; `fallbacks` go in OpenRouter's `models` parameter (tried in order if
    the pick is unavailable); `provider` keeps routing on endpoints the guardrails and the
    requirements allow; `estimated_cost` is for the token counts given to `select()`;
    `rejected` says why each other model was not chosen. `request_params()` is what to splat
    into `client.chat.completions.create(...)`.
    """

    model: str
    fallbacks: tuple[str, ...]
    provider: ProviderPreferences
    estimated_cost: Decimal
    worst_case_cost: Decimal
    rejected: dict[str, list[str]]
    candidates: tuple[Candidate, ...]
    requirements: Requirements
    guardrails: tuple[Guardrail, ...]
    remaining_budget: Decimal | None
    notes: tuple[str, ...]

    @property
    def candidate(self) -> Candidate:
        """The chosen candidate (its endpoints, prices and health)."""
        return self.candidates[0]

    @property
    def models(self) -> list[str]:
        """The pick followed by its fallbacks."""
        return [self.model, *self.fallbacks]

    def estimate(self, prompt_tokens: int, completion_tokens: int) -> Decimal:
        """Cost in USD at the chosen endpoint's prices for these token counts."""
        pricing = self.candidate.endpoint.pricing or Pricing()
        return pricing.estimate(prompt_tokens, completion_tokens)

    def request_params(self) -> dict[str, Any]:
        """`model`, `models` (fallbacks) and `provider` for `chat.completions.create(**...)`."""
        params: dict[str, Any] = {"model": self.model}
        if self.fallbacks:
            params["models"] = list(self.fallbacks)
        provider = self.provider.to_dict()
        if provider:
            params["provider"] = provider
        return params

    def summary(self) -> dict[str, Any]:
        """A small JSON-friendly record of the choice (for response metadata and logs)."""
        return {
            "model": self.model,
            "fallbacks": list(self.fallbacks),
            "provider": self.provider.to_dict(),
            "estimated_cost": float(self.estimated_cost),
            "requirements": self.requirements.describe(),
            "guardrails": [str(g) for g in self.guardrails],
            "rejected": len(self.rejected),
            "notes": list(self.notes),
        }

    def __str__(self) -> str:
        lines = [
            f"model: {self.model} (via {self.candidate.provider})",
            f"fallbacks: {', '.join(self.fallbacks) or '-'}",
            f"provider: {self.provider.to_dict()}",
            f"estimated cost: {_money(self.estimated_cost)} "
            f"({self.candidate.prompt_tokens}+{self.candidate.completion_tokens} tokens)",
        ]
        lines.extend(f"note: {n}" for n in self.notes)
        if self.rejected:
            lines.append(f"rejected {len(self.rejected)}:")
            lines.extend(f"  {m}: {'; '.join(r)}" for m, r in sorted(self.rejected.items()))
        return "\n".join(lines)


# -- the pure decision -----------------------------------------------------------------------


def _matches_model(model: Model, names: Iterable[str]) -> bool:
    ids = {model.id, model.canonical_slug or model.id}
    return any(name in ids for name in names)


def model_reasons(model: Model, req: Requirements, account: AccountView) -> list[str]:
    """Why a model (before looking at its endpoints) cannot serve: capabilities and rules."""
    reasons: list[str] = []
    for g in account.guardrails:
        if g.allowed_models and not _matches_model(model, g.allowed_models):
            reasons.append(f'guardrail "{g.name}": not in allowed_models')
        if g.ignored_models and _matches_model(model, g.ignored_models):
            reasons.append(f'guardrail "{g.name}": in ignored_models')
    if account.user_models is not None and not (
        {model.id, model.canonical_slug or model.id} & account.user_models
    ):
        reasons.append("not offered to this key by GET /models/user (account guardrails)")
    if req.models is not None and not _matches_model(model, req.models):
        reasons.append("not in the requested models")
    if req.exclude_models and _matches_model(model, req.exclude_models):
        reasons.append("excluded by the requirements")
    missing_out = req.output_modalities - set(model.output_modalities)
    if missing_out:
        reasons.append(f"no output modality {'+'.join(sorted(missing_out))}")
    missing_in = req.input_modalities - set(model.input_modalities)
    if missing_in:
        reasons.append(f"no input modality {'+'.join(sorted(missing_in))}")
    for param in req.parameters:
        if param == "response_format" and "structured_outputs" in model.supported_parameters:
            continue
        if not model.supports(param):
            reasons.append(f"does not support {param}")
    pricing = model.pricing
    if pricing is not None and (
        (pricing.prompt is not None and pricing.prompt < 0)
        or (pricing.completion is not None and pricing.completion < 0)
    ):
        reasons.append("variable pricing (a router, not a model)")
    return reasons


def endpoint_reasons(
    model: Model,
    endpoint: ModelEndpoint,
    req: Requirements,
    account: AccountView,
    catalogue: CatalogueSnapshot,
) -> list[str]:
    """Why one provider endpoint of a model may not be used: guardrails first, then needs."""
    reasons: list[str] = []
    names = catalogue.provider_names(endpoint)
    is_zdr = catalogue.is_zdr(model.id, endpoint)
    for g in account.guardrails:
        if g.allowed_providers and not names & {p.lower() for p in g.allowed_providers}:
            reasons.append(f'guardrail "{g.name}": provider not allowed')
        if g.ignored_providers and names & {p.lower() for p in g.ignored_providers}:
            reasons.append(f'guardrail "{g.name}": provider ignored')
        if g.requires_zdr(model.id) and not is_zdr:
            reasons.append(f'guardrail "{g.name}": not ZDR')
    if req.providers is not None and not names & {p.lower() for p in req.providers}:
        reasons.append("provider not in requirements")
    if req.ignore_providers and names & {p.lower() for p in req.ignore_providers}:
        reasons.append("provider ignored by requirements")
    if req.zdr and not is_zdr:
        reasons.append("not ZDR")
    if req.quantizations is not None and (endpoint.quantization or "unknown").lower() not in {
        q.lower() for q in req.quantizations
    }:
        reasons.append(f"quantization {endpoint.quantization or 'unknown'}")
    context = endpoint.context_length or model.context_length
    if req.min_context and context is not None and context < req.min_context:
        reasons.append(f"context {context:,} < {req.min_context:,}")
    max_output = endpoint.max_completion_tokens or (
        model.top_provider.max_completion_tokens if model.top_provider else None
    )
    if req.min_max_output and max_output is not None and max_output < req.min_max_output:
        reasons.append(f"max output {max_output:,} < {req.min_max_output:,}")
    pricing = endpoint.pricing or model.pricing or Pricing()
    prompt_m = _per_million(pricing.prompt)
    completion_m = _per_million(pricing.completion)
    if (
        req.max_prompt_price is not None
        and prompt_m is not None
        and prompt_m > req.max_prompt_price
    ):
        reasons.append(f"prompt {_money(prompt_m)}/M > {_money(req.max_prompt_price)}/M")
    if (
        req.max_completion_price is not None
        and completion_m is not None
        and completion_m > req.max_completion_price
    ):
        reasons.append(
            f"completion {_money(completion_m)}/M > {_money(req.max_completion_price)}/M"
        )
    if endpoint.supported_parameters:
        for param in req.parameters:
            if param == "response_format" and "structured_outputs" in endpoint.supported_parameters:
                continue
            if param not in endpoint.supported_parameters:
                reasons.append(f"endpoint lacks {param}")
    return reasons


def _endpoint_key(pref: Preference, endpoint: ModelEndpoint, cost: Decimal) -> tuple[Any, ...]:
    throughput = _p50(endpoint.throughput_last_30m) or 0.0
    latency = _p50(endpoint.latency_last_30m)
    uptime = endpoint.uptime_last_30m or 0.0
    if pref == "throughput":
        return (-throughput, cost)
    if pref == "latency":
        return (latency if latency is not None else math.inf, cost)
    if pref == "uptime":
        return (-uptime, cost)
    return (cost, -throughput)


def evaluate(
    catalogue: CatalogueSnapshot,
    account: AccountView,
    requirements: Requirements,
    *,
    prompt_tokens: int = DEFAULT_PROMPT_TOKENS,
    completion_tokens: int = DEFAULT_COMPLETION_TOKENS,
) -> Ranking:
    """Rank every catalogue model for the requirements inside the guardrails. Pure: no I/O.

    A model is a candidate only if at least one of its provider endpoints passes every
    guardrail and requirement, and its worst-case cost for the token counts fits the
    remaining budget (the key's limit_remaining and the guardrail budgets). Candidates are
    ordered by `requirements.prefer`; every rejected model keeps its reasons.
    """
    req = requirements
    rejected: dict[str, list[str]] = {}
    candidates: list[Candidate] = []
    budget = account.remaining_budget
    remaining = None if budget is None else Decimal(str(budget))
    for model in catalogue.models:
        reasons = model_reasons(model, req, account)
        if reasons:
            rejected[model.id] = reasons
            continue
        endpoints = catalogue.endpoints.get(model.id)
        if endpoints is None:
            rejected[model.id] = ["endpoints not examined (lookup limit reached)"]
            continue
        if isinstance(endpoints, str):
            rejected[model.id] = [f"endpoint list unavailable: {endpoints}"]
            continue
        if not endpoints:
            rejected[model.id] = ["no provider endpoints"]
            continue
        allowed: list[tuple[ModelEndpoint, Decimal]] = []
        refusals: list[str] = []
        for endpoint in endpoints:
            why = endpoint_reasons(model, endpoint, req, account, catalogue)
            if why:
                refusals.append(f"{endpoint.provider_name or endpoint.tag}: {', '.join(why)}")
                continue
            pricing = endpoint.pricing or model.pricing or Pricing()
            allowed.append((endpoint, pricing.estimate(prompt_tokens, completion_tokens)))
        if not allowed:
            rejected[model.id] = ["no allowed endpoint (" + "; ".join(refusals) + ")"]
            continue
        allowed.sort(key=lambda pair: _endpoint_key(req.prefer, pair[0], pair[1]))
        worst = max(cost for _, cost in allowed)
        if remaining is not None and worst > remaining:
            rejected[model.id] = [
                f"worst case {_money(worst)} for {prompt_tokens:,}+{completion_tokens:,} tokens "
                f"exceeds remaining budget {_money(remaining)} ({account.budget_source()})"
            ]
            continue
        slugs = tuple(dict.fromkeys(catalogue.provider_slug(e) for e, _ in allowed))
        candidates.append(
            Candidate(
                model=model,
                endpoints=tuple(e for e, _ in allowed),
                provider_slugs=slugs,
                estimated_cost=allowed[0][1],
                worst_case_cost=worst,
                prompt_tokens=prompt_tokens,
                completion_tokens=completion_tokens,
            )
        )
    candidates.sort(key=lambda c: (*_endpoint_key(req.prefer, c.endpoint, c.estimated_cost), c.id))
    notes = [*catalogue.notes, *account.notes]
    if req.data_collection_deny:
        notes.append(
            "data_collection=deny is enforced by OpenRouter when routing; the catalogue does "
            "not publish each endpoint's data policy"
        )
    return Ranking(
        candidates=tuple(candidates),
        rejected=rejected,
        requirements=req,
        guardrails=tuple(account.guardrails),
        remaining_budget=remaining,
        notes=tuple(notes),
    )


def _max_price(req: Requirements) -> dict[str, float] | None:
    price: dict[str, float] = {}
    if req.max_prompt_price is not None:
        price["prompt"] = float(req.max_prompt_price)
    if req.max_completion_price is not None:
        price["completion"] = float(req.max_completion_price)
    return price or None


def _routing_restricted(candidates: Sequence[Candidate], catalogue: CatalogueSnapshot) -> bool:
    """Whether some endpoint of the chosen models was refused (so `only` must be sent)."""
    for c in candidates:
        endpoints = catalogue.endpoints.get(c.id)
        if isinstance(endpoints, list) and len(endpoints) != len(c.endpoints):
            return True
    return False


def choose(
    ranking: Ranking,
    catalogue: CatalogueSnapshot,
    *,
    fallbacks: int = 2,
) -> Selection:
    """The Selection for a ranking: best candidate, fallbacks, and guardrail-safe routing.

    The `provider` object allows exactly the providers of endpoints that passed every rule
    (`only`, when some endpoint was refused), repeats the guardrails' ignore lists, asks for
    ZDR when a guardrail or the requirements demand it, passes data_collection,
    quantizations and price caps through, requires parameter support when the call needs
    parameters, and sorts by the preference. Raises NoModelFitsError when nothing fits.
    """
    if not ranking.candidates:
        misses = ranking.nearest_misses()
        lines = "\n".join(f"  {m}: {'; '.join(r)}" for m, r in misses)
        guard = (
            " under guardrails " + "; ".join(str(g) for g in ranking.guardrails)
            if ranking.guardrails
            else ""
        )
        raise NoModelFitsError(
            f"No model fits {ranking.requirements.describe()}{guard} "
            f"({len(ranking.rejected)} rejected). Nearest misses:\n{lines}",
            nearest=misses,
        )
    req = ranking.requirements
    chosen = ranking.candidates[: 1 + max(0, fallbacks)]
    guardrails = ranking.guardrails
    prefs: dict[str, Any] = {}
    if (
        _routing_restricted(chosen, catalogue)
        or req.providers is not None
        or any(g.allowed_providers for g in guardrails)
    ):
        prefs["only"] = list(dict.fromkeys(s for c in chosen for s in c.provider_slugs))
    ignore = [*req.ignore_providers, *(p for g in guardrails for p in g.ignored_providers or ())]
    if ignore:
        prefs["ignore"] = list(dict.fromkeys(ignore))
    if req.zdr or any(g.requires_zdr(c.id) for g in guardrails for c in chosen):
        prefs["zdr"] = True
    if req.data_collection_deny:
        prefs["data_collection"] = "deny"
    if req.quantizations:
        prefs["quantizations"] = list(req.quantizations)
    max_price = _max_price(req)
    if max_price:
        prefs["max_price"] = max_price
    if req.parameters:
        prefs["require_parameters"] = True
    if req.prefer == "uptime":
        prefs["order"] = [catalogue.provider_slug(e) for e in ranking.candidates[0].endpoints]
    else:
        prefs["sort"] = req.prefer
    best = ranking.candidates[0]
    notes = list(ranking.notes)
    return Selection(
        model=best.id,
        fallbacks=tuple(c.id for c in chosen[1:]),
        provider=ProviderPreferences(**prefs),
        estimated_cost=best.estimated_cost,
        worst_case_cost=max(c.worst_case_cost for c in chosen),
        rejected=dict(ranking.rejected),
        candidates=ranking.candidates,
        requirements=req,
        guardrails=guardrails,
        remaining_budget=ranking.remaining_budget,
        notes=tuple(notes),
    )


# -- fetching, written once as plans ---------------------------------------------------------

Call = Callable[[Any], Any]
"""One API call: a function of the client returning its result (sync) or awaitable (async)."""
Batch = list[Call]
"""Independent calls that may run concurrently; the plan receives results or exceptions."""
Plan = Generator[Any, Any, Any]
T = TypeVar("T")

_READ_REFUSED = (PermissionDeniedError, AuthenticationError)


def _catalogue_plan() -> Plan:
    """GET /models (all modalities), /endpoints/zdr and /providers, in one batch."""
    results = yield [
        _call("models.list", output_modalities="all"),
        _call("endpoints.zdr"),
        _call("providers.list"),
    ]
    models_result, zdr_result, providers_result = results
    if isinstance(models_result, BaseException):
        raise models_result
    snapshot = CatalogueSnapshot(models=list(models_result.data), fetched_at=time.monotonic())
    if isinstance(zdr_result, BaseException):
        snapshot.notes.append(
            f"GET /endpoints/zdr unavailable ({_why(zdr_result)}); ZDR read from endpoint flags"
        )
    else:
        pairs = set()
        for item in _items(zdr_result):
            model_id = _field(item, "model_id") or str(_field(item, "name", "")).split(" | ")[-1]
            provider = (
                _field(item, "provider_name") or str(_field(item, "name", "")).split(" | ")[0]
            )
            pairs.add((str(model_id), str(provider)))
        snapshot.zdr = pairs
    if not isinstance(providers_result, BaseException):
        for item in _items(providers_result):
            name, slug = _field(item, "name"), _field(item, "slug")
            if isinstance(name, str) and isinstance(slug, str):
                snapshot.provider_slugs[name] = slug
    return snapshot


def _endpoints_plan(model_ids: list[str]) -> Plan:
    """GET /models/{id}/endpoints for each model, concurrently: {id: endpoints or error text}."""
    calls: Batch = [_call("models.endpoints", m) for m in model_ids]
    results = yield calls
    out: dict[str, list[ModelEndpoint] | str] = {}
    for model_id, result in zip(model_ids, results, strict=True):
        if isinstance(result, BaseException):
            out[model_id] = _why(result)
        else:
            out[model_id] = list(result.data.endpoints)
    return out


def _why(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {str(exc)[:160]}"


def _call(method: str, *args: Any, **kwargs: Any) -> Call:
    """The call `client.<method>(*args, **kwargs)`, e.g. `_call("models.endpoints", "a/b")`."""

    def call(client: Any) -> Any:
        target = client
        for part in method.split("."):
            target = getattr(target, part)
        return target(*args, **kwargs)

    call.__qualname__ = method
    return call


def _account_plan(api_key: str, guardrail: Any) -> Plan:
    """Read what limits the current key: GET /key, then the guardrails assigned to it.

    The guardrails that apply to a key are those assigned to the key itself and those
    assigned to the member who created it. Reading assignments needs a management key (the
    `management_client` given to the selector, or the selector's client when it holds
    one); a normal key falls back to GET /models/user, which lists what OpenRouter itself
    still offers this key under the account's guardrails.
    """
    view = AccountView(fetched_at=time.monotonic())
    results = yield [_call("keys.current")]
    current = results[0]
    creator = None
    label = None
    if isinstance(current, BaseException):
        view.notes.append(f"GET /key unavailable ({_why(current)}); key limit unknown")
    else:
        data = _field(current, "data", current)
        remaining = _field(data, "limit_remaining")
        view.key_limit_remaining = None if remaining is None else float(remaining)
        creator = _field(data, "creator_user_id")
        label = _field(data, "label")
    if isinstance(guardrail, (Guardrail, list, tuple)):
        view.guardrails = [guardrail] if isinstance(guardrail, Guardrail) else list(guardrail)
        view.source = "caller"
        return view
    view.source = "account"
    own_hash = hashlib.sha256(api_key.encode()).hexdigest()
    try:
        key_rows = yield from _paged_management("guardrails.list_key_assignments")
        member_rows = yield from _paged_management("guardrails.list_member_assignments")
    except _READ_REFUSED as exc:
        view.guardrails_known = False
        view.notes.append(
            "this key may not read guardrails (needs a management key: pass "
            f"management_client=...) - {type(exc).__name__}; using GET /models/user, which "
            "applies the account's guardrails to the model list, and OpenRouter enforces "
            "provider rules when routing"
        )
        users = yield [_call("models.list_for_user")]
        if isinstance(users[0], BaseException):
            view.notes.append(f"GET /models/user unavailable ({_why(users[0])})")
        else:
            view.user_models = set()
            for m in _items(users[0]):
                view.user_models.add(str(_field(m, "id")))
                slug = _field(m, "canonical_slug")
                if slug:
                    view.user_models.add(str(slug))
        return view
    ids = [
        str(_field(r, "guardrail_id"))
        for r in key_rows
        if _field(r, "key_hash") == own_hash or (label and _field(r, "key_label") == label)
    ]
    if creator:
        ids += [
            str(_field(r, "guardrail_id")) for r in member_rows if _field(r, "user_id") == creator
        ]
    ids = list(dict.fromkeys(ids))
    if ids:
        fetched = yield [_call("management.guardrails.get", g) for g in ids]
        for result in fetched:
            if isinstance(result, NotFoundError):
                continue
            if isinstance(result, BaseException):
                raise result
            view.guardrails.append(Guardrail.from_api(_field(result, "data", result)))
    view.notes.append(
        f"{len(view.guardrails)} guardrail(s) apply to this key (key and member assignments)"
    )
    return view


def _paged_management(name: str) -> Plan:
    """All pages of a management list call (`offset` / `limit` of 100) as one list."""
    items: list[Any] = []
    offset = 0
    while True:
        results = yield [_call("management." + name, offset=offset, limit=100)]
        page = results[0]
        if isinstance(page, BaseException):
            raise page
        batch = _items(page)
        items.extend(batch)
        total = _field(page, "total_count")
        offset += len(batch)
        if not batch or len(batch) < 100 or (isinstance(total, int) and offset >= total):
            return items


class _Clients:
    """What the plans call: the selector's client, and the client that reads management data."""

    def __init__(self, client: Any, management: Any) -> None:
        self._client = client
        self.management = management

    def __getattr__(self, name: str) -> Any:
        return getattr(self._client, name)


# -- the selectors -----------------------------------------------------------------------------


class _SelectorBase:
    """State and pure decisions shared by ModelSelector and AsyncModelSelector."""

    def __init__(
        self,
        client: Any,
        *,
        ttl: float = 300.0,
        guardrail: Guardrail | Sequence[Guardrail] | Literal["account"] | None = "account",
        management_client: Any = None,
        fallbacks: int = 2,
        endpoint_lookups: int = 64,
    ) -> None:
        if not (
            guardrail is None
            or guardrail == "account"
            or isinstance(guardrail, (Guardrail, list, tuple))
        ):
            raise ValueError(
                f"guardrail: expected None, 'account', a Guardrail or a list of them, got {guardrail!r}"
            )
        self.client = client
        self.ttl = float(ttl)
        self.guardrail = guardrail
        self.management_client = management_client
        self.fallbacks = fallbacks
        self.endpoint_lookups = endpoint_lookups
        self._lock = threading.Lock()
        self._catalogue: CatalogueSnapshot | None = None
        self._endpoints: dict[str, tuple[float, list[ModelEndpoint] | str]] = {}
        self._account: AccountView | None = None
        self._clients = _Clients(client, management_client or client)

    def __repr__(self) -> str:
        return f"{type(self).__name__}(ttl={self.ttl:g}, guardrail={self.guardrail!r})"

    # cache ---------------------------------------------------------------------------------
    def _fresh(self, fetched_at: float) -> bool:
        return time.monotonic() - fetched_at < self.ttl

    def invalidate(self) -> None:
        """Forget the cached catalogue, endpoint lists and account (the next call refetches)."""
        with self._lock:
            self._catalogue = None
            self._endpoints.clear()
            self._account = None

    def _catalogue_needed(self) -> bool:
        return self._catalogue is None or not self._fresh(self._catalogue.fetched_at)

    def _account_needed(self) -> bool:
        if self.guardrail is None:
            return False
        return self._account is None or not self._fresh(self._account.fetched_at)

    def _account_plan(self) -> Plan:
        return _account_plan(str(getattr(self.client, "api_key", "")), self.guardrail)

    def _models_to_examine(
        self, catalogue: CatalogueSnapshot, account: AccountView, req: Requirements
    ) -> list[str]:
        """Models that pass the model-level rules, cheapest first, whose endpoints are stale."""
        survivors = [m for m in catalogue.models if not model_reasons(m, req, account)]
        survivors.sort(key=lambda m: (m.pricing.estimate(1, 1) if m.pricing else Decimal(0), m.id))
        survivors = survivors[: self.endpoint_lookups]
        with self._lock:
            return [
                m.id
                for m in survivors
                if m.id not in self._endpoints or not self._fresh(self._endpoints[m.id][0])
            ]

    def _snapshot(self, req: Requirements) -> tuple[CatalogueSnapshot, AccountView]:
        assert self._catalogue is not None
        account = self._account or AccountView(source="none")
        with self._lock:
            endpoints = {
                model_id: value
                for model_id, (fetched, value) in self._endpoints.items()
                if self._fresh(fetched)
            }
        catalogue = replace(self._catalogue, endpoints=endpoints, notes=list(self._catalogue.notes))
        return catalogue, account

    def _store_endpoints(self, found: dict[str, list[ModelEndpoint] | str]) -> None:
        now = time.monotonic()
        with self._lock:
            for model_id, value in found.items():
                self._endpoints[model_id] = (now, value)

    @staticmethod
    def _requirements(requirements: Requirements | None, needs: dict[str, Any]) -> Requirements:
        req = requirements or Requirements()
        if needs:
            req = req & Requirements(**needs) if requirements else Requirements(**needs)
            if "prefer" in needs:  # an explicit keyword preference wins
                req = req.replace(prefer=needs["prefer"])
        return req

    def _plan_rank(
        self,
        req: Requirements,
        prompt_tokens: int,
        completion_tokens: int,
    ) -> Plan:
        """Fetch what is stale, then evaluate: the whole of rank() as one plan."""
        if self._catalogue_needed():
            snapshot = yield from _catalogue_plan()
            with self._lock:
                self._catalogue = snapshot
                self._endpoints.clear()
        if self._account_needed():
            view = yield from self._account_plan()
            with self._lock:
                self._account = view
        assert self._catalogue is not None
        account = self._account or AccountView(source="none")
        wanted = self._models_to_examine(self._catalogue, account, req)
        if wanted:
            found = yield from _endpoints_plan(wanted)
            self._store_endpoints(found)
        catalogue, account = self._snapshot(req)
        if self.guardrail is None:
            account.notes = ["guardrails not consulted (guardrail=None)"]
        return evaluate(
            catalogue,
            account,
            req,
            prompt_tokens=prompt_tokens,
            completion_tokens=completion_tokens,
        )

    def _plan_refresh(self) -> Plan:
        self.invalidate()
        snapshot = yield from _catalogue_plan()
        with self._lock:
            self._catalogue = snapshot
        if self.guardrail is not None:
            view = yield from self._account_plan()
            with self._lock:
                self._account = view
        return None

    def _plan_account(self) -> Plan:
        if self._account_needed():
            view = yield from self._account_plan()
            with self._lock:
                self._account = view
        return self._account or AccountView(source="none")

    def _plan_prefetch(self, models: list[str]) -> Plan:
        if self._catalogue_needed():
            snapshot = yield from _catalogue_plan()
            with self._lock:
                self._catalogue = snapshot
        wanted = [m for m in models if self.cached_endpoints(m) is None]
        if wanted:
            found = yield from _endpoints_plan(wanted)
            self._store_endpoints(found)
        return None

    def cached_endpoints(self, model_id: str) -> list[ModelEndpoint] | None:
        """The cached endpoint list of a model (None when not looked up or stale)."""
        with self._lock:
            entry = self._endpoints.get(model_id)
        if entry is None or not self._fresh(entry[0]) or isinstance(entry[1], str):
            return None
        return entry[1]

    def cached_model(self, model_id: str) -> Model | None:
        """The cached catalogue entry of a model, if the catalogue is loaded."""
        catalogue = self._catalogue
        return catalogue.model(model_id) if catalogue is not None else None


def _run_sync(clients: Any, plan: Plan) -> Any:
    """Drive a plan with blocking calls; a batch of several runs on a small thread pool."""
    value: Any = None
    error: BaseException | None = None
    while True:
        try:
            step = plan.throw(error) if error is not None else plan.send(value)
        except StopIteration as stop:
            return stop.value
        value, error = None, None
        if isinstance(step, list):
            value = _sync_batch(clients, step)
        else:
            try:
                value = step(clients)
            except Exception as exc:
                error = exc


def _call_or_error(clients: Any, call: Call) -> Any:
    try:
        return call(clients)
    except Exception as exc:
        return exc


def _sync_batch(clients: Any, calls: Batch) -> list[Any]:
    if len(calls) <= 1:
        return [_call_or_error(clients, call) for call in calls]
    with ThreadPoolExecutor(max_workers=min(8, len(calls))) as pool:
        return list(pool.map(lambda call: _call_or_error(clients, call), calls))


async def _run_async(clients: Any, plan: Plan) -> Any:
    """Drive a plan with awaited calls; a batch runs concurrently (at most 8 at a time)."""
    value: Any = None
    error: BaseException | None = None
    limit = asyncio.Semaphore(8)

    async def one(call: Call) -> Any:
        async with limit:
            try:
                return await call(clients)
            except Exception as exc:
                return exc

    while True:
        try:
            step = plan.throw(error) if error is not None else plan.send(value)
        except StopIteration as stop:
            return stop.value
        value, error = None, None
        if isinstance(step, list):
            value = list(await asyncio.gather(*(one(call) for call in step)))
        else:
            try:
                value = await step(clients)
            except Exception as exc:
                error = exc


class ModelSelector(_SelectorBase):
    """Pick models from the live catalogue that fit a call's needs and the account's guardrails.

        selector = ModelSelector(client)                      # guardrails read from the account
        selection = selector.select(Requirements(tools=True, input_modalities={"image"}))
        client.chat.completions.create(messages=..., **selection.request_params())

    `guardrail="account"` (default) reads the guardrails assigned to the client's key and to
    the member who created it; that needs a management key, so pass `management_client=`
    (an OpenRouter client holding one) or let it fall back to GET /models/user, which the
    Selection's notes will say. `guardrail=Guardrail(...)` uses the rules you give;
    `guardrail=None` ignores guardrails. The catalogue and account are cached for `ttl`
    seconds; `refresh()` refetches now. `fallbacks` is how many runner-up models go in
    `models`; `endpoint_lookups` caps the per-model endpoint requests of one selection.
    """

    def select(
        self,
        requirements: Requirements | None = None,
        /,
        *,
        prompt_tokens: int = DEFAULT_PROMPT_TOKENS,
        completion_tokens: int = DEFAULT_COMPLETION_TOKENS,
        **needs: Any,
    ) -> Selection:
        """The best model for the requirements (or keyword needs) inside the guardrails.

        Raises NoModelFitsError, listing the nearest misses, when nothing fits.
        """
        ranking = self.rank(
            requirements, prompt_tokens=prompt_tokens, completion_tokens=completion_tokens, **needs
        )
        snapshot, _ = self._snapshot(ranking.requirements)
        return choose(ranking, snapshot, fallbacks=self.fallbacks)

    def rank(
        self,
        requirements: Requirements | None = None,
        /,
        *,
        prompt_tokens: int = DEFAULT_PROMPT_TOKENS,
        completion_tokens: int = DEFAULT_COMPLETION_TOKENS,
        **needs: Any,
    ) -> Ranking:
        """Every model that fits, best first, with the reasons for each rejection."""
        req = self._requirements(requirements, needs)
        return _run_sync(  # type: ignore[no-any-return]
            self._clients, self._plan_rank(req, prompt_tokens, completion_tokens)
        )

    def refresh(self) -> None:
        """Refetch the catalogue and the account now (endpoint lists are refetched on use)."""
        _run_sync(self._clients, self._plan_refresh())

    def account(self) -> AccountView:
        """What limits the current key: its guardrails, remaining limit, and where each came from."""
        return _run_sync(self._clients, self._plan_account())  # type: ignore[no-any-return]

    def prefetch(self, models: Iterable[str]) -> None:
        """Load the catalogue and these models' endpoint lists (e.g. for a Budget's prices)."""
        _run_sync(self._clients, self._plan_prefetch(list(models)))

    def endpoints_for(self, model_id: str) -> list[ModelEndpoint] | None:
        """A model's endpoints from the cache, fetching them when missing (None if unknown)."""
        cached = self.cached_endpoints(model_id)
        if cached is None:
            self.prefetch([model_id])
            cached = self.cached_endpoints(model_id)
        return cached


class AsyncModelSelector(_SelectorBase):
    """ModelSelector for an AsyncOpenRouter client: the same decisions, awaited fetching."""

    async def select(
        self,
        requirements: Requirements | None = None,
        /,
        *,
        prompt_tokens: int = DEFAULT_PROMPT_TOKENS,
        completion_tokens: int = DEFAULT_COMPLETION_TOKENS,
        **needs: Any,
    ) -> Selection:
        """The best model for the requirements inside the guardrails (see ModelSelector.select)."""
        ranking = await self.rank(
            requirements, prompt_tokens=prompt_tokens, completion_tokens=completion_tokens, **needs
        )
        snapshot, _ = self._snapshot(ranking.requirements)
        return choose(ranking, snapshot, fallbacks=self.fallbacks)

    async def rank(
        self,
        requirements: Requirements | None = None,
        /,
        *,
        prompt_tokens: int = DEFAULT_PROMPT_TOKENS,
        completion_tokens: int = DEFAULT_COMPLETION_TOKENS,
        **needs: Any,
    ) -> Ranking:
        """Every model that fits, best first, with the reasons for each rejection."""
        req = self._requirements(requirements, needs)
        return await _run_async(  # type: ignore[no-any-return]
            self._clients, self._plan_rank(req, prompt_tokens, completion_tokens)
        )

    async def refresh(self) -> None:
        """Refetch the catalogue and the account now."""
        await _run_async(self._clients, self._plan_refresh())

    async def account(self) -> AccountView:
        """What limits the current key (see ModelSelector.account)."""
        return await _run_async(self._clients, self._plan_account())  # type: ignore[no-any-return]

    async def prefetch(self, models: Iterable[str]) -> None:
        """Load the catalogue and these models' endpoint lists (e.g. for a Budget's prices)."""
        await _run_async(self._clients, self._plan_prefetch(list(models)))
