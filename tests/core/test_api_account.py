"""Cassette-backed tests of the account endpoints: generation, activity, credits, coinbase, organization.

Each test runs on OpenRouter and AsyncOpenRouter (see api_support) and checks the request sent
and the typed result.
"""

from __future__ import annotations

import datetime as dt

import pytest
from api_support import (  # noqa: F401 (fixtures)
    Kit,
    admin_fixture,
    http_fixture,
    kit_fixture,
    management_key_fixture,
    mode_fixture,
)
from openrouter_kit.errors import ManagementKeyRequiredError
from openrouter_kit.types.activity import ActivityItem, ActivityList
from openrouter_kit.types.credits import CoinbaseCharge, Credits
from openrouter_kit.types.generations import Generation, GenerationResponse
from openrouter_kit.types.organization import MemberList, OrganizationMember

pytestmark = pytest.mark.vcr

HELLO = [{"role": "user", "content": "Say hello"}]


async def test_generations_get(kit: Kit) -> None:
    completion = await kit.run(
        kit.client.chat.completions.create(model="openai/gpt-4o-mini", messages=HELLO)
    )
    result = await kit.run(kit.client.generations.get(completion.id))
    assert kit.sent() == ("GET", "/generation", {"id": completion.id}, None)
    assert isinstance(result, GenerationResponse)
    generation = result.data
    assert isinstance(generation, Generation)
    assert generation.id == completion.id
    assert generation.model == "openai/gpt-4o-mini"
    assert isinstance(generation.created_at, dt.datetime)
    assert generation.created_at.tzinfo is not None
    assert generation.total_cost == pytest.approx(completion.usage.cost)
    assert generation.tokens_prompt == completion.usage.prompt_tokens
    assert generation.streamed is False


async def test_activity_list(kit: Kit, admin: Kit) -> None:
    await kit.run(kit.client.chat.completions.create(model="openai/gpt-4o-mini", messages=HELLO))
    result = await admin.run(admin.client.activity.list())
    assert admin.sent() == ("GET", "/activity", {}, None)
    assert isinstance(result, ActivityList)
    assert result.data, "recorded after a completion, so there is activity"
    for row in result.data:
        assert isinstance(row, ActivityItem)
        assert isinstance(row.date, dt.date)
        assert row.model and row.requests is not None and row.requests >= 1
        assert row.usage is not None and row.usage >= 0


async def test_activity_list_for_one_date(kit: Kit, admin: Kit) -> None:
    await kit.run(kit.client.chat.completions.create(model="openai/gpt-4o-mini", messages=HELLO))
    everything = await admin.run(admin.client.activity.list())
    day = everything.data[0].date
    result = await admin.run(admin.client.activity.list(date=day.isoformat()))
    assert admin.sent() == ("GET", "/activity", {"date": day.isoformat()}, None)
    assert isinstance(result, ActivityList)
    assert result.data and all(row.date == day for row in result.data)


async def test_credits_get(admin: Kit) -> None:
    result = await admin.run(admin.client.credits.get())
    assert admin.sent() == ("GET", "/credits", {}, None)
    assert isinstance(result, Credits)
    assert result.data.total_credits is not None and result.data.total_credits > 0
    assert result.data.total_usage is not None and result.data.total_usage >= 0
    assert result.data.remaining == result.data.total_credits - result.data.total_usage


async def test_credits_get_with_an_ordinary_key_says_a_management_key_is_needed(kit: Kit) -> None:
    with pytest.raises(ManagementKeyRequiredError) as caught:
        await kit.run(kit.client.credits.get())
    assert kit.sent() == ("GET", "/credits", {}, None)
    message = str(caught.value)
    assert "Only management keys can" in message  # OpenRouter's own words are kept
    assert "needs a management key" in message
    assert caught.value.status_code == 403


async def test_create_coinbase_charge_warns_and_returns_calldata(kit: Kit) -> None:
    sender = "0x1111111111111111111111111111111111111111"
    with pytest.warns(DeprecationWarning, match="deprecated"):
        call = kit.client.credits.create_coinbase_charge(amount=10, sender=sender, chain_id=8453)
    result = await kit.run(call)
    assert kit.sent() == (
        "POST",
        "/credits/coinbase",
        {},
        {"amount": 10, "sender": sender, "chain_id": 8453},
    )
    assert isinstance(result, CoinbaseCharge)
    assert isinstance(result.data.created_at, dt.datetime)
    assert isinstance(result.data.expires_at, dt.datetime)
    assert result.data.expires_at > result.data.created_at
    intent = result.data.web3_data.transfer_intent
    assert intent.metadata["sender"] == sender
    assert intent.metadata["chain_id"] == 8453


async def test_organization_list_members(admin: Kit) -> None:
    result = await admin.run(admin.client.organization.list_members(offset=0, limit=10))
    assert admin.sent() == ("GET", "/organization/members", {"offset": "0", "limit": "10"}, None)
    assert isinstance(result, MemberList)
    assert result.total_count == len(result.data) >= 1
    assert all(isinstance(m, OrganizationMember) and m.id for m in result.data)
    assert {m.role for m in result.data} <= {"admin", "member"}


async def test_organization_list_all_members(admin: Kit) -> None:
    members = await admin.items(admin.client.organization.list_all_members(limit=1))
    assert len(members) >= 2
    # one request per page of one member, each asking for the next offset
    offsets = [admin.sent(i)[2]["offset"] for i in range(len(admin.requests))]
    assert offsets == [str(i) for i in range(len(members))]
    assert len({m.id for m in members}) == len(members)
