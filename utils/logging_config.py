"""One logging setup for the web app and the batch job, with secret redaction."""
from __future__ import annotations

import logging
import re
import sys

_SECRET_KEYS = (r"(?:access_token|refresh_token|id_token|client_secret|api_key|apikey|token|password|secret"
                r"|private_key|code_verifier|assertion|code)")
_PATTERNS = (
    # key=value / key: value / "key": "value" in query strings, form bodies, JSON and dict reprs
    re.compile(rf"""(?i)(["']?\b{_SECRET_KEYS}["']?\s*[:=]\s*["']?)([^"'&\s,}}]+)"""),
    re.compile(r"(?i)(\bBearer\s+)([A-Za-z0-9._~+/=-]+)"),
    re.compile(r"(?i)(\bBasic\s+)([A-Za-z0-9+/=]+)"),
    re.compile(r"(-----BEGIN [A-Z ]*PRIVATE KEY-----)[\s\S]*?(-----END [A-Z ]*PRIVATE KEY-----)"),
    re.compile(r"\b(gh[pousr]_)[A-Za-z0-9]{20,}"),
)
REDACTED = "[REDACTED]"


def _replacement(match: re.Match) -> str:
    """Keep the label (group 1) and any closing marker (group 2 of the private-key pattern)."""
    tail = match.group(2) if match.re.groups == 2 and match.group(2).startswith("-----END") else ""
    return match.group(1) + REDACTED + tail


def redact(text: object) -> str:
    """Return ``text`` with tokens, keys and passwords replaced by [REDACTED]."""
    out = str(text)
    for pattern in _PATTERNS:
        out = pattern.sub(_replacement, out)
    return out


class RedactingFilter(logging.Filter):
    """Rewrites each record's message (with its args) through :func:`redact`."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a bad format string must not lose the record
            message = str(record.msg)
        record.msg, record.args = redact(message), None
        if record.exc_info and not record.exc_text:
            record.exc_text = redact(logging.Formatter().formatException(record.exc_info))
        elif record.exc_text:
            record.exc_text = redact(record.exc_text)
        return True


def configure_logging(level: str = "INFO") -> None:
    """Install one stderr handler with redaction on the root logger (idempotent)."""
    root = logging.getLogger()
    root.setLevel(level.upper())
    if any(getattr(h, "_phd", False) for h in root.handlers):
        return
    handler = logging.StreamHandler(sys.stderr)
    handler._phd = True  # type: ignore[attr-defined]
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.addFilter(RedactingFilter())
    root.addHandler(handler)
