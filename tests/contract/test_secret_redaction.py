"""The client's own key never shows, whatever its form, and cassettes are scrubbed even when a
body is compressed (issue 15, item 6)."""

from __future__ import annotations

import gzip
import json
import logging
from typing import Any

import httpx
import pytest
from hostile_support import loopback, make_async_client, make_client, root_conftest
from openrouter_kit import OpenRouter, OpenRouterError

cassettes = root_conftest()
REDACTED = cassettes.REDACTED
_scrub_request = cassettes._scrub_request
_scrub_response = cassettes._scrub_response
decode_body = cassettes.decode_body

CUSTOM_KEYS = [
    "my-company-proxy-key-7f3a9c",  # a custom gateway key
    "mgmt_2b7e151628aed2a6abf71589",  # a management key of another form
    "sk-or-v1-0123456789abcdef",  # the usual form, redacted as before
]


def echoing(key: str, status: int = 401) -> Any:
    """A server that quotes the key it was given in every part of its error."""

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(
            status,
            json={
                "error": {
                    "message": f"Key {key} is not valid",
                    "code": status,
                    "metadata": {"raw": f"upstream saw Bearer {key}", "provider_name": "X"},
                },
                "echo": {"authorization": f"Bearer {key}", "keys": [key]},
            },
        )

    return handler


def leaks(key: str, error: BaseException) -> list[str]:
    places = {
        "str": str(error),
        "repr": repr(error),
        "message": str(getattr(error, "message", "")),
        "body": repr(getattr(error, "body", "")),
        "metadata": repr(getattr(error, "metadata", "")),
    }
    return [name for name, text in places.items() if key in text]


@pytest.mark.parametrize("key", CUSTOM_KEYS)
def test_a_key_echoed_in_an_error_is_hidden_whatever_its_form(key: str) -> None:
    client, _ = make_client(echoing(key), api_key=key)
    with pytest.raises(OpenRouterError) as caught:
        client.credits.get()
    assert leaks(key, caught.value) == []
    assert "is not valid" in str(caught.value)
    assert key not in repr(client)


@pytest.mark.parametrize("key", CUSTOM_KEYS[:2])
async def test_async_errors_and_retry_logs_hide_the_key(
    key: str, caplog: pytest.LogCaptureFixture
) -> None:
    client, seen = make_async_client(echoing(key, 503), api_key=key, max_retries=1)
    client._retry.clock.asleep = _no_sleep  # type: ignore[method-assign]
    with (
        caplog.at_level(logging.DEBUG, logger="openrouter_kit"),
        pytest.raises(OpenRouterError) as caught,
    ):
        await client.credits.get()
    assert len(seen.requests) == 2
    assert leaks(key, caught.value) == []
    assert key not in caplog.text


async def _no_sleep(seconds: float) -> None:
    return None


def test_a_key_echoed_inside_a_stream_error_is_hidden() -> None:
    key = CUSTOM_KEYS[0]
    event = {"id": "gen-1", "error": {"code": 502, "message": f"upstream rejected {key}"}}

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(
            200,
            headers={"content-type": "text/event-stream"},
            content=f"data: {json.dumps(event)}\n\n".encode(),
        )

    client, _ = make_client(handler, api_key=key)
    stream = client.chat.completions.create(
        model="openai/gpt-4o-mini", messages=[{"role": "user", "content": "hi"}], stream=True
    )
    with pytest.raises(OpenRouterError) as caught:
        list(stream)
    assert leaks(key, caught.value) == []


def test_a_key_in_a_transport_error_is_hidden() -> None:
    key = CUSTOM_KEYS[1]

    def handler(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError(f"proxy refused credentials {key}", request=request)

    client, _ = make_client(handler, api_key=key)
    with pytest.raises(OpenRouterError) as caught:
        client.credits.get()
    assert leaks(key, caught.value) == []


# -- cassettes -------------------------------------------------------------------------------

SECRET = "sk-or-v1-" + "a" * 40
BODY = json.dumps({"data": {"key": SECRET, "name": "k"}, "note": f"made {SECRET}"}).encode()


def _encoders() -> dict[str, Any]:
    import zstandard

    encoders: dict[str, Any] = {
        "gzip": gzip.compress,
        "zstd": zstandard.ZstdCompressor().compress,
        "gzip, zstd": lambda data: zstandard.ZstdCompressor().compress(gzip.compress(data)),
    }
    try:
        import brotli  # type: ignore[import-not-found, unused-ignore]

        encoders["br"] = brotli.compress
    except ImportError:
        pass
    return encoders


@pytest.mark.parametrize("encoding", ["gzip", "zstd", "gzip, zstd", "br"])
def test_compressed_response_bodies_are_scrubbed_and_stored_decoded(encoding: str) -> None:
    encoders = _encoders()
    if encoding not in encoders:
        # this environment cannot make a br body: check that one would fail closed instead
        with pytest.raises(RuntimeError, match="br-encoded"):
            decode_body({"Content-Encoding": ["br"]}, b"\x1b\x00\x00")
        return
    compressed = encoders[encoding](BODY)
    assert SECRET.encode() not in compressed  # the secret is invisible to a byte scan
    response = {
        "status": {"code": 200, "message": "OK"},
        "headers": {"Content-Encoding": [encoding], "Content-Length": [str(len(compressed))]},
        "body": {"string": compressed},
    }
    saved = _scrub_response(response)
    stored = saved["body"]["string"]
    assert SECRET.encode() not in stored
    payload = json.loads(stored)
    assert payload["data"]["key"] == REDACTED
    assert "sk-or-REDACTED" in payload["note"]
    assert "Content-Encoding" not in saved["headers"]
    assert saved["headers"]["Content-Length"] == [str(len(stored))]


def test_an_undecodable_encoding_fails_the_recording() -> None:
    response = {
        "status": {"code": 200, "message": "OK"},
        "headers": {"content-encoding": ["compress"]},
        "body": {"string": b"\x1f\x9d..."},
    }
    with pytest.raises(RuntimeError, match="compress-encoded"):
        _scrub_response(response)


def test_the_live_key_is_scrubbed_whatever_its_form(monkeypatch: pytest.MonkeyPatch) -> None:
    key = CUSTOM_KEYS[1]
    monkeypatch.setenv("OPENROUTER_API_KEY", key)

    class Request:
        headers: dict[str, Any] = {"content-encoding": "gzip"}
        body = gzip.compress(json.dumps({"echo": key}).encode())

    scrubbed = _scrub_request(Request())
    assert key.encode() not in scrubbed.body
    assert json.loads(scrubbed.body) == {"echo": REDACTED}


@pytest.mark.parametrize("encoding", ["gzip", "zstd"])
def test_recording_compressed_traffic_writes_no_secret_and_replays(
    encoding: str, tmp_path: Any
) -> None:
    """Through vcrpy with the project's recording configuration, at the HTTP layer."""
    import vcr

    fixture = cassettes.vcr_config
    config = (getattr(fixture, "__wrapped__", None) or fixture.__pytest_wrapped__.obj)()
    compress = _encoders()[encoding]

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(
            201,
            content=compress(BODY),
            headers={"content-type": "application/json", "content-encoding": encoding},
        )

    cassette = tmp_path / "compressed.yaml"
    with (
        vcr.VCR(**config, record_mode="all").use_cassette(str(cassette)),
        httpx.Client(transport=httpx.MockTransport(handler)) as http,
    ):
        recorded = http.post("https://openrouter.ai/api/v1/keys", json={"name": "k"})
    assert recorded.json()["data"]["key"] == SECRET  # the live caller still sees the real answer
    text = cassette.read_text()
    assert SECRET not in text and "aaaaaaaa" not in text
    with (
        vcr.VCR(**config, record_mode="none").use_cassette(str(cassette)),
        httpx.Client() as http,
    ):
        replayed = http.post("https://openrouter.ai/api/v1/keys", json={"name": "k"})
    assert replayed.json()["data"]["key"] == REDACTED


def test_a_server_echoing_the_authorization_header_over_a_socket() -> None:
    """A real loopback server that quotes the request's Authorization header back."""
    key = "custom-gateway-" + "9" * 24

    def respond(request: bytes, conn: Any) -> None:
        auth = next(
            (line for line in request.split(b"\r\n") if line.lower().startswith(b"authorization:")),
            b"",
        )
        body = json.dumps({"error": {"code": 401, "message": f"bad header {auth.decode()}"}})
        conn.sendall(
            b"HTTP/1.1 401 Unauthorized\r\ncontent-type: application/json\r\n"
            + f"content-length: {len(body)}\r\nconnection: close\r\n\r\n{body}".encode()
        )

    with (
        loopback(respond) as url,
        OpenRouter(api_key=key, base_url=url, max_retries=0) as client,
        pytest.raises(OpenRouterError) as caught,
    ):
        client.credits.get()
    assert "bad header" in str(caught.value)
    assert leaks(key, caught.value) == []
