"""Transports that other distributions plug in for a `scheme://` base_url (e.g. `emulator://`).

The core imports nothing from the emulator: `openrouter-kit-emulator` registers its transport
under the `openrouter_kit.transports` entry-point group, and a client built with
`base_url="emulator://"` loads it from there.
"""

from __future__ import annotations

from typing import Any

ENTRY_POINT_GROUP = "openrouter_kit.transports"

_INSTALL_HINTS = {"emulator": 'pip install "openrouter-kit[emulator]"'}


def for_scheme(scheme: str) -> Any:
    """A new transport instance for `scheme` (an httpx sync and async transport)."""
    from importlib.metadata import entry_points  # only clients on a plugged-in scheme pay for it

    for entry in entry_points(group=ENTRY_POINT_GROUP, name=scheme):
        return entry.load()()
    hint = _INSTALL_HINTS.get(scheme, f"install a package that provides the {scheme!r} transport")
    raise ImportError(
        f"base_url={scheme + '://'!r} needs a transport that is not installed: {hint}"
    )
