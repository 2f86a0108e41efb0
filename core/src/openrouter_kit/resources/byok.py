"""The byok group: Bring-your-own-key provider keys (management key)."""

from __future__ import annotations

from ._operations import operation
from ._resource import Resource


class Byok(Resource):
    """Bring-your-own-key provider keys (management key)."""

    list = operation("byok.list")
    """GET /byok"""
    create = operation("byok.create")
    """POST /byok"""
    get = operation("byok.get")
    """GET /byok/{id}"""
    update = operation("byok.update")
    """PATCH /byok/{id}"""
    delete = operation("byok.delete")
    """DELETE /byok/{id}"""
