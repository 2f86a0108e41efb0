"""Cost tracking and budgets, from what OpenRouter says each call cost.

`CostTracker` adds up `usage.cost` (USD, as OpenRouter bills it, not a local price table)
and token counts per model and per provider, across sync and async clients and streams.
When a response carries no cost it asks GET /generation for the generation's `total_cost`.
`Budget(limit_usd)` is a tracker that also refuses, before anything is sent, a call whose
worst case (everything it may be billed for: the estimated prompt with its tools, schemas and
media, `max_tokens` plus reasoning, the request fee and web search, at the prices of the
endpoints the call may be routed to) would exceed what remains of the limit. A stream cut
before its end is settled from GET /generation, else estimated: it is never free.

Both attach through the client's request hooks (`tracker.attach(client)`, or
`client.hooks.append(tracker)`), so they see every call made through the client, including
calls made by the LangChain and LlamaIndex adapters built on it.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import contextlib
import math
import re
import threading
import time
from collections.abc import Coroutine, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Any, Literal

from . import _json
from ._display import format_usd
from .errors import NotFoundError, OpenRouterError
from .selector import AsyncModelSelector, ModelSelector
from .selector.requirements import _field
from .types.models import ModelEndpoint, Pricing

__all__ = [
    "Budget",
    "BudgetExceededError",
    "BudgetPricingError",
    "CallCost",
    "CostTracker",
    "Totals",
    "WorstCase",
    "track_cost",
]

TRACKED_ENDPOINTS = frozenset(
    {
        "chat.completions.create",
        "responses.create",
        "messages.create",
        "embeddings.create",
        "rerank.create",
    }
)
"""Endpoints that generate (and bill) something; every other call is ignored."""

MILLION = Decimal(1_000_000)
SETTLE_TIMEOUT = 5.0
"""Seconds one GET /generation may take (retries included) when settling a cut stream."""


def _usd(value: Decimal | float | None) -> str:
    return "?" if value is None else format_usd(value)  # one money format everywhere


class BudgetExceededError(OpenRouterError):
    """A Budget refused a call before sending it: its worst case exceeds what remains.

    `limit_usd`, `spent_usd`, `remaining_usd` and `worst_case_usd` are Decimal USD;
    `prompt_tokens` (estimated) and `max_tokens` are the token counts of the worst case,
    priced at `prompt_price` / `completion_price` (USD per million) of `model` on `provider`.
    """

    def __init__(
        self,
        *,
        limit_usd: Decimal,
        spent_usd: Decimal,
        worst_case_usd: Decimal,
        model: str | None,
        provider: str | None,
        prompt_tokens: int,
        max_tokens: int,
        prompt_price: Decimal | None,
        completion_price: Decimal | None,
        max_tokens_given: bool,
        reserved_usd: Decimal = Decimal(0),
        extra_usd: Decimal = Decimal(0),
        extras: str = "",
    ) -> None:
        self.limit_usd = limit_usd
        self.spent_usd = spent_usd
        self.reserved_usd = reserved_usd
        """The worst cases of calls still in flight, held back from what remains."""
        self.remaining_usd = max(Decimal(0), limit_usd - spent_usd - reserved_usd)
        self.worst_case_usd = worst_case_usd
        self.model = model
        self.provider = provider
        self.prompt_tokens = prompt_tokens
        self.max_tokens = max_tokens
        self.prompt_price = prompt_price
        self.completion_price = completion_price
        self.extra_usd = extra_usd
        """USD of the worst case outside tokens: request fee, images, web search."""
        where = f"{model} via {provider}" if provider else str(model)
        completion = (
            f"{max_tokens:,} max_tokens"
            if max_tokens_given
            else f"{max_tokens:,} completion tokens (no max_tokens: the endpoint's maximum)"
        )
        hint = "set max_tokens lower" if max_tokens_given else "set max_tokens"
        super().__init__(
            f"Budget refused the call before sending: worst case {_usd(worst_case_usd)} "
            f"(~{prompt_tokens:,} prompt tokens at {_usd(prompt_price)}/M + {completion} at "
            f"{_usd(completion_price)}/M"
            + (f" + {extras}" if extras else "")
            + f" on {where}) exceeds the {_usd(self.remaining_usd)} "
            f"that remains of the {_usd(limit_usd)} limit (spent {_usd(spent_usd)}"
            + (f", {_usd(reserved_usd)} held for calls in flight" if reserved_usd else "")
            + "). "
            f"To proceed: {hint}, shorten the prompt, pick a cheaper model, or raise the limit."
        )


class BudgetPricingError(OpenRouterError):
    """A Budget could not price a call (its model's prices are not in the loaded catalogue)."""


@dataclass(frozen=True)
class CallCost:
    """What one call cost and used. `source` says where the cost came from:
    "usage" (the response), "generation" (GET /generation), "estimated" (a cut stream whose
    generation record could not be read: the prompt plus the output received, at the model's
    prices) or "pending" (not known yet)."""

    endpoint: str
    model: str | None
    provider: str | None
    generation_id: str | None
    cost: Decimal | None
    prompt_tokens: int = 0
    completion_tokens: int = 0
    reasoning_tokens: int = 0
    cached_tokens: int = 0
    streamed: bool = False
    source: Literal["usage", "generation", "estimated", "pending"] = "usage"

    @property
    def estimated(self) -> bool:
        """Whether `cost` is an estimate (of a cut stream) rather than what OpenRouter billed."""
        return self.source == "estimated"

    @property
    def total_tokens(self) -> int:
        return self.prompt_tokens + self.completion_tokens


@dataclass
class Totals:
    """Sums over calls: USD cost (exact Decimal), requests and tokens."""

    cost: Decimal = Decimal(0)
    requests: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    reasoning_tokens: int = 0
    cached_tokens: int = 0

    @property
    def total_tokens(self) -> int:
        return self.prompt_tokens + self.completion_tokens

    @property
    def cost_usd(self) -> float:
        return float(self.cost)

    def add(self, call: CallCost) -> None:
        self.cost += call.cost or Decimal(0)
        self.requests += 1
        self.prompt_tokens += call.prompt_tokens
        self.completion_tokens += call.completion_tokens
        self.reasoning_tokens += call.reasoning_tokens
        self.cached_tokens += call.cached_tokens


def _int(value: Any) -> int:
    return int(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else 0


def _find_usage(obj: Any) -> Any:
    """The usage object of a result or event: `.usage`, or inside `.response` / `.message`."""
    usage = _field(obj, "usage")
    if usage is not None:
        return usage
    for inner in ("response", "message"):
        nested = _field(obj, inner)
        if nested is not None and not isinstance(nested, str):
            usage = _field(nested, "usage")
            if usage is not None:
                return usage
    return None


def _identity(obj: Any) -> tuple[str | None, str | None, str | None]:
    """(generation id, model, provider) of a result or event, where it names them."""
    gen_id, model, provider = _field(obj, "id"), _field(obj, "model"), _field(obj, "provider")
    for inner in ("response", "message"):
        nested = _field(obj, inner)
        if nested is not None and not isinstance(nested, str):
            gen_id = gen_id or _field(nested, "id")
            model = model or _field(nested, "model")
            provider = provider or _field(nested, "provider")
    return (
        gen_id if isinstance(gen_id, str) else None,
        model if isinstance(model, str) else None,
        provider if isinstance(provider, str) else None,
    )


def _call_cost(
    endpoint: str,
    body: Mapping[str, Any] | None,
    usage: Any,
    identity: tuple[str | None, str | None, str | None],
    streamed: bool,
) -> CallCost:
    gen_id, model, provider = identity
    if model is None and body is not None and isinstance(body.get("model"), str):
        model = body["model"]
    cost = _field(usage, "cost")
    prompt = _field(usage, "prompt_tokens")
    if prompt is None:
        prompt = _field(usage, "input_tokens")
    completion = _field(usage, "completion_tokens")
    if completion is None:
        completion = _field(usage, "output_tokens")
    details = _field(usage, "completion_tokens_details") or _field(usage, "output_tokens_details")
    prompt_details = _field(usage, "prompt_tokens_details") or _field(usage, "input_tokens_details")
    cached = _field(prompt_details, "cached_tokens") or _field(usage, "cache_read_input_tokens")
    return CallCost(
        endpoint=endpoint,
        model=model,
        provider=provider,
        generation_id=gen_id,
        cost=None if cost is None else Decimal(str(cost)),
        prompt_tokens=_int(prompt),
        completion_tokens=_int(completion),
        reasoning_tokens=_int(_field(details, "reasoning_tokens")),
        cached_tokens=_int(cached),
        streamed=streamed,
        source="usage" if cost is not None else "pending",
    )


def _stream_usage(
    events: Sequence[Any],
) -> tuple[Any, tuple[str | None, str | None, str | None]]:
    """(the last usage, (generation id, model, provider)) found in a stream's events."""
    usage = None
    gen_id = model = provider = None
    for event in events:
        found = _find_usage(event)
        if found is not None:
            usage = found
        eid, emodel, eprovider = _identity(event)
        gen_id = gen_id or eid
        model = model or emodel
        provider = provider or eprovider
    return usage, (gen_id, model, provider)


_OUTPUT_KEYS = frozenset(
    {"content", "reasoning", "text", "delta", "arguments", "partial_json", "thinking", "refusal"}
)


def _received_tokens(events: Sequence[Any]) -> int:
    """A generous count of the output tokens a stream delivered: its text at 3 bytes a token
    (non-ASCII bytes twice), and never fewer than one per event."""
    size = 0
    for event in events:
        dump = getattr(event, "model_dump", None)
        stack: list[Any] = [dump(exclude_none=True) if dump is not None else event]
        while stack:
            item = stack.pop()
            if isinstance(item, Mapping):
                for key, value in item.items():
                    if isinstance(value, str):
                        if key in _OUTPUT_KEYS:
                            data = value.encode("utf-8", "replace")
                            size += len(data) + len(data.translate(None, _ASCII))
                    elif isinstance(value, (Mapping, list)):
                        stack.append(value)
            elif isinstance(item, list):
                stack.extend(item)
    return max(len(events), math.ceil(size / BYTES_PER_TOKEN))


class _ClientHook:
    """The hook a tracker puts on one client, so that lookups use that client."""

    def __init__(self, tracker: CostTracker, client: Any) -> None:
        self.tracker = tracker
        self.client = client

    def before_request(self, endpoint: str, body: Mapping[str, Any] | None) -> None:
        self.tracker.before_request(endpoint, body)

    def after_response(self, endpoint: str, body: Mapping[str, Any] | None, result: Any) -> None:
        self.tracker._after(endpoint, body, result, self.client)

    def after_stream(
        self, endpoint: str, body: Mapping[str, Any] | None, events: Sequence[Any]
    ) -> None:
        self.tracker._after_stream(endpoint, body, events, self.client)

    def after_incomplete_stream(
        self, endpoint: str, body: Mapping[str, Any] | None, events: Sequence[Any], outcome: str
    ) -> None:
        self.tracker._after_incomplete(endpoint, body, events, outcome, self.client)

    def on_error(self, endpoint: str, body: Mapping[str, Any] | None, error: BaseException) -> None:
        self.tracker.on_error(endpoint, body, error)


def _is_async_client(client: Any) -> bool:
    return asyncio.iscoroutinefunction(getattr(client, "_request", None))


class CostTracker:
    """Adds up what calls cost (OpenRouter's `usage.cost`) and used, per model and provider.

        tracker = CostTracker().attach(client)     # or: with CostTracker(client) as tracker:
        client.chat.completions.create(...)
        tracker.total_cost, tracker.by_model["openai/gpt-4o-mini"].cost

    Works for OpenRouter and AsyncOpenRouter, plain calls and streams (the stream is counted
    when it ends). A response without `usage.cost` is looked up with GET /generation: at
    once for a sync client, in a background task for an async one (`await
    tracker.aresolve_pending()` waits for those); lookups that fail stay in `pending` and
    `resolve_pending()` retries them. Thread-safe.

    A stream cut before its end (no [DONE], a dropped connection, closed early) is still
    billed: it is settled from GET /generation, retried after each of `settle_delays`
    seconds because the record lags, and until then counts an estimate of what was consumed
    (the prompt plus the output received, `source="estimated"`) when prices are known (a
    Budget's). A stream dropped before it was read counts nothing.
    """

    settle_delays: tuple[float, ...] = (0.25, 0.5, 1.0)
    """Waits between GET /generation attempts when settling a cut stream."""

    def __init__(self, client: Any = None, *, lookup_missing: bool = True) -> None:
        self.lookup_missing = lookup_missing
        self._lock = threading.RLock()
        self._calls: list[CallCost] = []
        self._hooks: list[tuple[Any, _ClientHook]] = []
        self._tasks: set[asyncio.Task[None]] = set()
        if client is not None:
            self.attach(client)

    # attaching -----------------------------------------------------------------------------
    def attach(self, client: Any) -> CostTracker:
        """Start tracking every call made through `client` (returns the tracker)."""
        hook = _ClientHook(self, client)
        client.hooks.append(hook)
        with self._lock:
            self._hooks.append((client, hook))
        return self

    def detach(self, client: Any = None) -> None:
        """Stop tracking `client` (all attached clients when None). Totals are kept."""
        with self._lock:
            keep = []
            for attached, hook in self._hooks:
                if client is None or attached is client:
                    with contextlib.suppress(ValueError):
                        attached.hooks.remove(hook)
                else:
                    keep.append((attached, hook))
            self._hooks = keep

    def __enter__(self) -> CostTracker:
        return self

    def __exit__(self, *exc: object) -> None:
        self.detach()

    # hook methods (also usable by appending the tracker itself to client.hooks) ----------------
    def before_request(self, endpoint: str, body: Mapping[str, Any] | None) -> None:
        """Trackers allow every call; Budget overrides this to refuse over-budget ones."""

    def after_response(self, endpoint: str, body: Mapping[str, Any] | None, result: Any) -> None:
        self._after(endpoint, body, result, None)

    def after_stream(
        self, endpoint: str, body: Mapping[str, Any] | None, events: Sequence[Any]
    ) -> None:
        self._after_stream(endpoint, body, events, None)

    def after_incomplete_stream(
        self, endpoint: str, body: Mapping[str, Any] | None, events: Sequence[Any], outcome: str
    ) -> None:
        self._after_incomplete(endpoint, body, events, outcome, None)

    def on_error(self, endpoint: str, body: Mapping[str, Any] | None, error: BaseException) -> None:
        """A call failed or was refused: nothing to record (Budget releases its reservation)."""

    def _after(
        self, endpoint: str, body: Mapping[str, Any] | None, result: Any, client: Any
    ) -> None:
        if endpoint not in TRACKED_ENDPOINTS:
            return
        call = _call_cost(endpoint, body, _find_usage(result), _identity(result), False)
        self._record(call, client)

    def _after_stream(
        self, endpoint: str, body: Mapping[str, Any] | None, events: Sequence[Any], client: Any
    ) -> None:
        if endpoint not in TRACKED_ENDPOINTS:
            return
        usage, identity = _stream_usage(events)
        call = _call_cost(endpoint, body, usage, identity, True)
        self._record(call, client)

    def _after_incomplete(
        self,
        endpoint: str,
        body: Mapping[str, Any] | None,
        events: Sequence[Any],
        outcome: str,
        client: Any,
    ) -> None:
        """Settle a stream that ended before its end (see the class docstring)."""
        if endpoint not in TRACKED_ENDPOINTS or outcome == "unread":
            return
        usage, identity = _stream_usage(events)
        call = _call_cost(endpoint, body, usage, identity, True)
        if call.cost is None:
            received = _received_tokens(events)
            estimate = self._estimate_consumed(endpoint, body, call, received)
            call = replace(
                call,
                cost=None if estimate is None else estimate[0],
                prompt_tokens=call.prompt_tokens or (0 if estimate is None else estimate[1]),
                completion_tokens=call.completion_tokens or received,
                source="pending" if estimate is None else "estimated",
            )
        with self._lock:
            self._calls.append(call)
        if call.source != "usage" and self.lookup_missing and call.generation_id and client:
            self._settle(client, call)

    def _estimate_consumed(
        self, endpoint: str, body: Mapping[str, Any] | None, call: CallCost, received: int
    ) -> tuple[Decimal, int] | None:
        """(USD, prompt tokens) a cut call consumed, or None without prices (Budget has them)."""
        return None

    def _settle(self, client: Any, call: CallCost) -> None:
        """Replace a cut call's estimate with its GET /generation cost, retrying while it lags."""
        if _is_async_client(client):
            self._spawn(self._asettle(client, call))
            return
        for delay in (0.0, *self.settle_delays):
            if delay:
                time.sleep(delay)
            try:
                generation = client.generations.get(call.generation_id, timeout=SETTLE_TIMEOUT)
            except NotFoundError:
                continue  # not recorded yet: it lags behind the stream
            except OpenRouterError:
                return  # unreachable: the estimate stands; resolve_pending() retries later
            if self._apply_generation(call, generation):
                return

    async def _asettle(self, client: Any, call: CallCost) -> None:
        for delay in (0.0, *self.settle_delays):
            if delay:
                await asyncio.sleep(delay)
            try:
                generation = await client.generations.get(
                    call.generation_id, timeout=SETTLE_TIMEOUT
                )
            except NotFoundError:
                continue  # not recorded yet: it lags behind the stream
            except OpenRouterError:
                return  # unreachable: the estimate stands; resolve_pending() retries later
            if self._apply_generation(call, generation):
                return

    def _spawn(self, work: Coroutine[Any, Any, None]) -> None:
        """Run a lookup on the running loop, kept referenced until done (no loop: dropped)."""
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            work.close()
            return
        task = loop.create_task(work)
        with self._lock:
            self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    # recording -----------------------------------------------------------------------------
    def _record(self, call: CallCost, client: Any) -> None:
        with self._lock:
            self._calls.append(call)
        if call.cost is None and self.lookup_missing and call.generation_id and client is not None:
            if _is_async_client(client):
                self._spawn(self._alookup(client, call))
            else:
                self._lookup(client, call)

    def record(self, call: CallCost, client: Any = None) -> None:
        """Add a call measured elsewhere (e.g. by a framework callback).

        With `client` (a core client) a call without cost is looked up in GET /generation.
        """
        self._record(call, client)

    def _apply_generation(self, call: CallCost, generation: Any) -> bool:
        """Fill in `call` (the very object that was recorded) from its GET /generation record."""
        data = _field(generation, "data", generation)
        cost = _field(data, "total_cost")
        if cost is None:
            cost = _field(data, "usage")
        if cost is None:
            return False
        with self._lock:
            # Found by identity, not by position: reset() may have run since the lookup began.
            index = next((i for i, c in enumerate(self._calls) if c is call), None)
            if index is None:
                return True
            old = call
            self._calls[index] = CallCost(
                endpoint=old.endpoint,
                model=old.model or _field(data, "model"),
                provider=old.provider or _field(data, "provider_name"),
                generation_id=old.generation_id,
                cost=Decimal(str(cost)),
                prompt_tokens=old.prompt_tokens or _int(_field(data, "tokens_prompt")),
                completion_tokens=old.completion_tokens or _int(_field(data, "tokens_completion")),
                reasoning_tokens=old.reasoning_tokens
                or _int(_field(data, "native_tokens_reasoning")),
                cached_tokens=old.cached_tokens or _int(_field(data, "native_tokens_cached")),
                streamed=old.streamed,
                source="generation",
            )
        return True

    def _lookup(self, client: Any, call: CallCost) -> None:
        try:
            generation = client.generations.get(call.generation_id)
        except OpenRouterError:
            return  # stays pending; resolve_pending() retries
        self._apply_generation(call, generation)

    async def _alookup(self, client: Any, call: CallCost) -> None:
        try:
            generation = await client.generations.get(call.generation_id)
        except OpenRouterError:
            return
        self._apply_generation(call, generation)

    def _pending_calls(self) -> list[CallCost]:
        with self._lock:
            return [
                c
                for c in self._calls
                if (c.cost is None or c.source == "estimated") and c.generation_id
            ]

    def resolve_pending(self, client: Any = None) -> int:
        """Look up (GET /generation) the cost of calls still pending or estimated (cut
        streams); returns how many remain."""
        client = client or next((c for c, _ in self._hooks if not _is_async_client(c)), None)
        if client is None:
            return len(self._pending_calls())
        for call in self._pending_calls():
            self._lookup(client, call)
        return len(self._pending_calls())

    async def aresolve_pending(self, client: Any = None) -> int:
        """Wait for background lookups, then retry those still pending; returns how many remain."""
        with self._lock:
            tasks = list(self._tasks)
        if tasks:
            await asyncio.gather(*tasks, return_exceptions=True)
        client = client or next((c for c, _ in self._hooks if _is_async_client(c)), None)
        if client is not None:
            for call in self._pending_calls():
                await self._alookup(client, call)
        return len(self._pending_calls())

    def reset(self) -> None:
        """Forget every recorded call."""
        with self._lock:
            self._calls.clear()

    # reading -------------------------------------------------------------------------------
    @property
    def calls(self) -> list[CallCost]:
        """Every recorded call, in order."""
        with self._lock:
            return list(self._calls)

    @property
    def pending(self) -> list[CallCost]:
        """Calls whose cost is not known yet."""
        return [c for c in self.calls if c.cost is None]

    @property
    def totals(self) -> Totals:
        """Sums over every call."""
        totals = Totals()
        for call in self.calls:
            totals.add(call)
        return totals

    @property
    def total_cost(self) -> float:
        """USD spent so far (float; `totals.cost` is the exact Decimal)."""
        return float(self.totals.cost)

    @property
    def total_cost_exact(self) -> Decimal:
        return self.totals.cost

    @property
    def total_tokens(self) -> int:
        return self.totals.total_tokens

    @property
    def prompt_tokens(self) -> int:
        return self.totals.prompt_tokens

    @property
    def completion_tokens(self) -> int:
        return self.totals.completion_tokens

    @property
    def requests(self) -> int:
        return len(self.calls)

    def _group(self, key: str) -> dict[str, Totals]:
        groups: dict[str, Totals] = {}
        for call in self.calls:
            name = getattr(call, key) or "unknown"
            groups.setdefault(name, Totals()).add(call)
        return groups

    @property
    def by_model(self) -> dict[str, Totals]:
        """Totals per model (as OpenRouter reported the model that served)."""
        return self._group("model")

    @property
    def by_provider(self) -> dict[str, Totals]:
        """Totals per upstream provider."""
        return self._group("provider")

    def summary(self) -> str:
        """A short multi-line report: totals, then one line per model and per provider."""
        t = self.totals
        lines = [
            f"{t.requests} call(s), {_usd(t.cost)}, {t.prompt_tokens:,} prompt + "
            f"{t.completion_tokens:,} completion tokens"
            + (f", {len(self.pending)} pending" if self.pending else "")
        ]
        for label, groups in (("model", self.by_model), ("provider", self.by_provider)):
            for name, g in sorted(groups.items(), key=lambda item: -item[1].cost):
                lines.append(
                    f"  {label} {name}: {g.requests} call(s), {_usd(g.cost)}, {g.total_tokens:,} tokens"
                )
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.summary()

    def __repr__(self) -> str:
        t = self.totals
        return f"{type(self).__name__}(requests={t.requests}, cost={_usd(t.cost)})"


# -- budgets -----------------------------------------------------------------------------------


# -- the worst case of a request -----------------------------------------------------------
#
# Token counts are estimated high, never low: text is counted as its JSON (ASCII-escaped, so
# a non-Latin character counts 2 tokens) at 3 bytes a token, where real tokenizers average
# about 4 characters a token on English and JSON. Media parts are counted apart, not by their
# base64 size. docs/guardrails-and-cost.md states the method.

BYTES_PER_TOKEN = 3
STRUCTURED_BYTES_PER_TOKEN = Decimal("2.5")
"""Tool definitions and JSON schemas are punctuation-dense: counted at 2.5 bytes a token."""
MESSAGE_OVERHEAD = 4
TOOLS_OVERHEAD = 500
"""Tokens a provider adds to the prompt when tools are offered (Anthropic documents 313-346)."""
"""Tokens of framing per message (role, separators), and per tool definition."""
IMAGE_TOKENS = 2_000
"""Tokens an input image may cost (a high-detail image is 765-1,600 on the main providers)."""
AUDIO_MIN_TOKENS = 1_000
PDF_PAGE_TOKENS = 3_000
"""Tokens a PDF page may cost read natively (text plus the page image; Claude's upper range)."""
FILE_URL_PAGES = 30
"""A file by URL cannot be measured: counted as a 30-page PDF."""
PDF_OCR_PRICE_PER_PAGE = Decimal("0.0022")
"""OpenRouter's mistral-ocr PDF engine: $2 per 1,000 pages, $2.20 on the US regional endpoint
(docs: guides/overview/multimodal/pdfs); it is the default where a model reads no files."""
_FREE_PDF_ENGINES = frozenset({"native", "cloudflare-ai", "pdf-text"})
_PDF_PAGE = re.compile(rb"/Type\s*/Page(?![a-zA-Z])")
WEB_RESULT_TOKENS = 1_000
"""Prompt tokens one web search result adds (OpenRouter inserts the results into the prompt)."""
WEB_PLUGIN_PRICE_PER_RESULT = Decimal("0.004")
"""OpenRouter's web plugin (Exa): $4 per 1,000 results (docs: features/web-search#pricing)."""
WEB_DEFAULT_MAX_RESULTS = 5

_IMAGE_PARTS = frozenset({"image_url", "input_image", "image", "video_url", "input_video"})
_AUDIO_PARTS = frozenset({"input_audio", "audio"})
_FILE_PARTS = frozenset({"file", "input_file", "document"})
_ASCII = bytes(range(128))

_PROMPT_FIELDS: dict[str, tuple[str, ...]] = {
    "chat.completions.create": (
        "tools",
        "functions",
        "tool_choice",
        "response_format",
        "prediction",
        "prompt",
    ),
    "messages.create": ("system", "tools", "tool_choice", "output_format"),
    "responses.create": ("instructions", "tools", "tool_choice", "text", "prompt"),
    "embeddings.create": (),
    "rerank.create": ("query", "documents"),
}
"""Per endpoint, the fields besides messages/input that are sent to the model as prompt."""
_STRUCTURED_FIELDS = frozenset(
    {"tools", "functions", "tool_choice", "response_format", "text", "output_format"}
)


@dataclass
class PromptEstimate:
    """A request's estimated prompt: text tokens, and the media items priced per item."""

    tokens: int = 3
    images: int = 0
    audio_tokens: int = 0
    files: int = 0
    pdf_pages: int = 0
    """Pages of the PDFs attached (an OCR engine bills per page)."""
    cache_write: bool = False
    """The request marks content with cache_control (cache writes may cost more than input)."""


def _json_default(value: Any) -> Any:
    dump = getattr(value, "model_dump", None)
    if dump is not None and not isinstance(value, type):
        return dump(mode="json", exclude_none=True, by_alias=True)
    return str(value)


def _text_tokens(value: Any, bytes_per_token: int | Decimal = BYTES_PER_TOKEN) -> int:
    """Tokens of `value` as JSON: 3 bytes a token, non-ASCII bytes counted twice."""
    if value is None:
        return 0
    if isinstance(value, str):
        data = value.encode("utf-8", "surrogatepass")
    else:
        try:
            data = _json.dumps(value, default=_json_default)
        except (TypeError, ValueError):
            data = repr(value).encode("utf-8", "replace")
    wide = len(data.translate(None, _ASCII))
    return math.ceil((len(data) + wide) / bytes_per_token)


def _data_size(part: Any) -> tuple[int, bool]:
    """(length of the inline base64 data of a media part, whether it has any), at any depth."""
    stack, size = [part], 0
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            if item.startswith("data:") or len(item) > 256:
                size = max(size, len(item))
        elif isinstance(item, Mapping):
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return size, size > 0


def _inline_data(part: Any) -> str | None:
    """The longest inline (data: URL or base64) string of a file part, or None (a URL or id)."""
    stack, found = [part], None
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            if (item.startswith("data:") or len(item) > 256) and len(item) > len(found or ""):
                found = item
        elif isinstance(item, Mapping):
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return found


def _pdf_pages(data: str) -> int:
    """How many pages a base64 (or data: URL) PDF has; 0 when it is not a PDF."""
    payload = data.split(",", 1)[1] if data.startswith("data:") else data
    try:
        raw = base64.b64decode(payload, validate=False)
    except (ValueError, binascii.Error):
        return 0
    if not raw.startswith(b"%PDF"):
        return 0
    return max(1, len(_PDF_PAGE.findall(raw)))


def _count_part(part: Any, estimate: PromptEstimate) -> None:
    """Add one content part (text, image, audio, file, or anything else) to the estimate."""
    kind = _field(part, "type")
    if kind in _IMAGE_PARTS:
        estimate.images += 1
        estimate.tokens += IMAGE_TOKENS
    elif kind in _AUDIO_PARTS:
        size, _ = _data_size(part)
        # base64 of compressed audio: about 1 KB a second, a few tokens a second; err high
        audio = max(AUDIO_MIN_TOKENS, math.ceil(size / 32))
        estimate.audio_tokens += audio
        estimate.tokens += audio
    elif kind in _FILE_PARTS:
        estimate.files += 1
        data = _inline_data(part)
        if data is None:
            estimate.pdf_pages += FILE_URL_PAGES
            estimate.tokens += FILE_URL_PAGES * PDF_PAGE_TOKENS
            return
        pages = _pdf_pages(data)
        if pages:
            estimate.pdf_pages += pages
            estimate.tokens += pages * PDF_PAGE_TOKENS
        else:  # not a PDF: one token per 4 base64 characters (3 bytes of file)
            estimate.tokens += math.ceil(len(data) / 4)
    elif isinstance(part, str):
        estimate.tokens += _text_tokens(part)
    else:
        estimate.tokens += _text_tokens(part)


def _count_messages(messages: Any, estimate: PromptEstimate) -> None:
    """Add chat/Anthropic messages or Responses input items, media parts priced apart."""
    if isinstance(messages, str):
        estimate.tokens += _text_tokens(messages)
        return
    if not isinstance(messages, (list, tuple)):
        estimate.tokens += _text_tokens(messages)
        return
    for message in messages:
        estimate.tokens += MESSAGE_OVERHEAD
        if not isinstance(message, Mapping):
            if isinstance(message, str):
                estimate.tokens += _text_tokens(message)
                continue
            message = _json_default(message)
            if not isinstance(message, Mapping):
                estimate.tokens += _text_tokens(message)
                continue
        content = message.get("content")
        rest = {k: v for k, v in message.items() if k != "content"}
        if rest:
            estimate.tokens += _text_tokens(rest)
        if isinstance(content, list):
            for part in content:
                _count_part(part, estimate)
        elif content is not None:
            estimate.tokens += _text_tokens(content)


def estimate_prompt(endpoint: str, body: Mapping[str, Any]) -> PromptEstimate:
    """A generous estimate of everything a request sends the model as input.

    Counts the messages (or `input`), tool definitions, response_format schemas, system
    prompts and instructions, and every image, audio and file part; for an endpoint not
    listed here, the whole body. See the module comment above for the method.
    """
    estimate = PromptEstimate()
    fields = _PROMPT_FIELDS.get(endpoint)
    if fields is None:
        estimate.tokens += _text_tokens(dict(body))
        return estimate
    if endpoint == "embeddings.create":
        value = body.get("input")
        if isinstance(value, list) and value and isinstance(value[0], Mapping):
            _count_messages(value, estimate)
        else:
            estimate.tokens += _text_tokens(value)
        return estimate
    _count_messages(body.get("messages") or body.get("input"), estimate)
    for name in fields:
        value = body.get(name)
        if value is None:
            continue
        if name in _STRUCTURED_FIELDS:
            if name in ("tools", "functions") and isinstance(value, (list, tuple)) and value:
                estimate.tokens += TOOLS_OVERHEAD + MESSAGE_OVERHEAD * len(value)
            estimate.tokens += _text_tokens(value, STRUCTURED_BYTES_PER_TOKEN)
        else:
            estimate.tokens += _text_tokens(value)
    if "cache_control" in body or b"cache_control" in _json.dumps(
        body.get("messages") or body.get("system") or [], default=_json_default
    ):
        estimate.cache_write = True
    return estimate


def _max_tokens(endpoint: str, body: Mapping[str, Any]) -> int | None:
    if endpoint in ("embeddings.create", "rerank.create"):
        return 0
    for name in ("max_tokens", "max_completion_tokens", "max_output_tokens"):
        value = body.get(name)
        if isinstance(value, int) and not isinstance(value, bool):
            return value
    return None


def _reasoning_tokens(body: Mapping[str, Any]) -> int:
    """Reasoning tokens asked for on top of max_tokens (`reasoning.max_tokens`, or Anthropic's
    `thinking.budget_tokens`)."""
    total = 0
    for name, key in (("reasoning", "max_tokens"), ("thinking", "budget_tokens")):
        value = body.get(name)
        if isinstance(value, Mapping):
            tokens = value.get(key)
            if isinstance(tokens, int) and not isinstance(tokens, bool) and tokens > 0:
                total = max(total, tokens)
    return total


def _web_search(body: Mapping[str, Any], model_name: str) -> int | None:
    """How many web results the call may fetch (None: no web search)."""
    results: int | None = None
    if model_name.endswith(":online") or body.get("web_search_options") is not None:
        results = WEB_DEFAULT_MAX_RESULTS
    for plugin in body.get("plugins") or ():
        if isinstance(plugin, Mapping) and plugin.get("id") == "web":
            if plugin.get("enabled") is False:
                continue
            value = plugin.get("max_results")
            count = (
                value
                if isinstance(value, int) and not isinstance(value, bool) and value > 0
                else WEB_DEFAULT_MAX_RESULTS
            )
            results = max(results or 0, count)
    return results


def _pdf_engine(body: Mapping[str, Any]) -> str | None:
    """The PDF engine the file-parser plugin names (None: OpenRouter picks, maybe mistral-ocr)."""
    for plugin in body.get("plugins") or ():
        if isinstance(plugin, Mapping) and plugin.get("id") == "file-parser":
            pdf = plugin.get("pdf")
            if isinstance(pdf, Mapping) and isinstance(pdf.get("engine"), str):
                return str(pdf["engine"])
    return None


def _price(value: Decimal | None) -> Decimal:
    return value if value is not None and value > 0 else Decimal(0)


def _output_price(pricing: Pricing, body: Mapping[str, Any]) -> Decimal:
    """The dearest per-token price an output token may have (image or audio output when asked)."""
    price = _price(pricing.completion)
    modalities = body.get("modalities") or ()
    if "image" in modalities:
        price = max(price, _price(pricing.image_output))
    if "audio" in modalities or body.get("audio") is not None:
        price = max(price, _price(pricing.audio_output))
    return price


def _allowed(endpoint: ModelEndpoint, provider: Any) -> bool:
    """Whether a request's `provider.only` / `provider.ignore` let it route to this endpoint."""
    if not isinstance(provider, Mapping):
        return True
    names = {
        (endpoint.provider_name or "").lower(),
        (endpoint.tag or "").lower(),
        (endpoint.tag or "").split("/", 1)[0].lower(),
    }
    only = provider.get("only")
    if only and not names & {str(p).lower() for p in only}:
        return False
    ignore = provider.get("ignore")
    return not (ignore and names & {str(p).lower() for p in ignore})


@dataclass(frozen=True)
class WorstCase:
    """The dearest way a call could go: model, endpoint, token counts and USD.

    `cost` is everything: prompt and completion tokens, plus `extra_cost` (per-request fee,
    images, web search), which `extras` itemises in words.
    """

    cost: Decimal
    model: str | None
    provider: str | None
    prompt_tokens: int
    max_tokens: int
    max_tokens_given: bool
    prompt_price: Decimal | None
    completion_price: Decimal | None
    extra_cost: Decimal = Decimal(0)
    extras: str = ""


def _price_option(
    pricing: Pricing,
    body: Mapping[str, Any],
    estimate: PromptEstimate,
    completion: int,
    reasoning: int,
    web_results: int | None,
) -> tuple[Decimal, Decimal, str, int]:
    """(total USD, USD outside tokens, what that extra is, prompt tokens) on one endpoint."""
    prompt_price = _price(pricing.prompt)
    if estimate.cache_write:
        prompt_price = max(
            prompt_price, _price(pricing.input_cache_write), _price(pricing.input_cache_write_1h)
        )
    audio_price = max(prompt_price, _price(pricing.audio))
    prompt_tokens = estimate.tokens + (web_results or 0) * WEB_RESULT_TOKENS
    output_price = _output_price(pricing, body)
    reasoning_price = max(output_price, _price(pricing.internal_reasoning))
    tokens_cost = (
        prompt_price * (prompt_tokens - estimate.audio_tokens)
        + audio_price * estimate.audio_tokens
        + output_price * completion
        + reasoning_price * reasoning
    )
    extra = Decimal(0)
    words: list[str] = []
    fee = _price(pricing.request)
    if fee:
        extra += fee
        words.append(f"{_usd(fee)} request fee")
    if estimate.images and _price(pricing.image):
        images = _price(pricing.image) * estimate.images
        extra += images
        words.append(f"{_usd(images)} for {estimate.images} image(s)")
    if estimate.pdf_pages and _pdf_engine(body) not in _FREE_PDF_ENGINES:
        ocr = PDF_OCR_PRICE_PER_PAGE * estimate.pdf_pages
        extra += ocr
        words.append(f"{_usd(ocr)} PDF parsing ({estimate.pdf_pages} pages)")
    if web_results is not None:
        search = max(_price(pricing.web_search), WEB_PLUGIN_PRICE_PER_RESULT * web_results)
        extra += search
        words.append(f"{_usd(search)} web search ({web_results} results)")
    return tokens_cost + extra, extra, ", ".join(words), prompt_tokens


class Budget(CostTracker):
    """A CostTracker with a spending limit that refuses over-budget calls before they are sent.

        budget = Budget(1.00, client)              # or Budget(1.00).attach(client)
        client.chat.completions.create(..., max_tokens=500)   # BudgetExceededError if it could overrun

    Before each generating call the worst case is priced: the prompt's estimated tokens plus
    `max_tokens` (or, without it, the most the endpoint may generate) at the prices of the
    dearest endpoint the call may be routed to (its `model` and `models` fallbacks, within
    `provider.only` / `provider.ignore`), from the catalogue. If spent + worst case exceeds
    `limit_usd`, BudgetExceededError says the numbers. What is spent comes from each
    response's actual `usage.cost`. Prices come from `selector` (a ModelSelector or
    AsyncModelSelector) or from one built on the first attached client; with an async client
    load prices first (`await budget.aprefetch(["model", ...])`) because a check before
    sending cannot wait for the network.
    """

    def __init__(
        self,
        limit_usd: float | Decimal | str,
        client: Any = None,
        *,
        selector: ModelSelector | AsyncModelSelector | None = None,
        lookup_missing: bool = True,
    ) -> None:
        self.limit_usd = Decimal(str(limit_usd))
        if self.limit_usd < 0:
            raise ValueError(f"limit_usd: expected a non-negative amount, got {limit_usd!r}")
        self.selector = selector
        self._reserved: dict[int, Decimal] = {}
        super().__init__(client, lookup_missing=lookup_missing)

    def attach(self, client: Any) -> Budget:
        if self.selector is None:
            self.selector = (
                AsyncModelSelector(client, guardrail=None)
                if _is_async_client(client)
                else ModelSelector(client, guardrail=None)
            )
        super().attach(client)
        return self

    @property
    def spent(self) -> Decimal:
        """USD spent so far by tracked calls (from their usage.cost)."""
        return self.totals.cost

    @property
    def reserved(self) -> Decimal:
        """USD held back for calls in flight (their worst cases), until their usage arrives."""
        with self._lock:
            return sum(self._reserved.values(), Decimal(0))

    @property
    def remaining(self) -> Decimal:
        """USD left under the limit (never negative); calls in flight hold their worst case."""
        return max(Decimal(0), self.limit_usd - self.spent - self.reserved)

    def _release(self, body: Mapping[str, Any] | None) -> None:
        if body is not None:
            with self._lock:
                self._reserved.pop(id(body), None)

    def _after(
        self, endpoint: str, body: Mapping[str, Any] | None, result: Any, client: Any
    ) -> None:
        # record the actual cost before dropping the reservation, so no check sees neither
        with self._lock:
            super()._after(endpoint, body, result, client)
            self._release(body)

    def _after_stream(
        self, endpoint: str, body: Mapping[str, Any] | None, events: Sequence[Any], client: Any
    ) -> None:
        with self._lock:
            super()._after_stream(endpoint, body, events, client)
            self._release(body)

    def _after_incomplete(
        self,
        endpoint: str,
        body: Mapping[str, Any] | None,
        events: Sequence[Any],
        outcome: str,
        client: Any,
    ) -> None:
        # A cut stream is spent (its estimate) before its reservation goes; an unread one frees it.
        with self._lock:
            before = len(self._calls)
            super()._after_incomplete(endpoint, body, events, outcome, None)
            call = self._calls[-1] if len(self._calls) > before else None
            self._release(body)
        settle = call is not None and call.source != "usage" and call.generation_id
        if settle and client is not None and self.lookup_missing:
            assert call is not None
            self._settle(client, call)  # outside the lock: it may wait for the record

    def _estimate_consumed(
        self, endpoint: str, body: Mapping[str, Any] | None, call: CallCost, received: int
    ) -> tuple[Decimal, int] | None:
        """The prompt plus the output received, at the prices of the endpoint that served
        (the dearest the call could reach when the stream did not say)."""
        if body is None:
            return None
        name = call.model or body.get("model")
        if not isinstance(name, str):
            return None
        model_id = name
        for suffix in (":online", ":nitro", ":floor", ":exacto"):
            model_id = model_id.removesuffix(suffix)
        try:
            endpoints = self._endpoints(model_id)
        except OpenRouterError:
            endpoints = None
        prices = [
            e.pricing
            for e in endpoints or ()
            if e.pricing is not None and _allowed(e, body.get("provider"))
        ]
        served = [
            e.pricing
            for e in endpoints or ()
            if e.pricing is not None
            and call.provider
            and (e.provider_name or "").lower() == call.provider.lower()
        ]
        if not prices and self.selector is not None:
            model = self.selector.cached_model(model_id)
            if model is not None and model.pricing is not None:
                prices = [model.pricing]
        if not prices:
            return None
        estimate = estimate_prompt(endpoint, body)
        web = _web_search(body, name)
        options = [
            _price_option(pricing, body, estimate, received, 0, web)
            for pricing in (served or prices)
        ]
        cost, _, _, prompt_tokens = max(options, key=lambda option: option[0])
        return cost, prompt_tokens

    def on_error(self, endpoint: str, body: Mapping[str, Any] | None, error: BaseException) -> None:
        """The call failed or was refused: its reservation no longer holds budget."""
        self._release(body)

    def prefetch(self, models: Iterable[str]) -> None:
        """Load these models' prices (sync selector)."""
        if not isinstance(self.selector, ModelSelector):
            raise TypeError("prefetch() needs a sync ModelSelector; use aprefetch()")
        self.selector.prefetch(models)

    async def aprefetch(self, models: Iterable[str]) -> None:
        """Load these models' prices (async selector), so checks before sending can price them."""
        if not isinstance(self.selector, AsyncModelSelector):
            raise TypeError("aprefetch() needs an AsyncModelSelector; use prefetch()")
        await self.selector.prefetch(models)

    def _endpoints(self, model_id: str) -> list[ModelEndpoint] | None:
        selector = self.selector
        if selector is None:
            return None
        if isinstance(selector, ModelSelector):
            return selector.endpoints_for(model_id)
        return selector.cached_endpoints(model_id)

    def worst_case(self, endpoint: str, body: Mapping[str, Any]) -> WorstCase:
        """The dearest outcome of this request within its routing, priced from the catalogue.

        Everything billed counts: the estimated prompt (messages, tools, schemas, images,
        audio and files), `max_tokens` (or the endpoint's maximum) plus any reasoning budget,
        the per-request fee, per-image prices, and web search (`:online`, the web plugin).
        """
        estimate = estimate_prompt(endpoint, body)
        given = _max_tokens(endpoint, body)
        reasoning = _reasoning_tokens(body) if given is not None else 0
        names: list[str] = []
        if isinstance(body.get("model"), str):
            names.append(body["model"])
        names += [m for m in body.get("models") or () if isinstance(m, str)]
        if not names:
            raise BudgetPricingError(
                "Budget cannot price a call without a model: pass model=... (e.g. from a Selection)"
            )
        worst: WorstCase | None = None
        for name in dict.fromkeys(names):
            model_id = name
            for suffix in (":online", ":nitro", ":floor", ":exacto"):
                model_id = model_id.removesuffix(suffix)
            web_results = _web_search(body, name)
            endpoints = self._endpoints(model_id)
            options: list[tuple[str | None, Pricing, int | None, int | None]] = []
            if endpoints:
                options = [
                    (
                        e.provider_name,
                        e.pricing or Pricing(),
                        e.max_completion_tokens,
                        e.context_length,
                    )
                    for e in endpoints
                    if _allowed(e, body.get("provider"))
                ]
            if not options:
                model = self.selector.cached_model(model_id) if self.selector else None
                if model is None or model.pricing is None:
                    hint = (
                        f"await budget.aprefetch([{model_id!r}])"
                        if isinstance(self.selector, AsyncModelSelector)
                        else "check the model id"
                    )
                    raise BudgetPricingError(
                        f"Budget cannot price {model_id}: its prices are not in the loaded "
                        f"catalogue ({hint})."
                    )
                top = model.top_provider
                options = [
                    (
                        None,
                        model.pricing,
                        top.max_completion_tokens if top else None,
                        model.context_length,
                    )
                ]
            for provider, pricing, max_out, context in options:
                completion = given
                if completion is None:
                    completion = max_out or max(0, (context or 0) - estimate.tokens)
                cost, extra, extras, prompt_tokens = _price_option(
                    pricing, body, estimate, completion, reasoning, web_results
                )
                if worst is None or cost > worst.cost:
                    worst = WorstCase(
                        cost=cost,
                        model=model_id,
                        provider=provider,
                        prompt_tokens=prompt_tokens,
                        max_tokens=completion + reasoning,
                        max_tokens_given=given is not None,
                        prompt_price=None if pricing.prompt is None else pricing.prompt * MILLION,
                        completion_price=None
                        if pricing.completion is None
                        else pricing.completion * MILLION,
                        extra_cost=extra,
                        extras=extras,
                    )
        assert worst is not None
        return worst

    def before_request(self, endpoint: str, body: Mapping[str, Any] | None) -> None:
        """Refuse the call (BudgetExceededError) if its worst case exceeds what remains."""
        if endpoint not in TRACKED_ENDPOINTS or body is None:
            return
        try:
            worst = self.worst_case(endpoint, body)
        except BudgetPricingError:
            if self.spent < self.limit_usd:
                raise
            worst = WorstCase(Decimal(0), body.get("model"), None, 0, 0, True, None, None)
        # Check and reserve at once: concurrent calls (threads, asyncio.gather) each see the
        # worst cases of those already in flight, so together they cannot overrun the limit.
        with self._lock:
            spent = self.spent
            reserved = sum(self._reserved.values(), Decimal(0))
            if spent < self.limit_usd and spent + reserved + worst.cost <= self.limit_usd:
                self._reserved[id(body)] = worst.cost
                return
        raise BudgetExceededError(
            limit_usd=self.limit_usd,
            spent_usd=spent,
            reserved_usd=reserved,
            worst_case_usd=worst.cost,
            model=worst.model,
            provider=worst.provider,
            prompt_tokens=worst.prompt_tokens,
            max_tokens=worst.max_tokens,
            prompt_price=worst.prompt_price,
            completion_price=worst.completion_price,
            max_tokens_given=worst.max_tokens_given,
            extra_usd=worst.extra_cost,
            extras=worst.extras,
        )

    def __repr__(self) -> str:
        return f"Budget(limit={_usd(self.limit_usd)}, spent={_usd(self.spent)})"


@contextlib.contextmanager
def track_cost(client: Any) -> Iterator[CostTracker]:
    """`with track_cost(client) as tracker:` tracks calls made inside the block."""
    tracker = CostTracker(client)
    try:
        yield tracker
    finally:
        tracker.detach()
