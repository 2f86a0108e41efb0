"""Budget: refuses before sending when the worst case would overrun, with the numbers; spends
from actual usage.cost; stops a run at the limit. The emulator's books prove nothing refused
was sent and that spend never passed the limit.
"""

from __future__ import annotations

import asyncio
import time
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal

import httpx
import pytest
from emulator_accounts import BASE_URL
from openrouter_kit import AsyncOpenRouter, Budget, BudgetExceededError, ModelSelector, OpenRouter
from openrouter_kit.cost import BudgetPricingError
from openrouter_kit.errors import BadRequestError, ResponseValidationError
from openrouter_kit_emulator import Emulator, EmulatorTransport, Fault

MESSAGES = [{"role": "user", "content": "Write a short poem about the sea."}]


def booked(emulator: Emulator) -> Decimal:
    return sum(
        (Decimal(str(g.data["total_cost"])) for g in emulator.account.generations.values()),
        Decimal(0),
    )


def test_budget_stops_a_run_at_the_limit(user: OpenRouter, emulator: Emulator) -> None:
    budget = Budget("0.0005", user)
    sent = 0
    with pytest.raises(BudgetExceededError) as caught:
        for _ in range(10_000):
            user.chat.completions.create(model="openai/gpt-4o", messages=MESSAGES, max_tokens=20)
            sent += 1
    error = caught.value
    assert sent > 0
    assert len(emulator.account.generations) == sent  # the refused call was never sent
    assert budget.spent == booked(emulator) <= budget.limit_usd
    assert error.spent_usd == budget.spent and error.limit_usd == Decimal("0.0005")
    assert error.spent_usd + error.worst_case_usd > error.limit_usd
    assert error.max_tokens == 20 and error.model == "openai/gpt-4o"
    text = str(error)
    assert "worst case $" in text and "20 max_tokens" in text and "$0.0005 limit" in text
    assert "/M on openai/gpt-4o via" in text


def test_worst_case_is_the_dearest_allowed_endpoint(user: OpenRouter, emulator: Emulator) -> None:
    budget = Budget(1, user)
    endpoints = emulator.catalogue.get("anthropic/claude-sonnet-4.5").endpoints  # type: ignore[union-attr]
    dearest = max(endpoints, key=lambda e: e.prompt_price + e.completion_price)
    body = {"model": "anthropic/claude-sonnet-4.5", "messages": MESSAGES, "max_tokens": 100}
    worst = budget.worst_case("chat.completions.create", body)
    assert worst.provider == dearest.provider
    assert (
        worst.cost
        == Decimal(str(dearest.data["pricing"]["prompt"])) * worst.prompt_tokens
        + Decimal(str(dearest.data["pricing"]["completion"])) * 100
    )
    only = budget.worst_case(
        "chat.completions.create", {**body, "provider": {"only": ["anthropic"]}}
    )
    assert only.provider == "Anthropic" and only.cost <= worst.cost


def test_no_max_tokens_assumes_the_endpoint_maximum(user: OpenRouter, emulator: Emulator) -> None:
    Budget("0.01", user)
    with pytest.raises(BudgetExceededError, match="no max_tokens") as caught:
        user.chat.completions.create(model="openai/gpt-4o", messages=MESSAGES)
    assert caught.value.max_tokens == 16_384
    assert not emulator.account.generations
    user.chat.completions.create(model="openai/gpt-4o", messages=MESSAGES, max_tokens=50)


def test_prompt_estimate_is_not_below_the_billed_prompt(user: OpenRouter) -> None:
    budget = Budget(10, user)
    body = {"model": "openai/gpt-4o-mini", "messages": MESSAGES, "max_tokens": 30}
    worst = budget.worst_case("chat.completions.create", body)
    done = user.chat.completions.create(**body)  # type: ignore[arg-type]
    assert done.usage is not None
    assert worst.prompt_tokens >= (done.usage.prompt_tokens or 0)
    assert worst.cost >= Decimal(str(done.usage.cost))


def test_budget_with_a_selection_and_fallbacks(user: OpenRouter) -> None:
    selection = ModelSelector(user, guardrail=None).select(tools=True)
    budget = Budget(1, user, selector=None)
    params = {**selection.request_params(), "messages": MESSAGES, "max_tokens": 50}
    worst = budget.worst_case("chat.completions.create", params)
    assert worst.model in selection.models
    user.chat.completions.create(**params)
    assert budget.requests == 1 and budget.remaining == budget.limit_usd - budget.spent


def test_exhausted_budget_refuses_everything(user: OpenRouter) -> None:
    budget = Budget(0, user)
    with pytest.raises(BudgetExceededError, match=r"remains of the \$0 limit"):
        user.chat.completions.create(model="openai/gpt-4o-mini", messages=MESSAGES, max_tokens=1)
    assert budget.spent == 0


async def test_async_budget(async_user: AsyncOpenRouter, emulator: Emulator) -> None:
    budget = Budget("0.0002", async_user)
    with pytest.raises(BudgetPricingError, match="aprefetch"):
        await async_user.chat.completions.create(
            model="openai/gpt-4o-mini", messages=MESSAGES, max_tokens=20
        )
    await budget.aprefetch(["openai/gpt-4o-mini"])
    sent = 0
    with pytest.raises(BudgetExceededError):
        for _ in range(10_000):
            await async_user.chat.completions.create(
                model="openai/gpt-4o-mini", messages=MESSAGES, max_tokens=20
            )
            sent += 1
    assert sent > 0 and len(emulator.account.generations) == sent
    assert budget.spent == booked(emulator) <= budget.limit_usd
    await async_user.close()


class _InFlight(httpx.AsyncBaseTransport, httpx.BaseTransport):
    """The emulator behind a real wait, so concurrent calls overlap as they do on a network."""

    def __init__(self, emulator: Emulator) -> None:
        self.inner = EmulatorTransport(emulator)

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        time.sleep(0.01)
        return self.inner.handle_request(request)

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        await asyncio.sleep(0.01)
        return await self.inner.handle_async_request(request)


async def test_concurrent_async_calls_cannot_overrun_the_limit(emulator: Emulator) -> None:
    """Each call holds its worst case while in flight: 40 gathered calls used to all pass the
    check (nothing was spent yet) and together spent three times the limit."""
    client = AsyncOpenRouter(
        api_key=emulator.api_key,
        base_url=BASE_URL,
        http_client=httpx.AsyncClient(transport=_InFlight(emulator)),
        max_retries=0,
    )
    budget = Budget("0.0002", client)
    await budget.aprefetch(["openai/gpt-4o-mini"])
    results = await asyncio.gather(
        *(
            client.chat.completions.create(
                model="openai/gpt-4o-mini", messages=MESSAGES, max_tokens=20
            )
            for _ in range(40)
        ),
        return_exceptions=True,
    )
    refused = [r for r in results if isinstance(r, BudgetExceededError)]
    assert refused and len(emulator.account.generations) == 40 - len(refused)
    assert budget.spent == booked(emulator) <= budget.limit_usd
    assert budget.reserved == 0
    assert any(error.reserved_usd > 0 for error in refused)
    assert "held for calls in flight" in str(refused[0])
    await client.close()


def test_concurrent_threads_cannot_overrun_the_limit(emulator: Emulator) -> None:
    with OpenRouter(
        api_key=emulator.api_key,
        base_url=BASE_URL,
        http_client=httpx.Client(transport=_InFlight(emulator)),
        max_retries=0,
    ) as client:
        budget = Budget("0.0002", client)
        budget.prefetch(["openai/gpt-4o-mini"])

        def call() -> object:
            try:
                return client.chat.completions.create(
                    model="openai/gpt-4o-mini", messages=MESSAGES, max_tokens=20
                )
            except BudgetExceededError as error:
                return error

        with ThreadPoolExecutor(max_workers=8) as pool:
            results = list(pool.map(lambda _: call(), range(40)))
        assert any(isinstance(r, BudgetExceededError) for r in results)
        assert budget.spent == booked(emulator) <= budget.limit_usd
        assert budget.reserved == 0


def test_failed_and_unread_calls_release_their_reservation(
    user: OpenRouter, emulator: Emulator
) -> None:
    budget = Budget("0.001", user)
    emulator.inject(Fault(status=400, path="/chat/completions"))
    with pytest.raises(BadRequestError):
        user.chat.completions.create(model="openai/gpt-4o-mini", messages=MESSAGES, max_tokens=20)
    assert budget.reserved == 0
    emulator.inject(Fault(malformed=True, path="/chat/completions"))
    with pytest.raises(ResponseValidationError):
        user.chat.completions.create(model="openai/gpt-4o-mini", messages=MESSAGES, max_tokens=20)
    assert budget.reserved == 0
    stream = user.chat.completions.create(
        model="openai/gpt-4o-mini", messages=MESSAGES, max_tokens=20, stream=True
    )
    assert budget.reserved > 0
    stream.close()  # never iterated
    assert budget.reserved == 0
    with user.chat.completions.create(
        model="openai/gpt-4o-mini", messages=MESSAGES, max_tokens=20, stream=True
    ) as stream:
        for _ in stream:
            break
    assert budget.reserved == 0
    assert budget.remaining == budget.limit_usd - budget.spent
