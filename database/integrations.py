"""Reading and writing one user's integration rows, credentials always encrypted."""
from __future__ import annotations

from typing import Any

from app.extensions import db
from app.secrets import cipher
from database.models import CONNECTED, DISCONNECTED, UserIntegration


def find_integration(user_id: int, source: str) -> UserIntegration | None:
    """The user's row for ``source`` (scoped to that user), or None."""
    return db.session.execute(
        db.select(UserIntegration).filter_by(user_id=user_id, source=source)
    ).scalar_one_or_none()


def get_or_create_integration(user_id: int, source: str) -> UserIntegration:
    """The user's row for ``source``, created (disconnected) if missing."""
    integration = find_integration(user_id, source)
    if integration is None:
        integration = UserIntegration(user_id=user_id, source=source, status=DISCONNECTED, settings={})
        db.session.add(integration)
    return integration


def read_credentials(integration: UserIntegration) -> dict[str, Any]:
    """Decrypt the stored credentials ({} when none)."""
    return cipher().decrypt(integration.credentials)


def store_credentials(integration: UserIntegration, credentials: dict[str, Any], *, connect: bool = True) -> None:
    """Encrypt and set ``credentials``; mark connected and clear the last error."""
    integration.credentials = cipher().encrypt(credentials)
    if connect:
        integration.status = CONNECTED
        integration.last_error = None


def clear_credentials(integration: UserIntegration) -> None:
    """Forget the credentials and mark disconnected (stored data stays)."""
    integration.credentials = None
    integration.status = DISCONNECTED
    integration.last_error = None
    integration.account_id = None


def mask_secret(value: str | None) -> str:
    """'set (…ab12)' for a stored secret, never the secret itself."""
    if not value:
        return "not set"
    value = str(value)
    return f"set (…{value[-4:]})" if len(value) >= 12 else "set"
