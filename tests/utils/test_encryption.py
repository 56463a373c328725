"""Credentials are encrypted at rest and keys can be rotated."""
from __future__ import annotations

import pytest
from sqlalchemy import text

from app.extensions import db
from database.integrations import get_or_create_integration, read_credentials, store_credentials
from utils.encryption import CredentialCipher, EncryptionError, generate_key, parse_keys

SECRET = "super-secret-refresh-token-value"


def test_round_trip_and_old_keys_still_decrypt():
    old, new = generate_key(), generate_key()
    token = CredentialCipher(parse_keys(old)).encrypt({"refresh_token": SECRET})
    both = CredentialCipher(parse_keys(f"{new},{old}"))
    assert both.decrypt(token) == {"refresh_token": SECRET}
    rotated = both.rotate(token)
    assert CredentialCipher(parse_keys(new)).decrypt(rotated) == {"refresh_token": SECRET}
    with pytest.raises(EncryptionError):
        CredentialCipher(parse_keys(old)).decrypt(rotated)


def test_bad_key_is_named_clearly():
    with pytest.raises(ValueError, match="ENCRYPTION_KEYS entry 2 is not a valid Fernet key"):
        parse_keys(f"{generate_key()},not-a-key")


def test_database_column_never_holds_the_plaintext(app, ctx, user):
    integration = get_or_create_integration(user, "whoop")
    store_credentials(integration, {"access_token": SECRET, "refresh_token": SECRET[::-1]})
    db.session.commit()
    raw = db.session.execute(text("SELECT credentials FROM user_integrations")).scalar_one()
    assert SECRET not in raw and SECRET[::-1] not in raw
    assert raw.startswith("gAAAA")  # a Fernet token
    assert read_credentials(integration)["access_token"] == SECRET


def test_rotate_keys_command_reencrypts_with_the_newest_key(app, runner, user):
    with app.app_context():
        store_credentials(get_or_create_integration(user, "rize"), {"api_key": SECRET})
        db.session.commit()
    old_keys, old_cipher = app.config["ENCRYPTION_KEYS"], app.extensions["cipher"]
    new = generate_key()
    app.config["ENCRYPTION_KEYS"] = f"{new},{old_keys}"
    app.extensions["cipher"] = CredentialCipher(parse_keys(app.config["ENCRYPTION_KEYS"]))
    try:
        result = runner.invoke(args=["rotate-keys"])
        assert result.exit_code == 0, result.output
        assert "re-encrypted 1 credential" in result.output
        with app.app_context():
            raw = db.session.execute(text("SELECT credentials FROM user_integrations")).scalar_one()
        assert CredentialCipher(parse_keys(new)).decrypt(raw) == {"api_key": SECRET}
    finally:
        app.config["ENCRYPTION_KEYS"], app.extensions["cipher"] = old_keys, old_cipher
