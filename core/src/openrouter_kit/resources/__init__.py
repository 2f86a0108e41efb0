"""One module per API group; each method builds its parameters and calls the shared pipeline."""

from .account import Activity, Credits, Generations, Organization
from .auth import Auth
from .catalog import Endpoints, Providers
from .chat import Chat, Completions
from .embeddings import Embeddings
from .guardrails import Guardrails
from .keys import Keys
from .messages import Messages
from .models import Models
from .rerank import Rerank
from .responses import Responses

__all__ = [
    "Activity",
    "Auth",
    "Chat",
    "Completions",
    "Credits",
    "Embeddings",
    "Endpoints",
    "Generations",
    "Guardrails",
    "Keys",
    "Messages",
    "Models",
    "Organization",
    "Providers",
    "Rerank",
    "Responses",
]
