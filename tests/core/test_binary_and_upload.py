"""Binary answers (speech, file and video content) and multipart uploads, at the HTTP layer."""

from __future__ import annotations

import io
from pathlib import Path

import httpx
import pytest
from openrouter_kit import AsyncOpenRouter, OpenRouter
from openrouter_kit.errors import InvalidRequestError

AUDIO = b"RIFF" + bytes(range(256)) * 400  # ~100 kB


def binary_server(request: httpx.Request) -> httpx.Response:
    def pieces():  # streamed in pieces, as a large download arrives
        for start in range(0, len(AUDIO), 8192):
            yield AUDIO[start : start + 8192]

    return httpx.Response(200, content=pieces(), headers={"content-type": "audio/wav"})


def test_speech_comes_back_unread_and_streams_to_a_file(tmp_path: Path) -> None:
    with OpenRouter(
        api_key="k", http_client=httpx.Client(transport=httpx.MockTransport(binary_server))
    ) as client:
        speech = client.audio.create_speech(
            model="openai/gpt-4o-mini-tts", input="Hello", voice="alloy"
        )
        assert speech.content_type == "audio/wav"
        assert not speech.response.is_stream_consumed, "nothing is read until asked"
        target = speech.write_to_file(tmp_path / "hello.wav")
        assert target.read_bytes() == AUDIO
        assert speech.response.is_closed
        again = client.files.content("file-1")
        assert b"".join(again.iter_bytes(4096)) == AUDIO
        assert client.videos.content("job-1").read() == AUDIO


async def test_async_binary_answers() -> None:
    async def server(request: httpx.Request) -> httpx.Response:
        async def pieces():  # type: ignore[no-untyped-def]
            for start in range(0, len(AUDIO), 8192):
                yield AUDIO[start : start + 8192]

        return httpx.Response(200, content=pieces(), headers={"content-type": "audio/wav"})

    async with AsyncOpenRouter(
        api_key="k", http_client=httpx.AsyncClient(transport=httpx.MockTransport(server))
    ) as client:
        speech = await client.audio.create_speech(model="m", input="Hello")
        assert await speech.read() == AUDIO
        video = await client.videos.content("job-1")
        assert b"".join([piece async for piece in video.iter_bytes()]) == AUDIO


def uploads(tmp_path: Path) -> list[object]:
    path = tmp_path / "notes.txt"
    path.write_bytes(b"bees make wax")
    return [
        path,
        str(path),
        b"bees make wax",
        io.BytesIO(b"bees make wax"),
        ("notes.txt", b"bees make wax"),
        ("notes.txt", b"bees make wax", "text/plain"),
    ]


def test_file_uploads_are_multipart_whatever_form_the_file_takes(tmp_path: Path) -> None:
    seen: list[httpx.Request] = []

    def server(request: httpx.Request) -> httpx.Response:
        request.read()
        seen.append(request)
        return httpx.Response(200, json={"id": "file-1", "filename": "notes.txt", "bytes": 13})

    with OpenRouter(
        api_key="k", http_client=httpx.Client(transport=httpx.MockTransport(server))
    ) as client:
        for upload in uploads(tmp_path):
            result = client.files.create(file=upload, workspace_id="w1")
            assert result.id == "file-1"
        client.audio.create_transcription(
            file=("clip.wav", b"RIFF"), model="openai/whisper-1", language="en"
        )
    for request in seen[:-1]:
        assert request.headers["content-type"].startswith("multipart/form-data; boundary=")
        assert request.url.params["workspace_id"] == "w1"
        assert b"bees make wax" in request.content
        assert b'name="file"' in request.content
    transcription = seen[-1].content
    assert b'name="model"' in transcription and b"openai/whisper-1" in transcription
    assert b'name="language"' in transcription and b'filename="clip.wav"' in transcription


def test_a_missing_file_or_a_text_mode_file_is_refused_before_sending(tmp_path: Path) -> None:
    def server(request: httpx.Request) -> httpx.Response:
        raise AssertionError("nothing may be sent")

    with OpenRouter(
        api_key="k", http_client=httpx.Client(transport=httpx.MockTransport(server))
    ) as client:
        with pytest.raises(InvalidRequestError, match="file: expected an existing file"):
            client.files.create(file=tmp_path / "missing.txt")
        (tmp_path / "t.txt").write_text("x")
        with (
            (tmp_path / "t.txt").open() as text,
            pytest.raises(InvalidRequestError, match="binary mode"),
        ):
            client.files.create(file=text)
        with pytest.raises(InvalidRequestError, match="file"):
            client.files.create(file=12)


def test_required_fields_and_unknown_keywords_are_refused_before_sending() -> None:
    def server(request: httpx.Request) -> httpx.Response:
        raise AssertionError("nothing may be sent")

    with OpenRouter(
        api_key="k", http_client=httpx.Client(transport=httpx.MockTransport(server))
    ) as client:
        with pytest.raises(InvalidRequestError, match="name"):
            client.workspaces.create(description="no name")
        with pytest.raises(TypeError, match=r"workspaces\.create.*colour.*extra_body"):
            client.workspaces.create(name="w", colour="blue")
        with pytest.raises(TypeError, match="takes id"):
            client.workspaces.get()
        with pytest.raises(InvalidRequestError, match="id"):
            client.workspaces.get("..")
