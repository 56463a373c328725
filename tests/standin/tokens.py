"""The stand-in's OAuth state: which token belongs to which user, single-use refresh tokens, failures."""
from __future__ import annotations

import secrets
import threading
import time
from dataclasses import dataclass

BROKEN = "broken"  # every API call answers 500
REVOKED = "revoked"  # API calls answer 401 and refreshing answers 400 invalid_grant
FAILURES = (BROKEN, REVOKED)

ACCESS_LIFETIME = {"oura": 86400, "whoop": 3600}  # seconds, as each provider reports in expires_in


class TokenError(Exception):
    """A token request the provider refuses: ``status`` and an OAuth ``error`` code."""

    def __init__(self, status: int, error: str, description: str):
        super().__init__(description)
        self.status, self.error, self.description = status, error, description


@dataclass
class Grant:
    """One issued access token (and its refresh token, if any)."""

    source: str
    user: str
    access_token: str
    refresh_token: str | None
    expires_at: float | None  # None: a personal access token that never expires

    def credentials(self) -> dict:
        """What the dashboard stores for this grant (the shape `integrations import` takes)."""
        creds: dict = {"access_token": self.access_token, "token_type": "Bearer"}
        if self.refresh_token:
            creds["refresh_token"] = self.refresh_token
        if self.expires_at is not None:
            creds["expires_at"] = int(self.expires_at)
        return creds


class TokenBook:
    """Thread-safe record of grants, authorization codes and per-user failures."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._access: dict[tuple[str, str], Grant] = {}
        self._refresh: dict[tuple[str, str], Grant] = {}
        self._used_refresh: set[tuple[str, str]] = set()
        self._codes: dict[tuple[str, str], str] = {}
        self._failures: dict[tuple[str, str], str] = {}

    def grant(self, source: str, user: str, expires_in: int | None = None, refresh: bool = True) -> Grant:
        """Issue a token pair for ``user``; a negative ``expires_in`` issues an already expired one."""
        lifetime = ACCESS_LIFETIME.get(source, 3600) if expires_in is None else expires_in
        grant = Grant(source, user, _token(source, "at"), _token(source, "rt") if refresh else None,
                      time.time() + lifetime)
        with self._lock:
            self._store(grant)
        return grant

    def personal_token(self, source: str, user: str) -> str:
        """Issue a personal access token (no expiry, no refresh)."""
        grant = Grant(source, user, _token(source, "pat"), None, None)
        with self._lock:
            self._store(grant)
        return grant.access_token

    def authorization_code(self, source: str, user: str) -> str:
        """A one-time code the token endpoint exchanges for a pair for ``user``."""
        code = _token(source, "code")
        with self._lock:
            self._codes[source, code] = user
        return code

    def exchange(self, source: str, code: str) -> Grant:
        """Trade an authorization code (single use) for a new pair."""
        with self._lock:
            user = self._codes.pop((source, code), None)
        if user is None:
            raise TokenError(400, "invalid_grant", "the authorization code is unknown or was already used")
        return self.grant(source, user)

    def rotate(self, source: str, refresh_token: str, issue_refresh: bool = True) -> Grant:
        """Spend ``refresh_token`` (single use) and issue a new pair; the old access token stops working."""
        with self._lock:
            key = (source, refresh_token)
            old = self._refresh.pop(key, None)
            if old is None:
                reused = key in self._used_refresh
                raise TokenError(400, "invalid_grant", "the refresh token was already used" if reused
                                 else "the refresh token is unknown")
            self._used_refresh.add(key)
            if self._failures.get((source, old.user)) == REVOKED:
                raise TokenError(400, "invalid_grant", "the user revoked this application's access")
            self._access.pop((source, old.access_token), None)
            lifetime = ACCESS_LIFETIME.get(source, 3600)
            new_refresh = _token(source, "rt") if issue_refresh else None
            grant = Grant(source, old.user, _token(source, "at"), new_refresh, time.time() + lifetime)
            self._store(grant)
        return grant

    def user_for(self, source: str, access_token: str) -> str:
        """The user an access token belongs to; raise TokenError(401) if unknown or expired."""
        with self._lock:
            grant = self._access.get((source, access_token))
        if grant is None:
            raise TokenError(401, "invalid_token", "the access token is unknown or was replaced")
        if grant.expires_at is not None and grant.expires_at < time.time():
            raise TokenError(401, "invalid_token", "the access token expired")
        return grant.user

    def live_refresh_token(self, source: str, user: str) -> str | None:
        """The refresh token that currently works for ``user`` (None if none)."""
        with self._lock:
            return next((t for (s, t), g in self._refresh.items() if s == source and g.user == user), None)

    def all_tokens(self) -> list[str]:
        """Every token ever issued (to check that none leaks into output)."""
        with self._lock:
            issued = {g.access_token for g in self._access.values()}
            issued |= {t for _, t in self._refresh} | {t for _, t in self._used_refresh}
        return sorted(issued)

    def fail(self, source: str, user: str, mode: str | None) -> None:
        """Make ``user``'s calls to ``source`` fail (BROKEN or REVOKED), or heal them with None."""
        if mode is not None and mode not in FAILURES:
            raise ValueError(f"mode must be one of {FAILURES} or None")
        with self._lock:
            if mode is None:
                self._failures.pop((source, user), None)
            else:
                self._failures[source, user] = mode

    def failure(self, source: str, user: str) -> str | None:
        """How ``user``'s calls to ``source`` fail, if they do."""
        with self._lock:
            return self._failures.get((source, user))

    def _store(self, grant: Grant) -> None:
        self._access[grant.source, grant.access_token] = grant
        if grant.refresh_token:
            self._refresh[grant.source, grant.refresh_token] = grant


def _token(source: str, kind: str) -> str:
    """A random token whose prefix says what it is (the prefix is no secret, the rest is)."""
    return f"{source}-{kind}-{secrets.token_urlsafe(24)}"
