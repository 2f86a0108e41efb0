"""One module per API group; each method builds its parameters and calls the shared pipeline.

The groups load on first use (a client makes each when it is first read), so importing this
package imports none of them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .._lazy import lazy_exports

if TYPE_CHECKING:
    from .account import Activity, Credits, Generations, Organization
    from .analytics import Analytics
    from .audio import Audio
    from .auth import Auth
    from .benchmarks import Benchmarks
    from .byok import Byok
    from .catalog import Endpoints, Providers
    from .chat import Chat, Completions
    from .classifications import Classifications
    from .datasets import Datasets
    from .embeddings import Embeddings
    from .files import Files
    from .guardrails import Guardrails
    from .images import Images
    from .keys import Keys
    from .messages import Messages
    from .models import Models
    from .observability import Observability
    from .presets import Presets
    from .rerank import Rerank
    from .responses import Responses
    from .scim import Scim
    from .videos import Videos
    from .workspaces import Workspaces

_MODULES = {
    "Activity": "account",
    "Analytics": "analytics",
    "Audio": "audio",
    "Auth": "auth",
    "Benchmarks": "benchmarks",
    "Byok": "byok",
    "Chat": "chat",
    "Classifications": "classifications",
    "Completions": "chat",
    "Credits": "account",
    "Datasets": "datasets",
    "Embeddings": "embeddings",
    "Endpoints": "catalog",
    "Files": "files",
    "Generations": "account",
    "Guardrails": "guardrails",
    "Images": "images",
    "Keys": "keys",
    "Messages": "messages",
    "Models": "models",
    "Observability": "observability",
    "Organization": "account",
    "Presets": "presets",
    "Providers": "catalog",
    "Rerank": "rerank",
    "Responses": "responses",
    "Scim": "scim",
    "Videos": "videos",
    "Workspaces": "workspaces",
}


__getattr__ = lazy_exports(__name__, globals(), _MODULES)


__all__ = [
    "Activity",
    "Analytics",
    "Audio",
    "Auth",
    "Benchmarks",
    "Byok",
    "Chat",
    "Classifications",
    "Completions",
    "Credits",
    "Datasets",
    "Embeddings",
    "Endpoints",
    "Files",
    "Generations",
    "Guardrails",
    "Images",
    "Keys",
    "Messages",
    "Models",
    "Observability",
    "Organization",
    "Presets",
    "Providers",
    "Rerank",
    "Responses",
    "Scim",
    "Videos",
    "Workspaces",
]
