"""One AsyncOpenRouter used from several event loops in turn (successive asyncio.run calls,
the notebook's and the test suite's daily case) over real loopback sockets."""

from __future__ import annotations

import asyncio

from loopback_server import loopback_openrouter
from openrouter_kit import AsyncOpenRouter

MESSAGES = [{"role": "user", "content": "hi"}]


def test_one_async_client_serves_successive_asyncio_runs() -> None:
    with loopback_openrouter() as (base_url, connections):
        client = AsyncOpenRouter(api_key="sk-or-test", base_url=base_url, max_retries=0)

        async def ask() -> str:
            done = await client.chat.completions.create(model="m/x", messages=MESSAGES)
            again = await client.chat.completions.create(model="m/x", messages=MESSAGES)
            return str(done.choices[0].message.content) + str(again.choices[0].message.content)

        assert [asyncio.run(ask()) for _ in range(3)] == ["hihi"] * 3
        # a pool per loop: the two calls in one loop share a connection
        assert len(connections) == 3

        async def close() -> None:
            await client.close()

        asyncio.run(close())
