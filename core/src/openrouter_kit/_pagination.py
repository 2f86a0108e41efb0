"""Auto-paging over offset/limit list endpoints, written once for both clients.

`Paginator` wraps a page fetcher, `fetch(offset) -> page`, where a page is a list model with
`.data` (and `total_count` when the API gives one). With the sync client the fetcher returns
the page and the paginator is iterated with `for`; with the async client the fetcher returns an
awaitable and the paginator is iterated with `async for`. Both walks share `_next_offset`.
"""

from __future__ import annotations

import inspect
from collections.abc import AsyncIterator, Callable, Iterator
from typing import Any, Generic, TypeVar

T = TypeVar("T")

__all__ = ["Paginator"]


class Paginator(Generic[T]):
    """Every item of every page, fetched lazily: `for item in ...` (sync) or `async for` (async).

    The walk starts at `offset` and stops when `total_count` is reached, or when a page comes
    back empty or shorter than the page size (the `limit` asked for, else the first page's size).
    `max_items` caps how many items are yielded in total.
    """

    def __init__(
        self,
        fetch: Callable[[int], Any],
        *,
        offset: int = 0,
        limit: int | None = None,
        max_items: int | None = None,
    ) -> None:
        self._fetch = fetch
        self._offset = offset
        self._limit = limit
        self._max_items = max_items
        self.pages_fetched = 0

    def __repr__(self) -> str:
        return f"Paginator(offset={self._offset}, limit={self._limit}, pages_fetched={self.pages_fetched})"

    def _next_offset(
        self, page: Any, offset: int, page_size: int | None
    ) -> tuple[list[T], int | None, int | None]:
        """(items of this page, the offset of the next page or None at the end, the page size)."""
        self.pages_fetched += 1
        items: list[T] = list(page.data or ())
        if not items:
            return items, None, page_size
        if page_size is None:
            page_size = len(items)
        next_offset = offset + len(items)
        total = getattr(page, "total_count", None)
        if isinstance(total, int):
            # The server's own count is the surest end (a server may cap `limit`, so short pages
            # are not proof of the end while items remain).
            return items, (next_offset if next_offset < total else None), page_size
        if len(items) < page_size:
            return items, None, page_size
        return items, next_offset, page_size

    def __iter__(self) -> Iterator[T]:
        offset: int | None = self._offset
        page_size = self._limit
        remaining = self._max_items
        while offset is not None and (remaining is None or remaining > 0):
            page = self._fetch(offset)
            if inspect.isawaitable(page):
                close = getattr(page, "close", None)
                if close is not None:
                    close()  # an un-awaited coroutine would warn
                raise TypeError("This paginator belongs to an async client: use `async for`.")
            items, offset, page_size = self._next_offset(page, offset, page_size)
            for item in items:
                if remaining is not None:
                    if remaining <= 0:
                        return
                    remaining -= 1
                yield item

    async def _aiter(self) -> AsyncIterator[T]:
        offset: int | None = self._offset
        page_size = self._limit
        remaining = self._max_items
        while offset is not None and (remaining is None or remaining > 0):
            page = self._fetch(offset)
            if not inspect.isawaitable(page):
                raise TypeError("This paginator belongs to a sync client: use `for`.")
            items, offset, page_size = self._next_offset(await page, offset, page_size)
            for item in items:
                if remaining is not None:
                    if remaining <= 0:
                        return
                    remaining -= 1
                yield item

    def __aiter__(self) -> AsyncIterator[T]:
        return self._aiter()
