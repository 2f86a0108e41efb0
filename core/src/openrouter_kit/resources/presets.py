"""The presets group: Presets, their versions, and chat/messages/responses through a preset."""

from __future__ import annotations

from ._operations import all_pages, operation
from ._resource import Resource


class Presets(Resource):
    """Presets, their versions, and chat/messages/responses through a preset."""

    list = operation("presets.list")
    """GET /presets"""
    list_all = all_pages("presets.list")
    """Every item of GET /presets, page by page."""
    get = operation("presets.get")
    """GET /presets/{slug}"""
    list_versions = operation("presets.list_versions")
    """GET /presets/{slug}/versions"""
    list_all_versions = all_pages("presets.list_versions")
    """Every item of GET /presets/{slug}/versions, page by page."""
    get_version = operation("presets.get_version")
    """GET /presets/{slug}/versions/{version}"""
    create_chat_completion = operation("presets.create_chat_completion")
    """POST /presets/{slug}/chat/completions"""
    create_message = operation("presets.create_message")
    """POST /presets/{slug}/messages"""
    create_response = operation("presets.create_response")
    """POST /presets/{slug}/responses"""
