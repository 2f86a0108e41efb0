"""Helpers for the LangChain adapter tests: core clients over httpx.MockTransport.

Everything is offline: a test hands the core client an httpx transport (a recorded real
response, or a handler) and drives ChatOpenRouter/OpenRouterEmbeddings/OpenRouterRerank
through their public methods, so the core's real request building and parsing run too.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import httpx
from openrouter_kit import AsyncOpenRouter, OpenRouter

Handler = Callable[[httpx.Request], httpx.Response]


class Wire:
    """A MockTransport that records every request sent through it."""

    def __init__(self, handler: Handler) -> None:
        self.requests: list[httpx.Request] = []

        def record(request: httpx.Request) -> httpx.Response:
            self.requests.append(request)
            return handler(request)

        self.transport = httpx.MockTransport(record)

    @property
    def bodies(self) -> list[dict[str, Any]]:
        """The JSON bodies sent, in order."""
        return [json.loads(request.content) for request in self.requests if request.content]

    def clients(self, **kwargs: Any) -> dict[str, Any]:
        """``client=`` / ``async_client=`` kwargs: core clients sending through this transport."""
        options = {"api_key": "sk-or-test", "max_retries": 0, **kwargs}
        return {
            "client": OpenRouter(http_client=httpx.Client(transport=self.transport), **options),
            "async_client": AsyncOpenRouter(
                http_client=httpx.AsyncClient(transport=self.transport), **options
            ),
        }


def json_response(body: Any, status: int = 200) -> Handler:
    """A handler answering every request with one JSON body."""

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(status, json=body, request=request)

    return handler


def sse_response(events: list[Any]) -> Handler:
    """A handler answering with an SSE stream of the given JSON events, then [DONE]."""
    lines = [": OPENROUTER PROCESSING\n\n"]
    lines += [f"data: {json.dumps(event)}\n\n" for event in events]
    lines.append("data: [DONE]\n\n")
    payload = "".join(lines).encode()

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(
            200, headers={"content-type": "text/event-stream"}, content=payload, request=request
        )

    return handler
