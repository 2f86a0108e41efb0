"""langchain-tests standard integration suites, run offline against the emulator.

``base_url="emulator://"`` routes every request through ``openrouter_kit_emulator`` in
process: the real core client, the real SSE framing and usage chunks, no network. With
``OPENROUTER_LIVE=1`` and ``OPENROUTER_API_KEY`` set the same suites run against the real
API instead (nothing in CI does that).

The suite downloads sample media (a PNG from GitHub, a PDF from w3.org, a WAV from
Wikimedia) with ``httpx.get``. Offline, ``sample_media`` answers those URLs with small
files of the same types generated here, so the multimodal tests still exercise our content
conversion end to end on the emulator.
"""

from __future__ import annotations

import io
import os
import struct
import wave
import zlib
from typing import Any

import httpx
import pytest
from langchain_core.messages import AIMessage, HumanMessage, SystemMessage
from langchain_openrouter_kit import ChatOpenRouter, OpenRouterEmbeddings
from langchain_tests.integration_tests import ChatModelIntegrationTests, EmbeddingsIntegrationTests
from lc_capabilities import ChatOpenRouterCapabilities

LIVE = bool(os.environ.get("OPENROUTER_LIVE") and os.environ.get("OPENROUTER_API_KEY"))
ON_EMULATOR = not LIVE


def _emulator_clients() -> dict[str, Any]:
    """Core clients answered by one in-process emulator, seen through httpx.MockTransport.

    The MockTransport wrapper is what lets pytest-recording record and replay the
    VCR-gated ``test_stream_time`` (vcrpy hooks httpx's stock transports only).
    """
    from openrouter_kit import AsyncOpenRouter, OpenRouter
    from openrouter_kit_emulator import Emulator, EmulatorTransport

    emulator = EmulatorTransport(Emulator())
    sync_transport = httpx.MockTransport(emulator.handle_request)
    async_transport = httpx.MockTransport(emulator.handle_async_request)
    return {
        "client": OpenRouter(
            api_key="emulator-key", http_client=httpx.Client(transport=sync_transport)
        ),
        "async_client": AsyncOpenRouter(
            api_key="emulator-key", http_client=httpx.AsyncClient(transport=async_transport)
        ),
    }


if not LIVE:
    pytest.importorskip(
        "openrouter_kit_emulator",
        reason="the offline emulator is not installed and no live run was asked for "
        "(set OPENROUTER_LIVE=1 and OPENROUTER_API_KEY to run against the real API)",
    )
CONNECTION: dict[str, Any] = {} if LIVE else _emulator_clients()


@pytest.fixture(scope="module")
def vcr_config(vcr_config: dict[str, Any]) -> dict[str, Any]:
    """The root cassette settings, replayable many times (test_stream_time benchmarks playback)."""
    return {**vcr_config, "allow_playback_repeats": True}


def _png() -> bytes:
    """A valid 2x2 RGB PNG."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = struct.pack(">I", zlib.crc32(kind + data))
        return struct.pack(">I", len(data)) + kind + data + crc

    rows = b"".join(b"\x00" + b"\xff\x80\x00" * 2 for _ in range(2))
    header = struct.pack(">IIBBBBB", 2, 2, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


def _pdf() -> bytes:
    """A one-page PDF saying 'Dummy PDF file'."""
    return (
        b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
        b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
        b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 100]/Contents 4 0 R>>endobj\n"
        b"4 0 obj<</Length 44>>stream\nBT /F1 12 Tf 10 50 Td (Dummy PDF file) Tj ET\n"
        b"endstream endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
    )


def _wav() -> bytes:
    """0.1 s of 8 kHz mono silence."""
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(8000)
        out.writeframes(b"\x00\x00" * 800)
    return buffer.getvalue()


@pytest.fixture(autouse=True)
def sample_media(monkeypatch: pytest.MonkeyPatch) -> None:
    """Answer the suite's sample-media downloads locally (offline runs only)."""
    if LIVE:
        return
    samples = {".png": _png(), ".pdf": _pdf(), ".wav": _wav()}
    monkeypatch.setenv("LANGCHAIN_TESTS_USER_AGENT", "openrouter-kit-tests/0 (offline)")

    def offline_get(url: str, *args: Any, **kwargs: Any) -> httpx.Response:
        for suffix, content in samples.items():
            if str(url).endswith(suffix):
                return httpx.Response(200, content=content, request=httpx.Request("GET", url))
        msg = f"offline test run: no sample for {url}"
        raise RuntimeError(msg)

    monkeypatch.setattr(httpx, "get", offline_get)


class TestChatOpenRouterStandardIntegration(ChatOpenRouterCapabilities, ChatModelIntegrationTests):
    @property
    def chat_model_params(self) -> dict[str, Any]:
        return {"model": "openai/gpt-4o-mini", "temperature": 0, **CONNECTION}

    @property
    def supports_image_tool_message(self) -> bool:
        return True

    @property
    def supports_anthropic_inputs(self) -> bool:
        return True

    @property
    def supports_pdf_tool_message(self) -> bool:
        return True

    @property
    def enable_vcr_tests(self) -> bool:
        return True

    @property
    def supported_usage_metadata_details(self) -> dict[str, list[Any]]:
        details = ["reasoning_output", "cache_read_input", "cache_creation_input"]
        return {"invoke": details, "stream": details}

    def _invoke(self, llm: ChatOpenRouter, messages: Any, stream: bool) -> AIMessage:
        if not stream:
            return llm.invoke(messages)
        total: Any = None
        for chunk in llm.stream(messages):
            total = chunk if total is None else total + chunk
        return total  # type: ignore[no-any-return]

    def invoke_with_reasoning_output(self, *, stream: bool = False) -> AIMessage:
        llm = ChatOpenRouter(model="openai/gpt-5-mini", reasoning={"effort": "low"}, **CONNECTION)
        return self._invoke(llm, "Think it through: what is 17 * 23?", stream)

    def _cached_prompt(self) -> list[Any]:
        policy = "You answer questions about the handbook. " + "Handbook rule. " * 600
        return [
            SystemMessage(
                [{"type": "text", "text": policy, "cache_control": {"type": "ephemeral"}}]
            ),
            HumanMessage("What does the handbook say?"),
        ]

    def invoke_with_cache_read_input(self, *, stream: bool = False) -> AIMessage:
        llm = ChatOpenRouter(model="anthropic/claude-3.5-haiku", **CONNECTION)
        self._invoke(llm, self._cached_prompt(), stream)  # writes the cache
        return self._invoke(llm, self._cached_prompt(), stream)  # reads it

    def invoke_with_cache_creation_input(self, *, stream: bool = False) -> AIMessage:
        llm = ChatOpenRouter(model="anthropic/claude-3.5-haiku", **CONNECTION)
        return self._invoke(llm, self._cached_prompt(), stream)


class TestOpenRouterEmbeddingsStandardIntegration(EmbeddingsIntegrationTests):
    @property
    def embeddings_class(self) -> type[OpenRouterEmbeddings]:
        return OpenRouterEmbeddings

    @property
    def embedding_model_params(self) -> dict[str, Any]:
        return {"model": "openai/text-embedding-3-small", **CONNECTION}
