"""The shape of one generated operation row (see tools/gen_api.py)."""

from __future__ import annotations

from typing import NamedTuple


class Operation(NamedTuple):
    """One operation of the OpenAPI document, as the client needs to call it."""

    name: str
    operation_id: str
    method: str
    path: str
    path_params: tuple[str, ...]
    query: tuple[str, ...]
    headers: tuple[str, ...]
    body: tuple[str, ...]
    required: tuple[str, ...]
    request: tuple[str, ...]
    response: tuple[str, ...]
    status: int
    deprecated: bool

    @property
    def binary(self) -> bool:
        """The success answer is bytes (audio, a file, a video), not JSON."""
        return bool(self.response) and not any(
            kind.startswith(("application/json", "text/event-stream")) for kind in self.response
        )

    @property
    def streams(self) -> bool:
        return "text/event-stream" in self.response

    @property
    def multipart(self) -> bool:
        return "multipart/form-data" in self.request
