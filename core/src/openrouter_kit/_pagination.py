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

__all__ = ["DEFAULT_MAX_PAGES", "Paginator"]

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
        fetch: Callable[[int], Any],
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

    def __iter__(self) -> Iterator[T]:
        offset: int | None = self._offset
        page_size = self._limit
        remaining = self._max_items
        self._previous = None
        self.pages_fetched = 0
        while offset is not None and (remaining is None or remaining > 0):
            self._check_cap()
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
        self._previous = None
        self.pages_fetched = 0
        while offset is not None and (remaining is None or remaining > 0):
            self._check_cap()
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
