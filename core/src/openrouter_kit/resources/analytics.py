"""The analytics group: Analytics: the query metadata and queries over usage."""

from __future__ import annotations

from ._operations import operation
from ._resource import Resource


class Analytics(Resource):
    """Analytics: the query metadata and queries over usage."""

    meta = operation("analytics.meta")
    """GET /analytics/meta"""
    query = operation("analytics.query")
    """POST /analytics/query"""
