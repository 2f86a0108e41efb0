"""LangChain on the emulator: get_openrouter_callback() totals equal the usage.cost OpenRouter
returned, a Budget on the core client stops a LangChain run at its limit, and chat models built
from a Selection (or choosing per call in auto mode) stay inside the account's guardrails.
"""

from __future__ import annotations

from decimal import Decimal

import httpx
import pytest
from emulator_accounts import acore, booked, core, restrict
from langchain_core.messages import HumanMessage
from langchain_openrouter_kit import ChatOpenRouter
from langchain_openrouter_kit.callbacks import get_openrouter_callback
from langchain_openrouter_kit.selection import AutoChatOpenRouter, chat_model_from_selection
from openrouter_kit import AsyncOpenRouter, Budget, BudgetExceededError, ModelSelector, OpenRouter
from openrouter_kit.errors import PermissionDeniedError
from openrouter_kit_emulator import Emulator, EmulatorTransport
from pydantic import BaseModel

BASE_URL = "http://emulator.openrouter-kit.local/api/v1"
ALLOWED = ["openai/gpt-4o-mini", "meta-llama/llama-3.3-70b-instruct", "google/gemini-2.5-flash"]


@pytest.fixture
def emulator() -> Emulator:
    return Emulator(clock=lambda: 1767225600.0)


def test_callback_totals_equal_returned_cost(emulator: Emulator) -> None:
    client, aclient = core(emulator), acore(emulator)
    llm = ChatOpenRouter(model="openai/gpt-4o-mini", client=client, async_client=aclient)
    other = ChatOpenRouter(model="meta-llama/llama-3.3-70b-instruct", client=client)
    costs: list[float] = []
    with get_openrouter_callback() as cb:
        costs.append(llm.invoke("Hello there").response_metadata["cost"])
        costs.append(other.invoke("Count to three").response_metadata["cost"])
        streamed = None
        for chunk in llm.stream("Stream a word"):
            streamed = chunk if streamed is None else streamed + chunk
        assert streamed is not None
        costs.append(streamed.response_metadata["cost"])
    assert cb.successful_requests == 3
    assert cb.totals.cost == sum((Decimal(str(c)) for c in costs), Decimal(0)) == booked(emulator)
    assert set(cb.by_model) == {"openai/gpt-4o-mini", "meta-llama/llama-3.3-70b-instruct"}
    assert cb.by_model["openai/gpt-4o-mini"].requests == 2
    assert cb.total_tokens > 0 and cb.prompt_tokens > 0
    assert "Total Cost (USD)" in repr(cb)
    # outside the block nothing is counted
    llm.invoke("again")
    assert cb.successful_requests == 3


def test_nested_callbacks_leave_the_outer_one_counting(emulator: Emulator) -> None:
    """Leaving an inner block used to switch tracking off for the rest of the outer one."""
    llm = ChatOpenRouter(model="openai/gpt-4o-mini", client=core(emulator))
    with get_openrouter_callback() as outer:
        llm.invoke("one")
        with get_openrouter_callback() as inner:
            llm.invoke("two")
        llm.invoke("three")
    assert inner.successful_requests == 1
    assert outer.successful_requests == 2  # the inner call went to the inner handler only
    llm.invoke("four")
    assert outer.successful_requests == 2


async def test_callback_counts_async_calls(emulator: Emulator) -> None:
    llm = ChatOpenRouter(model="openai/gpt-4o-mini", async_client=acore(emulator))
    with get_openrouter_callback() as cb:
        results = [await llm.ainvoke("hi"), await llm.ainvoke("hello")]
    assert cb.totals.cost == sum(
        (Decimal(str(r.response_metadata["cost"])) for r in results), Decimal(0)
    )
    assert cb.totals.cost == booked(emulator)


def test_budget_stops_a_langchain_run(emulator: Emulator) -> None:
    client = core(emulator)
    budget = Budget("0.0003", client)
    llm = ChatOpenRouter(model="openai/gpt-4o", client=client, max_tokens=20)
    done = 0
    with pytest.raises(BudgetExceededError, match="worst case"):
        for _ in range(1_000):
            llm.invoke("Write a haiku")
            done += 1
    assert done > 0 and len(emulator.account.generations) == done
    assert budget.spent == booked(emulator) <= budget.limit_usd


async def test_async_calls_with_only_a_sync_client_use_its_server_and_its_budget(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """With only client= given, ainvoke built an async client from the model's own defaults
    (the real API, no key: "No API key"), and a Budget on the given client never saw it."""
    monkeypatch.delenv("OPENROUTER_API_KEY", raising=False)
    monkeypatch.delenv("OPENROUTER_BASE_URL", raising=False)
    client = OpenRouter(base_url="emulator://")
    budget = Budget("0.0003", client)
    llm = ChatOpenRouter(model="openai/gpt-4o", client=client, max_tokens=20)
    done = 0
    with pytest.raises(BudgetExceededError, match="worst case"):
        for _ in range(1_000):
            await llm.ainvoke("Write a haiku")
            done += 1
    assert done > 0 and budget.requests == done
    assert 0 < budget.spent <= budget.limit_usd
    client.close()


def test_chat_model_from_selection_is_accepted_and_a_rejected_model_refused(
    emulator: Emulator,
) -> None:
    admin = restrict(emulator, allowed_models=ALLOWED, enforce_zdr=True)
    client = core(emulator)
    selection = ModelSelector(client, management_client=admin).select(tools=True)
    llm = chat_model_from_selection(selection, client=client)
    assert llm.model == selection.model and llm.models == list(selection.fallbacks)
    message = llm.invoke("Hello")
    assert message.response_metadata["model_name"] in ALLOWED
    rejected = next(m for m, r in selection.rejected.items() if "not in allowed_models" in r[0])
    with pytest.raises(PermissionDeniedError):
        llm.invoke("Hello", model=rejected, models=[])


class Answer(BaseModel):
    city: str


def test_auto_mode_picks_per_call_and_records_the_choice(emulator: Emulator) -> None:
    admin = restrict(emulator, allowed_models=[*ALLOWED, "meta-llama/llama-3.1-8b-instruct"])
    client = core(emulator)
    llm = AutoChatOpenRouter(client=client, management_client=admin, max_tokens=50)
    catalogue = {m.id: m for m in client.models.list(output_modalities="all")}

    plain = llm.invoke("Say hi")
    chosen = plain.response_metadata["openrouter_selection"]
    assert chosen["model"] == plain.response_metadata["model_name"]
    assert chosen["model"] == "meta-llama/llama-3.1-8b-instruct"  # cheapest allowed

    def get_weather(city: str) -> str:
        """Weather in a city."""
        return "sunny"

    tooled = llm.bind_tools([get_weather]).invoke("Weather in Paris?")
    assert catalogue[tooled.response_metadata["model_name"]].supports("tools")

    image = HumanMessage(
        content=[
            {"type": "text", "text": "What is in this picture?"},
            {"type": "image_url", "image_url": {"url": "data:image/png;base64,iVBORw0KGgo="}},
        ]
    )
    seen = llm.invoke([image])
    assert "image" in catalogue[seen.response_metadata["model_name"]].input_modalities
    assert "input:image" in seen.response_metadata["openrouter_selection"]["requirements"]

    structured = llm.with_structured_output(Answer, method="json_schema", include_raw=True)
    raw = structured.invoke("Capital of France?")["raw"]
    assert catalogue[raw.response_metadata["model_name"]].supports("structured_outputs")

    long_prompt = "word " * 150_000  # about 50k tokens by the selector's generous estimate
    big = llm.invoke(long_prompt)
    model = catalogue[big.response_metadata["model_name"]]
    assert (model.context_length or 0) >= 50_000
    assert model.id in ALLOWED


async def test_auto_mode_async_and_stream(emulator: Emulator) -> None:
    restrict(emulator, allowed_models=ALLOWED)
    admin = core(emulator, emulator.management_key)
    aadmin = AsyncOpenRouter(
        api_key=emulator.management_key,
        base_url=BASE_URL,
        http_client=httpx.AsyncClient(transport=EmulatorTransport(emulator)),
    )
    llm = AutoChatOpenRouter(
        client=core(emulator),
        async_client=acore(emulator),
        management_client=admin,
        async_management_client=aadmin,
    )
    message = await llm.ainvoke("hi")
    assert message.response_metadata["openrouter_selection"]["model"] in ALLOWED
    merged = None
    for chunk in llm.stream("hi"):
        merged = chunk if merged is None else merged + chunk
    assert merged is not None
    assert merged.response_metadata["openrouter_selection"]["model"] in ALLOWED


def test_auto_mode_standing_requirements(emulator: Emulator) -> None:
    from openrouter_kit import Requirements

    llm = AutoChatOpenRouter(
        client=core(emulator), guardrail=None, requirements=Requirements(zdr=True, prefer="latency")
    )
    chosen = llm.invoke("hi").response_metadata["openrouter_selection"]
    assert chosen["provider"]["zdr"] is True and chosen["provider"]["sort"] == "latency"
