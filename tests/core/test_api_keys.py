"""Cassette-backed tests of the keys group: GET /key and key management (management key).

Each test runs on OpenRouter and AsyncOpenRouter and checks the request sent and the typed result.
A new key's secret is a SecretStr: masked in repr and str, readable with get_secret_value().
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
from openrouter_kit.errors import ManagementKeyRequiredError, NotFoundError
from openrouter_kit.types.common import Deleted
from openrouter_kit.types.keys import ApiKey, CreatedKey, CurrentKeyResponse, KeyList, KeyResponse
from pydantic import SecretStr

pytestmark = pytest.mark.vcr


async def test_keys_current(kit: Kit) -> None:
    result = await kit.run(kit.client.keys.current())
    assert kit.sent() == ("GET", "/key", {}, None)
    assert isinstance(result, CurrentKeyResponse)
    assert result.data.is_management_key is False
    assert result.data.label and "..." in result.data.label  # OpenRouter shows keys masked
    assert result.data.usage is not None
    assert result.data.rate_limit is not None and result.data.rate_limit.interval


async def test_keys_current_with_a_management_key(admin: Kit) -> None:
    result = await admin.run(admin.client.keys.current())
    assert result.data.is_management_key is True


async def test_keys_create_get_update_delete(admin: Kit) -> None:
    keys = admin.client.keys
    created = await admin.run(
        keys.create(name="ci key", limit=5, limit_reset="monthly", include_byok_in_limit=False)
    )
    assert admin.sent() == (
        "POST",
        "/keys",
        {},
        {"name": "ci key", "limit": 5, "limit_reset": "monthly", "include_byok_in_limit": False},
    )
    assert isinstance(created, CreatedKey)
    assert isinstance(created.key, SecretStr)
    secret = created.key.get_secret_value()
    assert secret and secret not in repr(created) and secret not in str(created)
    assert "**********" in repr(created)
    assert isinstance(created.data, ApiKey)
    assert created.data.name == "ci key" and created.data.limit == 5
    assert created.data.limit_reset == "monthly"
    assert isinstance(created.data.created_at, dt.datetime)
    key_hash = created.data.hash
    assert key_hash

    fetched = await admin.run(keys.get(key_hash))
    assert admin.sent() == ("GET", f"/keys/{key_hash}", {}, None)
    assert isinstance(fetched, KeyResponse)
    assert fetched.data.hash == key_hash and fetched.data.disabled is False

    updated = await admin.run(keys.update(key_hash, name="renamed", disabled=True, limit=None))
    assert admin.sent() == (
        "PATCH",
        f"/keys/{key_hash}",
        {},
        {"name": "renamed", "disabled": True, "limit": None},  # None removes the limit
    )
    assert isinstance(updated, KeyResponse)
    assert updated.data.name == "renamed" and updated.data.disabled is True
    assert updated.data.limit is None
    assert isinstance(updated.data.updated_at, dt.datetime)

    deleted = await admin.run(keys.delete(key_hash))
    assert admin.sent() == ("DELETE", f"/keys/{key_hash}", {}, None)
    assert isinstance(deleted, Deleted) and deleted.deleted is True

    with pytest.raises(NotFoundError):
        await admin.run(keys.get(key_hash))


async def test_keys_list(admin: Kit) -> None:
    await admin.run(admin.client.keys.create(name="listed"))
    result = await admin.run(admin.client.keys.list(include_disabled=True, offset=0))
    assert admin.sent() == ("GET", "/keys", {"include_disabled": "true", "offset": "0"}, None)
    assert isinstance(result, KeyList)
    assert "listed" in {k.name for k in result.data}
    assert all(isinstance(k, ApiKey) and k.hash for k in result.data)


async def test_keys_list_all(admin: Kit) -> None:
    every = await admin.items(admin.client.keys.list_all())
    assert admin.sent(0) == ("GET", "/keys", {"offset": "0"}, None)
    assert every and all(isinstance(k, ApiKey) for k in every)
    assert len({k.hash for k in every}) == len(every)
    # the API gives no total_count: the walk ends on an empty or short page
    last_method, last_path, last_query, _ = admin.sent()
    assert (last_method, last_path) == ("GET", "/keys")
    assert int(last_query["offset"]) in (0, len(every))


async def test_keys_list_with_an_ordinary_key_says_a_management_key_is_needed(kit: Kit) -> None:
    with pytest.raises(ManagementKeyRequiredError) as caught:
        await kit.run(kit.client.keys.list())
    assert "Only management keys can list API keys" in str(caught.value)
    assert "needs a management key" in str(caught.value)
