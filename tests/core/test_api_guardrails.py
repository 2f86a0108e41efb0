"""Cassette-backed tests of the guardrails group (management key): CRUD, assignments, paging.

Each test runs on OpenRouter and AsyncOpenRouter and checks the request sent and the typed result.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

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
from openrouter_kit.types.common import Deleted
from openrouter_kit.types.guardrails import (
    AssignedCount,
    Guardrail,
    GuardrailList,
    GuardrailResponse,
    KeyAssignment,
    KeyAssignmentList,
    MemberAssignment,
    MemberAssignmentList,
    UnassignedCount,
)

pytestmark = pytest.mark.vcr


async def _guardrail(admin: Kit, name: str, **params: Any) -> Guardrail:
    created = await admin.run(admin.client.guardrails.create(name=name, **params))
    return created.data  # type: ignore[no-any-return]


async def test_guardrails_create_get_update_delete(admin: Kit) -> None:
    g = admin.client.guardrails
    created = await admin.run(
        g.create(
            name="team budget",
            description="caps spend",
            limit_usd=25.5,
            reset_interval="monthly",
            allowed_providers=["openai", "anthropic"],
            enforce_zdr=True,
        )
    )
    assert admin.sent() == (
        "POST",
        "/guardrails",
        {},
        {
            "description": "caps spend",
            "limit_usd": 25.5,
            "reset_interval": "monthly",
            "allowed_providers": ["openai", "anthropic"],
            "enforce_zdr": True,
            "name": "team budget",
        },
    )
    assert isinstance(created, GuardrailResponse) and isinstance(created.data, Guardrail)
    guardrail = created.data
    assert guardrail.id and guardrail.name == "team budget"
    assert guardrail.limit_usd == 25.5 and guardrail.reset_interval == "monthly"
    assert guardrail.allowed_providers == ["openai", "anthropic"]
    assert guardrail.enforce_zdr is True
    assert isinstance(guardrail.created_at, dt.datetime) and guardrail.updated_at is None

    fetched = await admin.run(g.get(guardrail.id))
    assert admin.sent() == ("GET", f"/guardrails/{guardrail.id}", {}, None)
    assert fetched.data == guardrail

    updated = await admin.run(g.update(guardrail.id, name="renamed", limit_usd=None))
    assert admin.sent() == (
        "PATCH",
        f"/guardrails/{guardrail.id}",
        {},
        {"name": "renamed", "limit_usd": None},  # None clears the limit
    )
    assert isinstance(updated, GuardrailResponse)
    assert updated.data.name == "renamed" and updated.data.limit_usd is None
    assert updated.data.description == "caps spend"  # untouched fields stay
    assert isinstance(updated.data.updated_at, dt.datetime)

    deleted = await admin.run(g.delete(guardrail.id))
    assert admin.sent() == ("DELETE", f"/guardrails/{guardrail.id}", {}, None)
    assert isinstance(deleted, Deleted) and deleted.deleted is True


async def test_guardrails_list(admin: Kit) -> None:
    await _guardrail(admin, "listed")
    result = await admin.run(admin.client.guardrails.list(offset=0, limit=100))
    assert admin.sent() == ("GET", "/guardrails", {"offset": "0", "limit": "100"}, None)
    assert isinstance(result, GuardrailList)
    assert "listed" in {g.name for g in result.data}
    assert result.total_count is not None and result.total_count >= len(result.data)


async def test_guardrails_list_all_walks_every_page(admin: Kit) -> None:
    for name in ("page-a", "page-b", "page-c"):
        await _guardrail(admin, name)
    first = await admin.run(admin.client.guardrails.list(limit=1))
    total = first.total_count
    assert total is not None and total >= 3
    sent_before = len(admin.requests)
    every = await admin.items(admin.client.guardrails.list_all(limit=1))
    assert len(every) == total and all(isinstance(g, Guardrail) for g in every)
    assert len({g.id for g in every}) == total
    pages = [admin.sent(i) for i in range(sent_before, len(admin.requests))]
    assert [p[2] for p in pages] == [{"offset": str(i), "limit": "1"} for i in range(total)]


async def test_key_and_member_assignments(admin: Kit) -> None:
    g = admin.client.guardrails
    guardrail = await _guardrail(admin, "assigned")
    key = await admin.run(admin.client.keys.create(name="guarded key"))
    members = await admin.run(admin.client.organization.list_members())
    member_id = members.data[-1].id

    assigned = await admin.run(g.assign_keys(guardrail.id, key_hashes=[key.data.hash]))
    assert admin.sent() == (
        "POST",
        f"/guardrails/{guardrail.id}/assignments/keys",
        {},
        {"key_hashes": [key.data.hash]},
    )
    assert isinstance(assigned, AssignedCount) and assigned.assigned_count == 1

    assigned = await admin.run(g.assign_members(guardrail.id, member_user_ids=[member_id]))
    assert admin.sent() == (
        "POST",
        f"/guardrails/{guardrail.id}/assignments/members",
        {},
        {"member_user_ids": [member_id]},
    )
    assert assigned.assigned_count == 1

    # one guardrail's assignments
    keys = await admin.run(g.list_key_assignments(guardrail.id, offset=0, limit=10))
    assert admin.sent() == (
        "GET",
        f"/guardrails/{guardrail.id}/assignments/keys",
        {"offset": "0", "limit": "10"},
        None,
    )
    assert isinstance(keys, KeyAssignmentList) and keys.total_count == 1
    assert isinstance(keys.data[0], KeyAssignment)
    assert keys.data[0].key_hash == key.data.hash and keys.data[0].guardrail_id == guardrail.id
    assert isinstance(keys.data[0].created_at, dt.datetime)

    members_of = await admin.run(g.list_member_assignments(guardrail.id))
    assert admin.sent() == ("GET", f"/guardrails/{guardrail.id}/assignments/members", {}, None)
    assert isinstance(members_of, MemberAssignmentList) and members_of.total_count == 1
    assert isinstance(members_of.data[0], MemberAssignment)
    assert members_of.data[0].user_id == member_id

    # every assignment of the account
    all_keys = await admin.run(g.list_key_assignments(limit=50))
    assert admin.sent() == ("GET", "/guardrails/assignments/keys", {"limit": "50"}, None)
    assert isinstance(all_keys, KeyAssignmentList)
    assert key.data.hash in {a.key_hash for a in all_keys.data}

    all_members = await admin.run(g.list_member_assignments(offset=0))
    assert admin.sent() == ("GET", "/guardrails/assignments/members", {"offset": "0"}, None)
    assert isinstance(all_members, MemberAssignmentList)
    assert (guardrail.id, member_id) in {(a.guardrail_id, a.user_id) for a in all_members.data}

    walked = await admin.items(g.list_all_key_assignments(guardrail.id, limit=1))
    assert [a.key_hash for a in walked] == [key.data.hash]
    walked_members = await admin.items(g.list_all_member_assignments(guardrail.id))
    assert [a.user_id for a in walked_members] == [member_id]

    removed = await admin.run(g.unassign_keys(guardrail.id, key_hashes=[key.data.hash]))
    assert admin.sent() == (
        "POST",
        f"/guardrails/{guardrail.id}/assignments/keys/remove",
        {},
        {"key_hashes": [key.data.hash]},
    )
    assert isinstance(removed, UnassignedCount) and removed.unassigned_count == 1

    removed = await admin.run(g.unassign_members(guardrail.id, member_user_ids=[member_id]))
    assert admin.sent() == (
        "POST",
        f"/guardrails/{guardrail.id}/assignments/members/remove",
        {},
        {"member_user_ids": [member_id]},
    )
    assert removed.unassigned_count == 1
    assert (await admin.run(g.list_key_assignments(guardrail.id))).total_count == 0


async def test_guardrails_with_an_ordinary_key_say_a_management_key_is_needed(kit: Kit) -> None:
    with pytest.raises(ManagementKeyRequiredError) as caught:
        await kit.run(kit.client.guardrails.list())
    assert kit.sent() == ("GET", "/guardrails", {}, None)
    assert "Only management keys can" in str(caught.value)
    assert "GET /guardrails needs a management key" in str(caught.value)
