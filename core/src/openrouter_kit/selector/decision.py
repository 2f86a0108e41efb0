"""The pure decision: why a model or endpoint is refused, evaluate() and choose(). No I/O."""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

from ..types.common import ProviderPreferences
from ..types.models import Model, ModelEndpoint, Pricing
from .ranking import Candidate, Ranking, Selection, _money, _p50, _per_million
from .requirements import (
    DEFAULT_COMPLETION_TOKENS,
    DEFAULT_PROMPT_TOKENS,
    NoModelFitsError,
    Preference,
    Requirements,
)
from .snapshots import AccountView, CatalogueSnapshot

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
