"""Methods made from the generated operation table, for groups with no hand-written code.

`operation("workspaces.get")` is a method that takes the path parameters positionally and every
documented body field, query parameter and header parameter as a keyword under its wire name
(headers in snake case: `x_openrouter_metadata=`), refuses anything else with a TypeError that
points to extra_body, checks the document's required fields before sending, and hands the call
to the pipeline. The sync and async clients share it: the pipeline decides how it is sent.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from typing import Any

from .._generated._operation import Operation
from .._generated.operations import OPERATIONS
from .._pagination import CursorPaginator, Paginator
from ..errors import InvalidRequestError
from ._resource import Resource, split_options


def _keyword(header: str) -> str:
    return header.lower().replace("-", "_")


def find(name: str) -> Operation:
    """The generated row of a Python method name (the one without optional path parameters)."""
    rows = sorted(
        (op for op in OPERATIONS.values() if op.name == name), key=lambda o: len(o.path_params)
    )
    if not rows:
        raise KeyError(f"no operation named {name!r} in spec/operations.tsv")
    return rows[0]


def operation(name: str) -> Callable[..., Any]:
    """A resource method for the operation named `name` (see the module docstring)."""
    op = find(name)
    headers = {_keyword(h): h for h in op.headers}
    allowed = frozenset(op.query) | frozenset(op.body) | frozenset(headers)
    # models.get("author/slug"): one positional argument fills {author}/{slug}
    joined = op.path_params == ("author", "slug")

    def method(self: Resource, *args: str, **params: Any) -> Any:
        if joined and len(args) == 1 and "/" in args[0]:
            args = tuple(args[0].split("/", 1))
        if len(args) != len(op.path_params):
            wanted = ", ".join(op.path_params) or "no positional arguments"
            raise TypeError(f"{name}() takes {wanted}; got {len(args)} positional argument(s)")
        options = split_options(name, params, allowed)
        for field in op.required:
            if field not in params and field not in (options.get("extra_body") or {}):
                raise InvalidRequestError(field, f"required by {op.method} {op.path}")
        query = {key: params.pop(key) for key in op.query if key in params}
        sent_headers = {
            headers[key]: str(params.pop(key)) for key in list(params) if key in headers
        }
        if sent_headers:
            options["extra_headers"] = {**sent_headers, **(options.get("extra_headers") or {})}
        if op.deprecated:
            warnings.warn(
                f"{name}() calls {op.method} {op.path}, which OpenRouter's API document marks "
                "deprecated: it no longer succeeds",
                DeprecationWarning,
                stacklevel=2,
            )
        return self._request(
            name,
            stream=bool(params.get("stream")) and op.streams,
            path_params=dict(zip(op.path_params, args, strict=True)) or None,
            query=query or None,
            body=params if op.request else None,
            **options,
        )

    method.__name__ = name.rsplit(".", 1)[1]
    method.__qualname__ = name
    fields = ", ".join([*op.body, *op.query, *headers]) or "none"
    method.__doc__ = f"{op.method} {op.path} ({op.operation_id}). Keywords: {fields}."
    return method


def all_pages(name: str) -> Callable[..., Paginator[Any]]:
    """A `list_all` method for the generated list operation `name`: every item of every page.

    It takes what the list method takes (path parameters, filters, `limit` as the page size),
    plus `max_items`, and returns a paginator to iterate with `for` (or `async for` with
    AsyncOpenRouter). Offset-paged lists start at `offset=` (default 0); cursor-paged ones
    (GET /files) follow each page's `cursor`, from `cursor=` when given. Keywords are checked
    when it is called, before any page is fetched.
    """
    op = find(name)
    page = operation(name)
    by_cursor = "cursor" in op.query
    if not by_cursor and "offset" not in op.query:
        raise ValueError(f"{name} is not a paged list (no offset or cursor parameter)")
    allowed = frozenset(op.query) | frozenset(op.body) | frozenset(_keyword(h) for h in op.headers)

    def method(
        self: Resource, *args: str, max_items: int | None = None, **params: Any
    ) -> Paginator[Any]:
        split_options(name, dict(params), allowed)  # a misspelt keyword fails now, not mid-walk
        if by_cursor:
            start = params.pop("cursor", None)

            def fetch_after(cursor: str | None) -> Any:
                return page(self, *args, **params, **({"cursor": cursor} if cursor else {}))

            return CursorPaginator(fetch_after, cursor=start, max_items=max_items)
        start_offset = params.pop("offset", 0)

        def fetch_at(offset: int) -> Any:
            return page(self, *args, **params, offset=offset)

        return Paginator(
            fetch_at, offset=start_offset, limit=params.get("limit"), max_items=max_items
        )

    list_name = name.rsplit(".", 1)[1]
    method.__name__ = list_name.replace("list", "list_all", 1)
    method.__qualname__ = f"{name.rsplit('.', 1)[0]}.{method.__name__}"
    method.__doc__ = (
        f"Every item of {op.method} {op.path}, page by page (`for`, or `async for` with "
        f"AsyncOpenRouter). Keywords: those of {list_name}(), and max_items."
    )
    return method
