"""One module per API group; each method builds its parameters and calls the shared pipeline."""

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
