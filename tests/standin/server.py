"""The stand-in server on 127.0.0.1, in a thread: Oura v2 and WHOOP v2 with their OAuth endpoints, and
Rize (GraphQL), GitHub (REST) and Google Sheets with Google's service-account token endpoint."""
from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass, field
from datetime import date
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlencode, urlsplit

from tests.standin import github, oura, rize, sheets, whoop
from tests.standin.common import BadRequest, Reply, utc_today
from tests.standin.tokens import BROKEN, REVOKED, TokenBook, TokenError

TOKEN_PATHS = {"/oauth/token": "oura", "/oauth/oauth2/token": "whoop"}
AUTHORIZE_PATHS = {"/oauth/authorize": "oura", "/oauth/oauth2/auth": "whoop"}
WHOOP_SCOPE = "offline read:recovery read:cycles read:workout read:sleep read:profile read:body_measurement"
DEFAULT_CLIENTS = {"oura": ("standin-oura-client", "standin-oura-secret"),
                   "whoop": ("standin-whoop-client", "standin-whoop-secret")}


@dataclass(frozen=True)
class Call:
    """One request the stand-in answered (tokens are not kept here)."""

    source: str
    user: str | None
    method: str
    path: str
    query: dict
    status: int


@dataclass
class Hold:
    """Makes the first matching API request wait until :meth:`release` (or ``timeout`` seconds)."""

    path: str
    user: str | None = None
    timeout: float = 30.0
    entered: threading.Event = field(default_factory=threading.Event)
    released: threading.Event = field(default_factory=threading.Event)

    def release(self) -> None:
        """Let the held request go on."""
        self.released.set()


class StandIn:
    """Provider-shaped HTTP server for tests, the benchmark and manual runs; stops itself after ``lifetime``."""

    def __init__(self, port: int = 0, lifetime: float = 600.0, heart_rate_minutes: int = 5,
                 clients: dict[str, tuple[str, str]] | None = None, today: date | None = None,
                 github_stats_pending: bool = True):
        self.tokens = TokenBook()
        self.clients = clients or DEFAULT_CLIENTS
        self.heart_rate_minutes = heart_rate_minutes
        self.fixed_today = today
        self.lifetime = lifetime
        self.calls: list[Call] = []
        self._holds: list[Hold] = []
        self._lock = threading.Lock()
        self.rize, self.sheets = rize.Rize(self), sheets.Sheets(self)
        self.github = github.GitHub(self, stats_pending=github_stats_pending)
        self._key_sources = (self.rize, self.github, self.sheets)  # API keys and service accounts, no OAuth
        self._server = ThreadingHTTPServer(("127.0.0.1", port), _Handler)
        self._server.daemon_threads = True
        self._server.standin = self  # type: ignore[attr-defined]
        self._stopped = threading.Event()
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        """The base URL, e.g. http://127.0.0.1:41234."""
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    @property
    def today(self) -> date:
        """The last day that has data."""
        return self.fixed_today or utc_today()

    def start(self) -> StandIn:
        """Serve in a daemon thread; a timer stops the server after ``lifetime`` seconds."""
        self._thread = threading.Thread(target=self._server.serve_forever, name="standin", daemon=True)
        self._thread.start()
        timer = threading.Timer(self.lifetime, self.stop)
        timer.daemon = True
        timer.start()
        return self

    def stop(self) -> None:
        """Stop serving and free the port (safe to call twice)."""
        if self._stopped.is_set():
            return
        self._stopped.set()
        for hold in self._holds:
            hold.release()
        if self._thread is not None:  # shutdown() waits for serve_forever, so only after start()
            self._server.shutdown()
        self._server.server_close()

    def wait(self) -> None:
        """Block until the server stops (lifetime over or :meth:`stop`)."""
        while not self._stopped.wait(1.0):
            pass

    def __enter__(self) -> StandIn:
        return self.start()

    def __exit__(self, *exc_info) -> None:
        self.stop()

    def environment(self) -> dict[str, str]:
        """The dashboard settings that point Oura and WHOOP (API, OAuth, client), Rize, GitHub and Sheets here."""
        env = {"OURA_API_BASE_URL": self.url, "OURA_TOKEN_URL": f"{self.url}/oauth/token",
               "OURA_AUTHORIZE_URL": f"{self.url}/oauth/authorize",
               "WHOOP_API_BASE_URL": f"{self.url}/developer", "WHOOP_TOKEN_URL": f"{self.url}/oauth/oauth2/token",
               "WHOOP_AUTHORIZE_URL": f"{self.url}/oauth/oauth2/auth", "RIZE_API_URL": f"{self.url}{rize.PATH}",
               "GITHUB_API_URL": self.url, "GOOGLE_SHEETS_API_URL": self.url}
        for source, (client_id, secret) in self.clients.items():
            env[f"{source.upper()}_CLIENT_ID"], env[f"{source.upper()}_CLIENT_SECRET"] = client_id, secret
        return env

    def grant(self, source: str, user: str, expires_in: int | None = None) -> dict:
        """Credentials (access + refresh token, expires_at) for ``user``; negative ``expires_in``: expired."""
        return self.tokens.grant(source, user, expires_in).credentials()

    def personal_token(self, source: str, user: str) -> str:
        """A personal access token for ``user`` (Oura's deprecated PATs, a Rize API key, a GitHub PAT)."""
        return self.tokens.personal_token(source, user)

    def credentials(self, source: str, user: str) -> dict:
        """What `flask integrations import --source SOURCE` takes for ``user`` (Sheets: a new key, no settings)."""
        if source == "rize":
            return {"api_key": self.personal_token(source, user)}
        if source == "github":
            return {"token": self.personal_token(source, user)}
        if source == "sheets":
            return {"service_account_json": self.sheets.service_account(user)}
        return self.grant(source, user)

    def fail(self, source: str, user: str, mode: str | None) -> None:
        """BROKEN: ``user``'s API calls answer 500; REVOKED: 401 and invalid_grant (Rize, GitHub: the key is
        refused; Sheets: the sheet is no longer shared); None heals."""
        self.tokens.fail(source, user, mode)

    def hold(self, path: str, user: str | None = None, timeout: float = 30.0) -> Hold:
        """Make the next API request under ``path`` (by ``user``) wait until the hold is released."""
        hold = Hold(path, user, timeout)
        with self._lock:
            self._holds.append(hold)
        return hold

    def calls_to(self, source: str | None = None, user: str | None = None, path: str = "") -> list[Call]:
        """The answered requests, filtered."""
        with self._lock:
            calls = list(self.calls)
        return [c for c in calls if (source is None or c.source == source) and (user is None or c.user == user)
                and c.path.startswith(path)]

    def answer(self, method: str, path: str, query: dict[str, str], form: dict[str, str], auth: str,
               body: object = None) -> Reply:
        """Route one request (``body``: a decoded JSON body); never raises."""
        keyed = next((s for s in self._key_sources if s.serves(method, path)), None)
        if keyed is not None:
            user, reply = keyed.answer(method, path, query, form, body, auth)
            with self._lock:
                self.calls.append(Call(keyed.source, user, method, path, dict(query), reply.status))
            return reply
        api = _api_of(path)
        source, user = api or TOKEN_PATHS.get(path) or AUTHORIZE_PATHS.get(path) or "?", None
        try:
            if method == "POST" and path in TOKEN_PATHS:
                reply = self._token(source, form)
            elif method == "GET" and path in AUTHORIZE_PATHS:
                reply = self._authorize(source, query)
            elif method == "GET" and api is not None:
                user = self.tokens.user_for(source, auth.removeprefix("Bearer ").strip())
                reply = self._api(source, path, query, user)
            else:
                reply = Reply(404, {"detail": "Not Found"})
        except TokenError as exc:
            reply = _token_error(source, exc)
        except BadRequest as exc:
            reply = Reply(400, {"detail": str(exc)} if source == "oura" else {"message": str(exc)})
        with self._lock:
            self.calls.append(Call(source, user, method, path, dict(query), reply.status))
        return reply

    def _api(self, source: str, path: str, query: dict[str, str], user: str) -> Reply:
        self._wait_if_held(path, user)
        failure = self.tokens.failure(source, user)
        if failure == BROKEN:  # Retry-After: 0 lets the dashboard's retries run without sleeping
            return Reply(500, {"detail": "Internal Server Error"}, {"Retry-After": "0"})
        if failure == REVOKED:
            raise TokenError(401, "invalid_token", "the user revoked this application's access")
        if source == "oura":
            return oura.handle(path, query, user, self.today, self.heart_rate_minutes)
        return whoop.handle(path, query, user, self.today)

    def _wait_if_held(self, path: str, user: str) -> None:
        with self._lock:
            hold = next((h for h in self._holds if path.startswith(h.path) and h.user in (None, user)), None)
            if hold is not None:
                self._holds.remove(hold)
        if hold is not None:
            hold.entered.set()
            hold.released.wait(hold.timeout)

    def _token(self, source: str, form: dict[str, str]) -> Reply:
        if (form.get("client_id"), form.get("client_secret")) != self.clients.get(source):
            raise TokenError(401, "invalid_client", "unknown client_id or wrong client_secret")
        kind = form.get("grant_type")
        if kind == "refresh_token":
            # WHOOP issues a new refresh token only when the request asks for the offline scope.
            issue = source != "whoop" or "offline" in form.get("scope", "").split()
            grant = self.tokens.rotate(source, form.get("refresh_token", ""), issue_refresh=issue)
        elif kind == "authorization_code":
            grant = self.tokens.exchange(source, form.get("code", ""))
        else:
            raise TokenError(400, "unsupported_grant_type", f"grant_type {kind!r} is not supported")
        body = {"access_token": grant.access_token, "token_type": "bearer",
                "expires_in": int(grant.expires_at - time.time()) if grant.expires_at else None}
        if grant.refresh_token:
            body["refresh_token"] = grant.refresh_token
        if source == "whoop":
            body["scope"] = WHOOP_SCOPE
        return Reply(200, body)

    def _authorize(self, source: str, query: dict[str, str]) -> Reply:
        """Consent is given at once: redirect back with a code for ``?login=`` (default 'standin-user')."""
        if query.get("client_id") != self.clients[source][0] or not query.get("redirect_uri"):
            raise BadRequest("unknown client_id or missing redirect_uri")
        if source == "whoop" and len(query.get("state", "")) < 8:
            raise BadRequest("state must be at least 8 characters")
        code = self.tokens.authorization_code(source, query.get("login") or "standin-user")
        target = f"{query['redirect_uri']}?{urlencode({'code': code, 'state': query.get('state', '')})}"
        return Reply(302, None, {"Location": target})


def _api_of(path: str) -> str | None:
    """Which provider's API a path belongs to (None for OAuth endpoints and unknown paths)."""
    if path.startswith(oura.PREFIX):
        return "oura"
    if path.startswith(whoop.PREFIX + "/v2/"):
        return "whoop"
    return None


def _token_error(source: str, exc: TokenError) -> Reply:
    """A refused token (API: 401 in the provider's shape; token endpoint: OAuth error JSON)."""
    if exc.status == 401 and exc.error == "invalid_token":
        return Reply(401, {"detail": exc.description} if source == "oura" else {"message": exc.description})
    return Reply(exc.status, {"error": exc.error, "error_description": exc.description})


class _Handler(BaseHTTPRequestHandler):
    """Parses the request, asks the StandIn, writes JSON; keep-alive, bounded by a socket timeout."""

    protocol_version = "HTTP/1.1"
    server_version = "standin/1"
    timeout = 30
    disable_nagle_algorithm = True  # headers and body go out in two writes; Nagle would delay the second

    def do_GET(self) -> None:
        self._serve("GET")

    def do_POST(self) -> None:
        self._serve("POST")

    def _serve(self, method: str) -> None:
        url = urlsplit(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length).decode() if length else ""
        form, body = {}, None
        if self.headers.get("Content-Type", "").startswith("application/json"):
            try:
                body = json.loads(raw)
            except ValueError:
                body = None  # each provider answers a broken body in its own way
        elif raw:
            form = dict(parse_qsl(raw))
        reply = self.server.standin.answer(method, url.path, dict(parse_qsl(url.query, keep_blank_values=True)),
                                           form, self.headers.get("Authorization", ""), body)
        payload = b"" if reply.body is None else json.dumps(reply.body).encode()
        self.send_response(reply.status)
        for name, value in reply.headers.items():
            self.send_header(name, value)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, format: str, *args) -> None:
        """Quiet: requests carry tokens, and tests read their own output."""
