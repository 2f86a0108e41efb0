"""CostTracker: totals equal the sum of the usage.cost the emulator returned, per model and
provider, for sync, async and streamed calls, across threads, and via GET /generation when a
response carries no cost. The emulator's own books (its generation records) are the witness.
"""

from __future__ import annotations

import json
import threading
from decimal import Decimal

import httpx
import pytest
from openrouter_kit import AsyncOpenRouter, CostTracker, OpenRouter
from openrouter_kit.cost import track_cost
from openrouter_kit_emulator import Emulator, EmulatorTransport

BASE_URL = "http://emulator.openrouter-kit.local/api/v1"
MESSAGES = [{"role": "user", "content": "Count to five, please."}]
MODELS = ["openai/gpt-4o-mini", "meta-llama/llama-3.3-70b-instruct", "anthropic/claude-haiku-4.5"]


def exact(values: list[float | None]) -> Decimal:
    return sum((Decimal(str(v)) for v in values if v is not None), Decimal(0))


def test_totals_equal_the_sum_of_returned_usage_cost(user: OpenRouter, emulator: Emulator) -> None:
    tracker = CostTracker().attach(user)
    costs, tokens = [], 0
    for model in MODELS * 2:
        done = user.chat.completions.create(model=model, messages=MESSAGES, max_tokens=40)
        assert done.usage is not None
        costs.append(done.usage.cost)
        tokens += done.usage.total_tokens or 0
    assert tracker.totals.cost == exact(costs)
    assert tracker.total_cost == pytest.approx(float(exact(costs)))
    assert tracker.requests == 6 and tracker.total_tokens == tokens
    booked = exact([g.data["total_cost"] for g in emulator.account.generations.values()])
    assert tracker.totals.cost == booked
    by_model = tracker.by_model
    assert set(by_model) == set(MODELS) and all(t.requests == 2 for t in by_model.values())
    assert sum((t.cost for t in by_model.values()), Decimal(0)) == tracker.totals.cost
    providers = tracker.by_provider
    assert {"OpenAI", "DeepInfra", "Anthropic"} <= set(providers)
    assert sum(t.requests for t in providers.values()) == 6
    assert "6 call(s)" in tracker.summary()


def test_streams_are_counted_when_they_end(user: OpenRouter) -> None:
    with track_cost(user) as tracker:
        stream = user.chat.completions.create(model=MODELS[0], messages=MESSAGES, stream=True)
        with stream:
            chunks = list(stream)
        final = [c for c in chunks if c.usage is not None][-1]
        assert final.usage is not None
        assert tracker.totals.cost == Decimal(str(final.usage.cost))
        assert tracker.calls[0].streamed and tracker.calls[0].provider == "OpenAI"
        assert tracker.completion_tokens == final.usage.completion_tokens
    assert user.hooks == []  # detached when the block ends


def test_other_endpoints_are_tracked_and_management_calls_ignored(user: OpenRouter) -> None:
    tracker = CostTracker(user)
    embedded = user.embeddings.create(model="openai/text-embedding-3-small", input="hello")
    user.models.list()
    user.keys.current()
    assert tracker.requests == 1
    assert tracker.calls[0].endpoint == "embeddings.create"
    assert tracker.totals.cost == Decimal(str(embedded.usage.cost))  # type: ignore[union-attr]


def test_thread_safe_totals(user: OpenRouter) -> None:
    tracker = CostTracker(user)
    costs: list[float | None] = []
    lock = threading.Lock()

    def work() -> None:
        for _ in range(5):
            done = user.chat.completions.create(model=MODELS[0], messages=MESSAGES, max_tokens=10)
            with lock:
                costs.append(done.usage.cost)  # type: ignore[union-attr]

    threads = [threading.Thread(target=work) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert tracker.requests == 20 and tracker.totals.cost == exact(costs)


class StripCost(httpx.BaseTransport, httpx.AsyncBaseTransport):
    """Removes usage.cost from chat responses, as some upstream responses lack it."""

    def __init__(self, emulator: Emulator) -> None:
        self.inner = EmulatorTransport(emulator)

    @staticmethod
    def _strip(response: httpx.Response, content: bytes) -> httpx.Response:
        payload = json.loads(content)
        payload.get("usage", {}).pop("cost", None)
        headers = {k: v for k, v in response.headers.items() if k.lower() != "content-length"}
        return httpx.Response(response.status_code, headers=headers, json=payload)

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        response = self.inner.handle_request(request)
        if request.url.path.endswith("/chat/completions"):
            return self._strip(response, response.read())
        return response

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        response = await self.inner.handle_async_request(request)
        if request.url.path.endswith("/chat/completions"):
            return self._strip(response, await response.aread())
        return response


def test_missing_cost_is_looked_up_in_generation(emulator: Emulator) -> None:
    client = OpenRouter(
        api_key=emulator.api_key,
        base_url=BASE_URL,
        http_client=httpx.Client(transport=StripCost(emulator)),
    )
    tracker = CostTracker(client)
    done = client.chat.completions.create(model=MODELS[0], messages=MESSAGES)
    assert done.usage is not None and done.usage.cost is None
    record = emulator.account.generations[done.id or ""].data
    assert tracker.calls[0].source == "generation"
    assert tracker.totals.cost == Decimal(str(record["total_cost"]))
    assert tracker.pending == []


async def test_async_calls_and_background_generation_lookup(emulator: Emulator) -> None:
    plain = AsyncOpenRouter(
        api_key=emulator.api_key,
        base_url=BASE_URL,
        http_client=httpx.AsyncClient(transport=EmulatorTransport(emulator)),
    )
    stripped = AsyncOpenRouter(
        api_key=emulator.api_key,
        base_url=BASE_URL,
        http_client=httpx.AsyncClient(transport=StripCost(emulator)),
    )
    tracker = CostTracker(plain).attach(stripped)
    first = await plain.chat.completions.create(model=MODELS[0], messages=MESSAGES)
    stream = await plain.chat.completions.create(model=MODELS[1], messages=MESSAGES, stream=True)
    async with stream:
        chunks = [c async for c in stream]
    missing = await stripped.chat.completions.create(model=MODELS[2], messages=MESSAGES)
    assert missing.usage is not None and missing.usage.cost is None
    assert await tracker.aresolve_pending() == 0
    streamed_cost = [c.usage.cost for c in chunks if c.usage is not None][-1]
    booked = emulator.account.generations[missing.id or ""].data["total_cost"]
    assert first.usage is not None
    assert tracker.totals.cost == exact([first.usage.cost, streamed_cost, booked])
    assert [c.source for c in tracker.calls] == ["usage", "usage", "generation"]
    await plain.close()
    await stripped.close()


async def test_a_lookup_finishing_after_reset_does_not_overwrite_a_newer_call(
    emulator: Emulator,
) -> None:
    """The background lookup wrote into the list slot it was started for; after reset() that
    slot holds another call, which then got the earlier generation's cost and model."""
    plain = AsyncOpenRouter(
        api_key=emulator.api_key,
        base_url=BASE_URL,
        http_client=httpx.AsyncClient(transport=EmulatorTransport(emulator)),
    )
    stripped = AsyncOpenRouter(
        api_key=emulator.api_key,
        base_url=BASE_URL,
        http_client=httpx.AsyncClient(transport=StripCost(emulator)),
    )
    tracker = CostTracker(stripped).attach(plain)
    await stripped.chat.completions.create(model=MODELS[0], messages=MESSAGES)  # lookup queued
    tracker.reset()
    newer = await plain.chat.completions.create(model=MODELS[1], messages=MESSAGES)
    await tracker.aresolve_pending()
    assert newer.usage is not None
    assert [(c.model, c.cost, c.source) for c in tracker.calls] == [
        (MODELS[1], exact([newer.usage.cost]), "usage")
    ]
    await plain.close()
    await stripped.close()


def test_responses_and_messages_apis_plain_and_streamed(
    user: OpenRouter, emulator: Emulator
) -> None:
    tracker = CostTracker(user)
    user.responses.create(model=MODELS[0], input="Say hi")
    with user.responses.create(model=MODELS[0], input="Say hi", stream=True) as stream:
        list(stream)
    user.messages.create(
        model="anthropic/claude-haiku-4.5",
        max_tokens=50,
        messages=[{"role": "user", "content": "hi"}],
    )
    with user.messages.create(
        model="anthropic/claude-haiku-4.5",
        max_tokens=50,
        messages=[{"role": "user", "content": "hi"}],
        stream=True,
    ) as stream:
        list(stream)
    assert tracker.requests == 4 and tracker.pending == []
    assert tracker.totals.cost == booked_total(emulator) > 0
    assert tracker.by_model.keys() == {MODELS[0], "anthropic/claude-haiku-4.5"}
    assert all(c.prompt_tokens > 0 and c.completion_tokens > 0 for c in tracker.calls)


def booked_total(emulator: Emulator) -> Decimal:
    return exact([g.data["total_cost"] for g in emulator.account.generations.values()])
