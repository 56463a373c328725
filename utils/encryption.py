"""Credentials at rest: Fernet tokens of JSON, with rotatable keys (MultiFernet)."""
from __future__ import annotations

import json
from typing import Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet


class EncryptionError(Exception):
    """A stored value could not be decrypted with any configured key."""


def parse_keys(value: str | list[str]) -> list[bytes]:
    """Split ``ENCRYPTION_KEYS`` (comma-separated, newest first) and validate each key."""
    raw = value.split(",") if isinstance(value, str) else list(value)
    keys = [k.strip().encode() for k in raw if k and k.strip()]
    for position, key in enumerate(keys, start=1):
        try:
            Fernet(key)
        except (ValueError, TypeError) as exc:
            raise ValueError(f"ENCRYPTION_KEYS entry {position} is not a valid Fernet key "
                             "(32 url-safe base64-encoded bytes)") from exc
    return keys


class CredentialCipher:
    """Encrypts dicts to Fernet tokens with the newest key; decrypts with any key."""

    def __init__(self, keys: list[bytes]):
        if not keys:
            raise ValueError("at least one encryption key is required")
        self._fernet = MultiFernet([Fernet(k) for k in keys])

    def encrypt(self, data: dict[str, Any]) -> str:
        """JSON-encode and encrypt ``data``."""
        return self._fernet.encrypt(json.dumps(data, sort_keys=True).encode()).decode()

    def decrypt(self, token: str | None) -> dict[str, Any]:
        """Decrypt a stored token back to its dict ({} for None/empty)."""
        if not token:
            return {}
        try:
            return json.loads(self._fernet.decrypt(token.encode()))
        except InvalidToken as exc:
            raise EncryptionError("stored credentials cannot be decrypted with the configured "
                                  "ENCRYPTION_KEYS (was a key removed?)") from exc

    def rotate(self, token: str) -> str:
        """Re-encrypt ``token`` under the newest key."""
        try:
            return self._fernet.rotate(token.encode()).decode()
        except InvalidToken as exc:
            raise EncryptionError("a stored credential cannot be decrypted for rotation") from exc


def generate_key() -> str:
    """A new random Fernet key."""
    return Fernet.generate_key().decode()
