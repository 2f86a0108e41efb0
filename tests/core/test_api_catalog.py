"""Cassette-backed tests of the catalogue endpoints: models, model endpoints, ZDR endpoints, providers.

Each test runs on OpenRouter and AsyncOpenRouter and checks the request sent and the typed result.
Prices arrive as strings and are exact Decimals per token here.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from api_support import (  # noqa: F401 (fixtures)
    Kit,
    admin_fixture,
    http_fixture,
    kit_fixture,
    management_key_fixture,
    mode_fixture,
)
from openrouter_kit.types.models import (
    Model,
    ModelCount,
    ModelEndpoint,
    ModelEndpoints,
    ModelList,
    ZdrEndpoints,
)
from openrouter_kit.types.providers import Provider, ProviderList

pytestmark = pytest.mark.vcr


async def test_models_list(kit: Kit) -> None:
    result = await kit.run(kit.client.models.list(supported_parameters=["tools", "temperature"]))
    assert kit.sent() == ("GET", "/models", {"supported_parameters": "tools,temperature"}, None)
    assert isinstance(result, ModelList) and len(result) > 0
    assert all(m.supports("tools") for m in result)
    priced = next(m for m in result if m.pricing and m.pricing.prompt)
    assert isinstance(priced.pricing.prompt, Decimal)


async def test_models_count(kit: Kit) -> None:
    result = await kit.run(kit.client.models.count(output_modalities="all"))
    assert kit.sent() == ("GET", "/models/count", {"output_modalities": "all"}, None)
    assert isinstance(result, ModelCount) and result.data.count > 0


async def test_models_endpoints(kit: Kit) -> None:
    result = await kit.run(kit.client.models.endpoints("openai/gpt-4o-mini"))
    assert kit.sent() == ("GET", "/models/openai/gpt-4o-mini/endpoints", {}, None)
    assert isinstance(result, ModelEndpoints) and result.data.endpoints
    endpoint = result.data.endpoints[0]
    assert isinstance(endpoint, ModelEndpoint) and endpoint.provider_name
    assert endpoint.pricing is not None and isinstance(endpoint.pricing.completion, Decimal)


async def test_models_list_for_user(kit: Kit) -> None:
    result = await kit.run(kit.client.models.list_for_user())
    assert kit.sent() == ("GET", "/models/user", {}, None)
    assert isinstance(result, ModelList) and len(result) > 0
    assert all(isinstance(m, Model) and m.id for m in result)


async def test_endpoints_zdr(kit: Kit) -> None:
    result = await kit.run(kit.client.endpoints.zdr())
    assert kit.sent() == ("GET", "/endpoints/zdr", {}, None)
    assert isinstance(result, ZdrEndpoints) and len(result) > 0
    endpoint = result.data[0]
    assert isinstance(endpoint, ModelEndpoint)
    assert endpoint.model_id and endpoint.provider_name and endpoint.name
    pricing = endpoint.pricing
    assert pricing is not None and isinstance(pricing.prompt, Decimal)
    # exact: the wire string survives, and per-million is an exact multiple
    assert pricing.prompt_per_million == pricing.prompt * 1_000_000
    assert endpoint.latency_last_30m is None or "p50" in endpoint.latency_last_30m


async def test_providers_list(kit: Kit) -> None:
    result = await kit.run(kit.client.providers.list())
    assert kit.sent() == ("GET", "/providers", {}, None)
    assert isinstance(result, ProviderList) and len(result) > 0
    assert all(isinstance(p, Provider) and p.name and p.slug for p in result)
    assert "openai" in {p.slug for p in result}
