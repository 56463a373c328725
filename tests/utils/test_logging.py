"""Secrets never reach the logs."""
from __future__ import annotations

import logging

from utils.logging_config import RedactingFilter, redact


def test_redact_hides_tokens_in_common_shapes():
    samples = {
        "refresh_token=abc123&grant_type=refresh_token": "abc123",
        '{"access_token": "eyJhbGciOi.xyz", "expires_in": 3600}': "eyJhbGciOi.xyz",
        "Authorization: Bearer s3cr3t.t0ken": "s3cr3t.t0ken",
        "password=hunter2hunter2": "hunter2hunter2",
        "saw ghp_abcdefghijklmnopqrstuvwxyz012345 in a message": "ghp_abcdefghijklmnopqrstuvwxyz012345",
        "{'client_secret': 'cs-999'}": "cs-999",
    }
    for text, secret in samples.items():
        out = redact(text)
        assert secret not in out, out
        assert "[REDACTED]" in out


def test_redact_keeps_ordinary_text():
    assert redact("synced 42 rows for whoop in 1.2s") == "synced 42 rows for whoop in 1.2s"


def test_filter_redacts_message_args():
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "token refresh failed: %s",
                               ("access_token=abcdef123",), None)
    RedactingFilter().filter(record)
    assert "abcdef123" not in record.getMessage()
