"""Health check, database URL errors, production secrets."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from config import TestingConfig

ROOT = Path(__file__).resolve().parents[2]


def test_healthz_ok(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "database": "ok"}


def test_healthz_503_when_the_database_is_unreachable(tmp_path):
    from app import create_app

    class Broken(TestingConfig):
        SQLALCHEMY_DATABASE_URI = "mysql+pymysql://nobody@127.0.0.1:1/nothing"

    response = create_app(Broken).test_client().get("/healthz")
    assert response.status_code == 503
    assert response.get_json()["database"] == "unreachable"


def _start(env: dict) -> subprocess.CompletedProcess:
    code = "from app import create_app; create_app()"
    return subprocess.run([sys.executable, "-c", code], cwd=ROOT, env={"PATH": "/usr/bin:/bin", **env},
                          capture_output=True, text=True, timeout=60)


@pytest.mark.parametrize("url, expected", [
    ("not a url at all", "DATABASE_URL is not a valid database URL"),
    ("mysql+pymysql://nobody@127.0.0.1:1/nothing", "DATABASE_URL: cannot connect to mysql+pymysql://nobody@127.0.0.1:1"),
])
def test_bad_database_url_gives_one_clear_line(tmp_path, url, expected):
    result = _start({"DATABASE_URL": url, "INSTANCE_PATH": str(tmp_path)})
    assert result.returncode != 0
    assert expected in result.stderr
    assert "Traceback" not in result.stderr


def test_production_refuses_to_start_without_secrets(tmp_path):
    result = _start({"APP_ENV": "production", "DATABASE_URL": f"sqlite:///{tmp_path}/x.db",
                     "INSTANCE_PATH": str(tmp_path)})
    assert result.returncode != 0
    assert "APP_ENV=production needs SECRET_KEY and ENCRYPTION_KEYS" in result.stderr
    assert "Traceback" not in result.stderr


def test_development_generates_keys_once_with_a_warning(tmp_path):
    env = {"DATABASE_URL": f"sqlite:///{tmp_path}/x.db", "INSTANCE_PATH": str(tmp_path)}
    first = _start(env)
    assert first.returncode == 0, first.stderr
    assert "WARNING: ENCRYPTION_KEYS is not set" in first.stderr
    key = (tmp_path / "encryption.key").read_text()
    second = _start(env)
    assert "WARNING" not in second.stderr
    assert (tmp_path / "encryption.key").read_text() == key


def test_unusable_rate_limit_storage_gives_one_clear_line(tmp_path):
    result = _start({"DATABASE_URL": f"sqlite:///{tmp_path}/x.db", "INSTANCE_PATH": str(tmp_path),
                     "RATELIMIT_STORAGE_URI": "nosuchstore://localhost"})
    assert result.returncode != 0
    assert "RATELIMIT_STORAGE_URI='nosuchstore://localhost' cannot be used" in result.stderr
    assert "Traceback" not in result.stderr


def test_redis_rate_limit_storage_is_supported(tmp_path):
    """Several gunicorn workers share login throttling through Redis (README, production)."""
    result = _start({"DATABASE_URL": f"sqlite:///{tmp_path}/x.db", "INSTANCE_PATH": str(tmp_path),
                     "RATELIMIT_STORAGE_URI": "redis://127.0.0.1:6379"})
    assert result.returncode == 0, result.stderr
