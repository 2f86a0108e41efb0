"""Account integrations: BYOK provider keys, observability destinations, SCIM groups and mappings."""

from __future__ import annotations

from typing import Any

from .backend import Ctx, Route, found, page, record, require, timestamp, update
from .ids import IdFactory
from .wire import EmulatorResponse, bad_request, json_response

BYOK_FIELDS = set(record("createBYOKKey", "data")) | {"key"}
DESTINATION_FIELDS = set(record("createObservabilityDestination", "data")) - {
    "id",
    "created_at",
    "updated_at",
}
SCIM_GROUPS = ("Engineering", "Finance", "Support")  # what the identity provider pushed


def _label(secret: str) -> str:
    """How OpenRouter shows a stored secret: its first and last 4 characters."""
    return f"{secret[:4]}...{secret[-4:]}" if len(secret) > 8 else "****"


class Integrations:
    def __init__(self, ids: IdFactory, organization_id: str, workspace_id: str) -> None:
        self.ids = ids
        self.organization_id = organization_id
        self.workspace_id = workspace_id  # the default workspace
        self.byok: dict[str, dict[str, Any]] = {}
        self.destinations: dict[str, dict[str, Any]] = {}
        now = timestamp(ids)
        self.groups = [
            {
                "id": ids.uuid(),
                "organization_id": organization_id,
                "external_id": f"group-{name.lower()}",
                "display_name": name,
                "created_at": now,
                "updated_at": now,
            }
            for name in SCIM_GROUPS
        ]
        self.mappings: dict[str, dict[str, Any]] = {}

    def routes(self) -> list[Route]:
        byok, obs, scim = (
            "management:manage BYOK keys",
            "management:manage observability",
            ("management:manage SCIM"),
        )
        return [
            ("GET", "/byok", self._byok_list, byok),
            ("POST", "/byok", self._byok_create, byok),
            ("GET", "/byok/{id}", self._byok_get, byok),
            ("PATCH", "/byok/{id}", self._byok_update, byok),
            ("DELETE", "/byok/{id}", self._byok_delete, byok),
            ("GET", "/observability/destinations", self._dest_list, obs),
            ("POST", "/observability/destinations", self._dest_create, obs),
            ("GET", "/observability/destinations/{id}", self._dest_get, obs),
            ("PATCH", "/observability/destinations/{id}", self._dest_update, obs),
            ("DELETE", "/observability/destinations/{id}", self._dest_delete, obs),
            ("GET", "/scim/groups", self._groups, scim),
            ("GET", "/scim/group-mappings", self._map_list, scim),
            ("POST", "/scim/group-mappings", self._map_create, scim),
            ("GET", "/scim/group-mappings/{id}", self._map_get, scim),
            ("PATCH", "/scim/group-mappings/{id}", self._map_update, scim),
            ("DELETE", "/scim/group-mappings/{id}", self._map_delete, scim),
        ]

    # BYOK ----------------------------------------------------------------------------
    def _byok_public(self, item: dict[str, Any]) -> dict[str, Any]:
        return {k: v for k, v in item.items() if k != "key"}  # the secret never comes back

    def _byok_set(self, item: dict[str, Any], body: dict[str, Any]) -> None:
        update(item, body, BYOK_FIELDS - {"id", "created_at", "label"})
        if "key" in body:
            if not isinstance(body["key"], str) or not body["key"]:
                raise bad_request("key must be a non-empty string")
            item["label"] = _label(body["key"])

    def _byok_list(self, ctx: Ctx) -> EmulatorResponse:
        items = [self._byok_public(i) for i in self.byok.values()]
        return json_response(200, page(ctx, items))

    def _byok_create(self, ctx: Ctx) -> EmulatorResponse:
        body = ctx.body()
        require(body, "provider", "key")
        item = record("createBYOKKey", "data")
        item.update(
            id=self.ids.uuid(),
            created_at=timestamp(self.ids),
            name=None,
            workspace_id=self.workspace_id,
            sort_order=len(self.byok),
        )
        self._byok_set(item, body)
        self.byok[item["id"]] = item
        return json_response(201, {"data": self._byok_public(item)})

    def _byok_get(self, ctx: Ctx) -> EmulatorResponse:
        item = found(self.byok, ctx.params["id"], "BYOK key")
        return json_response(200, {"data": self._byok_public(item)})

    def _byok_update(self, ctx: Ctx) -> EmulatorResponse:
        item = found(self.byok, ctx.params["id"], "BYOK key")
        body = {k: v for k, v in ctx.body().items() if k not in ("provider", "workspace_id")}
        self._byok_set(item, body)
        return json_response(200, {"data": self._byok_public(item)})

    def _byok_delete(self, ctx: Ctx) -> EmulatorResponse:
        found(self.byok, ctx.params["id"], "BYOK key")
        del self.byok[ctx.params["id"]]
        return json_response(200, {"deleted": True})

    # observability -------------------------------------------------------------------
    def _dest_public(self, item: dict[str, Any]) -> dict[str, Any]:
        config = {
            k: _label(v) if isinstance(v, str) and "key" in k.lower() else v
            for k, v in (item.get("config") or {}).items()
        }
        return {**item, "config": config}

    def _dest_list(self, ctx: Ctx) -> EmulatorResponse:
        items = [self._dest_public(i) for i in self.destinations.values()]
        return json_response(200, page(ctx, items))

    def _dest_create(self, ctx: Ctx) -> EmulatorResponse:
        body = ctx.body()
        require(body, "type", "name", "config")
        if not isinstance(body["config"], dict):
            raise bad_request("config must be an object")
        item = record("createObservabilityDestination", "data")
        now = timestamp(self.ids)
        item.update(id=self.ids.uuid(), created_at=now, updated_at=now)
        item["workspace_id"] = self.workspace_id
        update(item, body, DESTINATION_FIELDS)
        self.destinations[item["id"]] = item
        return json_response(201, {"data": self._dest_public(item)})

    def _dest_get(self, ctx: Ctx) -> EmulatorResponse:
        item = found(self.destinations, ctx.params["id"], "Observability destination")
        return json_response(200, {"data": self._dest_public(item)})

    def _dest_update(self, ctx: Ctx) -> EmulatorResponse:
        item = found(self.destinations, ctx.params["id"], "Observability destination")
        update(item, ctx.body(), DESTINATION_FIELDS - {"type", "workspace_id"})
        item["updated_at"] = timestamp(self.ids)
        return json_response(200, {"data": self._dest_public(item)})

    def _dest_delete(self, ctx: Ctx) -> EmulatorResponse:
        found(self.destinations, ctx.params["id"], "Observability destination")
        del self.destinations[ctx.params["id"]]
        return json_response(200, {"deleted": True})

    # SCIM ----------------------------------------------------------------------------
    def _groups(self, ctx: Ctx) -> EmulatorResponse:
        return json_response(200, page(ctx, self.groups))

    def _role(self, body: dict[str, Any]) -> str:
        role = body.get("role")
        if role not in ("admin", "member"):
            raise bad_request("role must be one of admin, member")
        return str(role)

    def _map_list(self, ctx: Ctx) -> EmulatorResponse:
        return json_response(200, page(ctx, list(self.mappings.values())))

    def _map_create(self, ctx: Ctx) -> EmulatorResponse:
        body = ctx.body()
        require(body, "scim_group_id", "workspace_id", "role")
        if all(g["id"] != body["scim_group_id"] for g in self.groups):
            raise bad_request("scim_group_id is not a SCIM group of this organization")
        now = timestamp(self.ids)
        item = {
            "id": self.ids.uuid(),
            "organization_id": self.organization_id,
            "scim_group_id": body["scim_group_id"],
            "workspace_id": body["workspace_id"],
            "role": self._role(body),
            "created_at": now,
            "updated_at": now,
        }
        self.mappings[item["id"]] = item
        return json_response(201, {"data": item})

    def _map_get(self, ctx: Ctx) -> EmulatorResponse:
        return json_response(200, {"data": found(self.mappings, ctx.params["id"], "Mapping")})

    def _map_update(self, ctx: Ctx) -> EmulatorResponse:
        item = found(self.mappings, ctx.params["id"], "Mapping")
        item.update(role=self._role(ctx.body()), updated_at=timestamp(self.ids))
        return json_response(200, {"data": item})

    def _map_delete(self, ctx: Ctx) -> EmulatorResponse:
        found(self.mappings, ctx.params["id"], "Mapping")
        del self.mappings[ctx.params["id"]]
        return json_response(200, {"deleted": True})
