"""ModelSelector and AsyncModelSelector: the cache and the two ways of running the same plans."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterable, Sequence
from dataclasses import replace
from decimal import Decimal
from typing import Any, Literal

from ..types.models import Model, ModelEndpoint
from .decision import choose, evaluate, model_reasons
from .fetching import (
    Plan,
    _account_plan,
    _catalogue_plan,
    _Clients,
    _endpoints_plan,
    _run_async,
    _run_sync,
)
from .ranking import Ranking, Selection
from .requirements import DEFAULT_COMPLETION_TOKENS, DEFAULT_PROMPT_TOKENS, Guardrail, Requirements
from .snapshots import AccountView, CatalogueSnapshot

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
