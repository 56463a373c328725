"""GitHub (REST API, personal access token): manifest and source."""
from etl.data_sources.base import CredentialField, Manifest, RateLimit, Source

MANIFEST = Manifest(
    key="github",
    label="GitHub",
    auth_kind="api_key",
    blueprint="github",
    api_base_url_setting="GITHUB_API_URL",
    api_base_url="https://api.github.com",
    credential_fields=(
        CredentialField("token", "Personal access token",
                        help="Fine-grained: Metadata read + Contents read; classic: repo"),
    ),
    rate_limits=(RateLimit(5000, 3600, "user"),),
    default_lookback_days=30,
    setup_url="https://github.com/settings/personal-access-tokens",
    setup_help=(
        "Create a personal access token at github.com/settings/personal-access-tokens "
        "(fine-grained with 'Metadata: read' and 'Contents: read' on the repositories to track, "
        "or classic with the 'repo' scope) and paste it here."
    ),
)


class GithubSource(Source):
    """GitHub connector."""

    manifest = MANIFEST


SOURCE = GithubSource()
