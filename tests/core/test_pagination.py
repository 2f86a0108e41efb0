"""Auto-paging iterators (`list_all`, `list_all_*`): every page, sync and async, and where they stop."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from core_support import make_async_client, make_client
from openrouter_kit._pagination import Paginator
from openrouter_kit.errors import InvalidRequestError
from openrouter_kit.types.guardrails import Guardrail, KeyAssignment
from openrouter_kit.types.keys import ApiKey


def paged(
    items: list[dict[str, Any]], *, total: bool = True, cap: int = 100, default: int = 50
) -> Any:
    """A handler serving `items` by offset/limit like OpenRouter (limit capped at `cap`)."""

    def handler(request: httpx.Request) -> httpx.Response:
        offset = int(request.url.params.get("offset", 0))
        limit = min(int(request.url.params.get("limit", default)), cap)
        body: dict[str, Any] = {"data": items[offset : offset + limit]}
        if total:
            body["total_count"] = len(items)
        return httpx.Response(200, json=body)

    return handler


GUARDRAILS = [{"id": f"g{i}", "name": f"guardrail {i}"} for i in range(7)]


def offsets(seen: Any) -> list[tuple[str | None, str | None]]:
    return [(r.url.params.get("offset"), r.url.params.get("limit")) for r in seen.requests]


def test_sync_walks_every_page_and_stops_at_total_count() -> None:
    client, seen = make_client(paged(GUARDRAILS))
    items = list(client.guardrails.list_all(limit=3))
    assert [g.id for g in items] == [f"g{i}" for i in range(7)]
    assert all(isinstance(g, Guardrail) for g in items)
    # 3 + 3 + 1: the last page reaches total_count, so no fourth request
    assert offsets(seen) == [("0", "3"), ("3", "3"), ("6", "3")]
    assert all(r.url.path == "/api/v1/guardrails" for r in seen.requests)


async def test_async_walks_every_page_and_stops_at_total_count() -> None:
    client, seen = make_async_client(paged(GUARDRAILS))
    items = [g async for g in client.guardrails.list_all(limit=3)]
    assert [g.id for g in items] == [f"g{i}" for i in range(7)]
    assert offsets(seen) == [("0", "3"), ("3", "3"), ("6", "3")]


def test_exact_multiple_of_the_page_size_stops_without_an_extra_request() -> None:
    client, seen = make_client(paged(GUARDRAILS[:6]))
    assert len(list(client.guardrails.list_all(limit=3))) == 6
    assert offsets(seen) == [("0", "3"), ("3", "3")]


def test_a_server_cap_below_the_limit_does_not_end_the_walk_early() -> None:
    # limit=5 asked, the server caps pages at 2: total_count keeps the walk going
    client, seen = make_client(paged(GUARDRAILS, cap=2))
    assert len(list(client.guardrails.list_all(limit=5))) == 7
    assert [o for o, _ in offsets(seen)] == ["0", "2", "4", "6"]


def test_without_total_count_a_short_page_ends_the_walk() -> None:
    keys = [{"hash": f"h{i}", "name": f"k{i}"} for i in range(5)]
    client, seen = make_client(paged(keys, total=False, default=2))
    items = list(client.keys.list_all(include_disabled=True))
    assert [k.hash for k in items] == ["h0", "h1", "h2", "h3", "h4"]
    assert all(isinstance(k, ApiKey) for k in items)
    assert [r.url.params.get("offset") for r in seen.requests] == ["0", "2", "4"]
    assert all(r.url.params.get("include_disabled") == "true" for r in seen.requests)


def test_without_total_count_an_empty_page_ends_the_walk() -> None:
    keys = [{"hash": f"h{i}"} for i in range(4)]
    client, seen = make_client(paged(keys, total=False, default=2))
    assert len(list(client.keys.list_all())) == 4
    assert [r.url.params.get("offset") for r in seen.requests] == ["0", "2", "4"]


async def test_empty_list_makes_one_request() -> None:
    client, seen = make_async_client(paged([]))
    assert [g async for g in client.guardrails.list_all()] == []
    assert len(seen.requests) == 1


async def test_assignment_pagers_pick_the_endpoint_by_guardrail_id() -> None:
    rows = [{"id": f"a{i}", "key_hash": f"h{i}", "guardrail_id": "g1"} for i in range(3)]
    client, seen = make_async_client(paged(rows))
    every = [a async for a in client.guardrails.list_all_key_assignments(limit=2)]
    one = [a async for a in client.guardrails.list_all_key_assignments("g1", limit=2)]
    assert [a.key_hash for a in every] == [a.key_hash for a in one] == ["h0", "h1", "h2"]
    assert all(isinstance(a, KeyAssignment) for a in every)
    paths = [r.url.path for r in seen.requests]
    assert (
        paths
        == ["/api/v1/guardrails/assignments/keys"] * 2
        + ["/api/v1/guardrails/g1/assignments/keys"] * 2
    )


def test_member_pagers() -> None:
    rows = [{"id": f"u{i}", "user_id": f"u{i}"} for i in range(3)]
    client, seen = make_client(paged(rows))
    assert [m.id for m in client.organization.list_all_members(limit=2)] == ["u0", "u1", "u2"]
    assert [a.user_id for a in client.guardrails.list_all_member_assignments("g9")] == [
        "u0",
        "u1",
        "u2",
    ]
    assert seen.requests[-1].url.path == "/api/v1/guardrails/g9/assignments/members"


def test_paging_is_lazy_and_max_items_caps_it() -> None:
    fetched: list[int] = []

    class Page:
        def __init__(self, offset: int) -> None:
            self.data = list(range(offset, offset + 10))
            self.total_count = 1000

    def fetch(offset: int) -> Page:
        fetched.append(offset)
        return Page(offset)

    pager: Paginator[int] = Paginator(fetch, limit=10, max_items=25)
    assert fetched == []
    assert list(pager) == list(range(25))
    assert fetched == [0, 10, 20]


def test_wrong_iteration_style_says_which_to_use() -> None:
    sync_client, _ = make_client(paged(GUARDRAILS))
    async_client, _ = make_async_client(paged(GUARDRAILS))
    with pytest.raises(TypeError, match="async for"):
        list(async_client.guardrails.list_all())
    with pytest.raises(TypeError, match="use `for`"):
        sync_client.guardrails.list_all().__aiter__().__anext__().send(None)


@pytest.mark.parametrize("limit", [0, 101, -1, "5"])
def test_limit_is_checked_before_any_request(limit: Any) -> None:
    client, seen = make_client(paged(GUARDRAILS))
    with pytest.raises(InvalidRequestError, match="limit"):
        client.guardrails.list_all(limit=limit)
    with pytest.raises(InvalidRequestError, match="limit"):
        client.guardrails.list(limit=limit)
    assert seen.requests == []


def test_negative_offset_is_refused() -> None:
    client, _ = make_client(paged(GUARDRAILS))
    with pytest.raises(InvalidRequestError, match="offset"):
        client.keys.list(offset=-1)
