"""Names a package exports but imports only when first read (PEP 562 module `__getattr__`)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from importlib import import_module
from typing import Any


def lazy_exports(
    package: str, namespace: dict[str, Any], modules: Mapping[str, str]
) -> Callable[[str], Any]:
    """A module `__getattr__` for `package`: name -> the submodule defining it, kept once read."""

    def __getattr__(name: str) -> Any:
        module = modules.get(name)
        if module is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(import_module(f".{module}", package), name)
        namespace[name] = value
        return value

    return __getattr__
