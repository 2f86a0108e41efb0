"""The scim group: SCIM group mappings and groups (management key)."""

from __future__ import annotations

from ._operations import all_pages, operation
from ._resource import Resource


class Scim(Resource):
    """SCIM group mappings and groups (management key)."""

    list_group_mappings = operation("scim.list_group_mappings")
    """GET /scim/group-mappings"""
    list_all_group_mappings = all_pages("scim.list_group_mappings")
    """Every item of GET /scim/group-mappings, page by page."""
    create_group_mapping = operation("scim.create_group_mapping")
    """POST /scim/group-mappings"""
    get_group_mapping = operation("scim.get_group_mapping")
    """GET /scim/group-mappings/{id}"""
    update_group_mapping = operation("scim.update_group_mapping")
    """PATCH /scim/group-mappings/{id}"""
    delete_group_mapping = operation("scim.delete_group_mapping")
    """DELETE /scim/group-mappings/{id}"""
    list_groups = operation("scim.list_groups")
    """GET /scim/groups"""
    list_all_groups = all_pages("scim.list_groups")
    """Every item of GET /scim/groups, page by page."""
