"""Account state: auth, management-only endpoints, keys, credits, activity, generations,
guardrails (CRUD, assignments, enforcement) and the OAuth PKCE flow."""

from __future__ import annotations

import base64
import hashlib
import re

import httpx
import pytest
from emulator_support import BASE_URL
from openrouter_kit_emulator import Emulator, EmulatorTransport

CHAT = {
    "model": "openai/gpt-4o-mini",
    "messages": [{"role": "user", "content": "Say hello to the world"}],
}


def _client(emulator: Emulator, key: str) -> httpx.Client:
    return httpx.Client(
        transport=EmulatorTransport(emulator),
        base_url=BASE_URL,
        headers={"Authorization": f"Bearer {key}"},
    )


def test_seeded_keys_and_any_dummy_key(emulator: Emulator, client: httpx.Client) -> None:
    assert re.fullmatch(r"sk-or-v1-[0-9a-f]{64}", emulator.api_key)
    assert re.fullmatch(r"sk-or-v1-[0-9a-f]{64}", emulator.management_key)
    assert emulator.api_key not in repr(emulator)
    with _client(emulator, "dummy") as dummy:
        assert dummy.post("/chat/completions", json=CHAT).status_code == 200
        assert dummy.get("/key").json()["data"]["is_management_key"] is False
    assert client.get("/key").json()["data"]["usage"] > 0  # the dummy spent on the default key


def test_missing_key_is_401(anon: httpx.Client) -> None:
    for method, path in [
        ("POST", "/chat/completions"),
        ("GET", "/key"),
        ("GET", "/credits"),
        ("GET", "/keys"),
    ]:
        r = anon.request(method, path, json=CHAT if method == "POST" else None)
        assert r.status_code == 401, path
        assert r.json() == {"error": {"message": "No auth credentials found", "code": 401}}


def test_public_catalogue_needs_no_key(anon: httpx.Client) -> None:
    for path in [
        "/models",
        "/models/count",
        "/providers",
        "/endpoints/zdr",
        "/embeddings/models",
        "/rerank/models",
    ]:
        assert anon.get(path).status_code == 200, path


@pytest.mark.parametrize(
    ("method", "path", "message"),
    [
        ("GET", "/credits", "Only management keys can fetch credits for an account"),
        ("GET", "/activity", "Only management keys can fetch activity"),
        ("GET", "/keys", "Only management keys can list API keys"),
        ("POST", "/keys", "Only management keys can create API keys"),
        ("GET", "/guardrails", "Only management keys can manage guardrails"),
        ("GET", "/organization/members", "Only management keys can list organization members"),
    ],
)
def test_management_endpoints_refuse_standard_keys(
    client: httpx.Client, method: str, path: str, message: str
) -> None:
    r = client.request(method, path, json={"name": "x"} if method == "POST" else None)
    assert r.status_code == 403
    body = r.json()
    assert body["error"] == {"message": message, "code": 403}
    assert body["user_id"].startswith("user_")


def test_management_key_cannot_do_inference(admin: httpx.Client) -> None:
    assert admin.post("/chat/completions", json=CHAT).status_code == 403
    assert admin.get("/key").json()["data"]["is_management_key"] is True


def test_keys_crud_and_limit(emulator: Emulator, admin: httpx.Client) -> None:
    created = admin.post("/keys", json={"name": "ci", "limit": 0.00002, "limit_reset": "daily"})
    assert created.status_code == 201
    secret = created.json()["key"]
    data = created.json()["data"]
    assert re.fullmatch(r"sk-or-v1-[0-9a-f]{64}", secret)
    assert data["hash"] == hashlib.sha256(secret.encode()).hexdigest()
    assert secret not in data["label"] and data["label"].startswith("sk-or-v1-")
    assert data["limit_remaining"] == 0.00002
    listed = admin.get("/keys").json()["data"]
    assert {k["hash"] for k in listed} == {emulator.default_key.hash, data["hash"]}
    with _client(emulator, secret) as ci:
        codes = [ci.post("/chat/completions", json=CHAT).status_code for _ in range(4)]
        assert codes[0] == 200 and codes[-1] == 402
        assert 402 in codes
        r = ci.post("/chat/completions", json=CHAT)
        assert r.json()["error"]["metadata"]["limit_source"] == "key"
        me = ci.get("/key").json()["data"]
        assert me["limit_remaining"] == 0 and me["usage"] > 0.00002 * 0.5
    updated = admin.patch(
        f"/keys/{data['hash']}", json={"limit": None, "disabled": True, "name": "ci2"}
    )
    assert updated.json()["data"]["name"] == "ci2" and updated.json()["data"]["disabled"] is True
    assert data["hash"] not in {k["hash"] for k in admin.get("/keys").json()["data"]}
    assert data["hash"] in {
        k["hash"] for k in admin.get("/keys", params={"include_disabled": "true"}).json()["data"]
    }
    assert admin.get(f"/keys/{data['hash']}").status_code == 200
    assert admin.delete(f"/keys/{data['hash']}").json() == {"deleted": True}
    assert admin.get(f"/keys/{data['hash']}").status_code == 404
    with _client(emulator, secret) as gone:
        assert gone.get("/key").json() == {"error": {"message": "User not found.", "code": 401}}


def test_keys_validation(admin: httpx.Client) -> None:
    assert admin.post("/keys", json={}).status_code == 400
    assert admin.post("/keys", json={"name": "x", "limit": -1}).status_code == 400
    assert (
        admin.post(
            "/keys", json={"name": "x", "expires_at": "2030-01-01T00:00:00+02:00"}
        ).status_code
        == 400
    )
    assert admin.patch("/keys/nope", json={"name": "y"}).status_code == 404


@pytest.mark.parametrize(
    "expires_at",
    ["2025-12-31T23:59:59Z", "2026-01-01T00:00:00Z", "2020-06-01T00:00:00.000+00:00"],
)
def test_keys_expiring_in_the_past_are_refused(
    emulator: Emulator, admin: httpx.Client, expires_at: str
) -> None:
    """POST /keys and PATCH /keys/{hash}: an ``expires_at`` not after now (the emulator's clock,
    2026-01-01T00:00:00Z) is a 400, and nothing is created or changed."""
    before = len(emulator.account.keys)
    _bad_request(admin.post("/keys", json={"name": "x", "expires_at": expires_at}), "expires_at")
    assert len(emulator.account.keys) == before
    created = admin.post("/keys", json={"name": "y"}).json()["data"]
    r = admin.patch(f"/keys/{created['hash']}", json={"expires_at": expires_at})
    _bad_request(r, "expires_at")
    assert admin.get(f"/keys/{created['hash']}").json()["data"]["expires_at"] is None


def test_keys_expiring_in_the_future_are_accepted(emulator: Emulator, admin: httpx.Client) -> None:
    r = admin.post("/keys", json={"name": "x", "expires_at": "2026-01-01T00:00:01Z"})
    assert r.status_code == 201 and r.json()["data"]["expires_at"] == "2026-01-01T00:00:01Z"
    key_hash = r.json()["data"]["hash"]
    r = admin.patch(f"/keys/{key_hash}", json={"expires_at": "2027-06-01T12:00:00.000Z"})
    assert r.status_code == 200 and r.json()["data"]["expires_at"] == "2027-06-01T12:00:00.000Z"
    r = admin.patch(f"/keys/{key_hash}", json={"expires_at": None})
    assert r.status_code == 200 and r.json()["data"]["expires_at"] is None
    for bad in ("2027-06-01T12:00:00+02:00", "2027-02-30T00:00:00Z", "soon", 1893456000):
        _bad_request(admin.post("/keys", json={"name": "x", "expires_at": bad}), "UTC")
        _bad_request(admin.patch(f"/keys/{key_hash}", json={"expires_at": bad}), "UTC")


def test_key_expiry_is_enforced_on_use() -> None:
    now = [1767225600.0]
    emulator = Emulator(clock=lambda: now[0])
    with _client(emulator, emulator.management_key) as admin:
        r = admin.post("/keys", json={"name": "x", "expires_at": "2026-01-01T00:01:00Z"})
        secret = r.json()["key"]
    with _client(emulator, secret) as c:
        assert c.get("/key").status_code == 200
        now[0] += 60
        assert c.get("/key").status_code == 401


def _bad_request(r: httpx.Response, *words: str) -> None:
    """A 400 with OpenRouter's error body (``{"error": {"message", "code": 400, ...}}``)."""
    assert r.status_code == 400, r.text
    error = r.json()["error"]
    assert error["code"] == 400 and isinstance(error["message"], str)
    for word in words:
        assert word in error["message"]


@pytest.mark.parametrize(
    ("date", "word"),
    [
        ("2025-02-30", "format"),  # no such day
        ("2025-13-01", "format"),
        ("2026-1-01", "format"),
        ("2025-12-01", "30 days"),  # 31 days before the emulator's today (2026-01-01)
        ("1999-01-01", "30 days"),
        ("2026-01-02", "30 days"),  # tomorrow
    ],
)
def test_activity_date_must_be_a_real_day_in_the_last_30_days(
    admin: httpx.Client, date: str, word: str
) -> None:
    """Spec: "date: Filter by a single UTC date in the last 30 days (YYYY-MM-DD format)"; 400
    "Invalid date format or date range"."""
    _bad_request(admin.get("/activity", params={"date": date}), word)


@pytest.mark.parametrize("date", ["2026-01-01", "2025-12-02", "2025-12-31"])
def test_activity_dates_within_30_days_are_accepted(admin: httpx.Client, date: str) -> None:
    r = admin.get("/activity", params={"date": date})
    assert r.status_code == 200 and r.json() == {"data": []}


def test_credits_activity_and_generation_follow_spend(
    client: httpx.Client, admin: httpx.Client
) -> None:
    assert admin.get("/credits").json() == {"data": {"total_credits": 100.0, "total_usage": 0.0}}
    r = client.post("/chat/completions", json=CHAT)
    gen_id = r.headers["x-generation-id"]
    cost = r.json()["usage"]["cost"]
    assert cost > 0
    gen = client.get("/generation", params={"id": gen_id}).json()["data"]
    assert (
        gen["id"] == gen_id and gen["total_cost"] == cost and gen["model"] == "openai/gpt-4o-mini"
    )
    assert gen["tokens_prompt"] == r.json()["usage"]["prompt_tokens"]
    assert gen["provider_name"] == r.json()["provider"]
    assert client.get("/generation", params={"id": "gen-0-missing"}).status_code == 404
    credits = admin.get("/credits").json()["data"]
    assert credits["total_usage"] == pytest.approx(cost)
    activity = admin.get("/activity").json()["data"]
    assert activity[0]["requests"] == 1 and activity[0]["usage"] == pytest.approx(cost)
    assert admin.get("/activity", params={"date": "2026-01-01"}).json()["data"] == activity
    assert admin.get("/activity", params={"date": "2025-12-25"}).json()["data"] == []
    assert admin.get("/activity", params={"date": "yesterday"}).status_code == 400
    assert client.get("/key").json()["data"]["usage"] == pytest.approx(cost)


def test_out_of_credits_is_402() -> None:
    emulator = Emulator(credits=0.0)
    with _client(emulator, emulator.api_key) as c:
        r = c.post("/chat/completions", json=CHAT)
    assert r.status_code == 402
    assert r.json()["error"]["metadata"]["limit_source"] == "openrouter_credits"


def test_members_paginated(emulator: Emulator, admin: httpx.Client) -> None:
    page = admin.get("/organization/members", params={"limit": 1}).json()
    assert page["total_count"] == 2 and len(page["data"]) == 1
    assert page["data"][0]["id"] == emulator.account.owner.id


# guardrails -------------------------------------------------------------------------
def _guardrail(admin: httpx.Client, **fields: object) -> str:
    r = admin.post("/guardrails", json={"name": "policy", **fields})
    assert r.status_code == 201, r.text
    return str(r.json()["data"]["id"])


def _assign(emulator: Emulator, admin: httpx.Client, gid: str) -> None:
    r = admin.post(
        f"/guardrails/{gid}/assignments/keys", json={"key_hashes": [emulator.default_key.hash]}
    )
    assert r.json() == {"assigned_count": 1}


def test_guardrail_crud_and_pagination(emulator: Emulator, admin: httpx.Client) -> None:
    ids = [_guardrail(admin, description=f"g{i}") for i in range(3)]
    page = admin.get("/guardrails", params={"offset": 1, "limit": 1}).json()
    assert page["total_count"] == 3 and [g["id"] for g in page["data"]] == [ids[1]]
    g = admin.get(f"/guardrails/{ids[0]}").json()["data"]
    assert set(g) >= {"id", "name", "description", "limit_usd", "reset_interval", "allowed_providers",
                      "ignored_providers", "allowed_models", "enforce_zdr", "created_at", "updated_at"}  # fmt: skip
    updated = admin.patch(
        f"/guardrails/{ids[0]}", json={"limit_usd": 5, "enforce_zdr": True}
    ).json()["data"]
    assert updated["limit_usd"] == 5 and updated["enforce_zdr"] is True and updated["updated_at"]
    assert (
        admin.post("/guardrails", json={"name": "x", "allowed_models": ["nope/nope"]}).status_code
        == 400
    )
    assert admin.delete(f"/guardrails/{ids[2]}").json() == {"deleted": True}
    assert admin.get(f"/guardrails/{ids[2]}").status_code == 404
    _assign(emulator, admin, ids[0])
    member = emulator.account.members[1].id
    r = admin.post(f"/guardrails/{ids[1]}/assignments/members", json={"member_user_ids": [member]})
    assert r.json() == {"assigned_count": 1}
    keys = admin.get("/guardrails/assignments/keys").json()
    assert keys["total_count"] == 1 and keys["data"][0]["key_hash"] == emulator.default_key.hash
    assert admin.get(f"/guardrails/{ids[1]}/assignments/keys").json()["total_count"] == 0
    members = admin.get(f"/guardrails/{ids[1]}/assignments/members").json()
    assert members["data"][0]["user_id"] == member and members["total_count"] == 1
    assert admin.get("/guardrails/assignments/members").json()["total_count"] == 1
    removed = admin.post(
        f"/guardrails/{ids[0]}/assignments/keys/remove",
        json={"key_hashes": [emulator.default_key.hash]},
    )
    assert removed.json() == {"unassigned_count": 1}
    removed = admin.post(
        f"/guardrails/{ids[1]}/assignments/members/remove", json={"member_user_ids": [member]}
    )
    assert removed.json() == {"unassigned_count": 1}
    assert (
        admin.post(
            f"/guardrails/{ids[0]}/assignments/keys", json={"key_hashes": ["nope"]}
        ).status_code
        == 400
    )


LIST_PATHS = [
    "/guardrails",
    "/guardrails/assignments/keys",
    "/guardrails/assignments/members",
    "/guardrails/{id}/assignments/keys",
    "/guardrails/{id}/assignments/members",
]


@pytest.mark.parametrize("path", LIST_PATHS)
@pytest.mark.parametrize(
    ("params", "word"),
    [
        ({"limit": 0}, "limit"),
        ({"limit": 101}, "limit"),
        ({"limit": 1000}, "limit"),
        ({"limit": -1}, "limit"),
        ({"offset": -1}, "offset"),
        ({"limit": "ten"}, "limit"),
    ],
)
def test_guardrail_lists_refuse_out_of_range_pages(
    admin: httpx.Client, path: str, params: dict[str, object], word: str
) -> None:
    """Spec: ``limit`` "Maximum number of records to return (max 100)", so 0 and 101 are
    refused with 400 rather than answered or silently capped; ``offset`` < 0 too."""
    path = path.replace("{id}", _guardrail(admin))
    _bad_request(admin.get(path, params=params), word)


@pytest.mark.parametrize("path", LIST_PATHS)
def test_guardrail_lists_accept_limits_1_to_100(admin: httpx.Client, path: str) -> None:
    path = path.replace("{id}", _guardrail(admin))
    for params in ({"limit": 1}, {"limit": 100, "offset": 0}, {"offset": 5}):
        r = admin.get(path, params=params)
        assert r.status_code == 200 and set(r.json()) == {"data", "total_count"}


def test_guardrail_blocks_model(
    emulator: Emulator, admin: httpx.Client, client: httpx.Client
) -> None:
    gid = _guardrail(admin, name="claude-only", allowed_models=["anthropic/claude-haiku-4.5"])
    assert client.post("/chat/completions", json=CHAT).status_code == 200
    _assign(emulator, admin, gid)
    r = client.post("/chat/completions", json=CHAT)
    assert r.status_code == 403
    assert (
        "claude-only" in r.json()["error"]["message"]
        and "openai/gpt-4o-mini" in r.json()["error"]["message"]
    )
    ok = client.post("/chat/completions", json={**CHAT, "model": "anthropic/claude-haiku-4.5"})
    assert ok.status_code == 200
    assert [m["id"] for m in client.get("/models/user").json()["data"]] == [
        "anthropic/claude-haiku-4.5"
    ]


def test_guardrail_provider_restrictions(
    emulator: Emulator, admin: httpx.Client, client: httpx.Client
) -> None:
    gid = _guardrail(admin, ignored_providers=["openai"])
    _assign(emulator, admin, gid)
    r = client.post("/chat/completions", json=CHAT)
    assert r.status_code == 200 and r.json()["provider"] == "Azure"  # routed around OpenAI
    admin.patch(
        f"/guardrails/{gid}", json={"ignored_providers": None, "allowed_providers": ["anthropic"]}
    )
    r = client.post("/chat/completions", json=CHAT)
    assert r.status_code == 404
    assert r.json()["error"]["message"].startswith("No endpoints found")
    assert "policy" in r.json()["error"]["message"]


def test_guardrail_enforce_zdr(
    emulator: Emulator, admin: httpx.Client, client: httpx.Client
) -> None:
    gid = _guardrail(admin, name="zdr", enforce_zdr=True)
    _assign(emulator, admin, gid)
    r = client.post("/chat/completions", json=CHAT)
    assert r.status_code == 200 and r.json()["provider"] == "Azure"  # the ZDR endpoint
    r = client.post("/chat/completions", json={**CHAT, "model": "x-ai/grok-4-fast"})
    assert r.status_code == 404
    assert (
        "Zero data retention" in r.json()["error"]["message"]
        and "zdr" in r.json()["error"]["message"]
    )


def test_guardrail_budget_via_member(
    emulator: Emulator, admin: httpx.Client, client: httpx.Client
) -> None:
    gid = _guardrail(admin, name="tight", limit_usd=0.00001)
    owner = emulator.account.owner.id  # the default key was created by the owner
    admin.post(f"/guardrails/{gid}/assignments/members", json={"member_user_ids": [owner]})
    codes = [client.post("/chat/completions", json=CHAT).status_code for _ in range(5)]
    assert codes[0] == 200 and codes[-1] == 403
    r = client.post("/chat/completions", json=CHAT)
    assert "tight" in r.json()["error"]["message"] and "budget" in r.json()["error"]["message"]


def test_request_provider_preferences(client: httpx.Client) -> None:
    r = client.post("/chat/completions", json={**CHAT, "provider": {"order": ["azure"]}})
    assert r.json()["provider"] == "Azure"
    r = client.post("/chat/completions", json={**CHAT, "provider": {"only": ["groq"]}})
    assert r.status_code == 404
    r = client.post("/chat/completions", json={**CHAT, "provider": {"zdr": True}})
    assert r.json()["provider"] == "Azure"
    r = client.post(
        "/chat/completions",
        json={
            **CHAT,
            "model": "deepseek/deepseek-r1-0528",
            "tools": [{"type": "function", "function": {"name": "f"}}],
        },
    )
    assert r.status_code == 200  # r1 supports tools
    r = client.post(
        "/chat/completions",
        json={
            **CHAT,
            "model": "google/gemini-2.5-flash-image",
            "tools": [{"type": "function", "function": {"name": "f"}}],
        },
    )
    assert r.status_code == 404 and "tool use" in r.json()["error"]["message"]


# OAuth PKCE -------------------------------------------------------------------------
def _challenge(verifier: str) -> str:
    return (
        base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    )


def test_pkce_s256_flow(emulator: Emulator, client: httpx.Client, anon: httpx.Client) -> None:
    verifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"
    r = client.post(
        "/auth/keys/code",
        json={"callback_url": "https://app.example/cb", "code_challenge": _challenge(verifier),
              "code_challenge_method": "S256", "limit": 5, "key_label": "my app"},
    )  # fmt: skip
    assert r.status_code == 200
    code = r.json()["data"]["id"]
    assert set(r.json()["data"]) == {"id", "app_id", "created_at"}
    bad = anon.post(
        "/auth/keys", json={"code": code, "code_verifier": "wrong", "code_challenge_method": "S256"}
    )
    assert bad.status_code == 403
    good = anon.post(
        "/auth/keys",
        json={"code": code, "code_verifier": verifier, "code_challenge_method": "S256"},
    )
    assert good.status_code == 200
    secret = good.json()["key"]
    assert re.fullmatch(r"sk-or-v1-[0-9a-f]{64}", secret)
    assert good.json()["user_id"] == emulator.account.owner.id
    with _client(emulator, secret) as c:
        me = c.get("/key").json()["data"]
        assert me["limit"] == 5 and me["label"] != secret
    again = anon.post(
        "/auth/keys",
        json={"code": code, "code_verifier": verifier, "code_challenge_method": "S256"},
    )
    assert again.status_code == 400


def test_pkce_plain_and_validation(client: httpx.Client, anon: httpx.Client) -> None:
    r = client.post("/auth/keys/code", json={"callback_url": "http://evil.example/cb"})
    assert r.status_code == 400
    r = client.post(
        "/auth/keys/code",
        json={"callback_url": "https://app.example:3000/cb", "code_challenge": "abc"},
    )
    code = r.json()["data"]["id"]
    assert anon.post("/auth/keys", json={"code": code}).status_code == 400  # verifier required
    assert anon.post("/auth/keys", json={"code": code, "code_verifier": "abc"}).status_code == 200
    r = client.post("/auth/keys/code", json={"callback_url": "http://localhost:3000/cb"})
    assert anon.post("/auth/keys", json={"code": r.json()["data"]["id"]}).status_code == 200
    assert anon.post("/auth/keys", json={"code": "nope"}).status_code == 400
    assert (
        anon.post("/auth/keys/code", json={"callback_url": "https://app.example/cb"}).status_code
        == 401
    )


def test_coinbase_deprecated_endpoint(client: httpx.Client) -> None:
    r = client.post("/credits/coinbase", json={"amount": 10, "sender": "0xabc", "chain_id": 8453})
    assert r.status_code == 200
    assert set(r.json()["data"]) == {"id", "created_at", "expires_at", "web3_data"}
    assert (
        client.post(
            "/credits/coinbase", json={"amount": 10, "sender": "0xabc", "chain_id": 5}
        ).status_code
        == 400
    )


def test_limits_reset_with_their_window() -> None:
    now = [1767225600.0]  # 2026-01-01T00:00:00Z, a Thursday
    emulator = Emulator(clock=lambda: now[0])
    with _client(emulator, emulator.management_key) as admin:
        secret = admin.post(
            "/keys", json={"name": "daily", "limit": 0.00001, "limit_reset": "daily"}
        ).json()["key"]
        gid = _guardrail(admin, name="weekly", limit_usd=0.00002, reset_interval="weekly")
        admin.post(
            f"/guardrails/{gid}/assignments/keys", json={"key_hashes": [emulator.default_key.hash]}
        )
        with _client(emulator, secret) as capped:
            codes = [capped.post("/chat/completions", json=CHAT).status_code for _ in range(3)]
            assert codes[-1] == 402
            now[0] += 86400  # next UTC day: the daily limit window starts over
            me = capped.get("/key").json()["data"]
            assert me["usage_daily"] == 0 and me["usage"] > 0 and me["limit_remaining"] == 0.00001
            assert capped.post("/chat/completions", json=CHAT).status_code == 200
        with _client(emulator, emulator.api_key) as client:
            codes = [client.post("/chat/completions", json=CHAT).status_code for _ in range(5)]
            assert codes[-1] == 403
            now[0] += 4 * 86400  # Monday: a new ISO week resets the guardrail budget
            assert client.post("/chat/completions", json=CHAT).status_code == 200
