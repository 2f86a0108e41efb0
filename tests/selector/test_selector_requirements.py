"""Requirements, ranking, the Selection's request params, display, and the catalogue cache.

Run on the emulator's catalogue (real model entries, deterministic provider endpoints), with
guardrails off unless a test says otherwise, and checked against the catalogue itself.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from openrouter_kit import (
    AsyncModelSelector,
    ModelSelector,
    NoModelFitsError,
    OpenRouter,
    Requirements,
)
from openrouter_kit.selector import AccountView, CatalogueSnapshot, Guardrail, evaluate
from openrouter_kit_emulator import Emulator

MESSAGES = [{"role": "user", "content": "hi"}]


@pytest.fixture
def selector(user: OpenRouter) -> ModelSelector:
    return ModelSelector(user, guardrail=None)


def test_capabilities_filter_against_the_catalogue(
    selector: ModelSelector, emulator: Emulator
) -> None:
    ranking = selector.rank(
        Requirements(tools=True, structured_outputs=True, input_modalities={"image"})
    )
    assert ranking.ids
    for candidate in ranking:
        data = emulator.catalogue.get(candidate.id).data  # type: ignore[union-attr]
        assert {"tools", "structured_outputs"} <= set(data["supported_parameters"])
        assert "image" in data["architecture"]["input_modalities"]
    assert "does not support tools" in ranking.rejected["meta-llama/llama-3.2-11b-vision-instruct"]
    assert "no input modality image" in ranking.rejected["deepseek/deepseek-v3.2"]


def test_output_modalities_and_reasoning(selector: ModelSelector) -> None:
    images = selector.rank(output_modalities={"image", "text"})
    assert set(images.ids) == {"openai/gpt-5-image-mini", "google/gemini-2.5-flash-image"}
    reasoning = selector.rank(reasoning=True)
    assert "openai/gpt-4o" not in reasoning.ids and "openai/gpt-5" in reasoning.ids


def test_context_output_and_price_limits(selector: ModelSelector) -> None:
    ranking = selector.rank(
        min_context=500_000, min_max_output=60_000, max_prompt_price=2, max_completion_price=10
    )
    assert ranking.ids
    for candidate in ranking:
        assert all((e.context_length or 0) >= 500_000 for e in candidate.endpoints)
        assert candidate.prompt_price_per_million is not None
        assert candidate.prompt_price_per_million <= 2
        assert candidate.completion_price_per_million <= 10  # type: ignore[operator]
    assert "context" in " ".join(ranking.rejected["openai/gpt-4o"])


def test_provider_lists_zdr_and_quantizations(selector: ModelSelector, emulator: Emulator) -> None:
    ranking = selector.rank(quantizations=["fp16"], ignore_providers=["together"])
    assert ranking.ids
    for candidate in ranking:
        assert all(e.quantization == "fp16" for e in candidate.endpoints)
        assert all(e.provider_name == "Groq" for e in candidate.endpoints)
    zdr = selector.rank(zdr=True, providers=["deepinfra", "azure", "amazon-bedrock"])
    for candidate in zdr:
        flags = {e.provider: e.zdr for e in emulator.catalogue.get(candidate.id).endpoints}  # type: ignore[union-attr]
        assert all(flags[e.provider_name] for e in candidate.endpoints)


@pytest.mark.parametrize("prefer", ["price", "throughput", "latency", "uptime"])
def test_preference_orders_candidates(selector: ModelSelector, prefer: str) -> None:
    ranking = selector.rank(Requirements(tools=True, prefer=prefer))  # type: ignore[arg-type]
    values = {
        "price": [c.estimated_cost for c in ranking],
        "throughput": [-(c.throughput or 0) for c in ranking],
        "latency": [c.latency for c in ranking],
        "uptime": [-(c.uptime or 0) for c in ranking],
    }[prefer]
    assert values == sorted(values)  # type: ignore[type-var]


def test_request_params_are_accepted_and_carry_routing(
    selector: ModelSelector, user: OpenRouter
) -> None:
    selection = selector.select(
        Requirements(tools=True, zdr=True, data_collection_deny=True, max_prompt_price=1)
    )
    params = selection.request_params()
    assert params["model"] == selection.model
    assert params["models"] == list(selection.fallbacks) and len(selection.fallbacks) == 2
    provider = params["provider"]
    assert provider["zdr"] is True and provider["data_collection"] == "deny"
    assert provider["max_price"] == {"prompt": 1.0}
    assert provider["require_parameters"] is True and provider["sort"] == "price"
    done = user.chat.completions.create(messages=MESSAGES, **params)
    assert done.model == selection.model
    assert selection.estimate(1_000, 1_000) == selection.estimated_cost
    assert any("data_collection=deny" in n for n in selection.notes)


def test_estimated_cost_uses_the_chosen_endpoint_prices(selector: ModelSelector) -> None:
    selection = selector.select(
        models=["openai/gpt-4o"], prompt_tokens=2_000, completion_tokens=500
    )
    pricing = selection.candidate.endpoint.pricing
    assert pricing is not None
    assert selection.estimated_cost == pricing.prompt * 2_000 + pricing.completion * 500  # type: ignore[operator]
    assert selection.worst_case_cost >= selection.estimated_cost


def test_nothing_fits_lists_nearest_misses(selector: ModelSelector) -> None:
    with pytest.raises(NoModelFitsError) as caught:
        selector.select(tools=True, output_modalities={"audio"})
    assert "Nearest misses" in str(caught.value)
    assert caught.value.nearest


def test_requirements_compose_to_the_stricter() -> None:
    a = Requirements(tools=True, min_context=8_000, max_prompt_price=3, providers=["a", "b"])
    b = Requirements(
        input_modalities={"image"}, min_context=32_000, max_prompt_price=1, providers=["b"]
    )
    both = a & b
    assert both.tools and both.input_modalities == {"image"}
    assert both.min_context == 32_000 and both.max_prompt_price == Decimal(1)
    assert both.providers == ("b",)
    with pytest.raises(ValueError, match="prefer"):
        Requirements(prefer="speed")  # type: ignore[arg-type]


def test_requirements_for_a_request() -> None:
    req = Requirements.for_request(
        {
            "messages": [
                {"role": "user", "content": [
                    {"type": "text", "text": "what is this?"},
                    {"type": "image_url", "image_url": {"url": "data:image/png;base64,AA"}},
                ]},
            ],
            "tools": [{"type": "function", "function": {"name": "f", "parameters": {}}}],
            "tool_choice": "required",
            "response_format": {"type": "json_schema", "json_schema": {"name": "x", "schema": {}}},
            "max_tokens": 300,
        }
    )  # fmt: skip
    assert req.tools and req.tool_choice and req.structured_outputs
    assert req.input_modalities == {"image"}
    assert req.min_max_output == 300 and req.min_context is not None and req.min_context > 1_300


def test_rank_displays_as_text_and_html(selector: ModelSelector) -> None:
    ranking = selector.rank(tools=True)
    text = str(ranking)
    assert ranking.ids[0] in text and "rejected" in text and "est. cost" in text
    html = ranking._repr_html_()
    assert html.startswith("<p><b>") and "<table>" in html and "<details>" in html
    assert str(selector.select(tools=True)).startswith("model: ")


def test_catalogue_is_cached_for_the_ttl_and_refreshable(user: OpenRouter, transport) -> None:
    selector = ModelSelector(user, guardrail=None, ttl=300)
    selector.rank(tools=True)
    first = len(transport.paths)
    assert transport.paths.count("/api/v1/models") == 1
    selector.rank(tools=True)
    selector.select(tools=True, input_modalities={"image"})
    assert len(transport.paths) == first  # nothing refetched inside the TTL
    selector.refresh()
    assert transport.paths.count("/api/v1/models") == 2
    expired = ModelSelector(user, guardrail=None, ttl=0)
    expired.rank()
    expired.rank()
    assert transport.paths.count("/api/v1/models") == 4


def test_evaluate_is_pure(selector: ModelSelector) -> None:
    selector.rank()
    catalogue, _ = selector._snapshot(Requirements())
    assert isinstance(catalogue, CatalogueSnapshot)
    view = AccountView(guardrails=[Guardrail(allowed_models=["openai/gpt-4o-mini"])])
    ranking = evaluate(catalogue, view, Requirements())
    assert ranking.ids == ["openai/gpt-4o-mini"]


async def test_async_selector_matches_sync(user: OpenRouter, async_user) -> None:
    sync = ModelSelector(user, guardrail=None).select(tools=True, prefer="latency")
    selection = await AsyncModelSelector(async_user, guardrail=None).select(
        tools=True, prefer="latency"
    )
    assert selection.request_params() == sync.request_params()
    assert selection.rejected == sync.rejected
    await async_user.close()
