"""Id and secret generation in the real formats, from one seeded RNG so runs repeat."""

from __future__ import annotations

import random
import string
import time
import uuid
from collections.abc import Callable

_ALNUM = string.ascii_letters + string.digits
_LOWER_ALNUM = string.ascii_lowercase + string.digits


class IdFactory:
    """Makes ``gen-<ts>-<20 alnum>`` ids, item ids, uuids and ``sk-or-v1-`` secrets.

    ``clock`` returns unix seconds; pass a fixed one for fully reproducible output.
    """

    def __init__(self, seed: int = 0, clock: Callable[[], float] | None = None) -> None:
        self._rng = random.Random(seed)
        self._clock: Callable[[], float] = clock if clock is not None else time.time

    def now(self) -> int:
        return int(self._clock())

    def _alnum(self, n: int, alphabet: str = _ALNUM) -> str:
        return "".join(self._rng.choice(alphabet) for _ in range(n))

    def generation(self, kind: str = "") -> str:
        prefix = f"gen-{kind}-" if kind else "gen-"
        return f"{prefix}{self.now()}-{self._alnum(20)}"

    def item(self, prefix: str) -> str:
        """Responses-API item ids such as ``msg_tmp_<11>`` / ``fc_tmp_<11>`` / ``rs_tmp_<11>``."""
        return f"{prefix}_tmp_{self._alnum(11, _LOWER_ALNUM)}"

    def call_id(self) -> str:
        return f"call_{self._alnum(24)}"

    def tool_use_id(self) -> str:
        return f"toolu_{self._alnum(24)}"

    def uuid(self) -> str:
        return str(uuid.UUID(int=self._rng.getrandbits(128), version=4))

    def secret(self) -> str:
        return "sk-or-v1-" + "".join(self._rng.choice("0123456789abcdef") for _ in range(64))

    def hex(self, n: int) -> str:
        return "".join(self._rng.choice("0123456789abcdef") for _ in range(n))

    def user_id(self) -> str:
        return "user_" + self._alnum(27)
