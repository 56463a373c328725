"""Google Sheets (gspread, service account): manifest, per-user metric catalog, preview and source.

Settings (``ctx.settings``): ``spreadsheet`` (URL or key), ``worksheet`` (title; default the
first), ``date_column`` (header), ``date_format`` ('auto' | 'iso' | 'us' | 'eu'), ``columns``
([{"column": header, "slug"?, "label"?, "unit"?}, ...]) and ``category_column`` (optional
header whose text becomes the dimension). ``date_format`` 'eu' also makes a lone '1.234' read
as 1234 and '1,5' as 1.5; otherwise the point is the decimal mark. Several rows on one day (and
category) are summed. The sheet is the source of truth: a fetch returns every row in the window
with ``replaces_window`` set, so rows deleted in the sheet disappear from the store.
"""
from __future__ import annotations

from typing import Any

from etl.data_sources.base import CredentialField, Manifest, Metric, RateLimit, Rows, SettingField, Source, SyncContext
from etl.data_sources.sheets.client import SheetsClient, service_account_info, spreadsheet_key
from etl.data_sources.sheets.preview import sheet_preview
from etl.data_sources.sheets.transform import check_settings, import_columns, rows_from_values

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
    setting_fields=(
        SettingField("spreadsheet", "Spreadsheet URL or key", required=True,
                     help="Paste the address of the sheet from your browser"),
        SettingField("worksheet", "Worksheet", help="Its tab name; empty = the first worksheet"),
        SettingField("date_column", "Date column", required=True, help="Header of the column holding the date"),
        SettingField("date_format", "Date format", kind="select", default="auto",
                     choices=(("auto", "Detect (ISO, or unambiguous day/month)"), ("iso", "ISO 2026-11-23"),
                              ("us", "US 11/23/2026 (month first)"), ("eu", "European 23/11/2026 (day first)")),
                     help="Choose when dates like 03/04/2026 are ambiguous; 'European' also reads 1.234,5"),
        SettingField("columns", "Columns to import", kind="lines", required=True,
                     line_keys=("column", "label", "unit"),
                     help="One per line: header | label | unit, e.g. 'Weight (kg) | Weight | kg'"),
        SettingField("category_column", "Category column (optional)",
                     help="Its text becomes the category, e.g. expenses by category; values are summed"),
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


def metrics_for_settings(settings: dict[str, Any]) -> list[Metric]:
    """The user's catalog: ``sheets.<slug>`` per column; summed over days by category, else averaged."""
    category = str(settings.get("category_column") or "").strip()
    return [
        Metric(key=f"sheets.{c.slug}", label=c.label, unit=c.unit, aggregation="sum" if category else "mean",
               dimension=category.lower())
        for c in import_columns(settings)
    ]


def _client(ctx: SyncContext) -> SheetsClient:
    """A client for the configured Sheets origin (GOOGLE_SHEETS_API_URL)."""
    return SheetsClient(ctx, ctx.setting(MANIFEST.api_base_url_setting, MANIFEST.api_base_url))


def preview(ctx: SyncContext, limit: int = 10) -> dict[str, Any]:
    """Worksheet titles, headers and the first ``limit`` rows as a sync would read them."""
    sheet = _client(ctx).read(spreadsheet_key(ctx.settings.get("spreadsheet")), ctx.settings.get("worksheet"))
    return sheet_preview(sheet, ctx.settings, limit)


class SheetsSource(Source):
    """Google Sheets connector: one worksheet, one metric per chosen column."""

    manifest = MANIFEST

    def fetch(self, ctx: SyncContext) -> Rows:
        """Every row of the worksheet dated inside ``ctx.window`` (the sheet replaces that window)."""
        key = spreadsheet_key(ctx.settings.get("spreadsheet"))
        check_settings(ctx.settings)  # before any call: a half-set integration must not wipe its window
        sheet = _client(ctx).read(key, ctx.settings.get("worksheet"))
        return rows_from_values(sheet.values, ctx.settings, ctx.window)

    def preview(self, ctx: SyncContext) -> dict[str, Any]:
        """The first rows as a sync would parse them (shown before saving settings)."""
        return preview(ctx)

    def metrics(self, settings: dict[str, Any] | None = None) -> list[Metric]:
        """This user's metric catalog (the manifest's static one cannot know the columns)."""
        return metrics_for_settings(settings or {})

    def test_connection(self, ctx: SyncContext) -> str:
        """Open the spreadsheet and name it with its worksheets (only check the key if none is set yet)."""
        client = _client(ctx)
        if not str(ctx.settings.get("spreadsheet") or "").strip():
            client.check_key()
            return f"Key accepted for {client.email}: share a spreadsheet with this address, then set its URL"
        title, worksheets = client.outline(spreadsheet_key(ctx.settings["spreadsheet"]))
        names = ", ".join(f"'{w}'" for w in worksheets)
        return f"Connected: '{title}', worksheets: {names}"

    def account_id(self, ctx: SyncContext) -> str | None:
        """The service account's e-mail address."""
        return str(service_account_info(ctx.credentials)["client_email"])


SOURCE = SheetsSource()
