"""Personal API tokens: created with a recognisable prefix, stored as SHA-256, shown once."""
from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import timedelta

from app.extensions import db
from database.models import ApiToken, User
from utils.date_utils import utc_now

PREFIX = "phd_"
# last_used_at is a hint for the account page, not an audit trail: write it at most this often.
TOUCH_EVERY = timedelta(minutes=5)


def hash_token(token: str) -> str:
    """Hex SHA-256 of the token (high-entropy, so a fast hash is enough)."""
    return hashlib.sha256(token.encode()).hexdigest()


def create_token(user_id: int, name: str) -> tuple[ApiToken, str]:
    """Add a token row for ``user_id``; return it with the plaintext token (never stored)."""
    token = PREFIX + secrets.token_urlsafe(32)
    row = ApiToken(user_id=user_id, name=name, token_hash=hash_token(token), hint=f"{PREFIX}…{token[-4:]}")
    db.session.add(row)
    return row, token


def user_tokens(user_id: int) -> list[ApiToken]:
    """The user's tokens, newest first."""
    return list(db.session.execute(
        db.select(ApiToken).filter_by(user_id=user_id).order_by(ApiToken.created_at.desc(), ApiToken.id.desc())
    ).scalars())


def revoke_token(user_id: int, token_id: int) -> ApiToken | None:
    """Delete the user's token ``token_id``; None when the user has no such token."""
    row = db.session.execute(db.select(ApiToken).filter_by(id=token_id, user_id=user_id)).scalar_one_or_none()
    if row is not None:
        db.session.delete(row)
    return row


def user_for_token(token: str) -> User | None:
    """The active user owning ``token``, or None (unknown, revoked, or a deactivated account)."""
    if not token.startswith(PREFIX) or len(token) > 200:
        return None
    digest = hash_token(token)
    row = db.session.execute(db.select(ApiToken).filter_by(token_hash=digest)).scalar_one_or_none()
    if row is None or not hmac.compare_digest(row.token_hash, digest):
        return None
    user = db.session.get(User, row.user_id)
    if user is None or not user.active:
        return None
    now = utc_now()
    if row.last_used_at is None or now - row.last_used_at > TOUCH_EVERY:
        row.last_used_at = now
        db.session.commit()
    return user
