"""Rize (GraphQL API, API key): manifest and source."""
from etl.data_sources.base import CredentialField, Manifest, Source

MANIFEST = Manifest(
    key="rize",
    label="Rize",
    auth_kind="api_key",
    blueprint="rize",
    api_base_url_setting="RIZE_API_URL",
    api_base_url="https://api.rize.io/api/v1/graphql",
    credential_fields=(CredentialField("api_key", "API key", help="Rize → Settings → API"),),
    default_lookback_days=30,
    setup_url="https://app.rize.io/settings/api",
    setup_help="In Rize open Settings → API, create an API key and paste it here.",
)


class RizeSource(Source):
    """Rize connector."""

    manifest = MANIFEST


SOURCE = RizeSource()
