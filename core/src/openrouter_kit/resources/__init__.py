"""One module per API group; each method builds its parameters and calls the shared pipeline."""

from .chat import Chat, Completions
from .embeddings import Embeddings
from .models import Models
from .rerank import Rerank

__all__ = ["Chat", "Completions", "Embeddings", "Models", "Rerank"]
