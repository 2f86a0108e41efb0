"""Point-in-time views the decision reads: the catalogue and the account (key, guardrails, budget)."""

from __future__ import annotations

from dataclasses import dataclass, field

from ..types.models import Model, ModelEndpoint
from .requirements import Guardrail, _field

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
