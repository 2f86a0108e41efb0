"""Per-model behaviour set by a test: latency, a failure rate, a scripted answer.

`emulator.behaviours.set("openai/gpt-4o-mini", latency=0.2, failure_rate=0.1, answer="Paris.")`
makes every generation request for that model wait 0.2 s, fail one time in ten (seeded, so a
run is reproducible) with `failure_status`, and answer "Paris." instead of the composed reply.
Failures and latency reach the wire through the fault machinery, so streams and JSON alike get
them; variants (`:nitro`, `:free`, ...) follow their base model's behaviour.
"""

from __future__ import annotations

import json
import random
import threading
from dataclasses import dataclass

from .faults import Fault

GENERATION_PATHS = ("/chat/completions", "/responses", "/messages", "/embeddings", "/rerank")


@dataclass(frozen=True)
class ModelBehaviour:
    """What one model does on request (see the module docstring)."""

    latency: float = 0.0
    failure_rate: float = 0.0
    failure_status: int = 503
    answer: str | None = None

    def __post_init__(self) -> None:
        if self.latency < 0:
            raise ValueError(f"latency: expected seconds >= 0, got {self.latency!r}")
        if not 0.0 <= self.failure_rate <= 1.0:
            raise ValueError(f"failure_rate: expected 0.0 to 1.0, got {self.failure_rate!r}")


class Behaviours:
    """The behaviours of an emulator's models, keyed by model id."""

    def __init__(self, seed: int = 0) -> None:
        self._by_model: dict[str, ModelBehaviour] = {}
        self._random = random.Random(seed)
        self._lock = threading.Lock()

    def set(
        self,
        model: str,
        *,
        latency: float = 0.0,
        failure_rate: float = 0.0,
        failure_status: int = 503,
        answer: str | None = None,
    ) -> ModelBehaviour:
        behaviour = ModelBehaviour(latency, failure_rate, failure_status, answer)
        self._by_model[model] = behaviour
        return behaviour

    def clear(self) -> None:
        self._by_model.clear()

    def get(self, model: str) -> ModelBehaviour | None:
        return self._by_model.get(model) or self._by_model.get(model.split(":", 1)[0])

    def answer_for(self, model: str) -> str | None:
        behaviour = self.get(model)
        return behaviour.answer if behaviour else None

    def fault_for(self, path: str, body: bytes) -> Fault | None:
        """The fault a generation request meets under its model's behaviour, if any."""
        if not self._by_model or not path.endswith(GENERATION_PATHS):
            return None
        try:
            model = json.loads(body or b"{}").get("model")
        except (ValueError, AttributeError):
            return None
        behaviour = self.get(model) if isinstance(model, str) else None
        if behaviour is None:
            return None
        with self._lock:
            fails = behaviour.failure_rate > 0 and self._random.random() < behaviour.failure_rate
        if fails:
            return Fault(status=behaviour.failure_status, first_byte_delay=behaviour.latency)
        if behaviour.latency:
            return Fault(first_byte_delay=behaviour.latency)
        return None
