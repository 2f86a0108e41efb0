"""Model profiles from live GET /models data, fetched through the core on first read.

``ChatOpenRouter.profile`` is a :class:`LazyModelProfile`: a dict that fills itself from the
catalogue the first time it is read, so building a chat model never makes a request. The
catalogue is cached per base URL for an hour (OpenRouter serves it with max-age 300 and
stale-while-revalidate 3600), so many models share one fetch.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterator, Mapping
from typing import Any

from langchain_openrouter_kit._client import as_wire_dict

logger = logging.getLogger(__name__)

CATALOGUE_TTL_SECONDS = 3600.0
_catalogues: dict[str, tuple[float, dict[str, dict[str, Any]]]] = {}
_catalogue_lock = threading.Lock()


def _catalogue(client: Any, base_url: str) -> dict[str, dict[str, Any]]:
    """The model catalogue for ``base_url`` as ``{id: entry}``, cached for the TTL."""
    now = time.monotonic()
    cached = _catalogues.get(base_url)
    if cached and now - cached[0] < CATALOGUE_TTL_SECONDS:
        return cached[1]
    with _catalogue_lock:
        cached = _catalogues.get(base_url)
        if cached and now - cached[0] < CATALOGUE_TTL_SECONDS:
            return cached[1]
        entries = _index_catalogue(client.models.list())
        _catalogues[base_url] = (now, entries)
        return entries


def _index_catalogue(listing: Any) -> dict[str, dict[str, Any]]:
    entries: dict[str, dict[str, Any]] = {}
    for model in listing.data:
        entry = as_wire_dict(model)
        entries[entry["id"]] = entry
        if entry.get("canonical_slug"):
            entries.setdefault(entry["canonical_slug"], entry)
    return entries


async def _acatalogue(async_client: Any, base_url: str) -> dict[str, dict[str, Any]]:
    """Async twin of :func:`_catalogue` (same cache)."""
    cached = _catalogues.get(base_url)
    if cached and time.monotonic() - cached[0] < CATALOGUE_TTL_SECONDS:
        return cached[1]
    entries = _index_catalogue(await async_client.models.list())
    with _catalogue_lock:
        _catalogues[base_url] = (time.monotonic(), entries)
    return entries


async def amodel_entry(async_client: Any, base_url: str, model_id: str) -> dict[str, Any] | None:
    """Async twin of :func:`model_entry`."""
    catalogue = await _acatalogue(async_client, base_url)
    entry = catalogue.get(model_id)
    if entry is None and ":" in model_id:
        entry = catalogue.get(model_id.split(":", 1)[0])
    return entry


def clear_catalogue_cache() -> None:
    """Forget every cached catalogue (the next profile read fetches again)."""
    with _catalogue_lock:
        _catalogues.clear()


def model_entry(client: Any, base_url: str, model_id: str) -> dict[str, Any] | None:
    """The catalogue entry of ``model_id`` (variant suffixes like ``:free`` fall back)."""
    catalogue = _catalogue(client, base_url)
    entry = catalogue.get(model_id)
    if entry is None and ":" in model_id:
        entry = catalogue.get(model_id.split(":", 1)[0])
    return entry


def profile_from_entry(entry: Mapping[str, Any]) -> dict[str, Any]:
    """Map a GET /models entry to LangChain ``ModelProfile`` keys."""
    architecture = entry.get("architecture") or {}
    inputs = set(architecture.get("input_modalities") or [])
    outputs = set(architecture.get("output_modalities") or [])
    supported = set(entry.get("supported_parameters") or [])
    top_provider = entry.get("top_provider") or {}
    profile: dict[str, Any] = {}
    if entry.get("name"):
        profile["name"] = entry["name"]
    context_length = entry.get("context_length") or top_provider.get("context_length")
    if context_length:
        profile["max_input_tokens"] = int(context_length)
    if top_provider.get("max_completion_tokens"):
        profile["max_output_tokens"] = int(top_provider["max_completion_tokens"])
    if inputs:
        profile["text_inputs"] = "text" in inputs
        profile["image_inputs"] = "image" in inputs
        profile["image_url_inputs"] = "image" in inputs
        profile["pdf_inputs"] = "file" in inputs
        profile["audio_inputs"] = "audio" in inputs
        profile["video_inputs"] = "video" in inputs
    if outputs:
        profile["text_outputs"] = "text" in outputs
        profile["image_outputs"] = "image" in outputs
        profile["audio_outputs"] = "audio" in outputs
    if supported:
        profile["tool_calling"] = "tools" in supported
        profile["tool_choice"] = "tool_choice" in supported
        profile["tool_call_streaming"] = "tools" in supported
        profile["structured_output"] = "structured_outputs" in supported
        profile["reasoning_output"] = "reasoning" in supported or "include_reasoning" in supported
        profile["temperature"] = "temperature" in supported
    return profile


class LazyModelProfile(dict):  # type: ignore[type-arg]
    """A ``ModelProfile`` dict that loads itself from GET /models on first read.

    Until the chat model is fully constructed it reads as empty without fetching (LangChain
    inspects profiles inside the constructor), and its truth value never fetches. A failed
    fetch leaves it empty and is logged; it is not retried for this object.
    """

    def __init__(self, owner: Any) -> None:
        super().__init__()
        self._owner = owner
        self._armed = False
        self._loaded = False
        self._lock = threading.Lock()

    def arm(self) -> None:
        """Allow loading (called once the owning chat model is constructed)."""
        self._armed = True

    def _ensure(self) -> None:
        if self._loaded or not self._armed:
            return
        with self._lock:
            if self._loaded:
                return
            self._loaded = True
            try:
                entry = self._owner._fetch_model_entry()
            except Exception as error:
                logger.warning("Could not load the OpenRouter model profile: %s", error)
                return
            if entry:
                super().update(profile_from_entry(entry))

    async def aload(self) -> None:
        """Load without blocking the event loop (reading the profile afterwards is free)."""
        if self._loaded:
            return
        try:
            entry = await self._owner._afetch_model_entry()
        except Exception as error:
            logger.warning("Could not load the OpenRouter model profile: %s", error)
            entry = None
        with self._lock:
            if not self._loaded:
                self._loaded = True
                if entry:
                    super().update(profile_from_entry(entry))

    def __getitem__(self, key: Any) -> Any:
        self._ensure()
        return super().__getitem__(key)

    def get(self, key: Any, default: Any = None) -> Any:
        self._ensure()
        return super().get(key, default)

    def __contains__(self, key: object) -> bool:
        self._ensure()
        return super().__contains__(key)

    def __iter__(self) -> Iterator[Any]:
        self._ensure()
        return super().__iter__()

    def __len__(self) -> int:
        self._ensure()
        return super().__len__()

    def __bool__(self) -> bool:
        # Truthy without loading: LangChain tests ``if model.profile`` inside the
        # constructor and in ``dumpd``, neither of which should cost a request.
        return True

    def keys(self) -> Any:
        self._ensure()
        return super().keys()

    def values(self) -> Any:
        self._ensure()
        return super().values()

    def items(self) -> Any:
        self._ensure()
        return super().items()

    def copy(self) -> dict[str, Any]:
        self._ensure()
        return dict(super().items())

    def __eq__(self, other: object) -> bool:
        self._ensure()
        return dict(super().items()) == other

    __hash__ = None

    def __repr__(self) -> str:
        if not self._loaded:
            return "LazyModelProfile(<not loaded>)"
        return f"LazyModelProfile({dict(super().items())!r})"

    def __reduce__(self) -> Any:
        self._ensure()
        return (dict, (dict(super().items()),))

    def __copy__(self) -> LazyModelProfile:
        return self

    def __deepcopy__(self, memo: dict[int, Any]) -> LazyModelProfile:
        # The profile is a cache of catalogue data, shared by copies of the chat model;
        # copying must not trigger a fetch.
        return self
