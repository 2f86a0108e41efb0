"""Plumbing shared by the framework adapters (LangChain, LlamaIndex); imports no framework.

The adapters translate framework types and nothing more. What they have in common lives
here: the lazily built pair of core clients (picklable, deep-copyable, key kept out of
reprs), the base URL from arguments and env, how a core error maps onto a framework's
error kinds, and wire dicts from core results.
"""

from __future__ import annotations

import functools
import os
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Literal, TypeVar, cast

if TYPE_CHECKING:
    from pydantic import BaseModel

    from .client import AsyncOpenRouter, OpenRouter
    from .cost import CallCost

Model = TypeVar("Model", bound="BaseModel")

__all__ = [
    "DEFAULT_BASE_URL",
    "DEFAULT_MAX_RETRIES",
    "DEFAULT_TIMEOUT",
    "ROUTING_FIELDS",
    "ClientPair",
    "ErrorKind",
    "as_wire_dict",
    "call_cost",
    "error_kind",
    "prebuilt",
    "resolve_base_url",
    "slot_setters",
]

DEFAULT_BASE_URL = "https://openrouter.ai/api/v1"
DEFAULT_TIMEOUT = 60.0
DEFAULT_MAX_RETRIES = 2

ROUTING_FIELDS = ("models", "route", "transforms", "plugins", "session_id", "trace", "user")
"""OpenRouter's routing and attribution params, which both adapters offer as fields."""

ErrorKind = Literal[
    "authentication",
    "permission_denied",
    "invalid_request",
    "context_overflow",
    "not_found",
    "rate_limit",
    "api",
    "connection",
    "timeout",
]

_CONTEXT_MARKERS = (
    "context length",
    "context_length",
    "context window",
    "maximum context",
    "too many tokens",
    "prompt is too long",
)


def resolve_base_url(base_url: str | None, api_base: str | None = None) -> str:
    """``base_url``, else its alias ``api_base``, else OPENROUTER_API_BASE / OPENROUTER_BASE_URL."""
    if base_url and api_base and base_url != api_base:
        raise ValueError("Pass base_url or its alias api_base, not both with different values.")
    return (
        base_url
        or api_base
        or os.environ.get("OPENROUTER_API_BASE")
        or os.environ.get("OPENROUTER_BASE_URL")
        or DEFAULT_BASE_URL
    )


def error_kind(exc: BaseException) -> ErrorKind | None:
    """The framework-neutral kind of a core error (None: not an API or transport failure).

    Frameworks name these kinds (LangChain's ``langchain_core.exceptions``); the adapters
    map a kind to their class. OpenRouter reports a too-long prompt as a plain 400, so the
    message decides ``context_overflow``.
    """
    from . import errors

    if isinstance(exc, errors.APITimeoutError):
        return "timeout"
    if isinstance(exc, errors.APIConnectionError):
        return "connection"
    if not isinstance(exc, errors.APIError) or isinstance(exc, errors.StreamError):
        return "api" if isinstance(exc, errors.StreamError) else None
    status = getattr(exc, "status_code", None)
    if status == 400:
        text = str(exc).lower()
        if any(marker in text for marker in _CONTEXT_MARKERS):
            return "context_overflow"
        return "invalid_request"
    by_status: dict[int, ErrorKind] = {
        401: "authentication",
        403: "permission_denied",
        404: "not_found",
        413: "invalid_request",
        422: "invalid_request",
        429: "rate_limit",
        408: "timeout",
    }
    if isinstance(status, int) and status in by_status:
        return by_status[status]
    return "api"


def as_wire_dict(obj: Any) -> dict[str, Any]:
    """A core result (pydantic, extra fields kept) as its wire-named dict; dicts pass through."""
    if isinstance(obj, dict):
        return obj
    return cast("dict[str, Any]", obj.model_dump(exclude_none=True))


def call_cost(endpoint: str, result: Any, body: Any = None) -> CallCost:
    """What one core result cost and used (``openrouter_kit.cost.CallCost``).

    Adapters put it on their framework's events, so one cost handler counts chat,
    embedding and rerank calls alike.
    """
    from .cost import _call_cost, _find_usage, _identity

    return _call_cost(endpoint, body, _find_usage(result), _identity(result), False)


class ClientPair:
    """One sync and one async core client, built on first use from shared settings.

    A caller's ``client=`` / ``async_client=`` is used as is; the missing twin talks to the
    same server with the same key and shares its hooks (cost trackers, budgets). The key
    is kept for building but never shown. Pickling and ``deepcopy`` keep the settings, the
    key and the caller's clients, and drop the clients built here: the copy rebuilds its
    own on first use (connection pools and locks do not travel).
    """

    def __init__(
        self,
        *,
        api_key: str | None,
        base_url: str,
        timeout: float | None = None,
        max_retries: int | None = None,
        app_name: str | None = None,
        app_url: str | None = None,
        default_headers: dict[str, str] | None = None,
        client: Any = None,
        async_client: Any = None,
        http_client: Any = None,
        async_http_client: Any = None,
    ) -> None:
        self._api_key = api_key
        settings: dict[str, Any] = {"base_url": base_url, "app_name": app_name, "app_url": app_url}
        if timeout is not None:
            settings["timeout"] = timeout
        if max_retries is not None:
            settings["max_retries"] = max_retries
        if default_headers:
            settings["default_headers"] = default_headers
        self._settings = settings
        self._given = (client, async_client, http_client, async_http_client)
        self._client: Any = client
        self._async_client: Any = async_client
        self._lock = threading.Lock()

    @classmethod
    def for_component(
        cls,
        component: Any,
        api_key: str | None = None,
        client: Any = None,
        async_client: Any = None,
        http_client: Any = None,
        async_http_client: Any = None,
    ) -> ClientPair:
        """Clients for an adapter object, from the connection fields it declares."""
        return cls(
            api_key=api_key,
            base_url=component.base_url,
            timeout=getattr(component, "timeout", None),
            max_retries=getattr(component, "max_retries", None),
            app_name=getattr(component, "app_name", None),
            app_url=getattr(component, "app_url", None),
            default_headers=getattr(component, "default_headers", None),
            client=client,
            async_client=async_client,
            http_client=http_client,
            async_http_client=async_http_client,
        )

    @staticmethod
    def pickled(state: dict[str, Any], default: ClientPair) -> ClientPair:
        """The pair a pickled pydantic object held (``_clients``), else ``default``.

        For frameworks whose unpickling re-runs ``__init__`` from the public fields, where
        the key is not: the pickled pair keeps it.
        """
        pair = (state.get("__pydantic_private__") or {}).get("_clients")
        return pair if isinstance(pair, ClientPair) else default

    def __repr__(self) -> str:  # never show the key
        return f"ClientPair(base_url={self._settings['base_url']!r})"

    def __getstate__(self) -> dict[str, Any]:
        return {"api_key": self._api_key, "settings": self._settings, "given": self._given}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self._api_key = state["api_key"]
        self._settings = state["settings"]
        self._given = state["given"]
        self._client, self._async_client = self._given[0], self._given[1]
        self._lock = threading.Lock()

    def __deepcopy__(self, memo: dict[int, Any]) -> ClientPair:
        # the caller's clients are shared, not copied: they hold pools and locks
        copy = ClientPair.__new__(ClientPair)
        copy.__setstate__(self.__getstate__())
        return copy

    @property
    def cache_key(self) -> str:
        """The server these clients talk to (a caller's client wins over the settings)."""
        return self.base_url

    @property
    def base_url(self) -> str:
        """The server these clients talk to (a caller's client wins over the settings)."""
        for client in (self._client, self._async_client):
            if client is not None and getattr(client, "base_url", None) is not None:
                return str(client.base_url)
        return str(self._settings["base_url"])

    def _twin_kwargs(self, given: Any) -> dict[str, Any]:
        """Settings for the missing sync/async twin of a caller's client (or the defaults)."""
        kwargs = dict(self._settings, api_key=self._api_key)
        if given is None:
            return kwargs
        kwargs["base_url"] = (
            "emulator://" if getattr(given, "uses_emulator", False) else str(given.base_url)
        )
        kwargs["api_key"] = self._api_key or getattr(given, "api_key", None)
        for name in ("app_name", "app_url", "timeout", "max_retries"):
            if getattr(given, name, None) is not None:
                kwargs[name] = getattr(given, name)
        return kwargs

    def sync(self) -> OpenRouter:
        """The sync core client (``openrouter_kit.OpenRouter``), built on first call."""
        if self._client is None:
            with self._lock:
                if self._client is None:
                    from .client import OpenRouter

                    built = OpenRouter(
                        http_client=self._given[2], **self._twin_kwargs(self._async_client)
                    )
                    if self._async_client is not None:
                        built.hooks = self._async_client.hooks
                    self._client = built
        return cast("OpenRouter", self._client)

    def async_(self) -> AsyncOpenRouter:
        """The async core client (``openrouter_kit.AsyncOpenRouter``), built on first call."""
        if self._async_client is None:
            with self._lock:
                if self._async_client is None:
                    from .client import AsyncOpenRouter

                    built = AsyncOpenRouter(
                        http_client=self._given[3], **self._twin_kwargs(self._client)
                    )
                    if self._client is not None:
                        built.hooks = self._client.hooks
                    self._async_client = built
        return cast("AsyncOpenRouter", self._async_client)


def prebuilt(template: Model) -> Callable[..., Model]:
    """A maker of instances of a pydantic model from values already valid for it, as validation
    leaves them.

    The template instance is validated once; each call copies its state and sets the given
    fields, which must be ones the template set. Stream paths build framework objects per
    token (a LangChain message chunk, a LlamaIndex response) from values the adapter made
    itself, where validating them again costs more than the rest of the chunk's conversion.
    Container values the call does not give (an empty `additional_kwargs`, `tool_calls`)
    are copied, so no two instances share one. A closure, not a callable object: calling an
    instance costs a third more, and this runs for every token.
    """
    cls = type(template)
    base = dict(template.__dict__)
    containers = tuple(name for name, value in base.items() if type(value) in (dict, list))
    fields_set = frozenset(template.model_fields_set)
    extra = template.__pydantic_extra__
    private = template.__pydantic_private__
    # pydantic's slots through their descriptors: a third faster than setattr by name
    set_fields_set, set_extra, set_private = slot_setters()

    def make(**values: Any) -> Model:
        obj = _new(cls)
        state = {**base, **values}
        for name in containers:
            if name not in values:
                state[name] = state[name].copy()
        _setattr(obj, "__dict__", state)
        set_fields_set(obj, set(fields_set))
        set_extra(obj, None if extra is None else dict(extra))
        set_private(obj, None if private is None else dict(private))
        return obj

    return make


@functools.cache
def slot_setters() -> tuple[Any, Any, Any]:
    """pydantic's instance slots (fields set, extra, private), set through their descriptors."""
    from pydantic import BaseModel  # with the first template: importing this module stays light

    slots = ("__pydantic_fields_set__", "__pydantic_extra__", "__pydantic_private__")
    setters = tuple(BaseModel.__dict__[name].__set__ for name in slots)
    return setters[0], setters[1], setters[2]


_new = object.__new__
_setattr = object.__setattr__
