"""A stand-in for the Oura v2 and WHOOP v2 APIs (with their OAuth endpoints), Rize's GraphQL API, GitHub's
REST API and Google Sheets (with Google's service-account token endpoint), as a real local HTTP server.

    with StandIn() as provider:                      # 127.0.0.1, ephemeral port, stops itself
        creds = provider.grant("whoop", "ada", expires_in=-60)   # an expired pair: the sync refreshes
        provider.fail("oura", "bob", BROKEN)         # bob's Oura answers 500 (REVOKED: 401 + invalid_grant)
        env = provider.environment()                 # OURA_API_BASE_URL, WHOOP_TOKEN_URL, RIZE_API_URL, ...
        provider.credentials("github", "ada")        # {"token": ...}; rize: {"api_key"}; sheets: a key file

Data is deterministic per user and day (see ``oura``, ``whoop``, ``rize``, ``github`` and ``sheets``),
so tests compare what was stored with what was served. ``python -m tests.standin --port 8765`` runs it by hand.
"""
from tests.standin.server import Call, Hold, StandIn
from tests.standin.tokens import BROKEN, REVOKED

__all__ = ["BROKEN", "REVOKED", "Call", "Hold", "StandIn"]
