"""The videos group: Video generation as asynchronous jobs, their content (binary), video models."""

from __future__ import annotations

from ._operations import operation
from ._resource import Resource


class Videos(Resource):
    """Video generation as asynchronous jobs, their content (binary), video models."""

    create = operation("videos.create")
    """POST /videos"""
    get = operation("videos.get")
    """GET /videos/{jobId}"""
    content = operation("videos.content")
    """GET /videos/{jobId}/content"""
    list_models = operation("videos.list_models")
    """GET /videos/models"""
