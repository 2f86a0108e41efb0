"""Requests a hostile caller or server cannot bend: path ids that would reroute, numbers JSON
cannot carry, and list walks against servers that repeat pages or never end (issue 15)."""

from __future__ import annotations

import json
import math
from typing import Any

import httpx
import pytest
from hostile_support import loopback, make_async_client, make_client
from openrouter_kit import OpenRouter
from openrouter_kit._endpoints import ENDPOINTS
from openrouter_kit._pagination import Paginator
from openrouter_kit._pipeline import build_path
from openrouter_kit.errors import InvalidRequestError, PaginationLimitError


def ok(request: httpx.Request) -> httpx.Response:
    return httpx.Response(200, json={"data": {"hash": "h", "id": "g", "name": "n"}})


# -- path parameters -----------------------------------------------------------------------


@pytest.mark.parametrize("bad", ["", ".", ".."])
def test_dot_and_empty_ids_are_refused_before_sending(bad: str) -> None:
    client, seen = make_client(ok)
    calls = [
        ("hash", lambda: client.keys.get(bad)),
        ("hash", lambda: client.keys.delete(bad)),
        ("hash", lambda: client.keys.update(bad, name="x")),
        ("id", lambda: client.guardrails.get(bad)),
        ("id", lambda: client.guardrails.delete(bad)),
        ("id", lambda: client.guardrails.assign_keys(bad, key_hashes=["h"])),
    ]
    for field, call in calls:
        with pytest.raises(InvalidRequestError) as caught:
            call()
        assert caught.value.field == field
    assert seen.requests == []


def test_every_operation_with_path_parameters_refuses_dot_segments() -> None:
    with_params = [e for e in ENDPOINTS.values() if "{" in e.path]
    assert with_params
    for endpoint in with_params:
        names = [part[1:-1] for part in endpoint.path.split("/") if part.startswith("{")]
        for bad in ("", ".", ".."):
            params = dict.fromkeys(names, "ok")
            params[names[-1]] = bad
            with pytest.raises(InvalidRequestError, match=names[-1]):
                build_path(endpoint, params)


def test_a_slash_or_query_character_stays_inside_its_segment() -> None:
    client, seen = make_client(ok)
    client.keys.get("../credits")
    client.guardrails.get("a/b?c=d#e")
    assert seen.requests[0].url.raw_path == b"/api/v1/keys/..%2Fcredits"
    assert seen.requests[1].url.raw_path == b"/api/v1/guardrails/a%2Fb%3Fc%3Dd%23e"
    assert [r.method for r in seen.requests] == ["GET", "GET"]


def test_model_endpoints_split_author_from_slug_once() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json={"data": {"id": "x", "name": "x", "endpoints": []}})

    client, seen = make_client(handler)
    client.models.endpoints("openai/gpt-4o")
    client.models.endpoints("org/name/with/slash")
    assert seen.requests[0].url.raw_path == b"/api/v1/models/openai/gpt-4o/endpoints"
    assert seen.requests[1].url.raw_path == b"/api/v1/models/org/name%2Fwith%2Fslash/endpoints"
    with pytest.raises(InvalidRequestError, match="slug"):
        client.models.endpoints("openai/..")
    assert len(seen.requests) == 2


# -- NaN and Infinity ----------------------------------------------------------------------

TOOLS = [
    {"type": "function", "function": {"name": f"f{i}", "parameters": {"type": "object"}}}
    for i in range(3)
] + [
    {
        "type": "function",
        "function": {
            "name": "bad",
            "parameters": {
                "type": "object",
                "properties": {"x": {"type": "number", "maximum": math.inf}},
            },
        },
    }
]


@pytest.mark.parametrize(
    ("params", "path"),
    [
        ({"tools": TOOLS}, "tools[3].function.parameters.properties.x.maximum"),
        (
            {
                "response_format": {
                    "type": "json_schema",
                    "json_schema": {"name": "s", "schema": {"minimum": -math.inf}},
                }
            },
            "response_format.json_schema.schema.minimum",
        ),
        ({"provider": {"max_price": {"prompt": math.nan}}}, "provider.max_price.prompt"),
        ({"plugins": [{"id": "web", "weights": [1.0, math.nan]}]}, "plugins[0].weights[1]"),
        ({"temperature": math.nan}, "temperature"),
        ({"extra_body": {"deep": {"list": [{"v": math.inf}]}}}, "deep.list[0].v"),
    ],
)
def test_non_finite_numbers_are_refused_naming_their_path(
    params: dict[str, Any], path: str
) -> None:
    client, seen = make_client(ok)
    with pytest.raises(InvalidRequestError) as caught:
        client.chat.completions.create(
            model="openai/gpt-4o-mini", messages=[{"role": "user", "content": "hi"}], **params
        )
    assert caught.value.field == path
    assert any(word in str(caught.value).lower() for word in ("nan", "inf"))
    assert seen.requests == []


def test_nulls_and_finite_floats_still_go_out() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json={"id": "gen", "choices": [], "model": "m"})

    client, seen = make_client(handler)
    client.chat.completions.create(
        model="openai/gpt-4o-mini",
        messages=[{"role": "assistant", "content": None, "name": "null"}],
        temperature=0.5,
        extra_body={"debug": {"x": None, "y": 1e308}},
    )
    assert b'"content":null' in seen.last.content
    assert b"1e308" in seen.last.content.lower() or b"1e+308" in seen.last.content.lower()


# -- pagination against servers that never stop ------------------------------------------


def same_page(total: int | None) -> Any:
    """A server that ignores offset: always the same full page (the 2.2-million-item probe)."""

    def handler(request: httpx.Request) -> httpx.Response:
        body: dict[str, Any] = {"data": [{"id": f"g{i}", "name": "n"} for i in range(100)]}
        if total is not None:
            body["total_count"] = total
        return httpx.Response(200, json=body)

    return handler


@pytest.mark.parametrize("total", [None, 10**9])
def test_a_repeated_page_ends_the_walk(total: int | None) -> None:
    client, seen = make_client(same_page(total))
    items = list(client.guardrails.list_all(limit=100))
    assert len(items) == 100  # the first page once, not its repeats
    assert len(seen.requests) == 2


async def test_a_repeated_page_ends_the_async_walk() -> None:
    client, seen = make_async_client(same_page(10**9))
    items = [g async for g in client.guardrails.list_all()]
    assert len(items) == 100
    assert len(seen.requests) == 2


def endless(total: int | None) -> Any:
    """A server that makes up a new full page for every offset."""

    def handler(request: httpx.Request) -> httpx.Response:
        offset = int(request.url.params.get("offset", 0))
        body: dict[str, Any] = {"data": [{"id": f"g{offset + i}", "name": "n"} for i in range(100)]}
        if total is not None:
            body["total_count"] = total
        return httpx.Response(200, json=body)

    return handler


@pytest.mark.parametrize("total", [None, 10**9])
def test_a_page_cap_ends_an_endless_walk_with_a_clear_error(total: int | None) -> None:
    client, seen = make_client(endless(total))
    pager = client.guardrails.list_all(limit=100)
    pager.max_pages = 7
    got: list[Any] = []
    with pytest.raises(PaginationLimitError, match="max_pages=7"):
        for item in pager:
            got.append(item)
    assert len(got) == 700
    assert len(seen.requests) == 7


async def test_the_default_page_cap_bounds_an_async_walk() -> None:
    client, seen = make_async_client(endless(None))
    got = 0
    with pytest.raises(PaginationLimitError, match="max_pages=1000"):
        async for _ in client.guardrails.list_all(limit=100):
            got += 1
    assert got == 100_000
    assert len(seen.requests) == 1000


def test_total_count_ends_the_walk_even_when_pages_stay_full() -> None:
    client, seen = make_client(endless(250))
    assert len(list(client.guardrails.list_all(limit=100))) == 300  # the server's pages, 3 of them
    assert len(seen.requests) == 3


def test_a_page_shorter_than_the_first_ends_the_walk_despite_total_count() -> None:
    sizes = iter([5, 5, 2, 5, 5])

    def fetch(offset: int) -> Any:
        class Page:
            data = list(range(offset, offset + next(sizes)))
            total_count = 10**6

        return Page()

    assert len(list(Paginator(fetch, limit=10))) == 12


def test_a_socket_server_repeating_one_page_is_walked_once() -> None:
    """Over a real loopback socket: the server ignores offset and claims a billion items."""
    page = json.dumps(
        {"data": [{"id": f"g{i}", "name": "n"} for i in range(50)], "total_count": 10**9}
    ).encode()
    served: list[bytes] = []

    def respond(request: bytes, conn: Any) -> None:
        served.append(request.split(b"\r\n", 1)[0])
        conn.sendall(
            b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\n"
            + f"content-length: {len(page)}\r\nconnection: close\r\n\r\n".encode()
            + page
        )

    with (
        loopback(respond) as url,
        OpenRouter(api_key="k" * 20, base_url=url, max_retries=0) as client,
    ):
        assert len(list(client.guardrails.list_all(limit=50))) == 50
    assert len(served) == 2
