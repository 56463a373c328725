"""What every source dashboard page shares: connect prompt, last sync, range control, chart containers."""
from __future__ import annotations

from collections.abc import Sequence

from flask import render_template, request
from flask_login import current_user

from app.dashboards import store
from app.dashboards.pages import Chart, current_view, range_control
from database.integrations import find_integration
from database.models import DISCONNECTED
from etl.data_sources.base import Manifest


def render_source_dashboard(manifest: Manifest, charts: Sequence[Chart] = (), template: str = "source_dashboard.html",
                            **context):
    """A source's page: how to connect it, when it last synced, or its charts for the chosen range."""
    view, error = current_view()
    integration = find_integration(current_user.id, manifest.key)
    connected = bool(integration and integration.credentials and integration.status != DISCONNECTED)
    return render_template(
        template, manifest=manifest, integration=integration, connected=connected,
        has_data=store.has_data(current_user.id, manifest.key), charts=charts, range_error=error,
        range=range_control(view), chart_endpoint=f"{request.blueprint}.chart",
        chart_args={**request.args.to_dict(), **view.query()}, uses_charts=True, **context,
    ), 400 if error else 200
