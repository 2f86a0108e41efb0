"""list_all on the generated list operations: offset pages and GET /files' cursor pages."""

from __future__ import annotations

import base64
import logging

import httpx
import pytest
from core_support import make_async_client, make_client
from openrouter_kit import AsyncOpenRouter, OpenRouter
from openrouter_kit._pagination import CursorPaginator, Paginator
from openrouter_kit.errors import PaginationLimitError

ITEMS = [{"id": f"item-{i}", "name": f"n{i}"} for i in range(5)]


def offset_pages(request: httpx.Request) -> httpx.Response:
    """An offset/limit list of ITEMS that honours both parameters."""
    offset = int(request.url.params.get("offset", 0))
    limit = int(request.url.params.get("limit", 100))
    return httpx.Response(200, json={"data": ITEMS[offset : offset + limit]})


def test_offset_lists_walk_every_page_with_the_filters_on_each() -> None:
    client, seen = make_client(offset_pages)
    pager = client.byok.list_all(limit=2, provider="openai")
    assert isinstance(pager, Paginator)
    assert [item["id"] for item in pager] == [i["id"] for i in ITEMS]
    assert [dict(r.url.params) for r in seen.requests] == [
        {"limit": "2", "provider": "openai", "offset": "0"},
        {"limit": "2", "provider": "openai", "offset": "2"},
        {"limit": "2", "provider": "openai", "offset": "4"},
    ]
    assert {r.url.path for r in seen.requests} == {"/api/v1/byok"}


def test_path_parameters_start_offset_and_max_items() -> None:
    client, seen = make_client(offset_pages)
    items = list(client.presets.list_all_versions("my-preset", offset=1, limit=2, max_items=3))
    assert [item["id"] for item in items] == ["item-1", "item-2", "item-3"]
    assert {r.url.path for r in seen.requests} == {"/api/v1/presets/my-preset/versions"}
    assert [r.url.params["offset"] for r in seen.requests] == ["1", "3"]


def test_every_generated_offset_list_has_its_list_all() -> None:
    client, seen = make_client(offset_pages)
    walks = {
        "/api/v1/observability/destinations": client.observability.list_all_destinations(),
        "/api/v1/presets": client.presets.list_all(),
        "/api/v1/scim/group-mappings": client.scim.list_all_group_mappings(),
        "/api/v1/workspaces": client.workspaces.list_all(),
        "/api/v1/workspaces/ws-1/members": client.workspaces.list_all_members("ws-1"),
    }
    for path, pager in walks.items():
        assert len(list(pager)) == 5, path
        assert seen.last.url.path == path
    groups = client.scim.list_all_groups()
    assert len(list(groups)) == 5 and "/scim/" in seen.last.url.path


def test_a_misspelt_keyword_fails_when_called_before_any_page() -> None:
    client, seen = make_client(offset_pages)
    with pytest.raises(TypeError, match="extra_body"):
        client.workspaces.list_all(limt=2)
    assert seen.requests == []


def cursor_of(file_id: str) -> str:
    return base64.urlsafe_b64encode(file_id.encode()).decode()


def test_files_follow_each_pages_cursor_against_the_emulator() -> None:
    with OpenRouter(base_url="emulator://") as client:
        uploaded = [
            client.files.create(file=(f"f{i}.txt", b"x" * i)).to_dict()["id"] for i in range(5)
        ]
        pager = client.files.list_all(limit=2)
        assert isinstance(pager, CursorPaginator)
        assert [item["id"] for item in pager] == uploaded
        assert pager.pages_fetched == 3
        first_three = [item["id"] for item in client.files.list_all(limit=2, max_items=3)]
        assert first_three == uploaded[:3]
        resumed = client.files.list_all(limit=2, cursor=cursor_of(uploaded[1]))
        assert [item["id"] for item in resumed] == uploaded[2:]


def test_a_cursor_that_repeats_ends_the_walk(caplog: pytest.LogCaptureFixture) -> None:
    def stuck(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json={"data": ITEMS[:2], "has_more": True, "cursor": "same"})

    client, seen = make_client(stuck)
    with caplog.at_level(logging.WARNING, logger="openrouter_kit"):
        items = list(client.files.list_all())
    assert len(items) == 4 and len(seen.requests) == 2
    assert [r.url.params.get("cursor") for r in seen.requests] == [None, "same"]
    assert "repeats" in caplog.text


@pytest.mark.parametrize(
    "last_page",
    [
        {"data": ITEMS[2:], "has_more": False, "cursor": "more?"},
        {"data": ITEMS[2:], "has_more": True, "cursor": None},
        {"data": [], "has_more": True, "cursor": "next"},
    ],
    ids=["has_more false", "no cursor", "empty page"],
)
def test_the_walk_ends_on_any_end_signal(last_page: dict[str, object]) -> None:
    pages = iter([{"data": ITEMS[:2], "has_more": True, "cursor": "c1"}, last_page])
    client, seen = make_client(lambda r: httpx.Response(200, json=next(pages)))
    items = list(client.files.list_all())
    assert len(seen.requests) == 2
    assert len(items) == 2 + len(last_page["data"])  # type: ignore[arg-type]


def test_max_pages_bounds_an_endless_cursor_list() -> None:
    counter = iter(range(10_000))
    client, _ = make_client(
        lambda r: httpx.Response(
            200, json={"data": ITEMS[:1], "has_more": True, "cursor": f"c{next(counter)}"}
        )
    )
    pager = client.files.list_all()
    pager.max_pages = 5
    with pytest.raises(PaginationLimitError):
        list(pager)
    assert pager.pages_fetched == 5


async def test_async_clients_walk_with_async_for() -> None:
    client, seen = make_async_client(offset_pages)
    ids = [item["id"] async for item in client.workspaces.list_all(limit=3)]
    assert ids == [i["id"] for i in ITEMS] and len(seen.requests) == 2
    async with AsyncOpenRouter(base_url="emulator://") as emulated:
        for i in range(3):
            await emulated.files.create(file=(f"a{i}.txt", b"a"))
        names = [item["filename"] async for item in emulated.files.list_all(limit=1)]
    assert names == ["a0.txt", "a1.txt", "a2.txt"]
