"""The workspaces group: Workspaces, their budgets per interval and members (management key)."""

from __future__ import annotations

from ._operations import all_pages, operation
from ._resource import Resource


class Workspaces(Resource):
    """Workspaces, their budgets per interval and members (management key)."""

    list = operation("workspaces.list")
    """GET /workspaces"""
    list_all = all_pages("workspaces.list")
    """Every item of GET /workspaces, page by page."""
    create = operation("workspaces.create")
    """POST /workspaces"""
    get = operation("workspaces.get")
    """GET /workspaces/{id}"""
    update = operation("workspaces.update")
    """PATCH /workspaces/{id}"""
    delete = operation("workspaces.delete")
    """DELETE /workspaces/{id}"""
    list_budgets = operation("workspaces.list_budgets")
    """GET /workspaces/{id}/budgets"""
    get_budget = operation("workspaces.get_budget")
    """GET /workspaces/{id}/budgets/{interval}"""
    set_budget = operation("workspaces.set_budget")
    """PUT /workspaces/{id}/budgets/{interval}"""
    delete_budget = operation("workspaces.delete_budget")
    """DELETE /workspaces/{id}/budgets/{interval}"""
    list_members = operation("workspaces.list_members")
    """GET /workspaces/{id}/members"""
    list_all_members = all_pages("workspaces.list_members")
    """Every item of GET /workspaces/{id}/members, page by page."""
    add_members = operation("workspaces.add_members")
    """POST /workspaces/{id}/members/add"""
    remove_members = operation("workspaces.remove_members")
    """POST /workspaces/{id}/members/remove"""
