"""LlamaIndex on the emulator: the instrumentation cost handler's totals equal the usage.cost
OpenRouter returned (chat, complete, streams, async), a Budget on the core client stops a
LlamaIndex run at its limit, and LLMs built from a Selection (or choosing per call in auto
mode) stay inside the account's guardrails.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from emulator_accounts import acore, booked, core, restrict
from llama_index.core.base.llms.types import ImageBlock, TextBlock
from llama_index.core.llms import ChatMessage
from llama_index.core.tools import FunctionTool
from llama_index.llms.openrouter_kit import OpenRouter as LlamaOpenRouter
from llama_index.llms.openrouter_kit.cost import track_openrouter_cost
from llama_index.llms.openrouter_kit.selection import AutoOpenRouter, llm_from_selection
from openrouter_kit import Budget, BudgetExceededError, ModelSelector, OpenRouter
from openrouter_kit.errors import PermissionDeniedError
from openrouter_kit_emulator import Emulator
from pydantic import BaseModel

BASE_URL = "http://emulator.openrouter-kit.local/api/v1"
ALLOWED = ["openai/gpt-4o-mini", "meta-llama/llama-3.3-70b-instruct", "google/gemini-2.5-flash"]
HI = [ChatMessage(role="user", content="Say hello")]


@pytest.fixture
def emulator() -> Emulator:
    return Emulator(clock=lambda: 1767225600.0)


def test_handler_totals_equal_returned_cost(emulator: Emulator) -> None:
    llm = LlamaOpenRouter("openai/gpt-4o-mini", client=core(emulator), max_tokens=40)
    other = LlamaOpenRouter("meta-llama/llama-3.3-70b-instruct", client=core(emulator))
    with track_openrouter_cost() as costs:
        returned = [llm.chat(HI).additional_kwargs["cost"]]
        returned.append(llm.complete("Count to three").additional_kwargs["cost"])
        returned.append(other.chat(HI).additional_kwargs["cost"])
        last = list(llm.stream_chat(HI))[-1]
        returned.append(last.additional_kwargs["cost"])
    assert costs.requests == 4  # complete() and the chat under it count once
    assert costs.totals.cost == sum((Decimal(str(c)) for c in returned), Decimal(0))
    assert costs.totals.cost == booked(emulator)
    assert costs.by_model["openai/gpt-4o-mini"].requests == 3
    assert set(costs.by_provider) == {"OpenAI", "DeepInfra"}
    llm.chat(HI)  # the handler was removed on exit
    assert costs.requests == 4


async def test_handler_counts_async_calls(emulator: Emulator) -> None:
    llm = LlamaOpenRouter("openai/gpt-4o-mini", async_client=acore(emulator), max_tokens=20)
    with track_openrouter_cost() as handler:
        first = await llm.achat(HI)
        stream = await llm.astream_chat(HI)
        last = [response async for response in stream][-1]
    expected = Decimal(str(first.additional_kwargs["cost"])) + Decimal(
        str(last.additional_kwargs["cost"])
    )
    assert handler.totals.cost == expected == booked(emulator)


def test_budget_stops_a_llamaindex_run(emulator: Emulator) -> None:
    client = core(emulator)
    budget = Budget("0.0003", client)
    llm = LlamaOpenRouter("openai/gpt-4o", client=client, max_tokens=20)
    done = 0
    with pytest.raises(BudgetExceededError, match="worst case"):
        for _ in range(1_000):
            llm.complete("Write a haiku")
            done += 1
    assert done > 0 and len(emulator.account.generations) == done
    assert budget.spent == booked(emulator) <= budget.limit_usd


async def test_budget_on_the_given_sync_client_also_stops_async_calls() -> None:
    """The async twin built from client= had no hooks: achat (and so FunctionAgent) spent
    past a Budget attached to the client the LLM was given."""
    client = OpenRouter(base_url="emulator://")
    budget = Budget("0.0003", client)
    llm = LlamaOpenRouter("openai/gpt-4o", client=client, max_tokens=20)
    done = 0
    with pytest.raises(BudgetExceededError, match="worst case"):
        for _ in range(1_000):
            await llm.achat(HI)
            done += 1
    assert done > 0 and budget.requests == done
    assert 0 < budget.spent <= budget.limit_usd
    client.close()


def test_llm_from_selection_is_accepted_and_a_rejected_model_refused(emulator: Emulator) -> None:
    admin = restrict(emulator, allowed_models=ALLOWED, allowed_providers=["openai", "deepinfra"])
    client = core(emulator)
    selection = ModelSelector(client, management_client=admin).select(tools=True)
    llm = llm_from_selection(selection, client=client)
    assert llm.model == selection.model and llm.models == list(selection.fallbacks)
    response = llm.chat(HI)
    assert response.additional_kwargs["model"] in ALLOWED
    assert response.additional_kwargs["provider"] in ("OpenAI", "DeepInfra")
    rejected = next(m for m, r in selection.rejected.items() if "not in allowed_models" in r[0])
    with pytest.raises(PermissionDeniedError):
        llm.chat(HI, model=rejected, models=None)


class City(BaseModel):
    name: str


def test_auto_mode_picks_per_call_and_records_the_choice(emulator: Emulator) -> None:
    admin = restrict(emulator, allowed_models=[*ALLOWED, "meta-llama/llama-3.1-8b-instruct"])
    client = core(emulator)
    llm = AutoOpenRouter(client=client, management_client=admin, max_tokens=50)
    catalogue = {m.id: m for m in client.models.list(output_modalities="all")}
    assert llm.metadata.is_function_calling_model

    plain = llm.chat(HI)
    assert (
        plain.additional_kwargs["openrouter_selection"]["model"] == plain.additional_kwargs["model"]
    )
    assert plain.additional_kwargs["model"] == "meta-llama/llama-3.1-8b-instruct"

    def weather(city: str) -> str:
        """Weather in a city."""
        return "sunny"

    tooled = llm.chat_with_tools([FunctionTool.from_defaults(weather)], user_msg="Weather in Rome?")
    assert catalogue[tooled.additional_kwargs["model"]].supports("tools")

    image = ChatMessage(
        role="user",
        blocks=[
            TextBlock(text="What is in this picture?"),
            ImageBlock(url="https://example.com/cat.png"),
        ],
    )
    seen = llm.chat([image])
    assert "image" in catalogue[seen.additional_kwargs["model"]].input_modalities

    city = llm.structured_predict(City, prompt_template(), topic="France")
    assert isinstance(city, City)

    big = llm.chat([ChatMessage(role="user", content="word " * 150_000)])
    assert (catalogue[big.additional_kwargs["model"]].context_length or 0) >= 50_000

    streamed = list(llm.stream_chat(HI))[-1]
    assert streamed.additional_kwargs["openrouter_selection"]["model"] in [
        *ALLOWED,
        "meta-llama/llama-3.1-8b-instruct",
    ]


def prompt_template():  # type: ignore[no-untyped-def]
    from llama_index.core.prompts import PromptTemplate

    return PromptTemplate("Name the capital city of {topic}.")


async def test_auto_mode_async(emulator: Emulator) -> None:
    restrict(emulator, allowed_models=ALLOWED)
    llm = AutoOpenRouter(
        async_client=acore(emulator),
        async_management_client=acore(emulator, emulator.management_key),
    )
    response = await llm.achat(HI)
    assert response.additional_kwargs["openrouter_selection"]["model"] in ALLOWED
    assert response.additional_kwargs["model"] in ALLOWED


def test_auto_mode_standing_requirements(emulator: Emulator) -> None:
    from openrouter_kit import Requirements

    llm = AutoOpenRouter(
        client=core(emulator), guardrail=None, requirements=Requirements(zdr=True, prefer="latency")
    )
    chosen = llm.chat(HI).additional_kwargs["openrouter_selection"]
    assert chosen["provider"]["zdr"] is True and chosen["provider"]["sort"] == "latency"
