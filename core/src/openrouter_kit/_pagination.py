"""Auto-paging over offset/limit list endpoints, written once for both clients.

`Paginator` wraps a page fetcher, `fetch(offset) -> page`, where a page is a list model with
`.data` (and `total_count` when the API gives one). With the sync client the fetcher returns
the page and the paginator is iterated with `for`; with the async client the fetcher returns an
awaitable and the paginator is iterated with `async for`. Both walks share `_next_offset`.

A walk is bounded whatever the server answers: no single signal is trusted to end it, so a
server that ignores `offset`, or claims a huge `total_count`, cannot keep it fetching forever.
"""

from __future__ import annotations

import inspect
import logging
from collections.abc import AsyncIterator, Callable, Iterator
from typing import Any, Generic, TypeVar

from .errors import PaginationLimitError

T = TypeVar("T")

__all__ = ["DEFAULT_MAX_PAGES", "CursorPaginator", "Paginator"]

logger = logging.getLogger("openrouter_kit")

DEFAULT_MAX_PAGES = 1_000
"""Pages one walk may fetch before PaginationLimitError (100,000 items at 100 a page)."""


class Paginator(Generic[T]):
    """Every item of every page, fetched lazily: `for item in ...` (sync) or `async for` (async).

    The walk starts at `offset` and stops at the first of:
    - a page that comes back empty;
    - `total_count` reached;
    - a page shorter than the page size (the `limit` asked for, else the first page's size;
      while `total_count` says items remain, pages as long as the first one are a server cap
      on `limit`, not the end);
    - a page identical to the previous one (a server ignoring `offset`; its items are not
      yielded twice).
    `max_items` caps how many items are yielded; `max_pages` (default DEFAULT_MAX_PAGES,
    settable on the paginator before iterating) caps how many pages are fetched, and going
    past it raises PaginationLimitError after the items already fetched.
    """

    def __init__(
        self,
        fetch: Callable[[Any], Any],
        *,
        offset: int = 0,
        limit: int | None = None,
        max_items: int | None = None,
        max_pages: int | None = DEFAULT_MAX_PAGES,
    ) -> None:
        self._fetch = fetch
        self._offset = offset
        self._limit = limit
        self._max_items = max_items
        self.max_pages = max_pages
        self.pages_fetched = 0
        self._previous: list[T] | None = None
        self._first_size = 0
        self._page_size = limit

    def __repr__(self) -> str:
        return f"Paginator(offset={self._offset}, limit={self._limit}, pages_fetched={self.pages_fetched})"

    def _check_cap(self) -> None:
        cap = self.max_pages
        if cap is not None and self.pages_fetched >= cap:
            raise PaginationLimitError(
                f"Stopped paging after {self.pages_fetched} pages (max_pages={cap}) and the "
                "server still reports more: set paginator.max_pages higher (or None) if the "
                "list really is that long, or page by hand with offset/limit."
            )

    def _next_offset(
        self, page: Any, offset: int, page_size: int | None
    ) -> tuple[list[T], int | None, int | None]:
        """(items of this page, the offset of the next page or None at the end, the page size)."""
        self.pages_fetched += 1
        items: list[T] = list(page.data or ())
        if not items:
            return items, None, page_size
        previous, self._previous = self._previous, items
        if previous is not None and items == previous:
            logger.warning(
                "Paging stopped: the page at offset %d repeats the previous one "
                "(the server ignored offset)",
                offset,
            )
            return [], None, page_size
        if page_size is None:
            page_size = len(items)
        if self.pages_fetched == 1:
            self._first_size = len(items)
        next_offset = offset + len(items)
        total = getattr(page, "total_count", None)
        if isinstance(total, int) and not isinstance(total, bool):
            if next_offset >= total:
                return items, None, page_size
            # Items remain by the server's count. A page shorter than the limit asked for is
            # then a server cap only if it is as long as the first page; any shorter, it ends.
            if len(items) < min(page_size, self._first_size):
                return items, None, page_size
            return items, next_offset, page_size
        if len(items) < page_size:
            return items, None, page_size
        return items, next_offset, page_size

    def _begin(self) -> Any:
        """Where the walk starts (a walk that meets None stops)."""
        self._page_size = self._limit
        return self._offset

    def _argument(self, position: Any) -> Any:
        """What `fetch` is called with for the page at `position`."""
        return position

    def _advance(self, page: Any, position: Any) -> tuple[list[T], Any]:
        """(items of this page, the next page's position or None at the end)."""
        items, next_offset, self._page_size = self._next_offset(page, position, self._page_size)
        return items, next_offset

    def __iter__(self) -> Iterator[T]:
        position = self._begin()
        remaining = self._max_items
        self._previous = None
        self.pages_fetched = 0
        while position is not None and (remaining is None or remaining > 0):
            self._check_cap()
            page = self._fetch(self._argument(position))
            if inspect.isawaitable(page):
                close = getattr(page, "close", None)
                if close is not None:
                    close()  # an un-awaited coroutine would warn
                raise TypeError("This paginator belongs to an async client: use `async for`.")
            items, position = self._advance(page, position)
            for item in items:
                if remaining is not None:
                    if remaining <= 0:
                        return
                    remaining -= 1
                yield item

    async def _aiter(self) -> AsyncIterator[T]:
        position = self._begin()
        remaining = self._max_items
        self._previous = None
        self.pages_fetched = 0
        while position is not None and (remaining is None or remaining > 0):
            self._check_cap()
            page = self._fetch(self._argument(position))
            if not inspect.isawaitable(page):
                raise TypeError("This paginator belongs to a sync client: use `for`.")
            items, position = self._advance(await page, position)
            for item in items:
                if remaining is not None:
                    if remaining <= 0:
                        return
                    remaining -= 1
                yield item

    def __aiter__(self) -> AsyncIterator[T]:
        return self._aiter()


class CursorPaginator(Paginator[T]):
    """Every item of a cursor-paged list (`GET /files`): each page names the next one's cursor.

    `fetch(cursor)` gets the page after `cursor` (None: the first page, or from `cursor` when one
    is given). The walk stops at the first of: an empty page, `has_more: false`, no next cursor,
    a next cursor equal to the one just used (a server ignoring it; logged), `max_items`, and
    `max_pages` (PaginationLimitError, as for offset lists).
    """

    def __init__(
        self,
        fetch: Callable[[str | None], Any],
        *,
        cursor: str | None = None,
        max_items: int | None = None,
        max_pages: int | None = DEFAULT_MAX_PAGES,
    ) -> None:
        super().__init__(fetch, max_items=max_items, max_pages=max_pages)
        self._cursor = cursor

    def __repr__(self) -> str:
        return f"CursorPaginator(cursor={self._cursor!r}, pages_fetched={self.pages_fetched})"

    def _begin(self) -> Any:
        return (self._cursor,)  # a position, never None: the first page has no cursor

    def _argument(self, position: Any) -> Any:
        return position[0]

    def _advance(self, page: Any, position: Any) -> tuple[list[T], Any]:
        self.pages_fetched += 1
        items: list[T] = list(getattr(page, "data", None) or ())
        if not items or getattr(page, "has_more", None) is False:
            return items, None
        cursor = getattr(page, "cursor", None)
        if not cursor:
            return items, None
        if cursor == position[0]:
            logger.warning("Paging stopped: the next cursor repeats the one just used (%s)", cursor)
            return items, None
        return items, (cursor,)
