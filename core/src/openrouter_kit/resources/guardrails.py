"""The guardrails group (management key): CRUD, and assigning guardrails to keys and members.

`list_key_assignments` / `list_member_assignments` read one of two endpoints: every
assignment of the account, or (with `guardrail_id`) those of one guardrail.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, Literal

from .._pagination import Paginator
from .._validation import id_list
from ._resource import (
    OPTION_NAMES,
    RequestOptions,
    Resource,
    page_query,
    split_options,
    split_query,
)

if TYPE_CHECKING:
    from typing_extensions import Unpack

    from ..types.common import Deleted
    from ..types.guardrails import (
        AssignedCount,
        Guardrail,
        GuardrailList,
        GuardrailResponse,
        KeyAssignment,
        KeyAssignmentList,
        MemberAssignment,
        MemberAssignmentList,
        UnassignedCount,
    )

NO_FIELDS: frozenset[str] = frozenset()


class GuardrailParams(RequestOptions, total=False):
    """Settings of a guardrail (POST /guardrails and PATCH /guardrails/{id})."""

    description: str | None
    limit_usd: float | None
    """Spending limit in USD."""
    reset_interval: Literal["daily", "weekly", "monthly"] | None
    """When the spending limit resets."""
    allowed_providers: Sequence[str] | None
    """Only these provider slugs may serve requests."""
    ignored_providers: Sequence[str] | None
    """These provider slugs are never used."""
    allowed_models: Sequence[str] | None
    """Only these models (slug or canonical slug) may be used."""
    ignored_models: Sequence[str] | None
    enforce_zdr: bool | None
    """Route only to zero-data-retention endpoints."""


class GuardrailUpdateParams(GuardrailParams, total=False):
    name: str


GUARDRAIL_FIELDS = frozenset(GuardrailUpdateParams.__annotations__) - OPTION_NAMES


class Guardrails(Resource):
    """Guardrails: spending limits and model/provider rules for keys and members."""

    def list(
        self,
        *,
        offset: int | None = None,
        limit: int | None = None,
        **options: Unpack[RequestOptions],
    ) -> GuardrailList:
        """One page of guardrails (limit at most 100); `total_count` counts them all."""
        query, found = split_query("guardrails.list", options, page_query(offset, limit))
        return self._request("guardrails.list", query=query, **found)  # type: ignore[no-any-return]

    def list_all(
        self, *, limit: int | None = None, **options: Unpack[RequestOptions]
    ) -> Paginator[Guardrail]:
        """Every guardrail, page by page (`for`, or `async for` with AsyncOpenRouter)."""
        split_options("guardrails.list_all", dict(options), NO_FIELDS)
        page_query(None, limit)

        def fetch(offset: int) -> Any:
            return self.list(offset=offset, limit=limit, **options)

        return Paginator(fetch, limit=limit)

    def create(self, *, name: str, **params: Unpack[GuardrailParams]) -> GuardrailResponse:
        """Create a guardrail; assign it to keys or members afterwards."""
        body: dict[str, Any] = dict(params)
        options = split_options("guardrails.create", body, GUARDRAIL_FIELDS - {"name"})
        body["name"] = name
        return self._request("guardrails.create", body=body, **options)  # type: ignore[no-any-return]

    def get(self, id: str, **options: Unpack[RequestOptions]) -> GuardrailResponse:
        """One guardrail by id."""
        split_options("guardrails.get", dict(options), NO_FIELDS)
        return self._request("guardrails.get", path_params={"id": id}, **options)  # type: ignore[no-any-return]

    def update(self, id: str, **params: Unpack[GuardrailUpdateParams]) -> GuardrailResponse:
        """Change some settings of a guardrail; fields not passed stay as they are."""
        body: dict[str, Any] = dict(params)
        options = split_options("guardrails.update", body, GUARDRAIL_FIELDS)
        # An explicit None clears a setting, so it is sent as JSON null.
        nulls = {k: None for k, value in body.items() if value is None}
        return self._request(  # type: ignore[no-any-return]
            "guardrails.update",
            path_params={"id": id},
            body=body,
            extra_body={**nulls, **options.pop("extra_body", {})},
            **options,
        )

    def delete(self, id: str, **options: Unpack[RequestOptions]) -> Deleted:
        """Delete a guardrail and its assignments."""
        split_options("guardrails.delete", dict(options), NO_FIELDS)
        return self._request("guardrails.delete", path_params={"id": id}, **options)  # type: ignore[no-any-return]

    # -- assignments -----------------------------------------------------------------------

    def _list_assignments(
        self,
        kind: str,
        guardrail_id: str | None,
        offset: int | None,
        limit: int | None,
        options: dict[str, Any],
    ) -> Any:
        split_options(f"guardrails.list_{kind}_assignments", dict(options), NO_FIELDS)
        query = page_query(offset, limit)
        if guardrail_id is None:
            return self._request(f"guardrails.list_{kind}_assignments", query=query, **options)
        return self._request(
            f"guardrails.list_guardrail_{kind}_assignments",
            path_params={"id": guardrail_id},
            query=query,
            **options,
        )

    def list_key_assignments(
        self,
        guardrail_id: str | None = None,
        *,
        offset: int | None = None,
        limit: int | None = None,
        **options: Unpack[RequestOptions],
    ) -> KeyAssignmentList:
        """One page of key assignments: the account's, or one guardrail's with `guardrail_id`."""
        return self._list_assignments("key", guardrail_id, offset, limit, dict(options))  # type: ignore[no-any-return]

    def list_member_assignments(
        self,
        guardrail_id: str | None = None,
        *,
        offset: int | None = None,
        limit: int | None = None,
        **options: Unpack[RequestOptions],
    ) -> MemberAssignmentList:
        """One page of member assignments: the account's, or one guardrail's with `guardrail_id`."""
        return self._list_assignments("member", guardrail_id, offset, limit, dict(options))  # type: ignore[no-any-return]

    def list_all_key_assignments(
        self,
        guardrail_id: str | None = None,
        *,
        limit: int | None = None,
        **options: Unpack[RequestOptions],
    ) -> Paginator[KeyAssignment]:
        """Every key assignment (of the account, or of one guardrail), page by page."""
        split_options("guardrails.list_all_key_assignments", dict(options), NO_FIELDS)
        page_query(None, limit)

        def fetch(offset: int) -> Any:
            return self.list_key_assignments(guardrail_id, offset=offset, limit=limit, **options)

        return Paginator(fetch, limit=limit)

    def list_all_member_assignments(
        self,
        guardrail_id: str | None = None,
        *,
        limit: int | None = None,
        **options: Unpack[RequestOptions],
    ) -> Paginator[MemberAssignment]:
        """Every member assignment (of the account, or of one guardrail), page by page."""
        split_options("guardrails.list_all_member_assignments", dict(options), NO_FIELDS)
        page_query(None, limit)

        def fetch(offset: int) -> Any:
            return self.list_member_assignments(guardrail_id, offset=offset, limit=limit, **options)

        return Paginator(fetch, limit=limit)

    def assign_keys(
        self, id: str, *, key_hashes: Sequence[str], **options: Unpack[RequestOptions]
    ) -> AssignedCount:
        """Apply guardrail `id` to these keys (by hash)."""
        split_options("guardrails.assign_keys", dict(options), NO_FIELDS)
        return self._request(  # type: ignore[no-any-return]
            "guardrails.assign_keys",
            path_params={"id": id},
            body={"key_hashes": id_list(key_hashes)},
            **options,
        )

    def unassign_keys(
        self, id: str, *, key_hashes: Sequence[str], **options: Unpack[RequestOptions]
    ) -> UnassignedCount:
        """Remove guardrail `id` from these keys."""
        split_options("guardrails.unassign_keys", dict(options), NO_FIELDS)
        return self._request(  # type: ignore[no-any-return]
            "guardrails.unassign_keys",
            path_params={"id": id},
            body={"key_hashes": id_list(key_hashes)},
            **options,
        )

    def assign_members(
        self, id: str, *, member_user_ids: Sequence[str], **options: Unpack[RequestOptions]
    ) -> AssignedCount:
        """Apply guardrail `id` to these organization members (and so to the keys they make)."""
        split_options("guardrails.assign_members", dict(options), NO_FIELDS)
        return self._request(  # type: ignore[no-any-return]
            "guardrails.assign_members",
            path_params={"id": id},
            body={"member_user_ids": id_list(member_user_ids)},
            **options,
        )

    def unassign_members(
        self, id: str, *, member_user_ids: Sequence[str], **options: Unpack[RequestOptions]
    ) -> UnassignedCount:
        """Remove guardrail `id` from these members."""
        split_options("guardrails.unassign_members", dict(options), NO_FIELDS)
        return self._request(  # type: ignore[no-any-return]
            "guardrails.unassign_members",
            path_params={"id": id},
            body={"member_user_ids": id_list(member_user_ids)},
            **options,
        )
