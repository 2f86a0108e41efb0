"""Root test configuration: cassettes (pytest-recording) are set up once, here.

Cassettes live in cassettes/<test module>/; record mode is `none` unless a run asks for more
(`--record-mode=once`, see README "Recording cassettes"). Authorization and cookie headers are
never written, and secrets in bodies (keys returned by POST /keys and POST /auth/keys, any
`sk-or-` token, the OPENROUTER_API_KEY being recorded with whatever its form) are replaced before
a cassette is saved. Compressed bodies (gzip, deflate, br, zstd) are decoded first and stored
decoded, so no secret hides inside compressed bytes; an encoding that cannot be decoded here
fails the recording rather than being written unscrubbed.
"""

from __future__ import annotations

import gzip
import json
import os
import re
import sys
import zlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).parent
sys.path.insert(0, str(ROOT / "tests"))

SECRET_TOKEN = re.compile(rb"sk-or-[A-Za-z0-9_-]{8,}")
SECRET_FIELDS = ("key",)
REDACTED = "REDACTED"


def _decoders() -> dict[str, Callable[[bytes], bytes]]:
    """Content-encoding name -> decoder, for the encodings this environment can decode."""
    decoders: dict[str, Callable[[bytes], bytes]] = {
        "gzip": gzip.decompress,
        "x-gzip": gzip.decompress,
        "deflate": lambda data: (
            zlib.decompress(data, -zlib.MAX_WBITS) if data[:1] != b"\x78" else zlib.decompress(data)
        ),
        "identity": lambda data: data,
    }
    for module in ("brotli", "brotlicffi"):
        try:
            brotli = __import__(module)
        except ImportError:
            continue
        decoders["br"] = brotli.decompress
        break
    try:
        import zstandard

        def unzstd(data: bytes) -> bytes:
            # frames written by streaming encoders carry no content size: read them as a stream
            with zstandard.ZstdDecompressor().stream_reader(data) as reader:
                return bytes(reader.read())

        decoders["zstd"] = unzstd
    except ImportError:
        try:
            from compression import zstd  # type: ignore[import-not-found]  # Python 3.14

            decoders["zstd"] = zstd.decompress
        except ImportError:
            pass
    return decoders


def decode_body(headers: Any, body: bytes | str | None) -> bytes | str | None:
    """The body with its Content-Encoding undone; the header is dropped and Content-Length fixed.

    `headers` is a cassette's header mapping (values are lists, names in any case). Raises
    RuntimeError for an encoding that cannot be decoded here: recording it would store
    secrets where scrubbing cannot see them.
    """
    if not body or headers is None:
        return body
    names = [name for name in headers if name.lower() == "content-encoding"]
    if not names:
        return body
    values = headers[names[0]]
    values = values if isinstance(values, list) else [values]
    encodings = [e.strip().lower() for v in values for e in str(v).split(",") if e.strip()]
    decoders = _decoders()
    raw = body.encode("latin-1") if isinstance(body, str) else body
    for encoding in reversed(encodings):  # the last one applied is undone first
        decoder = decoders.get(encoding)
        if decoder is None:
            raise RuntimeError(
                f"Cannot record a {encoding}-encoded body: it cannot be decoded here, so its "
                f"secrets could not be scrubbed (install the decoder, e.g. `pip install brotli`)."
            )
        raw = decoder(raw)
    for name in names:
        del headers[name]
    _set_length(headers, raw)
    return raw


def _set_length(headers: Any, body: bytes | str | None) -> None:
    """Make a stored Content-Length match the (decoded, scrubbed) body."""
    if headers is None or body is None:
        return
    length = str(len(body.encode() if isinstance(body, str) else body))
    for name in [name for name in headers if name.lower() == "content-length"]:
        headers[name] = [length] if isinstance(headers[name], list) else length


def scrub_body(body: bytes | str | None) -> Any:
    """Replace secrets in a request or response body."""
    if not body:
        return body
    raw = body.encode() if isinstance(body, str) else body
    live_key = os.environ.get("OPENROUTER_API_KEY")
    if live_key and len(live_key) >= 8:
        raw = raw.replace(live_key.encode(), REDACTED.encode())
    try:
        payload = json.loads(raw)
    except ValueError:
        payload = None
    if isinstance(payload, dict):
        changed = False
        for holder in (
            payload,
            payload.get("data") if isinstance(payload.get("data"), dict) else None,
        ):
            if holder is None:
                continue
            for name in SECRET_FIELDS:
                if isinstance(holder.get(name), str):
                    holder[name] = REDACTED
                    changed = True
        if changed:
            raw = json.dumps(payload).encode()
    raw = SECRET_TOKEN.sub(b"sk-or-REDACTED", raw)
    return raw.decode() if isinstance(body, str) else raw


def _scrub_request(request: Any) -> Any:
    request.body = scrub_body(decode_body(request.headers, request.body))
    return request


def _scrub_response(response: dict[str, Any]) -> dict[str, Any]:
    body = response.get("body", {})
    if isinstance(body, dict) and body.get("string"):
        body["string"] = scrub_body(decode_body(response.get("headers"), body["string"]))
        _set_length(response.get("headers"), body["string"])
    headers = response.get("headers", {})
    for name in list(headers):
        if name.lower() in ("set-cookie", "cookie"):
            del headers[name]
    return response


@pytest.fixture(scope="module")
def vcr_config() -> dict[str, Any]:
    return {
        "filter_headers": ["authorization", "cookie", "set-cookie", "x-api-key"],
        "before_record_request": _scrub_request,
        "before_record_response": _scrub_response,
        "decode_compressed_response": True,
        "match_on": ["method", "scheme", "host", "port", "path", "query", "body"],
    }


@pytest.fixture(scope="module")
def vcr_cassette_dir(request: pytest.FixtureRequest) -> str:
    module = Path(request.node.fspath)
    relative = module.relative_to(ROOT / "tests").with_suffix("")
    return str(ROOT / "cassettes" / relative)


def _recording(request: pytest.FixtureRequest) -> bool:
    mode = request.config.getoption("--record-mode", default="none")
    return mode not in (None, "none")


@pytest.fixture
def cassette_http_client(request: pytest.FixtureRequest) -> Any:
    """The httpx.Client a cassette-backed test gives the core client.

    Replaying (CI): a plain client; pytest-recording answers from the cassette and blocks the network.
    Recording with OPENROUTER_API_KEY: the real API. Recording without it: the offline emulator,
    mounted on openrouter.ai, so the cassette shows real URLs and labels itself with the
    x-openrouter-kit-emulator header.
    """
    import os

    import httpx

    if _recording(request) and not os.environ.get("OPENROUTER_API_KEY"):
        client = httpx.Client(transport=_recordable(_shared_emulator()))
    else:
        client = httpx.Client()
    yield client
    client.close()


@pytest.fixture
def cassette_async_http_client(request: pytest.FixtureRequest) -> Any:
    """The async twin of cassette_http_client."""
    import os

    import httpx

    if _recording(request) and not os.environ.get("OPENROUTER_API_KEY"):
        return httpx.AsyncClient(transport=_recordable(_shared_emulator(), asynchronous=True))
    return httpx.AsyncClient()


_EMULATOR: Any = None


def _recordable(emulator: Any, *, asynchronous: bool = False) -> Any:
    """The emulator behind a plain httpx.MockTransport: vcrpy hooks httpx's own transports only."""
    import httpx
    from openrouter_kit_emulator import EmulatorTransport

    transport = EmulatorTransport(emulator)

    def handle(request: httpx.Request) -> httpx.Response:
        response = transport.handle_request(request)
        response.read()
        return response

    async def ahandle(request: httpx.Request) -> httpx.Response:
        response = await transport.handle_async_request(request)
        await response.aread()
        return response

    return httpx.MockTransport(ahandle if asynchronous else handle)


def _shared_emulator() -> Any:
    """One emulator per recording session, so state (keys, guardrails) carries across tests."""
    global _EMULATOR
    if _EMULATOR is None:
        from openrouter_kit_emulator import Emulator

        _EMULATOR = Emulator()
    return _EMULATOR


@pytest.fixture
def api_key() -> str:
    """The key cassette tests use: the real one when recording live, a placeholder otherwise."""
    import os

    return os.environ.get("OPENROUTER_API_KEY") or "sk-or-v1-test-placeholder-not-a-real-key"
