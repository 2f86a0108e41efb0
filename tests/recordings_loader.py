"""Read the real OpenRouter traffic in tests/recordings into replayable interactions.

Two formats: vcrpy YAML cassettes (pydantic-ai, chatlas, magentic, crewAI, llm-openrouter)
and ai-sdk-provider fixture folders (request.json + response.json|jsonl + response.meta.json).
Bodies come back as the bytes the server sent (decoded), so tests replay them verbatim.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import httpx
import yaml

RECORDINGS = Path(__file__).parent / "recordings"
_DROP_HEADERS = {"content-encoding", "content-length", "transfer-encoding", "set-cookie"}


@dataclass
class Interaction:
    """One recorded request and the response OpenRouter gave to it."""

    source: str  # path relative to tests/recordings, plus #n for cassettes with several
    method: str
    url: str
    request_body: Any
    status: int
    headers: dict[str, str]
    body: bytes
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def path(self) -> str:
        return httpx.URL(self.url).path.removeprefix("/api/v1")

    @property
    def is_sse(self) -> bool:
        return "text/event-stream" in self.headers.get(
            "content-type", ""
        ) or self.body.lstrip().startswith((b"data:", b": OPENROUTER"))

    def response(self, request: httpx.Request | None = None) -> httpx.Response:
        return httpx.Response(self.status, headers=self.headers, content=self.body, request=request)

    def transport(self) -> httpx.MockTransport:
        """A transport that answers every request with this recorded response and keeps what was sent."""
        sent: list[httpx.Request] = []

        def handler(request: httpx.Request) -> httpx.Response:
            sent.append(request)
            return self.response(request)

        transport = httpx.MockTransport(handler)
        transport.sent = sent  # type: ignore[attr-defined]
        return transport


def _headers(raw: Any) -> dict[str, str]:
    headers: dict[str, str] = {}
    for key, value in (raw or {}).items():
        if key.lower() in _DROP_HEADERS:
            continue
        headers[key.lower()] = value[0] if isinstance(value, list) else str(value)
    return headers


def _body_bytes(response: dict[str, Any]) -> bytes:
    if "parsed_body" in response:
        return json.dumps(response["parsed_body"]).encode()
    body = response.get("body")
    if isinstance(body, dict):
        body = body.get("string", "")
    if body is None:
        return b""
    return body.encode() if isinstance(body, str) else bytes(body)


def _request_body(request: dict[str, Any]) -> Any:
    if "parsed_body" in request:
        return request["parsed_body"]
    body = request.get("body")
    if isinstance(body, dict):
        body = body.get("string")
    if not body:
        return None
    try:
        return json.loads(body)
    except (TypeError, ValueError):
        return body


def _from_cassette(path: Path) -> Iterator[Interaction]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    items = data.get("interactions", []) if isinstance(data, dict) else []
    for n, item in enumerate(items):
        request, response = item["request"], item["response"]
        status = response.get("status", {})
        yield Interaction(
            source=f"{path.relative_to(RECORDINGS)}#{n}",
            method=request.get("method", "GET"),
            url=request.get("uri", ""),
            request_body=_request_body(request),
            status=int(status.get("code", 200)) if isinstance(status, dict) else int(status),
            headers=_headers(response.get("headers")),
            body=_body_bytes(response),
        )


def _sse_from_jsonl(path: Path) -> bytes:
    """Rebuild the SSE byte stream from the recorder's records (comments, data, split fragments)."""
    out: list[str] = []
    pending = ""
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        record = json.loads(line)
        if "comment" in record:
            out.append(record["comment"])
        elif "json" in record:
            out.append("data: " + json.dumps(record["json"], separators=(",", ":")) + "\n\n")
        elif "text" in record:
            text = record["text"]
            if text == "[DONE]" or (pending and text.startswith("{")):
                # The recorder sometimes kept only the first piece of a split payload (the rest
                # is not in the file); that piece is dropped, the events around it are kept.
                pending = ""
            if text == "[DONE]":
                out.append("data: [DONE]\n\n")
                continue
            pending += text
            try:
                json.loads(pending)
            except ValueError:
                continue  # a data payload the recorder split across two network chunks
            out.append("data: " + pending + "\n\n")
            pending = ""
    return "".join(out).encode()


def _from_fixture(folder: Path) -> Interaction | None:
    request_file = folder / "request.json"
    meta_file = folder / "response.meta.json"
    if not request_file.exists() or not meta_file.exists():
        return None
    request = json.loads(request_file.read_text(encoding="utf-8"))
    meta = json.loads(meta_file.read_text(encoding="utf-8"))
    if (folder / "response.jsonl").exists():
        body = _sse_from_jsonl(folder / "response.jsonl")
    elif (folder / "response.json").exists():
        body = (folder / "response.json").read_bytes()
    else:
        return None
    request_body = request.get("body")
    if isinstance(request_body, dict) and set(request_body) == {"json"}:
        request_body = request_body["json"]
    if isinstance(request_body, str):
        with contextlib.suppress(ValueError):
            request_body = json.loads(request_body)
    return Interaction(
        source=str(folder.relative_to(RECORDINGS)),
        method=request.get("method", "POST"),
        url=request.get("url", ""),
        request_body=request_body,
        status=int(meta.get("status", 200)),
        headers=_headers(meta.get("headers")),
        body=body,
        extra={"is_sse": meta.get("is_sse")},
    )


def is_openrouter(interaction: Interaction) -> bool:
    """Whether an interaction went to OpenRouter (crewAI cassettes also record its tracing calls)."""
    return "crewai_plus" not in interaction.url


@lru_cache(maxsize=2)
def all_interactions(*, include_foreign: bool = False) -> tuple[Interaction, ...]:
    """Every recorded interaction with OpenRouter, in a stable order.

    `include_foreign=True` also returns interactions with other hosts that share a cassette
    (crewAI's tracing calls), so a test can list every recorded exchange.
    """
    found: list[Interaction] = []
    for path in sorted(RECORDINGS.rglob("*.yaml")):
        found.extend(i for i in _from_cassette(path) if include_foreign or is_openrouter(i))
    for folder in sorted({p.parent for p in RECORDINGS.rglob("request.json")}):
        interaction = _from_fixture(folder)
        if interaction is not None:
            found.append(interaction)
    return tuple(found)


def recording_files() -> list[str]:
    """Every recording, as a path relative to tests/recordings: YAML cassettes and fixture folders."""
    files = [str(p.relative_to(RECORDINGS)) for p in sorted(RECORDINGS.rglob("*.yaml"))]
    files += [
        str(folder.relative_to(RECORDINGS))
        for folder in sorted({p.parent for p in RECORDINGS.rglob("request.json")})
    ]
    return files


def file_of(interaction: Interaction) -> str:
    """The recording file (or fixture folder) an interaction came from."""
    return interaction.source.split("#", 1)[0]


def interactions(
    path: str, *, method: str = "POST", status: int | None = None, stream: bool | None = None
) -> list[Interaction]:
    """The recorded interactions for an API path, filtered by method, status and streaming."""
    chosen = []
    for item in all_interactions():
        if item.path != path or item.method.upper() != method:
            continue
        if status is not None and item.status != status:
            continue
        if stream is not None and item.is_sse != stream:
            continue
        chosen.append(item)
    return chosen


def find(fragment: str) -> Interaction:
    """The first interaction whose source path contains `fragment`."""
    for item in all_interactions():
        if fragment in item.source:
            return item
    raise LookupError(fragment)
