"""OAuth 2.0 connect and callback routes, added to a source blueprint from its manifest.

`state` is bound to the session and checked on the callback; PKCE where the source supports
it; provider errors show a clear page and store nothing; reconnecting must come back with the
same provider account. A source with several ways in (Fitbit: Google Health or the legacy
API) lists them in ``Source.connect_options()``; the chosen adapter lands in the settings,
and connecting another way replaces the old tokens (history stays: same metric keys).
"""
from __future__ import annotations

import secrets
import time

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required

from app import audit
from app.blueprints.integrations.forms import EmptyForm
from app.blueprints.integrations.routes import callback_url
from app.extensions import db
from database.integrations import get_or_create_integration, store_credentials
from etl import oauth
from etl.data_sources.base import OAuthSpec, Source, SyncContext, Window
from etl.data_sources.http import HttpClient, ProviderError
from utils.date_utils import local_today

STATE_MAX_AGE = 15 * 60


def register_oauth_routes(bp: Blueprint, source: Source) -> None:
    """Add /connect (POST) and /callback (GET) to ``bp``."""
    manifest = source.manifest
    specs: dict[str, OAuthSpec] = {adapter: spec for adapter, _, spec in source.connect_options()}
    default_adapter = next(iter(specs))

    @bp.route("/connect", methods=["POST"])
    @login_required
    def connect():
        """Send the browser to the provider's consent page."""
        if not EmptyForm().validate_on_submit():
            abort(400)
        adapter = request.form.get("adapter", default_adapter)
        spec = specs.get(adapter)
        if spec is None:
            abort(400)
        state = secrets.token_urlsafe(32)
        verifier, challenge = oauth.pkce_pair() if spec.pkce else (None, None)
        try:
            url = oauth.authorize_url(spec, current_app.config, callback_url(manifest.key), state, challenge)
        except oauth.OAuthNotConfigured as exc:
            flash(f"{manifest.label} is not configured on this server: {exc}.", "error")
            return redirect(url_for("integrations.index", _anchor=manifest.key))
        session[f"oauth:{manifest.key}"] = {"state": state, "verifier": verifier, "adapter": adapter,
                                            "at": int(time.time())}
        return redirect(url)

    @bp.route("/callback")
    @login_required
    def callback():
        """Check state, exchange the code, check the account, store encrypted."""
        pending = session.pop(f"oauth:{manifest.key}", None)
        if request.args.get("error"):
            reason = request.args.get("error_description") or request.args.get("error")
            return _failed(manifest.label, f"{manifest.label} did not grant access ({reason[:200]}).")
        if (not pending or not secrets.compare_digest(str(pending.get("state")), request.args.get("state", ""))
                or time.time() - pending.get("at", 0) > STATE_MAX_AGE):
            return _failed(manifest.label, "This sign-in could not be verified (unknown or expired state). "
                                           "Please start again from the integrations page.")
        code = request.args.get("code")
        if not code:
            return _failed(manifest.label, f"{manifest.label} sent no authorization code.")
        adapter = pending.get("adapter", default_adapter)
        http = HttpClient(max_retries=2, max_total_wait=10)
        try:
            creds = oauth.exchange_code(specs[adapter], current_app.config, http, code,
                                        callback_url(manifest.key), pending.get("verifier"))
            account = _account_id(source, creds, adapter, http)
        except (ProviderError, oauth.OAuthNotConfigured) as exc:
            return _failed(manifest.label, f"Connecting {manifest.label} failed: {exc}")
        return _store(manifest, creds, account, adapter)

    def _store(manifest, creds, account, adapter):
        integration = get_or_create_integration(current_user.id, manifest.key)
        same_adapter = (integration.settings or {}).get("adapter", default_adapter) == (adapter or default_adapter)
        if integration.account_id and account and same_adapter and integration.account_id != account:
            db.session.rollback()
            return _failed(manifest.label, f"That is a different {manifest.label} account from the one connected "
                                           "before. Sign in to the same account, or disconnect first to switch.")
        moved = bool(adapter) and not same_adapter and integration.credentials is not None
        store_credentials(integration, creds)  # replaces any previous tokens (e.g. legacy Fitbit ones)
        integration.account_id = account or integration.account_id
        if adapter:
            integration.settings = {**(integration.settings or {}), "adapter": adapter}
        db.session.flush()
        audit.record("integration_connect", current_user.id,
                     f"source={manifest.key} method=oauth{' adapter=' + adapter if adapter else ''}"
                     f"{' moved' if moved else ''}")
        db.session.commit()
        flash(f"{manifest.label} connected." + (" The old connection's tokens were deleted; your history stays."
                                                if moved else ""), "success")
        return redirect(url_for("integrations.index", _anchor=manifest.key))


def _account_id(source: Source, creds: dict, adapter: str, http: HttpClient) -> str | None:
    """Ask the provider who this token belongs to."""
    today = local_today(current_user.timezone)
    ctx = SyncContext(credentials=creds, settings={"adapter": adapter} if adapter else {},
                      window=Window(today, today), http=http, config=dict(current_app.config),
                      timezone=current_user.timezone)
    account = source.account_id(ctx)
    return str(account) if account is not None else None


def _failed(label: str, message: str):
    """A clear page; nothing was stored."""
    return render_template("oauth_failed.html", label=label, message=message), 400
