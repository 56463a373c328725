"""WHOOP (Developer API v2): manifest and source."""
from etl.data_sources.base import Manifest, OAuthSpec, RateLimit, Source

MANIFEST = Manifest(
    key="whoop",
    label="WHOOP",
    auth_kind="oauth2",
    blueprint="whoop",
    api_base_url_setting="WHOOP_API_BASE_URL",
    api_base_url="https://api.prod.whoop.com/developer",
    oauth=OAuthSpec(
        authorize_url_setting="WHOOP_AUTHORIZE_URL",
        authorize_url="https://api.prod.whoop.com/oauth/oauth2/auth",
        token_url_setting="WHOOP_TOKEN_URL",
        token_url="https://api.prod.whoop.com/oauth/oauth2/token",
        scopes=("offline", "read:recovery", "read:cycles", "read:workout", "read:sleep",
                "read:profile", "read:body_measurement"),
        client_id_setting="WHOOP_CLIENT_ID",
        client_secret_setting="WHOOP_CLIENT_SECRET",
    ),
    rate_limits=(RateLimit(100, 60, "app"), RateLimit(10000, 86400, "app")),
    default_lookback_days=30,
    setup_url="https://developer-dashboard.whoop.com",
    setup_help=(
        "Create an app in the WHOOP Developer Dashboard (developer-dashboard.whoop.com) with "
        "all read scopes and the redirect URL {callback_url}, then set WHOOP_CLIENT_ID and "
        "WHOOP_CLIENT_SECRET. WHOOP's rate limit (100 requests/minute, 10,000/day) is shared "
        "by every user of this installation."
    ),
)


class WhoopSource(Source):
    """WHOOP v2 connector."""

    manifest = MANIFEST


SOURCE = WhoopSource()
