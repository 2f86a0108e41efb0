"""The images group: Image generation, image models and their endpoints."""

from __future__ import annotations

from ._operations import operation
from ._resource import Resource


class Images(Resource):
    """Image generation, image models and their endpoints."""

    generate = operation("images.generate")
    """POST /images"""
    list_models = operation("images.list_models")
    """GET /images/models"""
    endpoints = operation("images.endpoints")
    """GET /images/models/{author}/{slug}/endpoints"""
