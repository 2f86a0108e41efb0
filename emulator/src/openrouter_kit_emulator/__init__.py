"""Offline, deterministic OpenRouter emulator.

- ``Emulator``: the pure handler (``handle(EmulatorRequest) -> EmulatorResponse``) with an
  in-memory account; seeded secrets ``emulator.api_key`` and ``emulator.management_key``.
- ``EmulatorTransport``: httpx sync + async transport for in-process use.
- ``create_app``: the Starlette app (``openrouter-kit emulator`` serves it on uvicorn);
  ``EmulatorServer``: the same in a background thread, for tests; ``Limits``: what a request may take.
- ``Fault``: fault injection (also per request via the ``x-emulator-fault`` header).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ._version import __version__
from .faults import HEADER as FAULT_HEADER
from .faults import Fault, parse_header
from .handler import Emulator
from .wire import EMULATOR_HEADER, ApiError, ConnectionDropped, EmulatorRequest, EmulatorResponse

if TYPE_CHECKING:
    from .server import EmulatorServer, Limits, create_app
    from .transport import EmulatorTransport

__all__ = [
    "EMULATOR_HEADER",
    "FAULT_HEADER",
    "ApiError",
    "ConnectionDropped",
    "Emulator",
    "EmulatorRequest",
    "EmulatorResponse",
    "EmulatorServer",
    "EmulatorTransport",
    "Fault",
    "Limits",
    "__version__",
    "create_app",
    "parse_header",
]


def __getattr__(name: str) -> Any:
    # the httpx and ASGI faces load lazily so the pure handler imports nothing heavy
    if name == "EmulatorTransport":
        from .transport import EmulatorTransport

        return EmulatorTransport
    if name in ("create_app", "EmulatorServer", "Limits"):
        from . import server

        return getattr(server, name)
    raise AttributeError(name)
