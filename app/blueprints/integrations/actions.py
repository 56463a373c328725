"""Integration actions beyond credentials: settings (with a preview), test connection."""
from __future__ import annotations

from flask import abort, current_app, flash, redirect, request, url_for
from flask_login import current_user, login_required

from app import audit
from app.blueprints.integrations import bp
from app.blueprints.integrations.forms import EmptyForm, setting_value, settings_form
from app.blueprints.integrations.routes import index, source_or_404
from app.extensions import db
from database.integrations import find_integration, get_or_create_integration, read_credentials
from etl.data_sources.base import SyncContext, Window
from etl.data_sources.http import HttpClient, ProviderError
from utils.date_utils import local_today


def _context(source, settings: dict) -> SyncContext:
    """A context with this user's stored credentials for a single interactive call."""
    integration = find_integration(current_user.id, source.manifest.key)
    if integration is None or not integration.credentials:
        raise ProviderError(f"save your {source.manifest.label} credentials first")
    today = local_today(current_user.timezone)
    return SyncContext(credentials=read_credentials(integration), settings=settings, window=Window(today, today),
                       http=HttpClient(max_retries=1, max_total_wait=5, timeout=(5, 20)),
                       config=dict(current_app.config), timezone=current_user.timezone)


def _submitted_settings(manifest, form) -> dict:
    return {spec.name: setting_value(spec, getattr(form, spec.name).data) for spec in manifest.setting_fields}


@bp.route("/<source>/settings", methods=["POST"])
@login_required
def save_settings(source: str):
    """Save the source's non-secret settings (or, with preview=1, show what they would read)."""
    source_obj = source_or_404(source)
    manifest = source_obj.manifest
    if not manifest.setting_fields:
        abort(404)
    form = settings_form(manifest)
    if not form.validate_on_submit():
        return index(settings_forms={manifest.key: form}), 400
    settings = _submitted_settings(manifest, form)
    if request.form.get("action") == "preview":
        return _preview(source_obj, form, settings)
    integration = get_or_create_integration(current_user.id, manifest.key)
    integration.settings = {**(integration.settings or {}), **settings}
    audit.record("integration_settings", current_user.id, f"source={manifest.key}")
    db.session.commit()
    flash(f"{manifest.label} settings saved; the next sync uses them.", "success")
    return redirect(url_for("integrations.index", _anchor=manifest.key))


def _preview(source, form, settings: dict):
    """Render the page with the parsed first rows under the settings form; nothing is saved."""
    manifest = source.manifest
    try:
        result = source.preview(_context(source, settings))
    except (ProviderError, ValueError) as exc:
        result = {"problem": str(exc)}
    if result is None:
        abort(404)
    return index(settings_forms={manifest.key: form}, previews={manifest.key: result})


@bp.route("/<source>/test", methods=["POST"])
@login_required
def test_connection(source: str):
    """Call the provider once with the stored credentials; report success or its error in plain words."""
    source_obj = source_or_404(source)
    manifest = source_obj.manifest
    if not EmptyForm().validate_on_submit():
        abort(400)
    integration = find_integration(current_user.id, manifest.key)
    try:
        message = source_obj.test_connection(_context(source_obj, dict(integration.settings or {})
                                                      if integration else {}))
    except ProviderError as exc:
        flash(f"{manifest.label}: the test failed — {exc}", "error")
    except NotImplementedError:
        abort(404)
    else:
        flash(f"{manifest.label}: {message}", "success")
    return redirect(url_for("integrations.index", _anchor=manifest.key))
