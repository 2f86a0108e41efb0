"""Workspaces: CRUD, budgets per reset interval (PUT upserts) and members (bulk add/remove)."""

from __future__ import annotations

from typing import Any

from .backend import Ctx, Route, found, page, record, require, timestamp, update
from .ids import IdFactory
from .wire import ApiError, EmulatorResponse, bad_request, json_response

INTERVALS = ("daily", "weekly", "monthly")
FIELDS = set(record("createWorkspace", "data")) - {"id", "created_at", "created_by", "updated_at"}
AUTH = "management:manage workspaces"


class Workspaces:
    """The account's workspaces, keyed by id; ``{id}`` in paths also takes the slug."""

    def __init__(self, ids: IdFactory, owner_id: str, member_ids: list[str]) -> None:
        self.ids = ids
        self.owner_id = owner_id
        self.member_ids = member_ids  # organisation members who may join a workspace
        self.items: dict[str, dict[str, Any]] = {}
        self.budgets: dict[str, dict[str, dict[str, Any]]] = {}
        self.members: dict[str, dict[str, dict[str, Any]]] = {}

    def routes(self) -> list[Route]:
        return [
            ("GET", "/workspaces", self._list, AUTH),
            ("POST", "/workspaces", self._create, AUTH),
            ("GET", "/workspaces/{id}", self._get, AUTH),
            ("PATCH", "/workspaces/{id}", self._update, AUTH),
            ("DELETE", "/workspaces/{id}", self._delete, AUTH),
            ("GET", "/workspaces/{id}/budgets", self._budgets, AUTH),
            ("GET", "/workspaces/{id}/budgets/{interval}", self._budget_get, AUTH),
            ("PUT", "/workspaces/{id}/budgets/{interval}", self._budget_put, AUTH),
            ("DELETE", "/workspaces/{id}/budgets/{interval}", self._budget_delete, AUTH),
            ("GET", "/workspaces/{id}/members", self._members, AUTH),
            ("POST", "/workspaces/{id}/members/add", self._members_add, AUTH),
            ("POST", "/workspaces/{id}/members/remove", self._members_remove, AUTH),
        ]

    def add_default(self) -> str:
        """The account's "Default" workspace, where keys and integrations live unless told."""
        item = record("createWorkspace", "data")
        item.update(
            id=self.ids.uuid(), created_at=timestamp(self.ids), created_by=self.owner_id,
            default_guardrail_id=self.ids.uuid(), description=None, updated_at=None, name="Default",
            slug="default", default_image_model=None, default_provider_sort=None,
            default_text_model=None,
        )  # fmt: skip
        self.items[item["id"]] = item
        self.budgets[item["id"]] = {}
        self.members[item["id"]] = {}
        return str(item["id"])

    def find(self, ref: str) -> dict[str, Any]:
        for item in self.items.values():
            if ref in (item["id"], item["slug"]):
                return item
        raise ApiError(404, "Workspace not found", with_user=False)

    def _list(self, ctx: Ctx) -> EmulatorResponse:
        return json_response(200, page(ctx, list(self.items.values())))

    def _create(self, ctx: Ctx) -> EmulatorResponse:
        body = ctx.body()
        require(body, "name", "slug")
        if any(w["slug"] == body["slug"] for w in self.items.values()):
            raise ApiError(409, f"Workspace slug {body['slug']} already exists", with_user=False)
        item = record("createWorkspace", "data")
        item.update(
            id=self.ids.uuid(),
            created_at=timestamp(self.ids),
            created_by=self.owner_id,
            default_guardrail_id=self.ids.uuid(),
            description=None,
            updated_at=None,
        )
        update(item, body, FIELDS)
        self.items[item["id"]] = item
        self.budgets[item["id"]] = {}
        self.members[item["id"]] = {}
        return json_response(201, {"data": item})

    def _get(self, ctx: Ctx) -> EmulatorResponse:
        return json_response(200, {"data": self.find(ctx.params["id"])})

    def _update(self, ctx: Ctx) -> EmulatorResponse:
        item = self.find(ctx.params["id"])
        update(item, ctx.body(), FIELDS)
        item["updated_at"] = timestamp(self.ids)
        return json_response(200, {"data": item})

    def _delete(self, ctx: Ctx) -> EmulatorResponse:
        item = self.find(ctx.params["id"])
        for store in (self.items, self.budgets, self.members):
            store.pop(item["id"], None)
        return json_response(200, {"deleted": True})

    # budgets -------------------------------------------------------------------------
    def _interval(self, ctx: Ctx) -> str:
        interval = ctx.params["interval"]
        if interval not in INTERVALS:
            raise bad_request(f"interval must be one of {', '.join(INTERVALS)}")
        return interval

    def _budget_answer(self, item: dict[str, Any], budget: dict[str, Any]) -> dict[str, Any]:
        return {"data": budget, "include_byok_in_budgets": item["include_byok_in_budgets"]}

    def _budgets(self, ctx: Ctx) -> EmulatorResponse:
        item = self.find(ctx.params["id"])
        data = [self.budgets[item["id"]][i] for i in INTERVALS if i in self.budgets[item["id"]]]
        return json_response(
            200, {"data": data, "include_byok_in_budgets": item["include_byok_in_budgets"]}
        )

    def _budget_get(self, ctx: Ctx) -> EmulatorResponse:
        item = self.find(ctx.params["id"])
        budget = found(self.budgets[item["id"]], self._interval(ctx), "Budget")
        return json_response(200, self._budget_answer(item, budget))

    def _budget_put(self, ctx: Ctx) -> EmulatorResponse:
        item = self.find(ctx.params["id"])
        interval = self._interval(ctx)
        body = ctx.body()
        limit = body.get("limit_usd")
        if isinstance(limit, bool) or not isinstance(limit, (int, float)) or limit < 0:
            raise bad_request("limit_usd must be a non-negative number")
        if "include_byok_in_budgets" in body:
            item["include_byok_in_budgets"] = bool(body["include_byok_in_budgets"])
        now = timestamp(self.ids)
        budget = self.budgets[item["id"]].get(interval)
        if budget is None:
            budget = {
                "id": self.ids.uuid(),
                "workspace_id": item["id"],
                "reset_interval": interval,
                "created_at": now,
            }
            self.budgets[item["id"]][interval] = budget
        budget.update(limit_usd=limit, updated_at=now)
        return json_response(200, self._budget_answer(item, budget))

    def _budget_delete(self, ctx: Ctx) -> EmulatorResponse:
        item = self.find(ctx.params["id"])
        found(self.budgets[item["id"]], self._interval(ctx), "Budget")
        del self.budgets[item["id"]][ctx.params["interval"]]
        return json_response(200, {"deleted": True})

    # members -------------------------------------------------------------------------
    def _user_ids(self, ctx: Ctx) -> list[str]:
        user_ids = ctx.body().get("user_ids")
        if not isinstance(user_ids, list) or not user_ids:
            raise bad_request("user_ids must be a non-empty array")
        unknown = [u for u in user_ids if u not in self.member_ids]
        if unknown:
            raise bad_request(f"Not members of the organization: {', '.join(map(str, unknown))}")
        return [str(u) for u in user_ids]

    def _members(self, ctx: Ctx) -> EmulatorResponse:
        item = self.find(ctx.params["id"])
        return json_response(200, page(ctx, list(self.members[item["id"]].values())))

    def _members_add(self, ctx: Ctx) -> EmulatorResponse:
        item = self.find(ctx.params["id"])
        members = self.members[item["id"]]
        added = []
        for user_id in self._user_ids(ctx):
            if user_id not in members:
                members[user_id] = {
                    "id": self.ids.uuid(),
                    "user_id": user_id,
                    "workspace_id": item["id"],
                    "role": "member",
                    "created_at": timestamp(self.ids),
                }
                added.append(members[user_id])
        return json_response(200, {"added_count": len(added), "data": added})

    def _members_remove(self, ctx: Ctx) -> EmulatorResponse:
        item = self.find(ctx.params["id"])
        members = self.members[item["id"]]
        removed = [u for u in self._user_ids(ctx) if members.pop(u, None) is not None]
        return json_response(200, {"removed_count": len(removed)})
