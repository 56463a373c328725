"""OAuth 2.0 for the sources that use it: authorize URLs, code exchange, refresh.

Refresh tokens of Oura, WHOOP and Fitbit are single-use: :func:`refresh_access_token`
takes a lock on the integration row, re-reads the stored pair (another worker may have
refreshed already), refreshes, and commits the new pair in its own transaction before
anything uses it, so a crash can never lose the only valid token.
"""
from __future__ import annotations

import base64
import hashlib
import secrets
import time
from typing import Any
from urllib.parse import urlencode

from sqlalchemy.orm import Session

from etl.data_sources.base import OAuthSpec
from etl.data_sources.http import AuthError, BadPayload, HttpClient

# Refresh this long before the access token expires.
EXPIRY_MARGIN_SECONDS = 300


class OAuthNotConfigured(Exception):
    """The installation has no client id/secret for this source."""


def endpoint(spec: OAuthSpec, config: dict, which: str) -> str:
    """The configured authorize/token URL, or the provider's real one."""
    setting, default = ((spec.authorize_url_setting, spec.authorize_url) if which == "authorize"
                        else (spec.token_url_setting, spec.token_url))
    return (config.get(setting) or default).strip()


def client_credentials(spec: OAuthSpec, config: dict) -> tuple[str, str]:
    """(client_id, client_secret) from config, or raise OAuthNotConfigured."""
    client_id, secret = config.get(spec.client_id_setting), config.get(spec.client_secret_setting)
    if not client_id or not secret:
        raise OAuthNotConfigured(f"set {spec.client_id_setting} and {spec.client_secret_setting}")
    return client_id, secret


def pkce_pair() -> tuple[str, str]:
    """(code_verifier, S256 code_challenge)."""
    verifier = secrets.token_urlsafe(64)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    return verifier, challenge


def authorize_url(spec: OAuthSpec, config: dict, redirect_uri: str, state: str, challenge: str | None) -> str:
    """The provider URL the browser is sent to."""
    client_id, _ = client_credentials(spec, config)
    params = {"response_type": "code", "client_id": client_id, "redirect_uri": redirect_uri,
              "scope": " ".join(spec.scopes), "state": state, **dict(spec.authorize_params)}
    if challenge:
        params.update(code_challenge=challenge, code_challenge_method="S256")
    return f"{endpoint(spec, config, 'authorize')}?{urlencode(params)}"


def _token_request(spec: OAuthSpec, config: dict, http: HttpClient, form: dict[str, str]) -> dict[str, Any]:
    client_id, secret = client_credentials(spec, config)
    headers = {"Accept": "application/json"}
    if spec.client_auth == "basic":
        headers["Authorization"] = "Basic " + base64.b64encode(f"{client_id}:{secret}".encode()).decode()
    else:
        form = {**form, "client_id": client_id, "client_secret": secret}
    try:
        payload = http.post_json(endpoint(spec, config, "token"), data=form, headers=headers)
    except BadPayload as exc:
        if exc.status in (400, 401):  # invalid_grant / invalid_client: the stored grant no longer works
            raise AuthError(f"the provider refused the token request: {exc}", exc.status) from exc
        raise
    if not isinstance(payload, dict) or not payload.get("access_token"):
        raise BadPayload("the token endpoint answered without an access_token")
    return payload


def token_credentials(payload: dict[str, Any], previous: dict[str, Any] | None = None) -> dict[str, Any]:
    """Stored credentials from a token response (keeps the old refresh token if none came back)."""
    previous = previous or {}
    creds = {**previous, "access_token": payload["access_token"], "token_type": payload.get("token_type", "Bearer")}
    if payload.get("refresh_token"):
        creds["refresh_token"] = payload["refresh_token"]
    if payload.get("expires_in") is not None:
        creds["expires_at"] = int(time.time()) + int(payload["expires_in"])
    for key in ("scope", "user_id"):
        if payload.get(key) is not None:
            creds[key] = payload[key]
    return creds


def exchange_code(spec: OAuthSpec, config: dict, http: HttpClient, code: str, redirect_uri: str,
                  verifier: str | None) -> dict[str, Any]:
    """Trade an authorization code for credentials."""
    form = {"grant_type": "authorization_code", "code": code, "redirect_uri": redirect_uri}
    if verifier:
        form["code_verifier"] = verifier
    return token_credentials(_token_request(spec, config, http, form))


def needs_refresh(credentials: dict[str, Any], now: float | None = None) -> bool:
    """True when the access token expires within the margin (and can be refreshed)."""
    expires_at = credentials.get("expires_at")
    if not credentials.get("refresh_token") or expires_at is None:
        return False
    return float(expires_at) - (time.time() if now is None else now) < EXPIRY_MARGIN_SECONDS


def refresh_access_token(session: Session, integration_id: int, spec: OAuthSpec, config: dict,
                         http: HttpClient, seen_access_token: str | None) -> dict[str, Any]:
    """Refresh under a row lock and commit the new pair before returning it."""
    from app.secrets import cipher
    from database.models import UserIntegration

    row = session.get(UserIntegration, integration_id, with_for_update=True, populate_existing=True)
    if row is None or not row.credentials:
        session.rollback()
        raise AuthError("the integration has no stored credentials")
    stored = cipher().decrypt(row.credentials)
    if seen_access_token and stored.get("access_token") != seen_access_token and not needs_refresh(stored):
        session.commit()  # another worker refreshed meanwhile: use its token, spend nothing
        return stored
    if not stored.get("refresh_token"):
        session.rollback()
        raise AuthError("the access token expired and there is no refresh token; reconnect")
    form = {"grant_type": "refresh_token", "refresh_token": stored["refresh_token"]}
    if spec.refresh_scope:
        form["scope"] = spec.refresh_scope
    try:
        payload = _token_request(spec, config, http, form)
    except Exception:
        session.rollback()
        raise
    fresh = token_credentials(payload, stored)
    row.credentials = cipher().encrypt(fresh)
    session.commit()
    return fresh
