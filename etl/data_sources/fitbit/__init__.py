"""Fitbit (legacy Web API and Google Health API): manifest and source."""
from etl.data_sources.base import Manifest, OAuthSpec, RateLimit, Source

MANIFEST = Manifest(
    key="fitbit",
    label="Fitbit",
    auth_kind="oauth2",
    blueprint="fitbit",
    api_base_url_setting="FITBIT_API_BASE_URL",
    api_base_url="https://api.fitbit.com",
    oauth=OAuthSpec(
        authorize_url_setting="FITBIT_AUTHORIZE_URL",
        authorize_url="https://www.fitbit.com/oauth2/authorize",
        token_url_setting="FITBIT_TOKEN_URL",
        token_url="https://api.fitbit.com/oauth2/token",
        scopes=("activity", "heartrate", "sleep", "weight", "profile"),
        pkce=True,
        client_id_setting="FITBIT_CLIENT_ID",
        client_secret_setting="FITBIT_CLIENT_SECRET",
    ),
    rate_limits=(RateLimit(150, 3600, "user"),),
    default_lookback_days=30,
    setup_url="https://console.cloud.google.com/apis/library/health.googleapis.com",
    setup_help=(
        "Fitbit's old Web API was turned off on 2026-11-02; new connections go through the "
        "Google Health API: create a Google Cloud OAuth client, enable the Google Health API, "
        "register the redirect URI {callback_url} and set the client id and secret."
    ),
)


class FitbitSource(Source):
    """Fitbit connector."""

    manifest = MANIFEST


SOURCE = FitbitSource()
