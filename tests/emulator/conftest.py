"""Fixtures for the emulator tests: a fresh emulator per test and httpx clients on it."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from emulator_support import BASE_URL
from openrouter_kit_emulator import Emulator, EmulatorTransport


@pytest.fixture
def emulator() -> Emulator:
    return Emulator(clock=lambda: 1767225600.0)


@pytest.fixture
def client(emulator: Emulator) -> Iterator[httpx.Client]:
    """A standard-key client."""
    headers = {"Authorization": f"Bearer {emulator.api_key}"}
    with httpx.Client(
        transport=EmulatorTransport(emulator), base_url=BASE_URL, headers=headers
    ) as c:
        yield c


@pytest.fixture
def admin(emulator: Emulator) -> Iterator[httpx.Client]:
    """A management-key client."""
    headers = {"Authorization": f"Bearer {emulator.management_key}"}
    with httpx.Client(
        transport=EmulatorTransport(emulator), base_url=BASE_URL, headers=headers
    ) as c:
        yield c


@pytest.fixture
def anon(emulator: Emulator) -> Iterator[httpx.Client]:
    """A client without credentials."""
    with httpx.Client(transport=EmulatorTransport(emulator), base_url=BASE_URL) as c:
        yield c
