"""The files group: Files: upload (multipart), list, metadata, content (binary), delete."""

from __future__ import annotations

from ._operations import all_pages, operation
from ._resource import Resource


class Files(Resource):
    """Files: upload (multipart), list, metadata, content (binary), delete."""

    list = operation("files.list")
    """GET /files"""
    list_all = all_pages("files.list")
    """Every item of GET /files, page by page."""
    create = operation("files.create")
    """POST /files"""
    get = operation("files.get")
    """GET /files/{file_id}"""
    content = operation("files.content")
    """GET /files/{file_id}/content"""
    delete = operation("files.delete")
    """DELETE /files/{file_id}"""
