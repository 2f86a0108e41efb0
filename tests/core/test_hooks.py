"""Hooks see each call's body before it is sent and its result after, for plain and streamed calls."""

from __future__ import annotations

import httpx
import pytest
from core_support import make_async_client, make_client, ok_chat

MESSAGES = [{"role": "user", "content": "Hi"}]
STREAM = (
    b'data: {"id":"g","choices":[{"index":0,"delta":{"content":"a"}}]}\n\n'
    b'data: {"id":"g","choices":[],"usage":{"total_tokens":3,"cost":0.5}}\n\ndata: [DONE]\n\n'
)


class Recording:
    def __init__(self) -> None:
        self.events: list[tuple] = []

    def before_request(self, endpoint, body):
        self.events.append(("before", endpoint, body["model"]))

    def after_response(self, endpoint, body, result):
        self.events.append(("after", endpoint, result.usage.cost))

    def after_stream(self, endpoint, body, events):
        self.events.append(("stream", endpoint, events[-1].usage.cost))


class Refuse:
    def before_request(self, endpoint, body):
        raise RuntimeError("over budget")


def test_hooks_see_plain_calls_and_can_refuse() -> None:
    client, seen = make_client(ok_chat)
    hook = Recording()
    client.hooks.append(hook)
    client.chat.completions.create(model="m/x", messages=MESSAGES)
    assert hook.events == [
        ("before", "chat.completions.create", "m/x"),
        ("after", "chat.completions.create", 0.0000021),
    ]
    client.hooks.append(Refuse())
    with pytest.raises(RuntimeError, match="over budget"):
        client.chat.completions.create(model="m/x", messages=MESSAGES)
    assert len(seen.requests) == 1


def test_hooks_see_streams_when_they_end() -> None:
    client, _ = make_client(
        lambda r: httpx.Response(200, headers={"content-type": "text/event-stream"}, content=STREAM)
    )
    hook = Recording()
    client.hooks.append(hook)
    with client.chat.completions.create(model="m/x", messages=MESSAGES, stream=True) as stream:
        list(stream)
    assert hook.events[-1] == ("stream", "chat.completions.create", 0.5)


async def test_async_hooks() -> None:
    client, _ = make_async_client(
        lambda r: httpx.Response(200, headers={"content-type": "text/event-stream"}, content=STREAM)
    )
    hook = Recording()
    client.hooks.append(hook)
    stream = await client.chat.completions.create(model="m/x", messages=MESSAGES, stream=True)
    async for _ in stream:
        pass
    assert [e[0] for e in hook.events] == ["before", "stream"]
