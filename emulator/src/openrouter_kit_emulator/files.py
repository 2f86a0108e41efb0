"""Files: multipart upload, cursor-paged list, metadata, content bytes and delete."""

from __future__ import annotations

import base64
from typing import Any

from . import multipart
from .backend import Ctx, Route, found, timestamp
from .ids import IdFactory
from .wire import EmulatorResponse, bad_request, headers_with, json_response

LIST_MAX = 1000  # documented `limit` range 1..1000
UPLOAD_MAX = 32 * 1024 * 1024


class Files:
    def __init__(self, ids: IdFactory) -> None:
        self.ids = ids
        self.items: dict[str, dict[str, Any]] = {}  # metadata, upload order
        self.content: dict[str, bytes] = {}

    def routes(self) -> list[Route]:
        return [
            ("GET", "/files", self._list, "key"),
            ("POST", "/files", self._upload, "key"),
            ("GET", "/files/{file_id}", self._get, "key"),
            ("GET", "/files/{file_id}/content", self._download, "key"),
            ("DELETE", "/files/{file_id}", self._delete, "key"),
        ]

    def _upload(self, ctx: Ctx) -> EmulatorResponse:
        parts = multipart.parse(ctx.request.header("content-type") or "", ctx.request.body)
        part = parts.get("file")
        if part is None or part.filename is None:
            raise bad_request("file is required (a multipart file field)")
        if len(part.data) > UPLOAD_MAX:
            raise bad_request("file is larger than 32 MB")
        file_id = "or_file_" + self.ids.hex(24)
        item = {
            "_shape": "openrouter",
            "id": file_id,
            "type": "file",
            "filename": part.filename,
            "mime_type": part.content_type or "application/octet-stream",
            "size_bytes": len(part.data),
            "created_at": timestamp(self.ids),
            "downloadable": True,
        }
        self.items[file_id] = item
        self.content[file_id] = part.data
        return json_response(200, item)

    def _list(self, ctx: Ctx) -> EmulatorResponse:
        query = ctx.request.query
        limit = ctx.query_int("limit", 100)
        if not 1 <= limit <= LIST_MAX:
            raise bad_request(f"limit must be between 1 and {LIST_MAX}")
        if query.get("order", "asc") != "asc":
            raise bad_request("order: only asc is supported by OpenRouter storage")
        if query.get("before_id"):
            raise bad_request("before_id is not supported by OpenRouter storage")
        ids = list(self.items)
        after = query.get("after") or query.get("after_id")
        if query.get("cursor"):
            try:
                after = base64.urlsafe_b64decode(query["cursor"].encode()).decode()
            except ValueError:
                raise bad_request("cursor is not a cursor from a previous response") from None
        if after:
            if after not in self.items:
                raise bad_request(f"Unknown file id to list after: {after}")
            ids = ids[ids.index(after) + 1 :]
        page, more = ids[:limit], len(ids) > limit
        cursor = base64.urlsafe_b64encode(page[-1].encode()).decode() if more else None
        return json_response(
            200,
            {
                "_shape": "openrouter",
                "data": [self.items[i] for i in page],
                "has_more": more,
                "first_id": page[0] if page else None,
                "last_id": page[-1] if page else None,
                "cursor": cursor,
            },
        )

    def _get(self, ctx: Ctx) -> EmulatorResponse:
        return json_response(200, found(self.items, ctx.params["file_id"], "File"))

    def _download(self, ctx: Ctx) -> EmulatorResponse:
        item = found(self.items, ctx.params["file_id"], "File")
        disposition = f'attachment; filename="{item["filename"]}"'
        return EmulatorResponse(
            200,
            headers_with("application/octet-stream", [("content-disposition", disposition)]),
            body=self.content[item["id"]],
        )

    def _delete(self, ctx: Ctx) -> EmulatorResponse:
        found(self.items, ctx.params["file_id"], "File")
        del self.items[ctx.params["file_id"]]
        del self.content[ctx.params["file_id"]]
        return json_response(
            200, {"_shape": "openrouter", "id": ctx.params["file_id"], "type": "file_deleted"}
        )
