"""The integrations settings page."""
from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import func

from app import audit
from app.blueprints.integrations import bp
from app.blueprints.integrations.forms import EmptyForm, credentials_form, settings_form
from app.extensions import db
from database.integrations import (
    clear_credentials,
    find_integration,
    get_or_create_integration,
    mask_secret,
    read_credentials,
    store_credentials,
)
from database.models import DailyMetric, SyncRun
from etl.data_sources.base import Source
from etl.data_sources.registry import all_sources, get_source


def source_or_404(key: str):
    """The registered source named ``key``, or a 404."""
    source = get_source(key)
    if source is None:
        abort(404)
    return source


def callback_url(key: str) -> str:
    """The OAuth redirect URI users register with the provider."""
    base = current_app.config.get("PUBLIC_BASE_URL") or request.host_url
    return f"{base.rstrip('/')}/{key}/callback"


def _card(source, forms: dict, settings_forms: dict, previews: dict) -> dict:
    """Everything the page shows for one source, for the signed-in user only."""
    manifest = source.manifest
    integration = find_integration(current_user.id, manifest.key)
    creds = read_credentials(integration) if integration and integration.credentials else {}
    last_run = None
    if integration:
        last_run = db.session.execute(
            db.select(SyncRun).filter_by(integration_id=integration.id, user_id=current_user.id)
            .order_by(SyncRun.started_at.desc(), SyncRun.id.desc()).limit(1)
        ).scalar_one_or_none()
    stored = db.session.scalar(db.select(func.count()).select_from(DailyMetric)
                               .filter_by(user_id=current_user.id, source=manifest.key))
    return {
        "source": source,
        "manifest": manifest,
        "integration": integration,
        "status": integration.status if integration else "disconnected",
        "masked": {f.name: mask_secret(creds.get(f.name)) if f.secret else creds.get(f.name, "")
                   for f in manifest.credential_fields},
        "last_run": last_run,
        "stored_rows": stored or 0,
        "form": forms.get(manifest.key) or credentials_form(manifest, formdata=None),
        "settings_form": (settings_forms.get(manifest.key)
                          or settings_form(manifest, integration.settings if integration else None, formdata=None)),
        "preview": previews.get(manifest.key),
        "help": manifest.setup_help.format(callback_url=callback_url(manifest.key)),
        "callback_url": callback_url(manifest.key),
        "connect_options": [(adapter, label, spec, _oauth_ready(spec))
                            for adapter, label, spec in source.connect_options()],
        "adapter": (integration.settings or {}).get("adapter") if integration else None,
        "demo": bool(integration and (integration.settings or {}).get("demo")),
        "connect_endpoint": f"{manifest.blueprint}.connect",
    }


def _oauth_ready(spec) -> bool:
    """True when this installation has the client id and secret for ``spec``."""
    config = current_app.config
    return bool(config.get(spec.client_id_setting) and config.get(spec.client_secret_setting))


@bp.route("/")
@login_required
def index(forms: dict | None = None, settings_forms: dict | None = None, previews: dict | None = None):
    """Every registered source with its status, last sync and setup help."""
    cards = [_card(source, forms or {}, settings_forms or {}, previews or {}) for source in all_sources()]
    previewable = {s.manifest.key for s in all_sources() if type(s).preview is not Source.preview}
    return render_template("integrations/index.html", cards=cards, action_form=EmptyForm(), previewable=previewable)


@bp.route("/<source>/credentials", methods=["POST"])
@login_required
def save_credentials(source: str):
    """Save the typed secrets; a blank field keeps the stored value."""
    manifest = source_or_404(source).manifest
    if not manifest.credential_fields:
        abort(404)
    form = credentials_form(manifest)
    if not form.validate_on_submit():
        return index(forms={manifest.key: form}), 400
    integration = get_or_create_integration(current_user.id, manifest.key)
    creds = read_credentials(integration) if integration.credentials else {}
    typed = {spec.name: (getattr(form, spec.name).data or "").strip() for spec in manifest.credential_fields}
    creds.update({name: value for name, value in typed.items() if value})
    missing = [spec.label for spec in manifest.credential_fields if spec.secret and not creds.get(spec.name)]
    if missing and not integration.credentials:
        getattr(form, manifest.credential_fields[0].name).errors.append(f"Enter the {missing[0].lower()}.")
        db.session.rollback()
        return index(forms={manifest.key: form}), 400
    store_credentials(integration, creds)
    db.session.flush()
    audit.record("integration_connect", current_user.id, f"source={manifest.key} method=credentials")
    db.session.commit()
    flash(f"{manifest.label} saved and connected.", "success")
    return redirect(url_for("integrations.index", _anchor=manifest.key))


@bp.route("/<source>/disconnect", methods=["POST"])
@login_required
def disconnect(source: str):
    """Remove the stored credentials; synced data stays."""
    manifest = source_or_404(source).manifest
    if not EmptyForm().validate_on_submit():
        abort(400)
    integration = find_integration(current_user.id, manifest.key)
    if integration is None or integration.credentials is None:
        flash(f"{manifest.label} was not connected.", "info")
        return redirect(url_for("integrations.index", _anchor=manifest.key))
    clear_credentials(integration)
    audit.record("integration_disconnect", current_user.id, f"source={manifest.key}")
    db.session.commit()
    flash(f"{manifest.label} disconnected; its credentials were deleted. Data already synced is kept.", "success")
    return redirect(url_for("integrations.index", _anchor=manifest.key))
