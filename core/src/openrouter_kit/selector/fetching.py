"""Fetching, written once as generator plans; run with blocking calls or with await."""

from __future__ import annotations

import asyncio
import hashlib
import time
from collections.abc import Callable, Generator
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

from ..errors import (
    AuthenticationError,
    NotFoundError,
    PermissionDeniedError,
)
from ..types.models import ModelEndpoint
from .requirements import Guardrail, _field, _items
from .snapshots import AccountView, CatalogueSnapshot

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
