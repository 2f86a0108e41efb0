"""The benchmarks group: Benchmarks of models."""

from __future__ import annotations

from ._operations import operation
from ._resource import Resource


class Benchmarks(Resource):
    """Benchmarks of models."""

    list = operation("benchmarks.list")
    """GET /benchmarks"""
