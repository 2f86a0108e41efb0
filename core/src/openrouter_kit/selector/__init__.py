"""The guardrail-aware model selector: say what a call needs, get a model the guardrails accept.

Teams run OpenRouter under guardrails (allowed models and providers, zero data retention,
spend limits) and today learn that a model is forbidden only when a request fails. The
selector reads the live catalogue (GET /models, /models/{author}/{slug}/endpoints,
/endpoints/zdr, /providers) and the guardrails that apply to the current key, and returns a
`Selection`: a model, fallbacks for OpenRouter's `models` parameter, a `provider` object that
keeps routing inside the guardrails, a cost estimate, and the reason every other candidate
was rejected.

Shape of the code, so that sync and async share every decision:

- `Guardrail`, `Requirements`, `Selection`, `Candidate`, `Ranking`: plain values.
- `evaluate()`: a pure function from (catalogue snapshot, account view, requirements) to a
  `Ranking`. No I/O, so it is tested and reasoned about on its own.
- Fetching is written once as generator "plans" that yield the calls they need and receive
  the results; `ModelSelector` runs a plan with blocking calls (a small thread pool for the
  per-model endpoint lists), `AsyncModelSelector` runs the same plan with `await`.
"""

from .decision import evaluate
from .ranking import Candidate, Ranking, Selection
from .requirements import Guardrail, NoModelFitsError, Requirements
from .selectors import AsyncModelSelector, ModelSelector
from .snapshots import AccountView, CatalogueSnapshot

__all__ = [
    "AccountView",
    "AsyncModelSelector",
    "Candidate",
    "CatalogueSnapshot",
    "Guardrail",
    "ModelSelector",
    "NoModelFitsError",
    "Ranking",
    "Requirements",
    "Selection",
    "evaluate",
]
