"""The observability group: Observability destinations (management key)."""

from __future__ import annotations

from ._operations import all_pages, operation
from ._resource import Resource


class Observability(Resource):
    """Observability destinations (management key)."""

    list_destinations = operation("observability.list_destinations")
    """GET /observability/destinations"""
    list_all_destinations = all_pages("observability.list_destinations")
    """Every item of GET /observability/destinations, page by page."""
    create_destination = operation("observability.create_destination")
    """POST /observability/destinations"""
    get_destination = operation("observability.get_destination")
    """GET /observability/destinations/{id}"""
    update_destination = operation("observability.update_destination")
    """PATCH /observability/destinations/{id}"""
    delete_destination = operation("observability.delete_destination")
    """DELETE /observability/destinations/{id}"""
