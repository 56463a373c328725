"""Google Sheets API v4 and Google's token endpoint as the stand-in serves them to service accounts.

:meth:`Sheets.service_account` makes a real-shaped JSON key (a new RSA key, ``token_uri``
pointing at this server) and shares the user's spreadsheet with its address. The token endpoint
(POST /token, jwt-bearer grant) checks the assertion's RS256 signature, issuer, audience, scope
and times as Google does. Each user's spreadsheet has a "Daily" worksheet (ISO date, weight,
steps with thousands separators, notes; some days missing, some cells blank, one blank row)
and an "Expenses" worksheet (US dates, a category, dollar amounts with refunds in parentheses,
up to three rows a day). Rows can be deleted (:meth:`Sheets.delete_rows`) to see a sync forget them.
"""
from __future__ import annotations

import base64
import hashlib
import json
import threading
import time
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any
from urllib.parse import unquote

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from tests.standin.common import Reply, bearer, days, rng, stable_int
from tests.standin.tokens import BROKEN, TokenError

TOKEN_PATH = "/token"
PREFIX = "/v4/spreadsheets/"
JWT_BEARER = "urn:ietf:params:oauth:grant-type:jwt-bearer"
GOOGLE_TOKEN_URL = "https://oauth2.googleapis.com/token"
HISTORY_DAYS = 120
TOKEN_LIFETIME = 3599
DAILY, EXPENSES = "Daily", "Expenses"
HEADERS = {DAILY: ["Date", "Weight (kg)", "Steps", "Notes"], EXPENSES: ["Date", "Category", "Amount", "Note"]}
SHEET_IDS = {DAILY: 0, EXPENSES: 1577243130}
CATEGORIES = ("Food", "Transport", "Fun", "Health")


@dataclass(frozen=True)
class DailyEntry:
    """One row of the Daily worksheet as numbers (None: the cell is blank)."""

    day: date
    weight: float | None
    steps: int | None
    note: str


@dataclass(frozen=True)
class Expense:
    """One row of the Expenses worksheet; ``cents`` < 0 is a refund."""

    day: date
    category: str
    cents: int


def spreadsheet_id(user: str) -> str:
    """The key of ``user``'s spreadsheet (43 URL-safe characters, like Google's)."""
    digest = hashlib.sha256(f"standin-sheet:{user}".encode()).digest()
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")


def daily_entries(user: str, today: date) -> list[DailyEntry]:
    """The Daily worksheet's rows, oldest first: no row on about one day in nine."""
    found = []
    for day in days(today - timedelta(days=HISTORY_DAYS - 1), today):
        if stable_int("sheets-gap", user, day) % 9 == 0:
            continue
        r = rng("sheets", user, "daily", day)
        weight = round(70 + stable_int("sheets-weight", user) % 15 + r.uniform(-1.5, 1.5), 1)
        found.append(DailyEntry(day, None if day.toordinal() % 13 == 5 else weight,
                                None if day.toordinal() % 7 == 3 else r.randint(1500, 16000),
                                r.choice(("", "", "", "morning weigh-in", "long walk"))))
    return found


def expenses(user: str, today: date) -> list[Expense]:
    """The Expenses worksheet's rows, oldest first: up to three a day, now and then a refund."""
    found = []
    for day in days(today - timedelta(days=HISTORY_DAYS - 1), today):
        r = rng("sheets", user, "expenses", day)
        for _ in range(r.choice((0, 1, 1, 2, 3))):
            cents = r.randint(150, 6000) * (-1 if r.random() < 0.07 else 1)
            found.append(Expense(day, r.choice(CATEGORIES), cents))
    return found


def worksheet_values(user: str, title: str, today: date, deleted: set[date] = frozenset()) -> list[list[str]]:
    """A worksheet's cell text as the API returns it: trailing blank cells left out, a blank row as []."""
    rows = [HEADERS[title]]
    if title == DAILY:
        for entry in daily_entries(user, today):
            if entry.day not in deleted:
                rows.append([entry.day.isoformat(), "" if entry.weight is None else f"{entry.weight:.1f}",
                             "" if entry.steps is None else f"{entry.steps:,}", entry.note])
                if entry.day.toordinal() % 30 == 0:
                    rows.append([])
    else:
        rows += [[f"{e.day.month}/{e.day.day}/{e.day.year}", e.category, _dollars(e.cents), ""]
                 for e in expenses(user, today) if e.day not in deleted]
    return [_trim(row) for row in rows]


def settings_for(user: str, title: str) -> dict[str, Any]:
    """The integration settings that import ``title`` of ``user``'s spreadsheet."""
    url = f"https://docs.google.com/spreadsheets/d/{spreadsheet_id(user)}/edit#gid={SHEET_IDS[title]}"
    if title == DAILY:
        return {"spreadsheet": url, "worksheet": DAILY, "date_column": "Date", "date_format": "iso",
                "columns": [{"column": "Weight (kg)", "label": "Weight", "unit": "kg"}, {"column": "Steps"}]}
    return {"spreadsheet": url, "worksheet": EXPENSES, "date_column": "Date", "date_format": "us",
            "columns": [{"column": "Amount", "label": "Spent", "unit": "$"}], "category_column": "Category"}


@dataclass(frozen=True)
class Account:
    """A service account the stand-in issued: whose it is and the key that verifies its assertions."""

    user: str
    public_key: rsa.RSAPublicKey


class Sheets:
    """The Google part of the stand-in: service accounts, their tokens' scopes and deleted rows."""

    source = "sheets"

    def __init__(self, standin):
        self.standin = standin
        self._accounts: dict[str, Account] = {}
        self._scopes: dict[str, set[str]] = {}  # access token -> granted scopes
        self._owners: dict[str, str] = {}  # spreadsheet id -> user
        self._deleted: dict[tuple[str, str], set[date]] = {}
        self._lock = threading.Lock()

    @property
    def token_uri(self) -> str:
        """Where service-account keys fetch their tokens."""
        return f"{self.standin.url}{TOKEN_PATH}"

    def service_account(self, user: str) -> str:
        """A new service-account JSON key whose address ``user``'s spreadsheet is shared with."""
        private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        pem = private.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                    serialization.NoEncryption()).decode()
        key_id = hashlib.sha1(pem.encode()).hexdigest()  # noqa: S324 - an id, not a signature
        email = f"{user}-reader-{key_id[:6]}@standin-project.iam.gserviceaccount.com"
        with self._lock:
            self._accounts[email] = Account(user, private.public_key())
            self._owners[spreadsheet_id(user)] = user
        return json.dumps({"type": "service_account", "project_id": "standin-project", "private_key_id": key_id,
                           "private_key": pem, "client_email": email, "client_id": str(stable_int(email)),
                           "auth_uri": "https://accounts.google.com/o/oauth2/auth", "token_uri": self.token_uri,
                           "auth_provider_x509_cert_url": "https://www.googleapis.com/oauth2/v1/certs",
                           "client_x509_cert_url": f"https://www.googleapis.com/robot/v1/metadata/x509/{email}",
                           "universe_domain": "googleapis.com"})

    def delete_rows(self, user: str, title: str, day: date) -> None:
        """Delete every row of ``day`` from one of ``user``'s worksheets."""
        with self._lock:
            self._deleted.setdefault((user, title), set()).add(day)

    def values(self, user: str, title: str) -> list[list[str]]:
        """The worksheet as it is now (deleted rows gone)."""
        with self._lock:
            deleted = set(self._deleted.get((user, title), ()))
        return worksheet_values(user, title, self.standin.today, deleted)

    def serves(self, method: str, path: str) -> bool:
        """Whether this request is Google's."""
        return path == TOKEN_PATH or path.startswith(PREFIX)

    def answer(self, method: str, path: str, query: dict, form: dict, body: Any, auth: str) -> tuple[str | None, Reply]:
        """(user, reply) for one request."""
        if path == TOKEN_PATH:
            if method != "POST":
                return None, _google_error(405, "Method Not Allowed", "METHOD_NOT_ALLOWED")
            try:
                return self._token(form)
            except TokenError as exc:
                return None, Reply(exc.status, {"error": exc.error, "error_description": exc.description})
        token = bearer(auth)
        try:
            user = self.standin.tokens.user_for(self.source, token)
        except TokenError:
            return None, _google_error(401, "Request had invalid authentication credentials. Expected OAuth 2 "
                                            "access token, login cookie or other valid authentication credential.",
                                       "UNAUTHENTICATED")
        failure = self.standin.tokens.failure(self.source, user)
        if failure == BROKEN:
            return user, Reply(500, {"error": {"code": 500, "message": "Internal error encountered.",
                                               "status": "INTERNAL"}}, {"Retry-After": "0"})
        if not self._scopes.get(token, set()) & {"spreadsheets", "spreadsheets.readonly"}:
            return user, _google_error(403, "Request had insufficient authentication scopes.", "PERMISSION_DENIED")
        if failure is not None:  # REVOKED: the user stopped sharing the sheet with the service account
            return user, _google_error(403, "The caller does not have permission", "PERMISSION_DENIED")
        return user, self._spreadsheet(method, path.removeprefix(PREFIX), user)

    def _token(self, form: dict[str, str]) -> tuple[str, Reply]:
        """Trade a signed jwt-bearer assertion for an access token."""
        if form.get("grant_type") != JWT_BEARER:
            raise TokenError(400, "unsupported_grant_type", "Invalid grant_type: " + form.get("grant_type", ""))
        claims = self._verified_claims(form.get("assertion", ""))
        account = self._accounts[claims["iss"]]
        grant = self.standin.tokens.grant(self.source, account.user, TOKEN_LIFETIME, refresh=False)
        with self._lock:
            self._scopes[grant.access_token] = {s.rsplit("/", 1)[-1] for s in str(claims.get("scope", "")).split()}
        return account.user, Reply(200, {"access_token": grant.access_token, "expires_in": TOKEN_LIFETIME,
                                         "token_type": "Bearer"})

    def _verified_claims(self, assertion: str) -> dict[str, Any]:
        """The assertion's claims once its signature, issuer, audience and times check out."""
        try:
            header, payload, signature = assertion.split(".")
            claims = json.loads(_unpad(payload))
            account = self._accounts.get(claims.get("iss", ""))
        except (ValueError, AttributeError):
            raise TokenError(400, "invalid_grant", "Invalid JWT: the assertion is not a signed JWT.") from None
        if account is None:
            raise TokenError(400, "invalid_grant", "Invalid grant: account not found")
        try:
            account.public_key.verify(_unpad(signature), f"{header}.{payload}".encode(), padding.PKCS1v15(),
                                      hashes.SHA256())
        except (InvalidSignature, ValueError):
            raise TokenError(400, "invalid_grant", "Invalid JWT Signature.") from None
        if claims.get("aud") not in (GOOGLE_TOKEN_URL, self.token_uri):  # google-auth always names Google's
            raise TokenError(400, "invalid_grant", "Invalid JWT: Failed audience check.")
        now = time.time()
        if not claims.get("iat", 0) - 300 <= now <= claims.get("exp", 0) or claims["exp"] - claims["iat"] > 3600:
            raise TokenError(400, "invalid_grant", "Invalid JWT: Token must be a short-lived token (60 minutes) and "
                                                   "in a reasonable timeframe. Check your iat and exp values.")
        return claims

    def _spreadsheet(self, method: str, rest: str, user: str) -> Reply:
        """GET {id} (metadata) or GET {id}/values/{range}."""
        key, _, tail = rest.partition("/")
        owner = self._owners.get(key)
        if method != "GET" or owner is None:
            return _google_error(404, "Requested entity was not found.", "NOT_FOUND")
        if owner != user:
            return _google_error(403, "The caller does not have permission", "PERMISSION_DENIED")
        if not tail:
            return Reply(200, self._metadata(key, user))
        title = unquote(tail.removeprefix("values/"))
        if not tail.startswith("values/") or "!" in title:
            return _google_error(400, f"Unable to parse range: {title}", "INVALID_ARGUMENT")
        title = title[1:-1].replace("''", "'") if title[:1] == title[-1:] == "'" else title
        if title not in HEADERS:
            return _google_error(400, f"Unable to parse range: {title}", "INVALID_ARGUMENT")
        rows = self.values(user, title)
        return Reply(200, {"range": f"{title}!A1:Z{max(1000, len(rows))}", "majorDimension": "ROWS",
                           **({"values": rows} if rows else {})})

    def _metadata(self, key: str, user: str) -> dict:
        return {"spreadsheetId": key,
                "properties": {"title": f"{user.title()}'s health log", "locale": "en_US", "autoRecalc": "ON_CHANGE",
                               "timeZone": "Etc/GMT"},
                "sheets": [{"properties": {"sheetId": SHEET_IDS[title], "title": title, "index": index,
                                           "sheetType": "GRID", "gridProperties": {"rowCount": 1000,
                                                                                   "columnCount": 26}}}
                           for index, title in enumerate(HEADERS)],
                "spreadsheetUrl": f"https://docs.google.com/spreadsheets/d/{key}/edit"}


def _dollars(cents: int) -> str:
    text = f"${abs(cents) / 100:,.2f}"
    return f"({text})" if cents < 0 else text


def _trim(row: list[str]) -> list[str]:
    while row and row[-1] == "":
        row = row[:-1]
    return row


def _unpad(part: str) -> bytes:
    return base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))


def _google_error(status: int, message: str, kind: str) -> Reply:
    return Reply(status, {"error": {"code": status, "message": message, "status": kind}})
