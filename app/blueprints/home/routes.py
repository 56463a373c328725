"""Overview page, data coverage, plotly.js, and /healthz."""
from flask import jsonify, render_template, request
from flask_login import current_user, login_required

from app.blueprints.home import bp, charts
from app.dashboards import highlights, numbers, store
from app.dashboards.assets import plotly_response, plotly_version
from app.dashboards.coverage import LABELS, coverage_charts
from app.dashboards.pages import chart_response, current_view, range_control, today_for_user
from app.security import CSP
from database.check import database_ok
from database.integrations import find_integration
from etl.data_sources.registry import all_sources

COVERAGE_PRESET = "90d"


@bp.app_context_processor
def chart_assets():
    """The plotly.js version for its URL, and whether the CSP lets plotly.js compile WebGL shaders."""
    return {"plotly_version": plotly_version(), "webgl_charts": "'unsafe-eval'" in CSP}


@bp.app_template_filter("metric_value")
def metric_value(value, unit: str = "") -> str:
    """A metric value as people read it ('7 h 25 min', '9,812')."""
    return numbers.format_value(value, unit)


@bp.route("/healthz")
def healthz():
    """200 when the database answers, 503 otherwise."""
    if database_ok():
        return jsonify(status="ok", database="ok")
    return jsonify(status="error", database="unreachable"), 503


@bp.route("/assets/plotly-<version>.min.js")
def plotly_js(version: str):
    """The plotly.js bundle shipped with the plotly package, cached for a year."""
    return plotly_response(version)


@bp.route("/")
@login_required
def index():
    """Today's cards against the 30-day baseline, trends, a correlation, streaks and personal bests."""
    view, error = current_view()
    today = today_for_user()
    options = charts.metric_options(current_user.id)
    x, y = request.args.get("x", ""), request.args.get("y", "")
    if not x and not y:
        x, y = charts.default_pair(options)
    return render_template(
        "home/index.html", view=view, range=range_control(view), range_error=error, has_data=bool(options), today=today,
        cards=highlights.cards(current_user.id, today), streaks=highlights.streaks(current_user.id, today),
        bests=highlights.bests(current_user.id, today), options=options,
        pair={"x": x, "y": y, "lag": request.args.get("lag", "0")}, lags=charts.LAGS,
        charts=charts.CHARTS, chart_endpoint="home.chart", uses_charts=True, numbers=numbers,
        chart_args={**request.args.to_dict(), **view.query(), "x": x, "y": y},
    ), 400 if error else 200


@bp.route("/charts/<name>.json")
@login_required
def chart(name: str):
    """One overview chart as JSON for the signed-in user."""
    return chart_response(charts.CHARTS, name)


@bp.route("/coverage")
@login_required
def coverage():
    """Per source, which days hold data, partly, wait for a score, are missing or failed to sync."""
    view, error = current_view(COVERAGE_PRESET)
    sources = [(s.manifest, find_integration(current_user.id, s.manifest.key),
                store.has_data(current_user.id, s.manifest.key)) for s in all_sources()]
    return render_template(
        "home/coverage.html", view=view, range=range_control(view), range_error=error, sources=sources,
        labels=LABELS, charts={c.name: c for c in coverage_charts()}, chart_endpoint="home.coverage_chart",
        chart_args={**request.args.to_dict(), **view.query()}, uses_charts=True,
    ), 400 if error else 200


@bp.route("/coverage/<name>.json")
@login_required
def coverage_chart(name: str):
    """One source's coverage calendar as JSON."""
    return chart_response(coverage_charts(), name, COVERAGE_PRESET)

