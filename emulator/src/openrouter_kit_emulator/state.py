"""In-memory account state: keys with limits and usage, credits, members, guardrails,
generation records and activity. Everything a real account remembers between requests.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import threading
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from .ids import IdFactory


def iso(ts: float) -> str:
    """ISO-8601 UTC timestamp the way OpenRouter prints them."""
    return dt.datetime.fromtimestamp(ts, dt.timezone.utc).isoformat().replace("+00:00", "Z")


def money(value: float) -> float:
    """A USD amount without float noise (12 significant digits)."""
    return float(f"{value:.12g}")


def periods(ts: float) -> tuple[str, str, str]:
    """(day, ISO week, month) of a UTC timestamp: the windows limits reset on."""
    d = dt.datetime.fromtimestamp(ts, dt.timezone.utc).date()
    year, week, _ = d.isocalendar()
    return d.isoformat(), f"{year}-W{week:02d}", d.isoformat()[:7]


def key_hash(secret: str) -> str:
    """The public identifier of a key: sha256 of the secret (never the secret itself)."""
    return hashlib.sha256(secret.encode()).hexdigest()


def mask(secret: str) -> str:
    """Key label as OpenRouter shows it, e.g. ``sk-or-v1-0e6...1c9``."""
    return f"{secret[:12]}...{secret[-3:]}"


@dataclass
class ApiKey:
    """One API key. ``secret`` is kept only to authenticate; it is excluded from repr."""

    hash: str
    name: str
    label: str
    created_at: float
    creator_user_id: str | None
    is_management: bool = False
    disabled: bool = False
    limit: float | None = None
    limit_reset: str | None = None
    include_byok_in_limit: bool = False
    expires_at: str | None = None
    updated_at: float | None = None
    workspace_id: str = ""
    usage: float = 0.0
    usage_daily: float = 0.0
    usage_weekly: float = 0.0
    usage_monthly: float = 0.0
    secret: str = field(default="", repr=False)
    period: tuple[str, str, str] = ("", "", "")

    def roll(self, now: float) -> None:
        """Start new daily/weekly/monthly usage windows when the UTC period changed."""
        current = periods(now)
        if current == self.period:
            return
        if current[0] != self.period[0]:
            self.usage_daily = 0.0
        if current[1] != self.period[1]:
            self.usage_weekly = 0.0
        if current[2] != self.period[2]:
            self.usage_monthly = 0.0
        self.period = current

    @property
    def limit_remaining(self) -> float | None:
        if self.limit is None:
            return None
        return money(max(0.0, self.limit - self._limited_usage()))

    def _limited_usage(self) -> float:
        return {
            "daily": self.usage_daily,
            "weekly": self.usage_weekly,
            "monthly": self.usage_monthly,
        }.get(self.limit_reset or "", self.usage)

    def public(self) -> dict[str, Any]:
        """The /keys object (spec ``data`` of GET /keys/{hash})."""
        return {
            "hash": self.hash,
            "name": self.name,
            "label": self.label,
            "disabled": self.disabled,
            "limit": self.limit,
            "limit_remaining": self.limit_remaining,
            "limit_reset": self.limit_reset,
            "include_byok_in_limit": self.include_byok_in_limit,
            "usage": money(self.usage),
            "usage_daily": money(self.usage_daily),
            "usage_weekly": money(self.usage_weekly),
            "usage_monthly": money(self.usage_monthly),
            "byok_usage": 0,
            "byok_usage_daily": 0,
            "byok_usage_weekly": 0,
            "byok_usage_monthly": 0,
            "created_at": iso(self.created_at),
            "updated_at": iso(self.updated_at) if self.updated_at else None,
            "expires_at": self.expires_at,
            "creator_user_id": self.creator_user_id,
            "workspace_id": self.workspace_id,
        }

    def current(self) -> dict[str, Any]:
        """The GET /key object."""
        return {
            "label": self.label,
            "limit": self.limit,
            "usage": money(self.usage),
            "usage_daily": money(self.usage_daily),
            "usage_weekly": money(self.usage_weekly),
            "usage_monthly": money(self.usage_monthly),
            "byok_usage": 0,
            "byok_usage_daily": 0,
            "byok_usage_weekly": 0,
            "byok_usage_monthly": 0,
            "is_free_tier": False,
            "is_management_key": self.is_management,
            "is_provisioning_key": self.is_management,
            "limit_remaining": self.limit_remaining,
            "limit_reset": self.limit_reset,
            "include_byok_in_limit": self.include_byok_in_limit,
            "expires_at": self.expires_at,
            "creator_user_id": self.creator_user_id,
            "rate_limit": {
                "requests": -1,
                "interval": "10s",
                "note": "This field is deprecated and safe to ignore.",
            },
        }


@dataclass
class Member:
    id: str
    email: str
    first_name: str
    last_name: str
    role: str

    def public(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "email": self.email,
            "first_name": self.first_name,
            "last_name": self.last_name,
            "role": self.role if self.role.startswith("org:") else f"org:{self.role}",
        }


GUARDRAIL_FIELDS = (
    "name",
    "description",
    "limit_usd",
    "reset_interval",
    "allowed_providers",
    "ignored_providers",
    "allowed_models",
    "enforce_zdr",
    "include_byok_in_budgets",
)


@dataclass
class Guardrail:
    id: str
    name: str
    created_at: float
    description: str | None = None
    limit_usd: float | None = None
    reset_interval: str | None = None
    allowed_providers: list[str] | None = None
    ignored_providers: list[str] | None = None
    allowed_models: list[str] | None = None
    enforce_zdr: bool | None = None
    include_byok_in_budgets: bool = False
    workspace_id: str = ""
    updated_at: float | None = None
    spent: float = 0.0
    period: str = ""

    def roll(self, now: float) -> None:
        """Reset the spent budget when its ``reset_interval`` window changed."""
        index = {"daily": 0, "weekly": 1, "monthly": 2}.get(self.reset_interval or "")
        if index is None:
            return
        current = periods(now)[index]
        if current != self.period:
            if self.period:
                self.spent = 0.0
            self.period = current

    def public(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "description": self.description,
            "limit_usd": self.limit_usd,
            "reset_interval": self.reset_interval,
            "allowed_providers": self.allowed_providers,
            "ignored_providers": self.ignored_providers,
            "allowed_models": self.allowed_models,
            "enforce_zdr": self.enforce_zdr,
            "include_byok_in_budgets": self.include_byok_in_budgets,
            "workspace_id": self.workspace_id,
            "created_at": iso(self.created_at),
            "updated_at": iso(self.updated_at) if self.updated_at else None,
        }


@dataclass
class Assignment:
    id: str
    guardrail_id: str
    target: str  # key hash or member user id
    assigned_by: str
    created_at: float


@dataclass
class Generation:
    """What GET /generation returns for one completed request."""

    data: dict[str, Any]


@dataclass
class AuthCode:
    code: str
    callback_url: str
    challenge: str | None
    method: str | None
    limit: float | None
    key_label: str | None
    expires_at: str | None
    created_at: float
    used: bool = False


class Account:
    """One OpenRouter account (organization) with its owner, keys, guardrails and history.

    Thread-safe: the ASGI face can call into it from several requests at once.
    """

    max_generations = 10_000  # oldest generation records are forgotten beyond this

    def __init__(self, ids: IdFactory, credits: float = 100.0) -> None:
        self.ids = ids
        self.lock = threading.RLock()
        self.total_credits = credits
        self.total_usage = 0.0
        self.organization_id = "org_" + ids.hex(24)
        self.default_workspace_id = ""  # set by the Emulator once its workspaces exist
        self.owner = Member(ids.user_id(), "owner@example.com", "Ada", "Lovelace", "admin")
        self.members: list[Member] = [
            self.owner,
            Member(ids.user_id(), "dev@example.com", "Grace", "Hopper", "member"),
        ]
        self.keys: dict[str, ApiKey] = {}  # by hash
        self._by_secret: dict[str, ApiKey] = {}
        self.deleted_secrets: set[str] = set()
        self.guardrails: dict[str, Guardrail] = {}
        self.key_assignments: list[Assignment] = []
        self.member_assignments: list[Assignment] = []
        self.generations: dict[str, Generation] = {}
        self.activity: dict[tuple[str, str, str], dict[str, Any]] = {}
        self.auth_codes: dict[str, AuthCode] = {}

    # keys -------------------------------------------------------------------------
    def create_key(
        self,
        name: str,
        *,
        management: bool = False,
        creator: str | None = None,
        secret: str | None = None,
        **fields: Any,
    ) -> tuple[ApiKey, str]:
        with self.lock:
            secret = secret or self.ids.secret()
            key = ApiKey(
                hash=key_hash(secret),
                name=name,
                label=mask(secret),
                created_at=self.ids.now(),
                creator_user_id=creator or self.owner.id,
                is_management=management,
                secret=secret,
                workspace_id=self.default_workspace_id,
            )
            for attr, value in fields.items():
                setattr(key, attr, value)
            key.roll(key.created_at)
            self.keys[key.hash] = key
            self._by_secret[secret] = key
            return key, secret

    def key_for_secret(self, secret: str) -> ApiKey | None:
        return self._by_secret.get(secret)

    def delete_key(self, key: ApiKey) -> None:
        with self.lock:
            self.keys.pop(key.hash, None)
            self._by_secret.pop(key.secret, None)
            self.deleted_secrets.add(key.secret)
            self.key_assignments = [a for a in self.key_assignments if a.target != key.hash]

    # guardrails -------------------------------------------------------------------
    def guardrails_for(self, key: ApiKey) -> list[Guardrail]:
        """Guardrails that apply to a key: assigned directly, or to the member who made it."""
        ids = [a.guardrail_id for a in self.key_assignments if a.target == key.hash]
        ids += [a.guardrail_id for a in self.member_assignments if a.target == key.creator_user_id]
        seen: list[Guardrail] = []
        for gid in ids:
            g = self.guardrails.get(gid)
            if g is not None and g not in seen:
                seen.append(g)
        return seen

    def assign(
        self, guardrail: Guardrail, targets: Iterable[str], *, members: bool, by: str
    ) -> int:
        with self.lock:
            table = self.member_assignments if members else self.key_assignments
            count = 0
            for target in targets:
                if any(a.guardrail_id == guardrail.id and a.target == target for a in table):
                    continue
                table.append(Assignment(self.ids.uuid(), guardrail.id, target, by, self.ids.now()))
                count += 1
            return count

    def unassign(self, guardrail: Guardrail, targets: Iterable[str], *, members: bool) -> int:
        with self.lock:
            wanted = set(targets)
            table = self.member_assignments if members else self.key_assignments
            keep = [a for a in table if not (a.guardrail_id == guardrail.id and a.target in wanted)]
            removed = len(table) - len(keep)
            if members:
                self.member_assignments = keep
            else:
                self.key_assignments = keep
            return removed

    def key_assignment_public(self, a: Assignment) -> dict[str, Any]:
        key = self.keys.get(a.target)
        return {
            "id": a.id,
            "key_hash": a.target,
            "guardrail_id": a.guardrail_id,
            "key_name": key.name if key else None,
            "key_label": key.label if key else None,
            "assigned_by": a.assigned_by,
            "created_at": iso(a.created_at),
        }

    def member_assignment_public(self, a: Assignment) -> dict[str, Any]:
        return {
            "id": a.id,
            "user_id": a.target,
            "organization_id": self.organization_id,
            "guardrail_id": a.guardrail_id,
            "assigned_by": a.assigned_by,
            "created_at": iso(a.created_at),
        }

    # spend ------------------------------------------------------------------------
    def record(self, key: ApiKey | None, generation: dict[str, Any]) -> None:
        """Book a finished generation: credits, key usage, guardrail budgets, activity."""
        cost = float(generation.get("total_cost") or 0.0)
        with self.lock:
            self.generations[generation["id"]] = Generation(generation)
            if len(self.generations) > self.max_generations:
                del self.generations[next(iter(self.generations))]
            self.total_usage += cost
            now = self.ids.now()
            if key is not None:
                key.roll(now)
                key.usage += cost
                key.usage_daily += cost
                key.usage_weekly += cost
                key.usage_monthly += cost
                for guardrail in self.guardrails_for(key):
                    guardrail.roll(now)
                    guardrail.spent += cost
            date = generation["created_at"][:10]
            bucket_key = (date, generation["model"], generation.get("provider_name") or "")
            bucket = self.activity.get(bucket_key)
            if bucket is None:
                bucket = {
                    "date": date,
                    "model": generation["model"],
                    "model_permaslug": generation["model"],
                    "endpoint_id": self.ids.uuid(),
                    "provider_name": generation.get("provider_name"),
                    "usage": 0.0,
                    "byok_usage_inference": 0.0,
                    "requests": 0,
                    "prompt_tokens": 0,
                    "completion_tokens": 0,
                    "reasoning_tokens": 0,
                }
                self.activity[bucket_key] = bucket
            bucket["usage"] += cost
            bucket["requests"] += 1
            bucket["prompt_tokens"] += int(generation.get("tokens_prompt") or 0)
            bucket["completion_tokens"] += int(generation.get("tokens_completion") or 0)
            bucket["reasoning_tokens"] += int(generation.get("native_tokens_reasoning") or 0)
