"""Helpers for core tests: a client wired to an httpx.MockTransport, and a fake clock."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx
import pytest
from hostile_support import Seen
from openrouter_kit import AsyncOpenRouter, OpenRouter

KEY = "sk-or-v1-0123456789abcdef0123456789abcdef"


class FakeClock:
    """Time that only moves when the client sleeps, so retry waits are exact and instant."""

    def __init__(self) -> None:
        self.t = 1000.0
        self.sleeps: list[float] = []

    def now(self) -> float:
        return self.t

    def wall(self) -> float:
        return 1_700_000_000.0 + self.t

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.t += seconds

    async def asleep(self, seconds: float) -> None:
        self.sleep(seconds)


class Recorder(Seen):
    """Answers with the given handler and keeps every request it saw (hostile_support.Seen)."""

    def last_json(self) -> Any:
        return self.json()


def make_client(
    handler: Callable[[httpx.Request], httpx.Response], **kwargs: Any
) -> tuple[OpenRouter, Recorder]:
    recorder = Recorder(handler)
    kwargs.setdefault("api_key", KEY)
    client = OpenRouter(http_client=httpx.Client(transport=httpx.MockTransport(recorder)), **kwargs)
    clock = FakeClock()
    client._retry.clock = clock
    client.clock = clock  # type: ignore[attr-defined]
    return client, recorder


def make_async_client(
    handler: Callable[[httpx.Request], httpx.Response], **kwargs: Any
) -> tuple[AsyncOpenRouter, Recorder]:
    recorder = Recorder(handler)
    kwargs.setdefault("api_key", KEY)
    client = AsyncOpenRouter(
        http_client=httpx.AsyncClient(transport=httpx.MockTransport(recorder)), **kwargs
    )
    clock = FakeClock()
    client._retry.clock = clock
    client.clock = clock  # type: ignore[attr-defined]
    return client, recorder


COMPLETION = {
    "id": "gen-1769543798-64AJb7vkawnjeUZTXlLA",
    "provider": "OpenAI",
    "model": "openai/gpt-4o-mini",
    "object": "chat.completion",
    "created": 1769543798,
    "choices": [
        {
            "logprobs": None,
            "finish_reason": "stop",
            "native_finish_reason": "stop",
            "index": 0,
            "message": {
                "role": "assistant",
                "content": "Hello!",
                "refusal": None,
                "reasoning": None,
            },
        }
    ],
    "usage": {
        "prompt_tokens": 5,
        "completion_tokens": 2,
        "total_tokens": 7,
        "cost": 0.0000021,
        "is_byok": False,
    },
}


def ok_chat(request: httpx.Request) -> httpx.Response:
    return httpx.Response(200, json=COMPLETION)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()
