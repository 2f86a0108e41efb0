"""Fixtures for the CLI tests: no API key in the environment, and the commands' client on an emulator we can inspect."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from openrouter_kit import OpenRouter, cli
from openrouter_kit_emulator import Emulator, EmulatorTransport


@pytest.fixture(autouse=True)
def no_key(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every CLI test runs as on a fresh machine: no key, no base URL override, no color."""
    monkeypatch.delenv("OPENROUTER_API_KEY", raising=False)
    monkeypatch.delenv("OPENROUTER_BASE_URL", raising=False)
    monkeypatch.delenv("NO_COLOR", raising=False)


@pytest.fixture
def emulator() -> Emulator:
    return Emulator()


@pytest.fixture
def cli_emulator(emulator: Emulator, monkeypatch: pytest.MonkeyPatch) -> Iterator[Emulator]:
    """Make the commands use a client over `emulator`, so a test can read its books afterwards."""
    http = httpx.Client(transport=EmulatorTransport(emulator))
    offline_flags: list[bool] = []

    def make_client(offline: bool = False) -> OpenRouter:
        offline_flags.append(offline)
        return OpenRouter(base_url="emulator://", http_client=http)

    monkeypatch.setattr(cli, "make_client", make_client)
    yield emulator
    http.close()
