"""The byok group: Bring-your-own-key provider keys (management key)."""

from __future__ import annotations

from ._operations import all_pages, operation
from ._resource import Resource


class Byok(Resource):
    """Bring-your-own-key provider keys (management key)."""

    list = operation("byok.list")
    """GET /byok"""
    list_all = all_pages("byok.list")
    """Every item of GET /byok, page by page."""
    create = operation("byok.create")
    """POST /byok"""
    get = operation("byok.get")
    """GET /byok/{id}"""
    update = operation("byok.update")
    """PATCH /byok/{id}"""
    delete = operation("byok.delete")
    """DELETE /byok/{id}"""
