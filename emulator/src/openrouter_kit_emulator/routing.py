"""Provider routing and guardrail enforcement: which endpoint serves a request, or why none.

Refusals use OpenRouter's codes: 403 for a guardrail block (model not allowed, budget
spent), 404 "No endpoints found ..." when routing leaves no provider, 402 when the key
limit or the account's credits are exhausted.
"""

from __future__ import annotations

from typing import Any

from .catalogue import Catalogue, Endpoint, Model
from .state import Account, ApiKey, Guardrail
from .wire import ApiError

ROUTING_DOCS = "https://openrouter.ai/docs/guides/routing/provider-selection"


AUTO_ROUTER = "openrouter/auto"
# model-string variants -> the provider preferences they stand for (``:online`` and ``:free``
# change the model or its tools, not the routing)
VARIANTS: dict[str, dict[str, Any]] = {
    "floor": {"sort": "price"},
    "nitro": {"sort": "throughput"},
    "exacto": {"sort": "uptime"},
    "online": {},
    "free": {},
}


def split_variant(name: str) -> tuple[str, str | None]:
    """``"openai/gpt-4o:nitro"`` -> ``("openai/gpt-4o", "nitro")``; unknown suffixes stay."""
    base, sep, variant = name.rpartition(":")
    if sep and variant in VARIANTS:
        return base, variant
    return name, None


def resolve_model(catalogue: Catalogue, body: dict[str, Any], default: str) -> Model:
    """The requested model (``model`` or the first known of ``models``), else a 400.

    Exact catalogue ids win (``...:free`` models are their own entries); otherwise a known
    variant suffix is stripped. ``openrouter/auto`` picks the first model its
    ``plugins[auto-router].allowed_models`` names, else ``default``.
    """
    requested = body.get("model")
    candidates: list[str] = []
    if isinstance(requested, str) and requested:
        candidates.append(requested)
    for m in body.get("models") or []:
        if isinstance(m, str):
            candidates.append(m)
    if not candidates:
        candidates.append(default)
    for name in candidates:
        model = catalogue.get(name)
        if model is None and split_variant(name)[0] == AUTO_ROUTER:
            model = catalogue.get(_auto_choice(catalogue, body, default))
        if model is None:
            base, variant = split_variant(name)
            model = catalogue.get(base) if variant not in (None, "free") else None
        if model is not None:
            return model
    raise ApiError(400, f"{candidates[0]} is not a valid model ID", with_user=True)


def _auto_choice(catalogue: Catalogue, body: dict[str, Any], default: str) -> str:
    for plugin in body.get("plugins") or []:
        if isinstance(plugin, dict) and plugin.get("id") == "auto-router":
            for pattern in plugin.get("allowed_models") or []:
                prefix = str(pattern).rstrip("*")
                for model in catalogue.models:
                    if model.id == pattern or (
                        str(pattern).endswith("*") and model.id.startswith(prefix)
                    ):
                        return model.id
    return default


def preferences(body: dict[str, Any]) -> dict[str, Any] | None:
    """The request's ``provider`` preferences with its model variant folded in."""
    prefs = body.get("provider")
    model = body.get("model")
    variant = split_variant(model)[1] if isinstance(model, str) else None
    extra = VARIANTS.get(variant or "", {})
    if not extra:
        return prefs if isinstance(prefs, dict) else None
    merged = dict(prefs) if isinstance(prefs, dict) else {}
    for name, value in extra.items():
        merged.setdefault(name, value)
    return merged


def _within(endpoint: Endpoint, max_price: dict[str, Any]) -> bool:
    """``provider.max_price``: USD per million prompt / completion tokens."""
    for field, price in (
        ("prompt", endpoint.prompt_price),
        ("completion", endpoint.completion_price),
    ):
        limit = max_price.get(field)
        if limit is None:
            continue
        try:
            ceiling = float(limit)
        except (TypeError, ValueError):
            raise ApiError(400, f"provider.max_price.{field} must be a number") from None
        if price * 1_000_000 > ceiling + 1e-12:
            return False
    return True


def _matches(endpoint: Endpoint, names: list[Any]) -> bool:
    wanted = {str(n).lower() for n in names}
    return (
        endpoint.slug.lower() in wanted
        or endpoint.provider.lower() in wanted
        or any(endpoint.data["tag"].lower() == w for w in wanted)
    )


def _model_allowed(model: Model, allowed: list[str]) -> bool:
    names = {model.id, str(model.data.get("canonical_slug") or model.id)}
    return any(a in names for a in allowed)


def check_spend(account: Account, key: ApiKey | None) -> None:
    """402s before any work: key limit exhausted, or no credits left on the account."""
    if key is not None:
        key.roll(account.ids.now())
    if key is not None and key.limit is not None and (key.limit_remaining or 0.0) <= 0.0:
        raise ApiError(
            402,
            "Key limit exceeded. Manage it using https://openrouter.ai/settings/keys",
            {"limit_source": "key", "provider_name": None},
        )
    if account.total_usage >= account.total_credits:
        raise ApiError(
            402,
            "This request requires more credits, or fewer max_tokens. You requested up to "
            "1 tokens, but can only afford 0. To increase, visit "
            "https://openrouter.ai/settings/credits and add more credits",
            {
                "limit_source": "openrouter_credits",
                "remedy_hint": "Add credits at https://openrouter.ai/settings/credits, or lower "
                "max_tokens / prompt size to fit your remaining balance.",
                "provider_name": None,
            },
        )


def check_guardrails(model: Model, guardrails: list[Guardrail], now: float = 0.0) -> None:
    """403 when a guardrail forbids the model or its budget (in its reset window) is spent."""
    for g in guardrails:
        if now:
            g.roll(now)
        if g.allowed_models and not _model_allowed(model, g.allowed_models):
            raise ApiError(
                403,
                f'Model {model.id} is not allowed by guardrail "{g.name}". '
                f"Allowed models: {', '.join(g.allowed_models)}",
                {"guardrail_id": g.id, "reason": "model_not_allowed"},
            )
        if g.limit_usd is not None and g.spent >= g.limit_usd:
            raise ApiError(
                403,
                f'Guardrail "{g.name}" budget exhausted: spent ${g.spent:.6f} of '
                f"${g.limit_usd:.2f} limit",
                {"guardrail_id": g.id, "reason": "budget_exceeded"},
            )


def route(
    model: Model,
    prefs: Any,
    guardrails: list[Guardrail],
    *,
    needs: tuple[str, ...] = (),
) -> Endpoint:
    """The endpoint to use, honouring request ``provider`` preferences and guardrails."""
    endpoints = list(model.endpoints)
    for param in needs:
        if param not in model.supported_parameters:
            what = "tool use" if param == "tools" else param
            raise ApiError(
                404,
                f"No endpoints found that support {what}. To learn more about provider "
                f"routing, visit: {ROUTING_DOCS}",
                with_user=False,
            )
    for g in guardrails:
        kept = endpoints
        if g.allowed_providers:
            kept = [e for e in kept if _matches(e, g.allowed_providers)]
        if g.ignored_providers:
            kept = [e for e in kept if not _matches(e, g.ignored_providers)]
        if not kept:
            raise ApiError(
                404,
                f"No endpoints found for {model.id} that are allowed by guardrail "
                f'"{g.name}" (provider restrictions). To learn more about provider routing, '
                f"visit: {ROUTING_DOCS}",
                {"guardrail_id": g.id, "reason": "provider_not_allowed"},
            )
        if g.enforce_zdr:
            kept = [e for e in kept if e.zdr]
            if not kept:
                raise ApiError(
                    404,
                    "No endpoints found matching your data policy (Zero data retention, "
                    f'enforced by guardrail "{g.name}"). Configure: '
                    "https://openrouter.ai/settings/privacy",
                    {"guardrail_id": g.id, "reason": "zdr_required"},
                )
        endpoints = kept
    if isinstance(prefs, dict):
        if prefs.get("only"):
            endpoints = [e for e in endpoints if _matches(e, list(prefs["only"]))]
        if prefs.get("ignore"):
            endpoints = [e for e in endpoints if not _matches(e, list(prefs["ignore"]))]
        if prefs.get("zdr"):
            endpoints = [e for e in endpoints if e.zdr]
        if prefs.get("quantizations"):
            quants = {str(q).lower() for q in prefs["quantizations"]}
            endpoints = [e for e in endpoints if e.data["quantization"] in quants]
        order = prefs.get("order") or []
        if order:
            ranked = [e for name in order for e in endpoints if _matches(e, [name])]
            rest = [e for e in endpoints if e not in ranked]
            endpoints = ranked + ([] if prefs.get("allow_fallbacks") is False else rest)
        max_price = prefs.get("max_price")
        if isinstance(max_price, dict) and max_price:
            endpoints = [e for e in endpoints if _within(e, max_price)]
            if not endpoints:
                raise ApiError(
                    404,
                    f"No endpoints found for {model.id} within your max_price "
                    f"(provider.max_price). To learn more about provider routing, visit: "
                    f"{ROUTING_DOCS}",
                    with_user=False,
                )
        sort = prefs.get("sort")
        sort_by = sort.get("by") if isinstance(sort, dict) else sort
        if sort_by == "price":
            endpoints.sort(key=lambda e: e.prompt_price + e.completion_price)
        elif sort_by == "throughput":
            endpoints.sort(key=lambda e: -e.data["throughput_last_30m"]["p50"])
        elif sort_by == "latency":
            endpoints.sort(key=lambda e: e.data["latency_last_30m"]["p50"])
        elif sort_by == "uptime":  # :exacto, the most reliable providers first
            endpoints.sort(key=lambda e: -e.data["uptime_last_1d"])
        if not endpoints:
            if prefs.get("zdr"):
                raise ApiError(
                    404,
                    "No endpoints found matching your data policy (Zero data retention). "
                    "Configure: https://openrouter.ai/settings/privacy",
                    with_user=False,
                )
            raise ApiError(404, "No allowed providers are available for the selected model.")
    if not endpoints:
        raise ApiError(404, "No allowed providers are available for the selected model.")
    return endpoints[0]
