"""Oura Ring (API v2): manifest and source."""
from etl.data_sources.base import CredentialField, Manifest, OAuthSpec, RateLimit, Source

MANIFEST = Manifest(
    key="oura",
    label="Oura",
    auth_kind="oauth2",
    blueprint="oura",
    api_base_url_setting="OURA_API_BASE_URL",
    api_base_url="https://api.ouraring.com",
    oauth=OAuthSpec(
        authorize_url_setting="OURA_AUTHORIZE_URL",
        authorize_url="https://cloud.ouraring.com/oauth/authorize",
        token_url_setting="OURA_TOKEN_URL",
        token_url="https://api.ouraring.com/oauth/token",
        scopes=("email", "personal", "daily", "heartrate", "workout", "session", "spo2"),
        client_id_setting="OURA_CLIENT_ID",
        client_secret_setting="OURA_CLIENT_SECRET",
    ),
    credential_fields=(
        CredentialField("personal_access_token", "Personal access token",
                        help="Deprecated by Oura: only for users who still hold one. Prefer Connect."),
    ),
    rate_limits=(RateLimit(5000, 300, "user"),),
    default_lookback_days=30,
    setup_url="https://cloud.ouraring.com/oauth/applications",
    setup_help=(
        "Create an API application at cloud.ouraring.com/oauth/applications, register the "
        "redirect URI {callback_url}, and set OURA_CLIENT_ID and OURA_CLIENT_SECRET. Oura limits "
        "a new application to 10 users until it is approved. Personal access tokens are deprecated; "
        "if you still hold one you can paste it below."
    ),
)


class OuraSource(Source):
    """Oura v2 connector."""

    manifest = MANIFEST


SOURCE = OuraSource()
