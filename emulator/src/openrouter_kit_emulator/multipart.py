"""A small ``multipart/form-data`` parser for the upload endpoints (files, transcriptions)."""

from __future__ import annotations

from dataclasses import dataclass

from .wire import bad_request


@dataclass
class Part:
    name: str
    data: bytes
    filename: str | None = None
    content_type: str | None = None

    @property
    def text(self) -> str:
        return self.data.decode("utf-8", "replace")


def _params(header: str) -> tuple[str, dict[str, str]]:
    value, *rest = header.split(";")
    params = {}
    for item in rest:
        name, _, raw = item.strip().partition("=")
        params[name.lower()] = raw.strip().strip('"')
    return value.strip().lower(), params


def parse(content_type: str, body: bytes) -> dict[str, Part]:
    """The parts of a multipart body by field name (400 when the body is not multipart)."""
    kind, params = _params(content_type or "")
    boundary = params.get("boundary")
    if kind != "multipart/form-data" or not boundary:
        raise bad_request("Request body must be multipart/form-data")
    parts: dict[str, Part] = {}
    for chunk in body.split(b"--" + boundary.encode())[1:]:
        if chunk.startswith(b"--"):
            break
        head, sep, data = chunk.partition(b"\r\n\r\n")
        if not sep:
            continue
        headers = {}
        for line in head.decode("utf-8", "replace").strip().split("\r\n"):
            key, _, value = line.partition(":")
            headers[key.strip().lower()] = value.strip()
        _, disposition = _params(headers.get("content-disposition", ""))
        field = disposition.get("name")
        if field:
            parts[field] = Part(
                field,
                data[:-2] if data.endswith(b"\r\n") else data,
                disposition.get("filename"),
                headers.get("content-type"),
            )
    return parts
