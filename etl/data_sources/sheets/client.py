"""Read one worksheet through gspread with a service account (read-only scopes). No database.

Why not patch ``gspread.urls``: gspread copies those constants into ``gspread.http_client``
at import time, so pointing it at ``GOOGLE_SHEETS_API_URL`` that way would mean rewriting
module globals for every thread and user of the process. gspread instead takes an
``http_client`` factory (its own extension point, the one ``BackOffHTTPClient`` uses);
:class:`RoutedHTTPClient` is built per connection, swaps the default Sheets origin for the
configured one, and sends each call through the shared :class:`HttpClient` (timeouts,
retries honouring Retry-After, the source's rate budget, our error classes). google-auth
still signs the JWT and fetches the token from the key's own ``token_uri``.
"""
from __future__ import annotations

import json
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import partial
from typing import Any

import gspread
import requests
from google.auth import exceptions as google_errors
from google.auth.transport.requests import Request as GoogleRequest
from gspread.http_client import HTTPClient

from etl.data_sources.base import SyncContext
from etl.data_sources.http import AuthError, BadPayload, BudgetExhausted, RateLimited, TransientError

GOOGLE_SHEETS_ORIGIN = "https://sheets.googleapis.com"
REQUIRED_KEY_FIELDS = ("type", "client_email", "private_key", "token_uri")
_BARE_KEY = re.compile(r"[A-Za-z0-9_-]{20,}")
_KEY_IN_URL = re.compile(r"(?:/spreadsheets/d/|[?&#](?:key|id)=)([A-Za-z0-9_-]{20,})")


@dataclass(frozen=True)
class SheetValues:
    """One worksheet's cell text, with the names the settings page shows."""

    title: str  # the spreadsheet's title
    worksheets: list[str]
    worksheet: str  # the worksheet read
    values: list[list[str]]


class RoutedHTTPClient(HTTPClient):
    """gspread's HTTP client, sending through our HttpClient to a configurable Sheets origin."""

    def __init__(self, auth: Any, session: Any = None, *, http: Any, base_url: str):
        super().__init__(auth, session=http.session)  # a session given: gspread wraps no AuthorizedSession
        self.auth = auth
        self.http = http
        self.base_url = base_url.rstrip("/")
        self._token_request = GoogleRequest(http.session)

    def login(self) -> None:
        """Fetch an access token (gspread's version would put it on the shared session)."""
        self.auth.refresh(self._token_request)

    def request(self, method: str, endpoint: str, params: Any = None, data: Any = None, json: Any = None,
                files: Any = None, headers: Any = None) -> requests.Response:
        """Send one gspread call with the service account's token; raise our error classes."""
        url = endpoint
        if endpoint.startswith(GOOGLE_SHEETS_ORIGIN):
            url = self.base_url + endpoint[len(GOOGLE_SHEETS_ORIGIN):]
        headers = dict(headers or {})
        self.auth.before_request(self._token_request, method.upper(), url, headers)
        return self.http.request(method.upper(), url, params=params, data=data, json=json, files=files, headers=headers)


def service_account_info(credentials: dict[str, Any]) -> dict[str, Any]:
    """The parsed service-account key; BadPayload (never quoting the key) when it is unusable."""
    raw = credentials.get("service_account_json")
    if isinstance(raw, dict):
        info = raw
    else:
        try:
            info = json.loads(raw or "")
        except (TypeError, ValueError) as exc:
            where = f" (line {exc.lineno}, column {exc.colno})" if isinstance(exc, json.JSONDecodeError) else ""
            raise BadPayload(f"the service-account key is not valid JSON{where}: paste the whole key file") from None
    if not isinstance(info, dict):
        raise BadPayload("the service-account key must be a JSON object: paste the whole key file")
    missing = [name for name in REQUIRED_KEY_FIELDS if not info.get(name)]
    if missing:
        raise BadPayload(f"the service-account key lacks {', '.join(missing)}: paste the whole key file")
    if info["type"] != "service_account":
        raise BadPayload(f"the key is of type '{info['type']}', not a service-account key")
    return info


def spreadsheet_key(value: Any) -> str:
    """The spreadsheet key from a key or a Google Sheets URL."""
    text = str(value or "").strip()
    if not text:
        raise BadPayload("no spreadsheet is set: paste its URL or key in the settings")
    if _BARE_KEY.fullmatch(text):
        return text
    if "/spreadsheets/d/e/" in text:
        raise BadPayload("that is a 'publish to the web' link: use the URL from the browser's address bar")
    if match := _KEY_IN_URL.search(text):
        return match.group(1)
    raise BadPayload("the spreadsheet setting is neither a Google Sheets URL nor a spreadsheet key")


class SheetsClient:
    """One user's spreadsheet, read with their service account."""

    def __init__(self, ctx: SyncContext, base_url: str):
        self.info = service_account_info(ctx.credentials)
        self.email = str(self.info["client_email"])
        factory = partial(RoutedHTTPClient, http=ctx.http, base_url=base_url)
        try:
            self.gc = gspread.service_account_from_dict(self.info, scopes=gspread.auth.READONLY_SCOPES,
                                                        http_client=factory)
        except ValueError:  # google-auth could not load the private key
            raise BadPayload("the service-account key's private_key cannot be read: paste the whole key file") from None

    def open(self, key: str) -> gspread.Spreadsheet:
        """The spreadsheet's metadata (one GET)."""
        with sheets_errors(self.email):
            return self.gc.open_by_key(key)

    def check_key(self) -> None:
        """Fetch an access token: proves Google accepts the key, without touching any sheet."""
        with sheets_errors(self.email):
            self.gc.http_client.login()

    def outline(self, key: str) -> tuple[str, list[str]]:
        """The spreadsheet's title and worksheet titles, from one metadata GET."""
        with sheets_errors(self.email):
            metadata = self.gc.http_client.fetch_sheet_metadata(key)
            return metadata["properties"]["title"], [s["properties"]["title"] for s in metadata.get("sheets", [])]

    def read(self, key: str, worksheet: str | None) -> SheetValues:
        """Every cell's text of ``worksheet`` (default: the first one). Three GETs."""
        spreadsheet = self.open(key)
        with sheets_errors(self.email):
            sheets = spreadsheet.worksheets()
            chosen = choose_worksheet(sheets, worksheet)
            values = chosen.get_all_values()
        titles = [sheet.title for sheet in sheets]
        return SheetValues(spreadsheet.title, titles, chosen.title, [[str(c) for c in row] for row in values])


def choose_worksheet(sheets: list[gspread.Worksheet], title: str | None) -> gspread.Worksheet:
    """The worksheet named ``title`` (exact, then ignoring case), or the first one."""
    if not sheets:
        raise BadPayload("the spreadsheet has no worksheets")
    wanted = (title or "").strip()
    if not wanted:
        return sheets[0]
    for match in (lambda s: s.title == wanted, lambda s: s.title.strip().casefold() == wanted.casefold()):
        found = [sheet for sheet in sheets if match(sheet)]
        if found:
            return found[0]
    names = ", ".join(f"'{sheet.title}'" for sheet in sheets)
    raise BadPayload(f"worksheet '{wanted}' not found; the spreadsheet has {names}")


@contextmanager
def sheets_errors(email: str) -> Iterator[None]:
    """Turn Google's failures into the shared error classes, in words the user can act on."""
    try:
        yield
    except google_errors.RefreshError as exc:
        reason = exc.args[0] if exc.args else "no reason given"
        if exc.retryable:
            raise TransientError(f"Google's token endpoint failed ({reason})") from None
        raise AuthError(f"Google refused the service-account key ({reason}): create a new key and paste it") from None
    except google_errors.TransportError as exc:
        raise TransientError(f"could not reach Google's token endpoint: {type(exc).__name__}") from None
    except BudgetExhausted:
        raise
    except RateLimited as exc:
        raise RateLimited("Google Sheets read quota exceeded (60 reads a minute per user); the sync will "
                          "try again later", exc.status, exc.retry_after) from exc
    except AuthError as exc:
        if exc.status != 403:
            raise
        raise forbidden(exc.message, email) from exc
    except BadPayload as exc:
        if exc.status != 404:
            raise
        raise BadPayload("spreadsheet not found — check the URL/key", 404) from exc
    except (requests.exceptions.JSONDecodeError, KeyError, TypeError) as exc:
        raise BadPayload(f"Google Sheets answered in an unexpected shape ({type(exc).__name__}: {exc})") from exc


def forbidden(message: str, email: str) -> AuthError | RateLimited:
    """What a 403 means: API not enabled, a quota, or (most often) a sheet not shared."""
    if any(sign in message for sign in ("has not been used", "SERVICE_DISABLED", "accessNotConfigured")):
        return AuthError("the Google Sheets API is not enabled in the service account's Google Cloud "
                         "project: enable it in the Cloud console, then try again", 403)
    if "rateLimitExceeded" in message or "quota" in message.lower():
        return RateLimited("Google Sheets read quota exceeded; the sync will try again later", 403)
    return AuthError(f"the sheet is not shared with {email} — share it with that address (Viewer is enough)", 403)
