"""What the per-group backends (workspaces, integrations, presets, files, media, insights) share.

Each backend is one API group, moto style: it owns its in-memory records and returns its
routes; ``handler.Emulator`` only routes and authenticates. Records take the shape of the
OpenAPI document's own example answers (``spec_examples.json``, written by
``tests/emulator/extract_examples.py``), with every field the request or the state decides
filled in, so answers validate against the documented schemas.
"""

from __future__ import annotations

import copy
import functools
import json
from collections.abc import Callable
from importlib import resources
from typing import Any, Protocol

from .ids import IdFactory
from .state import iso
from .wire import ApiError, EmulatorRequest, EmulatorResponse, bad_request


class Ctx(Protocol):
    """The slice of ``handler._Ctx`` a backend uses."""

    request: EmulatorRequest
    params: dict[str, str]

    def body(self) -> dict[str, Any]: ...

    def query_int(self, name: str, default: int, maximum: int | None = None) -> int: ...


Route = tuple[str, str, Callable[[Any], EmulatorResponse], str]


@functools.lru_cache(maxsize=1)
def _examples() -> dict[str, Any]:
    raw = resources.files(__package__).joinpath("spec_examples.json").read_text("utf-8")
    loaded: dict[str, Any] = json.loads(raw)
    return loaded


def example(operation_id: str) -> Any:
    """A fresh copy of the document's example answer for one operation."""
    return copy.deepcopy(_examples()[operation_id])


def record(operation_id: str, *path: str | int) -> dict[str, Any]:
    """One record out of an example answer, e.g. ``record("createWorkspace", "data")``."""
    value = example(operation_id)
    for step in path:
        value = value[step]
    assert isinstance(value, dict)
    return value


def timestamp(ids: IdFactory) -> str:
    return iso(ids.now())


def require(body: dict[str, Any], *names: str) -> None:
    for name in names:
        if body.get(name) in (None, ""):
            raise bad_request(f"{name} is required")


def update(target: dict[str, Any], body: dict[str, Any], allowed: set[str]) -> None:
    """Copy the documented fields of a request body onto a record."""
    for name, value in body.items():
        if name in allowed:
            target[name] = value


def page(ctx: Ctx, items: list[dict[str, Any]]) -> dict[str, Any]:
    """``offset``/``limit`` paging with ``total_count``, as the management lists do."""
    offset = ctx.query_int("offset", 0)
    limit = ctx.query_int("limit", 100, maximum=100)
    return {"data": items[offset : offset + limit], "total_count": len(items)}


def found(store: dict[str, dict[str, Any]], key: str, what: str) -> dict[str, Any]:
    item = store.get(key)
    if item is None:
        raise ApiError(404, f"{what} not found", with_user=False)
    return item
