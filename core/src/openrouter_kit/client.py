"""OpenRouter and AsyncOpenRouter: configuration, and the one request pipeline each executes.

Both clients share every resource class and every pipeline function; they differ only in
`_send` (how bytes go out and how the wait between retries is slept).
"""

from __future__ import annotations

import logging
import os
import weakref
from collections.abc import Callable, Mapping
from importlib import import_module
from types import TracebackType
from typing import TYPE_CHECKING, Any, TypedDict

import httpx

from . import _hooks, _pipeline, _tls, _transports
from ._endpoints import ROUTES, Endpoint
from ._pipeline import NOT_GIVEN, NotGiven
from ._retry import RETRYABLE_STATUSES, RetryPolicy
from ._version import __version__
from .errors import APIConnectionError, APITimeoutError, OpenRouterError, remember_secret

if TYPE_CHECKING:
    import asyncio

    from typing_extensions import Self, Unpack

    from .resources import (
        Activity,
        Analytics,
        Audio,
        Auth,
        Benchmarks,
        Byok,
        Chat,
        Classifications,
        Credits,
        Datasets,
        Embeddings,
        Endpoints,
        Files,
        Generations,
        Guardrails,
        Images,
        Keys,
        Messages,
        Models,
        Observability,
        Organization,
        Presets,
        Providers,
        Rerank,
        Responses,
        Scim,
        Videos,
        Workspaces,
    )
    from .resources._async import (
        AsyncActivity,
        AsyncAnalytics,
        AsyncAudio,
        AsyncAuth,
        AsyncBenchmarks,
        AsyncByok,
        AsyncChat,
        AsyncClassifications,
        AsyncCredits,
        AsyncDatasets,
        AsyncEmbeddings,
        AsyncEndpoints,
        AsyncFiles,
        AsyncGenerations,
        AsyncGuardrails,
        AsyncImages,
        AsyncKeys,
        AsyncMessages,
        AsyncModels,
        AsyncObservability,
        AsyncOrganization,
        AsyncPresets,
        AsyncProviders,
        AsyncRerank,
        AsyncResponses,
        AsyncScim,
        AsyncVideos,
        AsyncWorkspaces,
    )

__all__ = ["DEFAULT_BASE_URL", "DEFAULT_TIMEOUT", "AsyncOpenRouter", "OpenRouter"]

logger = logging.getLogger("openrouter_kit")

DEFAULT_BASE_URL = "https://openrouter.ai/api/v1"
DEFAULT_TIMEOUT = 600.0
EMULATOR_SCHEME = "emulator://"
EMULATOR_BASE_URL = "http://emulator.openrouter-kit.local/api/v1"

Timeout = float | httpx.Timeout | None


def _as_timeout(timeout: Timeout) -> httpx.Timeout:
    if isinstance(timeout, httpx.Timeout):
        return timeout
    if timeout is None:
        return httpx.Timeout(None)
    return httpx.Timeout(float(timeout), connect=min(float(timeout), 10.0))


def _budget(timeout: httpx.Timeout) -> float | None:
    """The time budget for one call, retries included: the largest configured phase timeout."""
    values = [
        t for t in (timeout.read, timeout.connect, timeout.write, timeout.pool) if t is not None
    ]
    return max(values) if values else None


class Call(TypedDict, total=False):
    """What a resource method hands the pipeline for one call."""

    path_params: Mapping[str, str] | None
    query: Mapping[str, Any] | None
    body: Mapping[str, Any] | None
    extra_headers: Mapping[str, str] | None
    extra_query: Mapping[str, Any] | None
    extra_body: Mapping[str, Any] | None
    timeout: Timeout | NotGiven


class _Group:
    """A client's resource group (`client.files`), made on first use and then kept.

    The first read imports resources/<module>.py and stores the group in the client's
    `__dict__`, so later reads are plain attribute reads that never come back here.
    """

    __slots__ = ("cls", "module", "name")

    def __init__(self, module: str, cls: str) -> None:
        self.module = module
        self.cls = cls
        self.name = ""

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    def __get__(self, client: Any, owner: type | None = None) -> Any:
        if client is None:
            return self
        group_type = getattr(import_module(f"{__package__}.resources.{self.module}"), self.cls)
        group = client.__dict__[self.name] = group_type(client)
        return group


class _BaseClient:
    """Configuration shared by both clients. The API key is held privately and never shown."""

    _http: httpx.Client | httpx.AsyncClient
    _http_class: type[httpx.Client] | type[httpx.AsyncClient]
    # the pipeline entry resources call (resources/_resource.Requester): sync or async per client
    _request: Callable[..., Any]
    # The resources, typed per client below (sync results, or awaitables: resources/_async.pyi);
    # each is made on first use, so a program imports only the groups it calls.
    chat: Any = _Group("chat", "Chat")
    embeddings: Any = _Group("embeddings", "Embeddings")
    rerank: Any = _Group("rerank", "Rerank")
    models: Any = _Group("models", "Models")
    responses: Any = _Group("responses", "Responses")
    messages: Any = _Group("messages", "Messages")
    endpoints: Any = _Group("catalog", "Endpoints")
    providers: Any = _Group("catalog", "Providers")
    generations: Any = _Group("account", "Generations")
    activity: Any = _Group("account", "Activity")
    credits: Any = _Group("account", "Credits")
    keys: Any = _Group("keys", "Keys")
    organization: Any = _Group("account", "Organization")
    guardrails: Any = _Group("guardrails", "Guardrails")
    auth: Any = _Group("auth", "Auth")
    analytics: Any = _Group("analytics", "Analytics")
    audio: Any = _Group("audio", "Audio")
    benchmarks: Any = _Group("benchmarks", "Benchmarks")
    byok: Any = _Group("byok", "Byok")
    classifications: Any = _Group("classifications", "Classifications")
    datasets: Any = _Group("datasets", "Datasets")
    files: Any = _Group("files", "Files")
    images: Any = _Group("images", "Images")
    observability: Any = _Group("observability", "Observability")
    presets: Any = _Group("presets", "Presets")
    scim: Any = _Group("scim", "Scim")
    videos: Any = _Group("videos", "Videos")
    workspaces: Any = _Group("workspaces", "Workspaces")
    # what a stream or a binary answer is read into, by class name: imported on first use
    _stream_type: str
    _binary_type: str

    def __init__(
        self,
        *,
        api_key: str | None,
        base_url: str | None,
        app_name: str | None,
        app_url: str | None,
        timeout: Timeout,
        max_retries: int,
        default_headers: Mapping[str, str] | None,
    ) -> None:
        base_url = base_url or os.environ.get("OPENROUTER_BASE_URL") or DEFAULT_BASE_URL
        self.uses_emulator = base_url.startswith(EMULATOR_SCHEME)
        api_key = api_key or os.environ.get("OPENROUTER_API_KEY")
        if not api_key:
            if not self.uses_emulator:
                raise OpenRouterError(
                    "No API key: pass api_key=... or set OPENROUTER_API_KEY "
                    "(or use base_url='emulator://' to work offline)."
                )
            api_key = "emulator-key"
        if not isinstance(max_retries, int) or max_retries < 0:
            raise ValueError(f"max_retries: expected a non-negative integer, got {max_retries!r}")
        self._api_key = api_key
        remember_secret(api_key)  # hidden from every error message, whatever its form
        self.base_url = (EMULATOR_BASE_URL if self.uses_emulator else base_url).rstrip("/")
        self.app_name = app_name
        self.app_url = app_url
        self.timeout = _as_timeout(timeout)
        self.max_retries = max_retries
        self._retry = RetryPolicy(max_retries=max_retries)
        headers = {
            "Authorization": f"Bearer {api_key}",
            "Accept": "application/json",
            "Content-Type": "application/json",
            "User-Agent": f"openrouter-kit/{__version__}",
        }
        if app_url:
            headers["HTTP-Referer"] = app_url
        if app_name:
            headers["X-Title"] = app_name
        if default_headers:
            headers.update(default_headers)
        self._headers = headers
        self._urls: dict[str, httpx.URL] = {}
        self._owns_http = True
        self.hooks: list[Any] = []
        """Objects notified of every call (see _hooks.Hook): cost trackers, budgets, tracing."""

    @property
    def api_key(self) -> str:
        """The key in use (never shown in repr, logs or errors)."""
        return self._api_key

    def __repr__(self) -> str:
        return f"{type(self).__name__}(base_url={self.base_url!r}, api_key=<hidden>, max_retries={self.max_retries})"

    def _prepare(
        self,
        endpoint: Endpoint,
        *,
        stream: bool,
        path_params: Mapping[str, str] | None = None,
        query: Mapping[str, Any] | None = None,
        body: Mapping[str, Any] | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, Any] | None = None,
        extra_body: Mapping[str, Any] | None = None,
        timeout: Timeout | NotGiven = NOT_GIVEN,
    ) -> tuple[httpx.Request, float | None, dict[str, Any] | None]:
        files = None
        if endpoint.multipart and body and "file" in body:
            body, files = _pipeline.multipart_parts(body)
        path, params, sent_body, content = _pipeline.prepare(
            endpoint,
            path_params=path_params,
            query=query,
            body=body,
            extra_query=extra_query,
            extra_body=extra_body,
        )
        data = None
        if files is not None:  # a multipart upload: the other fields go as form fields
            data = _pipeline.form_fields(sent_body)
            content = None
            # the client's default Content-Type is JSON: name the form's own, with its boundary
            extra_headers = {
                "Content-Type": f"multipart/form-data; boundary={os.urandom(16).hex()}",
                **(extra_headers or {}),
            }
        # A client this object created already carries our headers; an injected one gets them per call.
        headers: dict[str, str] | None = None if self._owns_http else self._headers
        if stream or extra_headers:
            headers = {**(headers or {})}
            if stream:
                headers["Accept"] = "text/event-stream"
            if extra_headers:
                headers.update(extra_headers)
        call_timeout = self.timeout if isinstance(timeout, NotGiven) else _as_timeout(timeout)
        request = self._http.build_request(
            endpoint.method,
            self._url(path),
            params=params,
            headers=headers,
            content=content,
            data=data,
            files=files,
            timeout=call_timeout,
        )
        if self.hooks:
            hooks = list(self.hooks)
            try:
                _hooks.run_before(hooks, endpoint.name, sent_body)
            except BaseException as exc:
                # an earlier hook may have reserved budget for this call: let it release
                _hooks.run_failed(hooks, endpoint.name, sent_body, exc)
                raise
        budget = _budget(call_timeout)
        deadline = None if budget is None else self._retry.clock.now() + budget
        return request, deadline, sent_body

    def _finish(
        self,
        endpoint: Endpoint,
        body: dict[str, Any] | None,
        response: httpx.Response,
        stream: bool,
    ) -> Any:
        """The result of a successful response: a stream to iterate, or the parsed object."""
        if endpoint.binary:
            from . import _binary

            return getattr(_binary, self._binary_type)(response)
        if stream:
            from . import _streaming

            stream_type = getattr(_streaming, self._stream_type)
            on_finish = None
            if self.hooks:
                hooks = list(self.hooks)

                def on_finish(events: list[Any], outcome: str = "complete") -> None:
                    _hooks.run_after_stream(hooks, endpoint.name, body, events, outcome)

            return stream_type(
                response,
                _pipeline.event_parser(endpoint),
                _pipeline.stream_partial(endpoint),
                on_finish,
                ends_with_done=endpoint.ends_with_done,
            )
        result = _pipeline.parse_response(endpoint, response)
        if self.hooks:
            _hooks.run_after(self.hooks, endpoint.name, body, result)
        return result

    def _use_http(self, http_client: httpx.Client | httpx.AsyncClient | None) -> None:
        """Adopt the caller's httpx client, or create one (the emulator's, or a pooled one)."""
        self._owns_http = http_client is None
        if http_client is not None:
            self._http = http_client
            return
        options: dict[str, Any] = {"headers": self._headers}
        if self.uses_emulator:
            options["transport"] = _transports.for_scheme("emulator")
        else:
            options["limits"] = httpx.Limits(max_connections=100, max_keepalive_connections=100)
            options["follow_redirects"] = True
            options["verify"] = _tls.default_context()
        self._http = self._http_class(**options)

    def _url(self, path: str) -> httpx.URL:
        """The absolute URL of a path, parsed once: httpx re-parses strings on every request."""
        url = self._urls.get(path)
        if url is None:
            url = httpx.URL(self.base_url + path)
            if len(self._urls) < 512:  # paths with ids (keys, guardrails) must not grow it forever
                self._urls[path] = url
        return url

    def _failure(
        self,
        endpoint: Endpoint,
        request: httpx.Request,
        response: httpx.Response | None,
        exc: Exception | None,
    ) -> tuple[Exception, Mapping[str, str] | None, bool]:
        """(error to raise, headers that may say when to retry, whether it may be retried)."""
        if response is not None:
            error = _pipeline.status_error(endpoint, response)
            return error, response.headers, response.status_code in RETRYABLE_STATUSES
        if isinstance(exc, httpx.TimeoutException):
            return (
                APITimeoutError(f"Request timed out: {type(exc).__name__}", request=request),
                None,
                True,
            )
        return (
            APIConnectionError(f"Connection error: {type(exc).__name__}: {exc}", request=request),
            None,
            True,
        )


class OpenRouter(_BaseClient):
    """The synchronous client. Reuse one instance: it keeps connections alive."""

    _http: httpx.Client
    _http_class = httpx.Client
    _stream_type = "Stream"
    _binary_type = "BinaryResponse"
    chat: Chat
    embeddings: Embeddings
    rerank: Rerank
    models: Models
    responses: Responses
    messages: Messages
    endpoints: Endpoints
    providers: Providers
    generations: Generations
    activity: Activity
    credits: Credits
    keys: Keys
    organization: Organization
    guardrails: Guardrails
    analytics: Analytics
    audio: Audio
    benchmarks: Benchmarks
    byok: Byok
    classifications: Classifications
    datasets: Datasets
    files: Files
    images: Images
    observability: Observability
    presets: Presets
    scim: Scim
    videos: Videos
    workspaces: Workspaces
    auth: Auth

    def __init__(
        self,
        api_key: str | None = None,
        base_url: str | None = None,
        app_name: str | None = None,
        app_url: str | None = None,
        timeout: Timeout = DEFAULT_TIMEOUT,
        max_retries: int = 2,
        http_client: httpx.Client | None = None,
        default_headers: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(
            api_key=api_key,
            base_url=base_url,
            app_name=app_name,
            app_url=app_url,
            timeout=timeout,
            max_retries=max_retries,
            default_headers=default_headers,
        )
        self._use_http(http_client)

    def _request(self, name: str, *, stream: bool = False, **call: Unpack[Call]) -> Any:
        endpoint = ROUTES[name]
        request, deadline, sent_body = self._prepare(endpoint, stream=stream, **call)
        try:
            unread = stream or endpoint.binary
            response = self._send(endpoint, request, stream=unread, deadline=deadline)
            return self._finish(endpoint, sent_body, response, stream)
        except BaseException as exc:
            if self.hooks:
                _hooks.run_failed(self.hooks, endpoint.name, sent_body, exc)
            raise

    def _send(
        self, endpoint: Endpoint, request: httpx.Request, *, stream: bool, deadline: float | None
    ) -> httpx.Response:
        attempt = 0
        while True:
            response: httpx.Response | None = None
            caught: Exception | None = None
            try:
                response = self._http.send(request, stream=stream)
            except httpx.TransportError as exc:
                caught = exc
            else:
                if response.status_code < 400:
                    return response
                if stream:
                    try:
                        response.read()
                    finally:
                        response.close()
            error, headers, retryable = self._failure(endpoint, request, response, caught)
            wait = (
                self._retry.delay(attempt, headers=headers, deadline=deadline)
                if retryable
                else None
            )
            if wait is None:
                raise error from caught
            logger.info(
                "Retrying %s %s in %.2fs after %s",
                request.method,
                request.url.path,
                wait,
                type(error).__name__,
            )
            self._retry.clock.sleep(wait)
            attempt += 1

    def close(self) -> None:
        """Close connections (only those of an http_client this client created)."""
        if self._owns_http:
            self._http.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


class AsyncOpenRouter(_BaseClient):
    """The asyncio client: the same resources and methods, awaited."""

    _http: httpx.AsyncClient
    _http_class = httpx.AsyncClient
    _stream_type = "AsyncStream"
    _binary_type = "AsyncBinaryResponse"
    # Same resource objects as OpenRouter; the stubs say their methods return awaitables.
    chat: AsyncChat
    embeddings: AsyncEmbeddings
    rerank: AsyncRerank
    models: AsyncModels
    responses: AsyncResponses
    messages: AsyncMessages
    endpoints: AsyncEndpoints
    providers: AsyncProviders
    generations: AsyncGenerations
    activity: AsyncActivity
    credits: AsyncCredits
    keys: AsyncKeys
    organization: AsyncOrganization
    guardrails: AsyncGuardrails
    auth: AsyncAuth
    analytics: AsyncAnalytics
    audio: AsyncAudio
    benchmarks: AsyncBenchmarks
    byok: AsyncByok
    classifications: AsyncClassifications
    datasets: AsyncDatasets
    files: AsyncFiles
    images: AsyncImages
    observability: AsyncObservability
    presets: AsyncPresets
    scim: AsyncScim
    videos: AsyncVideos
    workspaces: AsyncWorkspaces

    def __init__(
        self,
        api_key: str | None = None,
        base_url: str | None = None,
        app_name: str | None = None,
        app_url: str | None = None,
        timeout: Timeout = DEFAULT_TIMEOUT,
        max_retries: int = 2,
        http_client: httpx.AsyncClient | None = None,
        default_headers: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(
            api_key=api_key,
            base_url=base_url,
            app_name=app_name,
            app_url=app_url,
            timeout=timeout,
            max_retries=max_retries,
            default_headers=default_headers,
        )
        self._use_http(http_client)
        # An httpx pool's connections belong to the event loop that opened them: an owned
        # pool is kept per running loop, so one client serves successive asyncio.run calls.
        self._loop_pools: weakref.WeakKeyDictionary[
            asyncio.AbstractEventLoop, httpx.AsyncClient
        ] = weakref.WeakKeyDictionary()

    def _pool(self) -> httpx.AsyncClient:
        """The httpx client for the running loop (a caller's, or the emulator's, is used as is)."""
        if not self._owns_http or self.uses_emulator:
            return self._http
        from asyncio import get_running_loop  # a sync-only program never loads asyncio

        loop = get_running_loop()
        pool = self._loop_pools.get(loop)
        if pool is None:
            if self._loop_pools:  # the first loop takes the pool made in __init__
                self._use_http(None)
            pool = self._loop_pools[loop] = self._http
        self._http = pool
        return pool

    async def _request(self, name: str, *, stream: bool = False, **call: Unpack[Call]) -> Any:
        endpoint = ROUTES[name]
        request, deadline, sent_body = self._prepare(endpoint, stream=stream, **call)
        try:
            unread = stream or endpoint.binary
            response = await self._send(endpoint, request, stream=unread, deadline=deadline)
            return self._finish(endpoint, sent_body, response, stream)
        except BaseException as exc:
            if self.hooks:
                _hooks.run_failed(self.hooks, endpoint.name, sent_body, exc)
            raise

    async def _send(
        self, endpoint: Endpoint, request: httpx.Request, *, stream: bool, deadline: float | None
    ) -> httpx.Response:
        attempt = 0
        while True:
            response: httpx.Response | None = None
            caught: Exception | None = None
            try:
                response = await self._pool().send(request, stream=stream)
            except httpx.TransportError as exc:
                caught = exc
            else:
                if response.status_code < 400:
                    return response
                if stream:
                    try:
                        await response.aread()
                    finally:
                        await response.aclose()
            error, headers, retryable = self._failure(endpoint, request, response, caught)
            wait = (
                self._retry.delay(attempt, headers=headers, deadline=deadline)
                if retryable
                else None
            )
            if wait is None:
                raise error from caught
            logger.info(
                "Retrying %s %s in %.2fs after %s",
                request.method,
                request.url.path,
                wait,
                type(error).__name__,
            )
            await self._retry.clock.asleep(wait)
            attempt += 1

    async def close(self) -> None:
        """Close connections (only those of an http_client this client created)."""
        if self._owns_http:
            await self._pool().aclose()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()
