"""Shared pieces of the stand-in providers: deterministic randomness, paging tokens, replies."""
from __future__ import annotations

import base64
import random
import zlib
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any


@dataclass
class Reply:
    """An HTTP answer: status, JSON body and extra headers."""

    status: int
    body: Any
    headers: dict[str, str] = field(default_factory=dict)


class BadRequest(Exception):
    """A request the provider rejects with 400; the message is the provider's error text."""


def rng(*parts: object) -> random.Random:
    """A generator seeded by ``parts``: the same user, day and kind always give the same values."""
    return random.Random(":".join(str(p) for p in parts))


def stable_int(*parts: object) -> int:
    """A stable non-negative integer for ``parts`` (unlike hash(), the same in every process)."""
    return zlib.crc32(":".join(str(p) for p in parts).encode())


def days(start: date, end: date) -> list[date]:
    """Every day from ``start`` to ``end`` inclusive (empty when end < start)."""
    return [start + timedelta(days=n) for n in range((end - start).days + 1)]


def bearer(header: str) -> str:
    """The token of an ``Authorization: Bearer ...`` header ('' when there is none)."""
    return header.removeprefix("Bearer ").strip() if header.startswith("Bearer ") else ""


def utc_today() -> date:
    """Today in UTC: the stand-in serves no day after it."""
    return datetime.now(UTC).date()


def page(records: list, token: str | None, size: int) -> tuple[list, str | None]:
    """One page of ``records`` from the offset in ``token``, and the token of the next page (or None)."""
    offset = decode_token(token) if token else 0
    if offset > len(records):
        raise BadRequest("the page token points past the end of the results")
    following = offset + size
    return records[offset:following], encode_token(following) if following < len(records) else None


def encode_token(offset: int) -> str:
    """An opaque page token."""
    return base64.urlsafe_b64encode(f"offset:{offset}".encode()).decode()


def decode_token(token: str) -> int:
    """The offset inside a page token; BadRequest when it is not one of ours."""
    try:
        label, offset = base64.urlsafe_b64decode(token.encode()).decode().split(":")
        if label != "offset":
            raise ValueError(label)
        return int(offset)
    except (ValueError, UnicodeDecodeError) as exc:
        raise BadRequest(f"invalid page token {token!r}") from exc


def parse_day(value: str | None, name: str, default: date) -> date:
    """A YYYY-MM-DD query parameter (the first ten characters of a datetime also do)."""
    if not value:
        return default
    try:
        return date.fromisoformat(value[:10])
    except ValueError as exc:
        raise BadRequest(f"{name} must be a date (YYYY-MM-DD), got {value!r}") from exc


def parse_moment(value: str | None, name: str, default: datetime) -> datetime:
    """An ISO 8601 query parameter as an aware datetime (no offset means UTC)."""
    if not value:
        return default
    try:
        # A '+' that was not escaped as %2B arrives as a space.
        moment = datetime.fromisoformat(value.replace(" ", "+").replace("Z", "+00:00"))
    except ValueError as exc:
        raise BadRequest(f"{name} must be an ISO 8601 date-time, got {value!r}") from exc
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
