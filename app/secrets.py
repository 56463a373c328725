"""SECRET_KEY and ENCRYPTION_KEYS: required in production, generated once in development."""
from __future__ import annotations

import secrets
import sys
from pathlib import Path

from flask import Flask

from utils.encryption import CredentialCipher, generate_key, parse_keys


def configure_secrets(app: Flask) -> None:
    """Check or create the secrets and attach the credential cipher to the app."""
    env = app.config["APP_ENV"]
    instance = Path(app.instance_path)
    if env == "production":
        missing = [name for name in ("SECRET_KEY", "ENCRYPTION_KEYS") if not app.config.get(name)]
        if missing:
            raise SystemExit(f"APP_ENV=production needs {' and '.join(missing)} to be set "
                             "(see .env.example); refusing to start.")
    elif env == "testing":
        app.config["ENCRYPTION_KEYS"] = app.config.get("ENCRYPTION_KEYS") or generate_key()
    else:
        if not app.config.get("SECRET_KEY"):
            app.config["SECRET_KEY"] = _generated(instance / "secret_key", lambda: secrets.token_urlsafe(48),
                                                  "SECRET_KEY")
        if not app.config.get("ENCRYPTION_KEYS"):
            app.config["ENCRYPTION_KEYS"] = _generated(instance / "encryption.key", generate_key, "ENCRYPTION_KEYS")
    try:
        keys = parse_keys(app.config["ENCRYPTION_KEYS"])
    except ValueError as exc:
        raise SystemExit(str(exc)) from None
    app.extensions["cipher"] = CredentialCipher(keys)


def _generated(path: Path, make, name: str) -> str:
    """Read a development secret from ``path``, creating it (with a warning) the first time."""
    if path.exists():
        return path.read_text().strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    value = make()
    path.write_text(value + "\n")
    path.chmod(0o600)
    print(f"WARNING: {name} is not set; generated one into {path} for development. "
          f"Set {name} in the environment for production.", file=sys.stderr)
    return value


def cipher() -> CredentialCipher:
    """The current app's credential cipher."""
    from flask import current_app

    return current_app.extensions["cipher"]
