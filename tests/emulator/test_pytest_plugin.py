"""The `openrouter_emulator` fixture, as a user's test suite gets it from the pytest11 entry point.

Nothing here imports the plugin: the fixture is found because installing openrouter-kit-emulator
registers it, which is what these tests prove along with what the fixture does.
"""

from __future__ import annotations

import time
from importlib.metadata import entry_points

import httpx
import pytest
from openrouter_kit import errors
from openrouter_kit_emulator.pytest_plugin import OpenRouterEmulator

MESSAGES = [{"role": "user", "content": "What is the capital of France?"}]


def test_the_plugin_is_registered_with_pytest() -> None:
    plugins = {entry.name: entry.value for entry in entry_points(group="pytest11")}
    assert plugins["openrouter_emulator"] == "openrouter_kit_emulator.pytest_plugin"


def test_a_langchain_chain_offline_in_three_lines(openrouter_emulator: OpenRouterEmulator) -> None:
    from langchain_core.prompts import ChatPromptTemplate
    from langchain_openrouter_kit import ChatOpenRouter

    openrouter_emulator.set_model("openai/gpt-4o-mini", answer="Paris is the capital of France.")
    prompt = ChatPromptTemplate.from_template("What is the capital of {country}?")

    llm = ChatOpenRouter(model="openai/gpt-4o-mini", **openrouter_emulator.langchain_kwargs())
    reply = (prompt | llm).invoke({"country": "France"})

    assert reply.content == "Paris is the capital of France."
    assert reply.usage_metadata is not None and reply.usage_metadata["output_tokens"] > 0


def test_latency_failures_and_answers_per_model(openrouter_emulator: OpenRouterEmulator) -> None:
    openrouter_emulator.set_model("openai/gpt-4o-mini", latency=0.3, answer="Slow but sure.")
    openrouter_emulator.set_model(
        "anthropic/claude-3.5-haiku", failure_rate=1.0, failure_status=529
    )
    with openrouter_emulator.client(max_retries=0) as client:
        started = time.monotonic()
        completion = client.chat.completions.create(model="openai/gpt-4o-mini", messages=MESSAGES)
        assert time.monotonic() - started >= 0.3
        assert completion.text == "Slow but sure."
        with client.chat.completions.create(
            model="openai/gpt-4o-mini:nitro", messages=MESSAGES, stream=True
        ) as stream:  # variants follow their model, streams too
            text = "".join(c.choices[0].delta.content or "" for c in stream if c.choices)
        assert text == "Slow but sure."
        with pytest.raises(errors.ProviderOverloadedError):
            client.chat.completions.create(model="anthropic/claude-3.5-haiku", messages=MESSAGES)
        # other models are untouched
        other = client.chat.completions.create(model="openai/gpt-4o", messages=MESSAGES)
        assert other.text and other.text != "Slow but sure."


def test_a_failure_rate_fails_about_that_share_reproducibly(
    openrouter_emulator: OpenRouterEmulator,
) -> None:
    openrouter_emulator.set_model("openai/gpt-4o-mini", failure_rate=0.25)
    body = {"model": "openai/gpt-4o-mini", "messages": MESSAGES}
    with httpx.Client(
        base_url=openrouter_emulator.base_url,
        headers={"Authorization": f"Bearer {openrouter_emulator.api_key}"},
    ) as http:
        statuses = [http.post("/chat/completions", json=body).status_code for _ in range(200)]
    assert set(statuses) == {200, 503}
    assert 30 <= statuses.count(503) <= 70


@pytest.mark.parametrize("run", [1, 2])
def test_every_test_starts_from_a_fresh_account(
    run: int, openrouter_emulator: OpenRouterEmulator
) -> None:
    with openrouter_emulator.client(management=True) as admin:
        names = [key.name for key in admin.keys.list().data]
        assert names == ["Default"], f"run {run} sees a key an earlier test created"
        admin.keys.create(name=f"left behind by run {run}")
    assert openrouter_emulator.management_key not in repr(openrouter_emulator)


async def test_the_async_client(openrouter_emulator: OpenRouterEmulator) -> None:
    async with openrouter_emulator.async_client() as client:
        count = await client.models.count()
    assert count.data.count > 30


def test_bad_settings_are_refused(openrouter_emulator: OpenRouterEmulator) -> None:
    with pytest.raises(ValueError, match="failure_rate"):
        openrouter_emulator.set_model("openai/gpt-4o-mini", failure_rate=1.5)
    with pytest.raises(ValueError, match="latency"):
        openrouter_emulator.set_model("openai/gpt-4o-mini", latency=-1)
