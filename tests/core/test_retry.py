"""Retries: which failures, how long between tries (fake clock), and what is never retried."""

from __future__ import annotations

from datetime import datetime, timezone
from email.utils import format_datetime

import httpx
import pytest
from core_support import COMPLETION, make_async_client, make_client
from openrouter_kit import errors
from openrouter_kit._retry import RetryPolicy, parse_retry_after

MESSAGES = [{"role": "user", "content": "Hi"}]


def failing(statuses: list[int], headers: dict[str, str] | None = None):
    calls = iter(statuses)

    def handler(request: httpx.Request) -> httpx.Response:
        status = next(calls, 200)
        if status == 200:
            return httpx.Response(200, json=COMPLETION)
        return httpx.Response(
            status, json={"error": {"code": status, "message": "try later"}}, headers=headers or {}
        )

    return handler


@pytest.mark.parametrize("status", [408, 429, 500, 502, 503, 524, 529])
def test_retryable_statuses_then_success(status: int) -> None:
    client, seen = make_client(failing([status, status]), max_retries=2)
    result = client.chat.completions.create(model="m/x", messages=MESSAGES)
    assert result.text == "Hello!"
    assert len(seen.requests) == 3
    waits = client.clock.sleeps
    assert len(waits) == 2
    assert 0.375 <= waits[0] <= 0.5 and 0.75 <= waits[1] <= 1.0  # 0.5s, 1s with up to 25% jitter


@pytest.mark.parametrize("status", [400, 401, 402, 403, 404, 409, 413, 422])
def test_client_errors_are_not_retried(status: int) -> None:
    client, seen = make_client(failing([status]), max_retries=3)
    with pytest.raises(errors.APIStatusError):
        client.chat.completions.create(model="m/x", messages=MESSAGES)
    assert len(seen.requests) == 1 and client.clock.sleeps == []


def test_gives_up_after_max_retries() -> None:
    client, seen = make_client(failing([503] * 10), max_retries=3)
    with pytest.raises(errors.ServiceUnavailableError):
        client.chat.completions.create(model="m/x", messages=MESSAGES)
    assert len(seen.requests) == 4
    assert len(client.clock.sleeps) == 3


def test_retry_after_seconds_is_honoured() -> None:
    client, _ = make_client(failing([429], {"Retry-After": "7"}))
    client.chat.completions.create(model="m/x", messages=MESSAGES)
    assert client.clock.sleeps == [7.0]


def test_retry_after_http_date_and_ratelimit_reset() -> None:
    now = 1_700_000_000.0
    date = format_datetime(datetime.fromtimestamp(now + 12, tz=timezone.utc), usegmt=True)
    assert parse_retry_after({"retry-after": date}, now_epoch=now) == pytest.approx(12, abs=1)
    assert parse_retry_after(
        {"x-ratelimit-reset": str(int((now + 4) * 1000))}, now_epoch=now
    ) == pytest.approx(4)
    assert parse_retry_after(
        {"x-ratelimit-reset": str(int(now + 3))}, now_epoch=now
    ) == pytest.approx(3)
    assert parse_retry_after({}, now_epoch=now) is None
    assert parse_retry_after({"retry-after": "soon"}, now_epoch=now) is None


def test_wait_past_the_timeout_budget_is_not_taken() -> None:
    client, seen = make_client(failing([429, 429], {"Retry-After": "30"}), timeout=10.0)
    with pytest.raises(errors.RateLimitError):
        client.chat.completions.create(model="m/x", messages=MESSAGES)
    assert len(seen.requests) == 1 and client.clock.sleeps == []


def test_connection_errors_are_retried() -> None:
    attempts = []

    def flaky(request: httpx.Request) -> httpx.Response:
        attempts.append(1)
        if len(attempts) < 3:
            raise httpx.ConnectError("refused")
        return httpx.Response(200, json=COMPLETION)

    client, _ = make_client(flaky, max_retries=2)
    assert client.chat.completions.create(model="m/x", messages=MESSAGES).text == "Hello!"
    assert len(attempts) == 3


def test_validation_errors_never_reach_the_network() -> None:
    client, seen = make_client(failing([]), max_retries=5)
    with pytest.raises(errors.InvalidRequestError):
        client.chat.completions.create(model="m/x", messages=MESSAGES, top_p=2)
    assert seen.requests == []


def test_stream_is_retried_only_before_the_first_byte() -> None:
    body = b'data: {"id":"g","choices":[{"index":0,"delta":{"content":"ok"}}]}\n\ndata: [DONE]\n\n'
    calls = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(1)
        if len(calls) == 1:
            return httpx.Response(529, json={"error": {"code": 529, "message": "overloaded"}})
        return httpx.Response(200, headers={"content-type": "text/event-stream"}, content=body)

    client, _ = make_client(handler)
    with client.chat.completions.create(model="m/x", messages=MESSAGES, stream=True) as stream:
        assert [c.choices[0].delta.content for c in stream] == ["ok"]
    assert len(calls) == 2


async def test_async_retries_use_the_same_policy() -> None:
    client, seen = make_async_client(failing([500, 502]), max_retries=2)
    result = await client.chat.completions.create(model="m/x", messages=MESSAGES)
    assert result.text == "Hello!"
    assert len(seen.requests) == 3 and len(client.clock.sleeps) == 2


def test_backoff_grows_and_is_capped() -> None:
    policy = RetryPolicy(max_retries=10)
    nominal = [policy.initial_delay * 2**n for n in range(6)]
    for attempt, expected in enumerate(nominal):
        value = policy.backoff(attempt)
        cap = min(expected, policy.max_delay)
        assert 0.75 * cap <= value <= cap
