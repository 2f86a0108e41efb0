"""Model capabilities from OpenRouter's /models catalogue, fetched once per process.

LlamaIndex reads ``LLM.metadata`` often (prompt packing, agents, structured output), so
the catalogue is fetched lazily on first use, through the core client, and cached per
``base_url`` for the life of the process. One GET serves every model id.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from typing import Any

from llama_index.core.constants import DEFAULT_CONTEXT_WINDOW, DEFAULT_NUM_OUTPUTS

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class ModelInfo:
    """What LlamaIndex needs to know about one model, derived from its /models entry."""

    model_id: str
    context_window: int
    max_completion_tokens: int | None
    supported_parameters: frozenset[str]
    input_modalities: frozenset[str]
    output_modalities: frozenset[str] = frozenset({"text"})
    found: bool = True

    @property
    def is_chat_model(self) -> bool:
        """True when the model answers chat messages with text (image-only generators do not)."""
        return "text" in self.output_modalities

    @property
    def is_function_calling_model(self) -> bool:
        """True when the model's endpoints accept ``tools``."""
        return "tools" in self.supported_parameters

    @property
    def supports_json_schema(self) -> bool:
        """True when ``response_format`` json_schema (structured outputs) is accepted."""
        return "structured_outputs" in self.supported_parameters

    @property
    def num_output(self) -> int:
        """Output budget to reserve in prompts: the model's max completion, capped so input fits.

        Many catalogue entries set max_completion_tokens equal to context_length; reserving all
        of it would leave no room for the prompt, so at most half the window is reserved.
        """
        if self.max_completion_tokens is None:
            return min(DEFAULT_NUM_OUTPUTS, self.context_window // 2)
        return max(1, min(self.max_completion_tokens, self.context_window // 2))


def unknown_model_info(model_id: str) -> ModelInfo:
    """A model the catalogue does not list (or could not be read): ``found`` is False.

    Nothing is claimed: no tool calling (an agent must not assume it), LlamaIndex's default
    context window only so prompt budgeting can run. Pass ``context_window=`` and
    ``is_function_calling_model=`` to state what you know.
    """
    return ModelInfo(
        model_id=model_id,
        context_window=DEFAULT_CONTEXT_WINDOW,
        max_completion_tokens=None,
        supported_parameters=frozenset(),
        input_modalities=frozenset({"text"}),
        found=False,
    )


def model_info_from_entry(entry: Any) -> ModelInfo:
    """A ModelInfo from one core ``Model`` (a /models entry)."""
    top = getattr(entry, "top_provider", None)
    context = entry.context_length or (top.context_length if top else None)
    architecture = getattr(entry, "architecture", None)
    return ModelInfo(
        model_id=entry.id,
        context_window=int(context or DEFAULT_CONTEXT_WINDOW),
        max_completion_tokens=top.max_completion_tokens if top else None,
        supported_parameters=frozenset(entry.supported_parameters or ()),
        input_modalities=frozenset(architecture.input_modalities if architecture else ("text",)),
        output_modalities=frozenset(
            (architecture.output_modalities if architecture else None) or ("text",)
        ),
    )


class ModelCatalogueCache:
    """Per-process cache of /models, keyed by base URL; thread-safe, fetched at most once per key."""

    def __init__(self) -> None:
        self._by_base_url: dict[str, dict[str, ModelInfo]] = {}
        self._lock = threading.Lock()

    def clear(self) -> None:
        """Forget every cached catalogue (tests, or after a long-running process's models change)."""
        with self._lock:
            self._by_base_url.clear()

    def cached(self, base_url: str) -> dict[str, ModelInfo] | None:
        """The catalogue for ``base_url`` if it was already fetched."""
        return self._by_base_url.get(base_url)

    def store(self, base_url: str, model_list: Any) -> dict[str, ModelInfo]:
        """Index a core ``ModelList`` and cache it for ``base_url``."""
        catalogue = {entry.id: model_info_from_entry(entry) for entry in model_list.data}
        with self._lock:
            self._by_base_url[base_url] = catalogue
        return catalogue

    def get(self, client: Any, base_url: str) -> dict[str, ModelInfo]:
        """The catalogue, fetched with the sync core client on first use."""
        catalogue = self.cached(base_url)
        if catalogue is not None:
            return catalogue
        with self._lock:
            catalogue = self._by_base_url.get(base_url)
        if catalogue is not None:
            return catalogue
        return self.store(base_url, client.models.list())

    async def aget(self, async_client: Any, base_url: str) -> dict[str, ModelInfo]:
        """The catalogue, fetched with the async core client on first use."""
        catalogue = self.cached(base_url)
        if catalogue is not None:
            return catalogue
        return self.store(base_url, await async_client.models.list())


MODEL_CATALOGUE = ModelCatalogueCache()
"""The process-wide catalogue cache shared by every OpenRouter LLM instance."""


def lookup(catalogue: dict[str, ModelInfo], model_id: str) -> ModelInfo:
    """Find ``model_id``; a routing suffix such as ``:nitro`` or ``:online`` falls back to the base id."""
    info = catalogue.get(model_id)
    if info is None and ":" in model_id:
        info = catalogue.get(model_id.split(":", 1)[0])
    if info is None:
        logger.warning(
            "Model %r is not in the OpenRouter /models catalogue: its context window and tool "
            "support are unknown; using default metadata (context_window=%d, no tool calling). "
            "Pass context_window= and is_function_calling_model= to override.",
            model_id,
            DEFAULT_CONTEXT_WINDOW,
        )
        return unknown_model_info(model_id)
    return info
