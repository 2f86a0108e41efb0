"""Connection settings shared by the chat model, the embeddings and the reranker.

The core clients are built lazily, on first use, so constructing a LangChain object is
cheap and never touches the network; ``client=`` / ``async_client=`` let many objects share
one core client (one connection pool). The pair of clients is the core's
``openrouter_kit.integration.ClientPair``: pickling and ``deepcopy`` keep the settings and
drop the built clients, which the copy rebuilds on first use.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from langchain_core.utils import from_env, secret_from_env
from openrouter_kit.integration import DEFAULT_BASE_URL, ClientPair, as_wire_dict
from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, SecretStr

if TYPE_CHECKING:
    from openrouter_kit import AsyncOpenRouter, OpenRouter

__all__ = ["DEFAULT_BASE_URL", "OpenRouterClientSettings", "as_wire_dict"]


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

    _pair: ClientPair | None = PrivateAttr(default=None)

    @property
    def model_name(self) -> str:
        """Alias of ``model``, as on langchain-openai's classes."""
        return str(getattr(self, "model", ""))

    def _clients(self) -> ClientPair:
        if self._pair is None:
            self._pair = ClientPair.for_component(
                self,
                api_key=self.api_key.get_secret_value() if self.api_key else None,
                client=self.client,
                async_client=self.async_client,
            )
        return self._pair

    def _get_client(self) -> OpenRouter:
        """The sync core client: the one given, else one built on first use and kept."""
        return self._clients().sync()

    def _get_async_client(self) -> AsyncOpenRouter:
        """The async core client: the one given, else one built on first use and kept."""
        return self._clients().async_()

    def __deepcopy__(self, memo: dict[int, Any] | None = None) -> Any:
        # the caller's client= / async_client= are shared, not copied (pools and locks)
        memo = {} if memo is None else memo
        for given in (self.client, self.async_client):
            if given is not None:
                memo[id(given)] = given
        return super().__deepcopy__(memo)
