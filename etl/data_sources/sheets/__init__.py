"""Google Sheets (gspread, service account): manifest and source."""
from etl.data_sources.base import CredentialField, Manifest, RateLimit, Source

MANIFEST = Manifest(
    key="sheets",
    label="Google Sheets",
    auth_kind="service_account",
    blueprint="sheets",
    api_base_url_setting="GOOGLE_SHEETS_API_URL",
    api_base_url="https://sheets.googleapis.com",
    credential_fields=(
        CredentialField("service_account_json", "Service-account JSON key", multiline=True,
                        help="The whole JSON key file of a Google Cloud service account"),
    ),
    rate_limits=(RateLimit(60, 60, "user"),),
    default_lookback_days=365,
    setup_url="https://console.cloud.google.com/iam-admin/serviceaccounts",
    setup_help=(
        "Create a service account in Google Cloud, enable the Google Sheets API, download a "
        "JSON key and paste it here; then share your spreadsheet with the service account's "
        "e-mail address (read access is enough)."
    ),
)


class SheetsSource(Source):
    """Google Sheets connector."""

    manifest = MANIFEST


SOURCE = SheetsSource()
