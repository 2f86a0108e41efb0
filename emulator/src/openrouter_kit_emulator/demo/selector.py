"""Demo section `selector`: choose a model under guardrails, and show why others were excluded.

Offline (on the emulator) it sets up a team guardrail through the management API (allowed
models, zero data retention and a budget), assigns it to the demo's key, lets the
`ModelSelector` read it back, prints the ranked candidates and the reasons for every
exclusion, makes one call from the Selection under a `Budget`, shows that a model the
selector rejected is refused by OpenRouter too, and removes the guardrail again so later
sections run unrestricted. Online it never changes the account: it only reads what applies
to the key and prints the ranking.

Register it with (in `openrouter_kit_emulator.demo`):

    register_section("selector", "Choose a model under guardrails",
                     "openrouter_kit_emulator.demo.selector:choose_under_guardrails", order=15)
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from openrouter_kit._console import format_context, format_price, format_usd
from openrouter_kit._endpoints import ENDPOINTS
from openrouter_kit.client import OpenRouter
from openrouter_kit.cost import Budget
from openrouter_kit.errors import APIStatusError
from openrouter_kit.selector import ModelSelector, Ranking, Requirements

from . import DemoContext

REQUIREMENTS = Requirements(tools=True, min_context=32_000, prefer="price")
"""What the demo's calls need: tool calling and room for retrieved passages."""
TEAM_MODELS = (
    "openai/gpt-4o-mini",
    "openai/gpt-5-mini",
    "anthropic/claude-haiku-4.5",
    "google/gemini-2.5-flash",
    "meta-llama/llama-3.3-70b-instruct",
    "x-ai/grok-4-fast",
)
"""The models the demo guardrail allows (offline only)."""
SHOWN_REJECTIONS = 8


class _Recorder:
    """A request hook that reports every call the selector makes to the demo's cost table."""

    def __init__(self, ctx: DemoContext) -> None:
        self.ctx = ctx

    def after_response(self, endpoint: str, body: Mapping[str, Any] | None, result: Any) -> None:
        row = ENDPOINTS.get(endpoint)
        path = row.path if row else endpoint
        if path.startswith("/guardrails"):
            path = "/guardrails/*"  # one entry for the management reads and writes
        self.ctx.record(path, getattr(result, "usage", None))


def _management_client(ctx: DemoContext) -> OpenRouter | None:
    """A management-key client on the same emulator as the demo (None when online)."""
    from openrouter_kit_emulator import EmulatorTransport

    transport = getattr(ctx.client._http, "_transport", None)
    if not ctx.offline or not isinstance(transport, EmulatorTransport):
        return None
    return OpenRouter(
        api_key=transport.emulator.management_key,
        base_url=ctx.client.base_url,
        http_client=ctx.client._http,
    )


def _show_ranking(ctx: DemoContext, ranking: Ranking) -> None:
    rows = []
    for candidate in list(ranking)[:8]:
        rows.append(
            [
                candidate.id,
                candidate.provider,
                format_context(candidate.context_length),
                format_price(candidate.prompt_price_per_million),
                format_price(candidate.completion_price_per_million),
                format_usd(candidate.estimated_cost),
            ]
        )
    ctx.say(f"{len(ranking)} candidate(s), cheapest first (USD per million tokens):")
    ctx.console.table(
        ("MODEL", "VIA", "CONTEXT", "IN", "OUT", "1k+1k TOKENS"), rows, align="llrrrr", indent=4
    )
    ctx.say(f"{len(ranking.rejected)} model(s) excluded, for example:")
    chat_rejections = sorted(
        (
            (model, reasons)
            for model, reasons in ranking.rejected.items()
            if not any("output modality" in r for r in reasons)
        ),
        # the instructive ones first: excluded for a reason other than the model allow-list
        key=lambda item: (all("allowed_models" in r for r in item[1]), item[0]),
    )
    for model, reasons in chat_rejections[:SHOWN_REJECTIONS]:
        ctx.say(f"  {model}: {'; '.join(reasons)[:150]}")


def choose_under_guardrails(ctx: DemoContext) -> None:
    """Section `selector`: rank models for the demo's needs inside the key's guardrails."""
    admin = _management_client(ctx)
    recorder = _Recorder(ctx)
    clients = [c for c in (ctx.client, admin) if c is not None]
    for client in clients:
        client.hooks.append(recorder)
    guardrail_id = None
    try:
        if admin is not None:
            label = ctx.client.keys.current().data.label
            key_hash = str(next(k.hash for k in admin.keys.list().data if k.label == label))
            created = admin.guardrails.create(
                name="demo-team",
                allowed_models=list(TEAM_MODELS),
                enforce_zdr=True,
                limit_usd=1.0,
            )
            guardrail_id = str(created.data.id)
            admin.guardrails.assign_keys(guardrail_id, key_hashes=[key_hash])
            ctx.say(
                'Created guardrail "demo-team" with the management API and assigned it to this '
                f"key: {len(TEAM_MODELS)} allowed models, zero data retention, $1.00 budget."
            )
        else:
            ctx.say("Reading the guardrails that apply to this key (nothing is changed).")
        selector = ModelSelector(ctx.client, management_client=admin)
        with ctx.console.progress("reading the catalogue and the guardrails"):
            ranking = selector.rank(REQUIREMENTS)
        for note in ranking.notes:
            ctx.say(f"note: {note}")
        ctx.say(f"needs: {REQUIREMENTS.describe()}")
        _show_ranking(ctx, ranking)
        if not ranking:
            ctx.say("-> no model fits; nearest misses:")
            for model, reasons in ranking.nearest_misses():
                ctx.say(f"  {model}: {'; '.join(reasons)}")
            return
        selection = selector.select(REQUIREMENTS)
        ctx.say(
            f"-> selected {selection.model}, fallbacks {', '.join(selection.fallbacks) or '-'}; "
            f"provider routing {selection.provider.to_dict()}"
        )
        if admin is None:
            return
        budget = Budget(0.05, ctx.client, selector=selector)
        try:
            done = ctx.client.chat.completions.create(
                messages=[{"role": "user", "content": "In one sentence: what is a guardrail?"}],
                max_tokens=60,
                **selection.request_params(),
            )
        finally:
            budget.detach()
        ctx.say(
            f"-> the call from the Selection was accepted: {done.model} via {done.provider}, "
            f"{format_usd(budget.spent)} of the $0.05 demo budget."
        )
        rejected = next(
            (m for m, r in sorted(ranking.rejected.items()) if any("guardrail" in x for x in r)),
            None,
        )
        if rejected is not None:
            try:
                ctx.client.chat.completions.create(
                    model=rejected, messages=[{"role": "user", "content": "hi"}], max_tokens=5
                )
                ctx.say(f"-> {rejected} was accepted (unexpected)")
            except APIStatusError as exc:
                ctx.record("/chat/completions", None)
                ctx.say(
                    f"-> {rejected}, which the selector excluded, is refused by OpenRouter too "
                    f"({exc.status_code}: {exc.message.split('. ')[0]})."
                )
    finally:
        if admin is not None and guardrail_id is not None:
            admin.guardrails.delete(guardrail_id)
            ctx.say('Removed the "demo-team" guardrail again; later sections run unrestricted.')
        for client in clients:
            if recorder in client.hooks:
                client.hooks.remove(recorder)
