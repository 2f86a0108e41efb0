"""Lazily built, shareable openrouter-kit clients for the LlamaIndex components.

The LLM, the embedding model and the reranker all talk to OpenRouter through the core
client. This holder keeps the configuration (the API key never leaves it, so it appears in
no repr or serialisation), builds a sync or async core client only when first needed, and
reuses a caller's ``client=`` / ``async_client=`` as is.
"""

from __future__ import annotations

import os
from typing import Any

DEFAULT_API_BASE = "https://openrouter.ai/api/v1"
DEFAULT_TIMEOUT = 60.0
DEFAULT_MAX_RETRIES = 2


def resolve_base_url(base_url: str | None, api_base: str | None) -> str:
    """``base_url``, else its alias ``api_base``, else OPENROUTER_API_BASE / OPENROUTER_BASE_URL."""
    if base_url and api_base and base_url != api_base:
        raise ValueError("Pass base_url or its alias api_base, not both with different values.")
    return (
        base_url
        or api_base
        or os.environ.get("OPENROUTER_API_BASE")
        or os.environ.get("OPENROUTER_BASE_URL")
        or DEFAULT_API_BASE
    )


class CoreClients:
    """Holds one sync and one async core client, created on first use with shared settings."""

    def __init__(
        self,
        *,
        api_key: str | None,
        base_url: str,
        timeout: float,
        max_retries: int,
        app_name: str | None,
        app_url: str | None,
        default_headers: dict[str, str] | None,
        client: Any = None,
        async_client: Any = None,
        http_client: Any = None,
        async_http_client: Any = None,
    ) -> None:
        self._api_key = api_key
        self._settings: dict[str, Any] = {
            "base_url": base_url,
            "timeout": timeout,
            "max_retries": max_retries,
            "app_name": app_name,
            "app_url": app_url,
            "default_headers": default_headers,
        }
        self._client = client
        self._async_client = async_client
        self._http_client = http_client
        self._async_http_client = async_http_client

    @classmethod
    def for_component(cls, component: Any, *, api_key: str | None, **given: Any) -> CoreClients:
        """Clients for an LLM, embedding or reranker, from the connection fields it declares.

        `given` holds the caller's `client`, `async_client`, `http_client`, `async_http_client`.
        """
        return cls(
            api_key=api_key,
            base_url=component.base_url,
            timeout=component.timeout,
            max_retries=component.max_retries,
            app_name=component.app_name,
            app_url=component.app_url,
            default_headers=component.default_headers,
            **given,
        )

    def __repr__(self) -> str:  # never show the key
        return f"CoreClients(base_url={self._settings['base_url']!r})"

    @property
    def cache_key(self) -> str:
        """Identifies the server these clients talk to (for the per-process /models cache)."""
        for client in (self._client, self._async_client):
            if client is not None and getattr(client, "base_url", None) is not None:
                return str(client.base_url)
        return str(self._settings["base_url"])

    def _twin_settings(self, given: Any) -> tuple[str | None, dict[str, Any]]:
        """Key and settings for building the missing sync/async twin of a caller's client.

        A caller who passed only ``client=`` (or only ``async_client=``) configured that
        client; its twin must talk to the same server with the same key, not the defaults.
        """
        if given is None:
            return self._api_key, self._settings
        settings = dict(self._settings)
        settings["base_url"] = (
            "emulator://" if getattr(given, "uses_emulator", False) else str(given.base_url)
        )
        for name in ("app_name", "app_url", "max_retries", "timeout"):
            if getattr(given, name, None) is not None:
                settings[name] = getattr(given, name)
        return self._api_key or getattr(given, "api_key", None), settings

    def sync(self) -> Any:
        """The sync core client (``openrouter_kit.OpenRouter``), built on first call."""
        if self._client is None:
            from openrouter_kit import OpenRouter

            api_key, settings = self._twin_settings(self._async_client)
            built = OpenRouter(api_key=api_key, http_client=self._http_client, **settings)
            if self._async_client is not None:
                # cost trackers and budgets on the given client see these calls too
                built.hooks = self._async_client.hooks
            self._client = built
        return self._client

    def async_(self) -> Any:
        """The async core client (``openrouter_kit.AsyncOpenRouter``), built on first call."""
        if self._async_client is None:
            from openrouter_kit import AsyncOpenRouter

            api_key, settings = self._twin_settings(self._client)
            built = AsyncOpenRouter(
                api_key=api_key, http_client=self._async_http_client, **settings
            )
            if self._client is not None:
                # cost trackers and budgets on the given client see these calls too
                built.hooks = self._client.hooks
            self._async_client = built
        return self._async_client
