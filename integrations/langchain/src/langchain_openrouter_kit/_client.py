"""Connection settings shared by the chat model, the embeddings and the reranker.

The core clients are built lazily, on first use, so constructing a LangChain object is
cheap and never touches the network; ``client=`` / ``async_client=`` let many objects share
one core client (one connection pool).
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING, Any, cast

from langchain_core.utils import from_env, secret_from_env
from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, SecretStr

if TYPE_CHECKING:
    from openrouter_kit import AsyncOpenRouter, OpenRouter

DEFAULT_BASE_URL = "https://openrouter.ai/api/v1"

_build_lock = threading.Lock()


class OpenRouterClientSettings(BaseModel):
    """How to reach OpenRouter: key, base URL, timeout, retries, attribution, shared clients."""

    model_config = ConfigDict(populate_by_name=True, arbitrary_types_allowed=True)

    api_key: SecretStr | None = Field(
        alias="openrouter_api_key",
        default_factory=secret_from_env("OPENROUTER_API_KEY", default=None),
    )
    """OpenRouter API key; read from ``OPENROUTER_API_KEY`` when not given."""
    base_url: str = Field(
        default_factory=from_env("OPENROUTER_BASE_URL", default=DEFAULT_BASE_URL),
        alias="openrouter_api_base",
    )
    """API root (env: ``OPENROUTER_BASE_URL``). ``"emulator://"`` uses the offline emulator."""
    timeout: float | None = Field(default=None, alias="request_timeout")
    """Per-request timeout in seconds (the LangChain convention); None keeps the core default."""
    max_retries: int | None = None
    """Retries for 429 / 5xx / connection failures, done by the core; None keeps its default."""
    app_name: str | None = Field(default_factory=from_env("OPENROUTER_APP_TITLE", default=None))
    """Sent as ``X-Title`` for OpenRouter app attribution (env: ``OPENROUTER_APP_TITLE``)."""
    app_url: str | None = Field(default_factory=from_env("OPENROUTER_APP_URL", default=None))
    """Sent as ``HTTP-Referer`` for app attribution (env: ``OPENROUTER_APP_URL``)."""
    default_headers: dict[str, str] | None = None
    """Extra headers sent on every request."""
    client: Any = Field(default=None, exclude=True)
    """A core ``openrouter_kit.OpenRouter`` to use (and share) for sync calls."""
    async_client: Any = Field(default=None, exclude=True)
    """A core ``openrouter_kit.AsyncOpenRouter`` to use (and share) for async calls."""

    _sync_client: Any = PrivateAttr(default=None)
    _async_client: Any = PrivateAttr(default=None)

    def _client_kwargs(self) -> dict[str, Any]:
        kwargs: dict[str, Any] = {
            "api_key": self.api_key.get_secret_value() if self.api_key else None,
            "base_url": self.base_url,
            "app_name": self.app_name,
            "app_url": self.app_url,
        }
        if self.timeout is not None:
            kwargs["timeout"] = self.timeout
        if self.max_retries is not None:
            kwargs["max_retries"] = self.max_retries
        if self.default_headers:
            kwargs["default_headers"] = self.default_headers
        return kwargs

    def _twin_kwargs(self, given: Any) -> dict[str, Any]:
        """Settings for the missing sync/async twin of a caller's ``client=`` / ``async_client=``.

        The caller configured that client: its twin talks to the same server with the same
        key and settings (not this object's defaults, which may have no key at all).
        """
        kwargs = self._client_kwargs()
        if given is None:
            return kwargs
        kwargs["base_url"] = (
            "emulator://" if getattr(given, "uses_emulator", False) else str(given.base_url)
        )
        kwargs["api_key"] = getattr(given, "api_key", None) or kwargs["api_key"]
        for name in ("app_name", "app_url", "timeout", "max_retries"):
            if getattr(given, name, None) is not None:
                kwargs[name] = getattr(given, name)
        return kwargs

    def _get_client(self) -> OpenRouter:
        """The sync core client: the one given, else one built on first use and kept."""
        if self.client is not None:
            return cast("OpenRouter", self.client)
        if self._sync_client is None:
            with _build_lock:
                if self._sync_client is None:
                    from openrouter_kit import OpenRouter

                    built = OpenRouter(**self._twin_kwargs(self.async_client))
                    if self.async_client is not None:
                        # cost trackers and budgets on the given client see these calls too
                        built.hooks = self.async_client.hooks
                    self._sync_client = built
        return cast("OpenRouter", self._sync_client)

    def _get_async_client(self) -> AsyncOpenRouter:
        """The async core client: the one given, else one built on first use and kept."""
        if self.async_client is not None:
            return cast("AsyncOpenRouter", self.async_client)
        if self._async_client is None:
            with _build_lock:
                if self._async_client is None:
                    from openrouter_kit import AsyncOpenRouter

                    built = AsyncOpenRouter(**self._twin_kwargs(self.client))
                    if self.client is not None:
                        # cost trackers and budgets on the given client see these calls too
                        built.hooks = self.client.hooks
                    self._async_client = built
        return cast("AsyncOpenRouter", self._async_client)


def as_wire_dict(obj: Any) -> dict[str, Any]:
    """A core result (pydantic, extra fields kept) as its wire-named dict; dicts pass through."""
    if isinstance(obj, dict):
        return obj
    return cast("dict[str, Any]", obj.model_dump(exclude_none=True))
