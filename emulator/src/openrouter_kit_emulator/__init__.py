"""Offline, deterministic OpenRouter emulator.

- ``Emulator``: the pure handler (``handle(EmulatorRequest) -> EmulatorResponse``) with an
  in-memory account; seeded secrets ``emulator.api_key`` and ``emulator.management_key``.
- ``EmulatorTransport``: httpx sync + async transport for in-process use.
- ``create_app``: a plain ASGI3 app for ``uvicorn`` (the ``openrouter-kit emulator`` command).
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
    from .asgi import EmulatorApp
    from .transport import EmulatorTransport

__all__ = [
    "EMULATOR_HEADER",
    "FAULT_HEADER",
    "ApiError",
    "ConnectionDropped",
    "Emulator",
    "EmulatorApp",
    "EmulatorRequest",
    "EmulatorResponse",
    "EmulatorTransport",
    "Fault",
    "__version__",
    "create_app",
    "parse_header",
]


def __getattr__(name: str) -> Any:
    # the httpx and ASGI faces load lazily so the pure handler imports nothing heavy
    if name == "EmulatorTransport":
        from .transport import EmulatorTransport

        return EmulatorTransport
    if name in ("create_app", "EmulatorApp"):
        from . import asgi

        return getattr(asgi, name)
    raise AttributeError(name)
