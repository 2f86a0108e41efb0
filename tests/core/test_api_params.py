"""Request building of the new endpoints: checks that fail before any request is sent, and
what exactly reaches the wire (nulls that mean "clear", UTC timestamps, unknown keywords)."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import httpx
import pytest
from core_support import make_client
from openrouter_kit.errors import InvalidRequestError


def ok(body: dict[str, Any]) -> Any:
    return lambda request: httpx.Response(200, json=body)


KEY = {"data": {"hash": "h1", "name": "n"}, "key": "sk-or-v1-" + "0" * 64}


def test_expires_at_datetimes_are_sent_as_utc() -> None:
    client, seen = make_client(ok(KEY))
    paris = dt.timezone(dt.timedelta(hours=2))
    client.keys.create(name="n", expires_at=dt.datetime(2027, 1, 1, 14, 0, tzinfo=paris))
    assert seen.last_json() == {"expires_at": "2027-01-01T12:00:00Z", "name": "n"}
    client.auth.create_code(
        callback_url="https://a.example/cb",
        expires_at=dt.datetime(2027, 1, 1, tzinfo=dt.timezone.utc),
    )
    assert seen.last_json()["expires_at"] == "2027-01-01T00:00:00Z"


def test_naive_datetimes_are_refused_before_sending() -> None:
    client, seen = make_client(ok(KEY))
    with pytest.raises(InvalidRequestError, match="expires_at"):
        client.keys.create(name="n", expires_at=dt.datetime(2027, 1, 1))
    assert seen.requests == []


@pytest.mark.parametrize(
    ("messages", "field"),
    [
        ([], "messages"),
        ("hi", "messages"),
        ([{"role": "system", "content": "x"}], "messages[0].role"),
        ([{"role": "user"}], "messages[0].content"),
        ([42], "messages[0]"),
    ],
)
def test_messages_are_checked_before_sending(messages: Any, field: str) -> None:
    client, seen = make_client(ok({}))
    with pytest.raises(InvalidRequestError) as caught:
        client.messages.create(model="anthropic/claude-sonnet-4", messages=messages, max_tokens=5)
    assert caught.value.args[0].startswith(field)
    assert seen.requests == []


@pytest.mark.parametrize(
    ("call", "field"),
    [
        (lambda c: c.keys.create(name=""), "name"),
        (lambda c: c.keys.create(name="n", limit_reset="yearly"), "limit_reset"),
        (lambda c: c.keys.update("h", limit=-1), "limit"),
        (lambda c: c.guardrails.create(name="g", reset_interval="hourly"), "reset_interval"),
        (lambda c: c.guardrails.assign_keys("g", key_hashes=[]), "key_hashes"),
        (lambda c: c.guardrails.unassign_members("g", member_user_ids=[1]), "member_user_ids"),
        (
            lambda c: c.auth.create_code(callback_url="https://a/cb", code_challenge_method="S512"),
            "code_challenge_method",
        ),
        (lambda c: c.auth.exchange_code(code=""), "code"),
        (lambda c: c.responses.create(input="x", temperature=3), "temperature"),
        (lambda c: c.responses.create(input="x", metadata={"k[1]": "v"}), "metadata"),
        (
            lambda c: c.messages.create(
                model="m", messages=[{"role": "user", "content": "x"}], speed="warp"
            ),
            "speed",
        ),
        (
            lambda c: c.credits.create_coinbase_charge(amount=1, sender="0x1", chain_id=5),
            "chain_id",
        ),
        (lambda c: c.generations.get(""), "id"),
        (lambda c: c.keys.get(""), "hash"),
    ],
)
@pytest.mark.filterwarnings("ignore::DeprecationWarning")
def test_spec_rules_fail_before_sending(call: Any, field: str) -> None:
    client, seen = make_client(ok({}))
    with pytest.raises(InvalidRequestError) as caught:
        call(client)
    assert caught.value.args[0].startswith(field), caught.value
    assert seen.requests == []


def test_unknown_keywords_point_to_extra_body_and_extra_body_passes_through() -> None:
    client, seen = make_client(ok({"data": {"id": "g1", "name": "g"}}))
    with pytest.raises(TypeError, match="extra_body"):
        client.guardrails.create(name="g", colour="red")  # type: ignore[call-arg]
    client.guardrails.create(
        name="g", extra_body={"content_filters": [{"pattern": "x", "action": "block"}]}
    )
    assert seen.last_json() == {
        "name": "g",
        "content_filters": [{"pattern": "x", "action": "block"}],
    }


def test_path_parameters_are_escaped() -> None:
    client, seen = make_client(ok({"data": {"hash": "a/b"}}))
    client.keys.get("a/b?c")
    assert seen.last.url.raw_path == b"/api/v1/keys/a%2Fb%3Fc"


def test_coinbase_warns_even_when_the_call_fails_validation() -> None:
    client, _ = make_client(ok({}))
    with pytest.warns(DeprecationWarning, match="deprecated"), pytest.raises(InvalidRequestError):
        client.credits.create_coinbase_charge(amount=1, sender="0x1", chain_id=2)


def test_responses_stream_flag_and_options() -> None:
    sse = b'data: {"type":"response.created","response":{"id":"r"}}\n\ndata: [DONE]\n\n'
    client, seen = make_client(
        lambda r: httpx.Response(200, content=sse, headers={"content-type": "text/event-stream"})
    )
    with client.responses.create(
        model="m", input="x", stream=True, extra_headers={"x-trace": "1"}, extra_query={"q": "1"}
    ) as stream:
        assert [e.type for e in stream] == ["response.created"]
    assert json.loads(seen.last.content) == {"model": "m", "input": "x", "stream": True}
    assert seen.last.headers["x-trace"] == "1" and seen.last.url.params["q"] == "1"
