"""The classifications group: Task classifications of requests."""

from __future__ import annotations

from ._operations import operation
from ._resource import Resource


class Classifications(Resource):
    """Task classifications of requests."""

    tasks = operation("classifications.tasks")
    """GET /classifications/task"""
