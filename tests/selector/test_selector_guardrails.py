"""The selector under real guardrails: created and assigned through the management API on the
emulator, read back by the selector, and checked against the emulator's own enforcement.

Each test proves both directions: the request built from the Selection is accepted, and the
same request for a model the selector rejected is refused by the emulator.
"""

from __future__ import annotations

import pytest
from openrouter_kit import (
    Guardrail,
    ModelSelector,
    NoModelFitsError,
    OpenRouter,
    Requirements,
)
from openrouter_kit.errors import NotFoundError, PermissionDeniedError
from openrouter_kit_emulator import Emulator

MESSAGES = [{"role": "user", "content": "Say hello in five words."}]
ALLOWED = ["openai/gpt-4o-mini", "anthropic/claude-sonnet-4.5", "meta-llama/llama-3.3-70b-instruct"]


def guard(admin: OpenRouter, emulator: Emulator, **rules: object) -> str:
    """Create a guardrail and assign it to the standard key; returns its id."""
    created = admin.guardrails.create(name="team", **rules)  # type: ignore[arg-type]
    admin.guardrails.assign_keys(created.data.id, key_hashes=[emulator.default_key.hash])
    return str(created.data.id)


def endpoints(emulator: Emulator, model_id: str) -> list:  # type: ignore[type-arg]
    model = emulator.catalogue.get(model_id)
    assert model is not None
    return model.endpoints


def test_selection_obeys_allowed_models_and_is_accepted(
    user: OpenRouter, admin: OpenRouter, emulator: Emulator
) -> None:
    guard(admin, emulator, allowed_models=ALLOWED)
    selector = ModelSelector(user, management_client=admin)

    view = selector.account()
    assert view.guardrails_known and view.source == "account"
    assert [g.allowed_models for g in view.guardrails] == [tuple(ALLOWED)]

    selection = selector.select(Requirements(tools=True))
    assert selection.model in ALLOWED
    assert set(selection.fallbacks) <= set(ALLOWED)
    assert {c.id for c in selection.candidates} <= set(ALLOWED)
    for model_id, reasons in selection.rejected.items():
        assert model_id not in ALLOWED or reasons
    assert any("not in allowed_models" in r for r in selection.rejected["openai/gpt-4o"])

    done = user.chat.completions.create(messages=MESSAGES, **selection.request_params())
    assert done.model in ALLOWED

    with pytest.raises(PermissionDeniedError, match="not allowed by guardrail"):
        user.chat.completions.create(
            messages=MESSAGES,
            **{**selection.request_params(), "model": "openai/gpt-4o", "models": []},
        )


def test_selection_obeys_allowed_providers(
    user: OpenRouter, admin: OpenRouter, emulator: Emulator
) -> None:
    guard(admin, emulator, allowed_providers=["deepinfra", "groq"])
    selector = ModelSelector(user, management_client=admin)
    selection = selector.select(prefer="throughput")

    assert set(selection.provider.only or []) <= {"deepinfra", "groq"}
    for candidate in selection.candidates:
        assert {e.provider_name for e in candidate.endpoints} <= {"DeepInfra", "Groq"}
    done = user.chat.completions.create(messages=MESSAGES, **selection.request_params())
    assert done.provider in ("DeepInfra", "Groq")

    # gpt-4o is served only by OpenAI and Azure: rejected here, refused by the emulator too
    assert any("provider not allowed" in r for r in selection.rejected["openai/gpt-4o"])
    with pytest.raises(NotFoundError, match="provider restrictions"):
        user.chat.completions.create(model="openai/gpt-4o", messages=MESSAGES)


def test_selection_obeys_enforce_zdr(
    user: OpenRouter, admin: OpenRouter, emulator: Emulator
) -> None:
    guard(admin, emulator, enforce_zdr=True)
    selection = ModelSelector(user, management_client=admin).select(Requirements(tools=True))

    assert selection.provider.zdr is True
    for candidate in selection.candidates:
        zdr_by_provider = {e.provider: e.zdr for e in endpoints(emulator, candidate.id)}
        assert all(zdr_by_provider[e.provider_name] for e in candidate.endpoints)
    done = user.chat.completions.create(messages=MESSAGES, **selection.request_params())
    served = {e.provider: e.zdr for e in endpoints(emulator, done.model or "")}
    assert served[done.provider]

    # x-ai models are served only by xAI, which retains data
    assert any("not ZDR" in r for r in selection.rejected["x-ai/grok-4-fast"])
    with pytest.raises(NotFoundError, match="Zero data retention"):
        user.chat.completions.create(model="x-ai/grok-4-fast", messages=MESSAGES)


def test_member_assignment_applies_to_keys_the_member_created(
    user: OpenRouter, admin: OpenRouter, emulator: Emulator
) -> None:
    created = admin.guardrails.create(name="members", allowed_models=["openai/gpt-4o-mini"])
    admin.guardrails.assign_members(created.data.id, member_user_ids=[emulator.account.owner.id])
    selection = ModelSelector(user, management_client=admin).select()
    assert selection.model == "openai/gpt-4o-mini" and selection.fallbacks == ()
    assert user.chat.completions.create(messages=MESSAGES, **selection.request_params()).model


def test_guardrails_of_other_keys_do_not_apply(
    user: OpenRouter, admin: OpenRouter, emulator: Emulator
) -> None:
    other = admin.keys.create(name="other")
    created = admin.guardrails.create(name="theirs", allowed_models=["openai/gpt-4o-mini"])
    admin.guardrails.assign_keys(created.data.id, key_hashes=[other.data.hash])
    view = ModelSelector(user, management_client=admin).account()
    assert view.guardrails == []


def test_guardrail_budget_rejects_models_whose_worst_case_exceeds_it(
    user: OpenRouter, admin: OpenRouter, emulator: Emulator
) -> None:
    guard(admin, emulator, limit_usd=0.01)
    selector = ModelSelector(user, management_client=admin)
    ranking = selector.rank(prompt_tokens=2_000, completion_tokens=1_000)
    assert ranking.remaining_budget is not None and float(ranking.remaining_budget) == 0.01
    assert all(c.worst_case_cost <= ranking.remaining_budget for c in ranking)
    reasons = ranking.rejected["anthropic/claude-opus-4.5"]
    assert any("exceeds remaining budget" in r and "guardrail" in r for r in reasons)
    assert "openai/gpt-4o-mini" in ranking.ids


def test_key_limit_remaining_is_the_budget(
    user: OpenRouter, admin: OpenRouter, emulator: Emulator
) -> None:
    admin.keys.update(emulator.default_key.hash, limit=0.002)
    selector = ModelSelector(user, management_client=admin)
    ranking = selector.rank(prompt_tokens=1_000, completion_tokens=1_000)
    assert ranking.remaining_budget is not None and float(ranking.remaining_budget) == 0.002
    assert "key limit_remaining" in " ".join(ranking.rejected["openai/gpt-4o"])
    paid = Requirements(models=["openai/gpt-4o-mini", "openai/gpt-4o", "openai/gpt-5-mini"])
    with pytest.raises(NoModelFitsError) as caught:
        selector.select(paid, prompt_tokens=100_000, completion_tokens=10_000)
    error = caught.value
    assert "Nearest misses" in str(error)
    assert sorted(m for m, _ in error.nearest[:3]) == sorted(paid.models or ())
    assert all("exceeds remaining budget" in " ".join(r) for _, r in error.nearest[:3])


def test_normal_key_falls_back_to_models_user_and_says_so(
    user: OpenRouter, admin: OpenRouter, emulator: Emulator
) -> None:
    guard(admin, emulator, allowed_models=ALLOWED)
    selector = ModelSelector(user)  # no management client: the key cannot read guardrails
    selection = selector.select()
    view = selector.account()
    assert not view.guardrails_known
    assert any("may not read guardrails" in n for n in selection.notes)
    assert selection.model in ALLOWED and set(selection.fallbacks) <= set(ALLOWED)
    assert any("GET /models/user" in r for r in selection.rejected["openai/gpt-4o"])
    user.chat.completions.create(messages=MESSAGES, **selection.request_params())


def test_caller_supplied_guardrail(user: OpenRouter, emulator: Emulator) -> None:
    rule = Guardrail(
        "mine",
        allowed_providers=["deepinfra", "azure"],
        ignored_models=["meta-llama/llama-3.1-8b-instruct"],
        enforce_zdr=True,
    )
    selection = ModelSelector(user, guardrail=rule).select(tools=True)
    assert selection.guardrails == (rule,)
    assert "meta-llama/llama-3.1-8b-instruct" not in selection.models
    assert "in ignored_models" in " ".join(selection.rejected["meta-llama/llama-3.1-8b-instruct"])
    assert selection.provider.zdr is True
    assert set(selection.provider.only or []) <= {"deepinfra", "azure"}
    user.chat.completions.create(messages=MESSAGES, **selection.request_params())


def test_zdr_families_of_newer_guardrails() -> None:
    rule = Guardrail.from_api({"name": "g", "enforce_zdr_anthropic": True, "enforce_zdr": None})
    assert rule.requires_zdr("anthropic/claude-sonnet-4.5")
    assert not rule.requires_zdr("openai/gpt-4o")


async def test_async_selector_reads_the_same_guardrails(
    async_user, async_admin, admin: OpenRouter, emulator: Emulator
) -> None:
    from openrouter_kit import AsyncModelSelector

    guard(admin, emulator, allowed_models=ALLOWED, enforce_zdr=True)
    selector = AsyncModelSelector(async_user, management_client=async_admin)
    selection = await selector.select(tools=True)
    assert selection.model in ALLOWED and selection.provider.zdr is True
    done = await async_user.chat.completions.create(messages=MESSAGES, **selection.request_params())
    assert done.model in ALLOWED
    await async_user.close()
    await async_admin.close()
