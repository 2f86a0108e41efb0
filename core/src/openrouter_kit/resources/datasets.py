"""The datasets group: Public datasets: app rankings, daily rankings, session cost."""

from __future__ import annotations

from ._operations import operation
from ._resource import Resource


class Datasets(Resource):
    """Public datasets: app rankings, daily rankings, session cost."""

    app_rankings = operation("datasets.app_rankings")
    """GET /datasets/app-rankings"""
    rankings_daily = operation("datasets.rankings_daily")
    """GET /datasets/rankings-daily"""
    session_cost = operation("datasets.session_cost")
    """GET /datasets/session-cost"""
