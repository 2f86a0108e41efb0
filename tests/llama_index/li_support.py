"""Test support: an httpx transport that replays real OpenRouter recordings by path.

Requests are answered from queues of recorded responses per API path (GET /models is
always the real catalogue recorded by posit-dev/chatlas), and every request sent is kept so
tests can check the wire body the adapter produced. Nothing here touches the core client.
"""

from __future__ import annotations

import json
from collections import defaultdict, deque
from typing import Any

import httpx
from llama_index.core.instrumentation.event_handlers import BaseEventHandler
from llama_index.core.instrumentation.events import BaseEvent
from recordings_loader import Interaction, find

CATALOGUE_RECORDING = (
    "posit-dev__chatlas/tests/_vcr/test_provider_openrouter/test_openrouter_list_models"
)


def catalogue() -> Interaction:
    """The real GET /models response (353 models, recorded by posit-dev/chatlas)."""
    return find(CATALOGUE_RECORDING)


class Replay:
    """Answers requests from recorded responses, per path, in order; records what was sent."""

    def __init__(
        self,
        *responses: Interaction | httpx.Response | dict[str, Any],
        path: str = "/chat/completions",
    ) -> None:
        self.queues: dict[str, deque[Interaction | httpx.Response | dict[str, Any]]] = defaultdict(
            deque
        )
        self.queues[path].extend(responses)
        self.sent: list[httpx.Request] = []
        self.transport = httpx.MockTransport(self._handle)

    def add(self, path: str, *responses: Interaction | httpx.Response | dict[str, Any]) -> Replay:
        self.queues[path].extend(responses)
        return self

    def _handle(self, request: httpx.Request) -> httpx.Response:
        self.sent.append(request)
        path = request.url.path.removeprefix("/api/v1")
        if path == "/models" and not self.queues[path]:
            return catalogue().response(request)
        queue = self.queues[path]
        if not queue:
            return httpx.Response(
                599, json={"error": {"message": f"test: nothing recorded for {path}"}}
            )
        item = queue.popleft()
        if isinstance(item, httpx.Response):
            return item
        if isinstance(item, dict):
            return httpx.Response(200, json=item)
        return item.response(request)

    def client(self) -> httpx.Client:
        return httpx.Client(transport=self.transport)

    def async_client(self) -> httpx.AsyncClient:
        return httpx.AsyncClient(transport=self.transport)

    def bodies(self, path: str = "/chat/completions") -> list[dict[str, Any]]:
        """JSON bodies sent to `path`, in order."""
        return [
            json.loads(r.content)
            for r in self.sent
            if r.url.path.removeprefix("/api/v1") == path and r.content
        ]

    def paths(self) -> list[str]:
        return [r.url.path.removeprefix("/api/v1") for r in self.sent]


def completion_json(content: str = "ok", **message: Any) -> dict[str, Any]:
    """A minimal chat completion body (for tests of request building, not of parsing)."""
    return {
        "id": "gen-test",
        "object": "chat.completion",
        "created": 1,
        "model": "openai/gpt-4o-mini",
        "choices": [
            {
                "index": 0,
                "finish_reason": "stop",
                "message": {"role": "assistant", "content": content, **message},
            }
        ],
        "usage": {"prompt_tokens": 3, "completion_tokens": 1, "total_tokens": 4, "cost": 0.5},
    }


class RecordingEventHandler(BaseEventHandler):
    """Keeps every instrumentation event, so tests can check which ones fired and in what order."""

    events: list[BaseEvent] = []

    @classmethod
    def class_name(cls) -> str:
        return "RecordingEventHandler"

    def handle(self, event: BaseEvent, **kwargs: Any) -> None:
        self.events.append(event)

    def names(self, *kinds: str) -> list[str]:
        """Event names (class_name()) of the recorded events, optionally only those whose name contains a kind."""
        names = [e.class_name() for e in self.events]  # the framework's event name
        return [n for n in names if not kinds or any(k in n for k in kinds)]
