"""Google Sheets through gspread, fully offline: a locally generated service-account key,
the Google token endpoint and the Sheets API mocked with `responses` at their real URLs."""
import base64
import json
import re
import threading
from datetime import date
from pathlib import Path
from urllib.parse import parse_qs

import pytest
import responses
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from etl.data_sources.base import Metric, SyncContext, Window
from etl.data_sources.http import AuthError, BadPayload, HttpClient, RateLimited
from etl.data_sources.sheets import SOURCE, metrics_for_settings, preview
from etl.data_sources.sheets.client import spreadsheet_key

FIXTURES = Path(__file__).parent / "fixtures" / "sheets"
KEY = "1qpyC0XzvTcKT6EISywvqESX3A0MwQoFDE8p-Bll4hps"
EMAIL = "phd-reader@health-dash-123.iam.gserviceaccount.com"
TOKEN_URL = "https://oauth2.googleapis.com/token"
SHEETS = "https://sheets.googleapis.com/v4/spreadsheets"
METADATA_URL = re.compile(r"https://sheets\.googleapis\.com/v4/spreadsheets/[^/?]+(\?.*)?$")
VALUES_URL = re.compile(r"https://sheets\.googleapis\.com/v4/spreadsheets/[^/]+/values/")
LOCATIONS_URL = f"https://iamcredentials.googleapis.com/v1/projects/-/serviceAccounts/{EMAIL}/allowedLocations"
WEEK = Window(date(2026, 11, 1), date(2026, 11, 7))
DAILY = {"spreadsheet": KEY, "date_column": "Date", "date_format": "auto",
         "columns": [{"column": "Weight (kg)", "label": "Weight", "unit": "kg"}, {"column": "Steps"}]}


def fixture(name):
    return json.loads((FIXTURES / name).read_text())


@pytest.fixture(scope="module")
def key_json():
    """A real-shaped service-account key file with a freshly generated RSA key."""
    private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = private.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption()).decode()
    return json.dumps({
        "type": "service_account", "project_id": "health-dash-123",
        "private_key_id": "0f1e2d3c4b5a69788796a5b4c3d2e1f0",
        "private_key": pem, "client_email": EMAIL, "client_id": "104729384756102938475",
        "auth_uri": "https://accounts.google.com/o/oauth2/auth", "token_uri": TOKEN_URL,
        "auth_provider_x509_cert_url": "https://www.googleapis.com/oauth2/v1/certs",
        "client_x509_cert_url": f"https://www.googleapis.com/robot/v1/metadata/x509/{EMAIL}",
        "universe_domain": "googleapis.com",
    }, indent=2)


@pytest.fixture
def google():
    """`responses` with Google's token endpoint and the background allowedLocations lookup mocked."""
    with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
        rsps.post(TOKEN_URL, json=fixture("token.json"))
        rsps.get(LOCATIONS_URL, json=fixture("allowed_locations.json"))
        yield rsps
        for thread in threading.enumerate():  # google-auth looks the locations up in a thread
            if "RegionalAccessBoundary" in type(thread).__name__:
                thread.join(timeout=5)


def mock_sheet(rsps, values="values_daily.json", metadata="metadata.json", base=SHEETS):
    """The metadata GET (twice: open and worksheets) and the values GET."""
    rsps.get(re.compile(re.escape(base) + r"/[^/?]+(\?.*)?$"), json=fixture(metadata))
    rsps.get(re.compile(re.escape(base) + r"/[^/]+/values/"), json=fixture(values))


def make_ctx(key_json, settings=None, config=None, sleeps=None):
    http = HttpClient(sleep=(sleeps if sleeps is not None else []).append)
    return SyncContext(credentials={"service_account_json": key_json},
                       settings=dict(DAILY if settings is None else settings),
                       window=WEEK, http=http, config=config or {})


def sheet_calls(rsps):
    return [call.request for call in rsps.calls if "sheets.googleapis.com" in call.request.url]


def test_fetch_authenticates_read_only_and_reads_metadata_then_values(google, key_json):
    mock_sheet(google)
    SOURCE.fetch(make_ctx(key_json))
    token_call = next(c.request for c in google.calls if c.request.url == TOKEN_URL)
    form = parse_qs(token_call.body.decode() if isinstance(token_call.body, bytes) else token_call.body)
    assert form["grant_type"] == ["urn:ietf:params:oauth:grant-type:jwt-bearer"]
    claims = json.loads(base64.urlsafe_b64decode(form["assertion"][0].split(".")[1] + "=="))
    assert claims["iss"] == EMAIL and claims["aud"] == TOKEN_URL
    assert claims["scope"].split() == ["https://www.googleapis.com/auth/spreadsheets.readonly",
                                       "https://www.googleapis.com/auth/drive.readonly"]
    calls = sheet_calls(google)
    metadata, values = f"{SHEETS}/{KEY}?includeGridData=false", f"{SHEETS}/{KEY}/values/%27Daily%27"
    assert [c.url for c in calls] == [metadata, metadata, values]
    assert all(c.headers["Authorization"] == "Bearer ya29.c.test-access-token" for c in calls)


def test_fetch_returns_window_rows_and_replaces_the_window(google, key_json):
    mock_sheet(google)
    rows = SOURCE.fetch(make_ctx(key_json))
    assert rows.replaces_window is True
    assert {(r["metric"], r["day"]): r["value"] for r in rows.daily} == {
        ("sheets.steps", date(2026, 11, 1)): 10204.0,
        ("sheets.steps", date(2026, 11, 2)): 1234.0,
        ("sheets.steps", date(2026, 11, 6)): 6000.0,
        ("sheets.steps", date(2026, 11, 7)): 7000.0,
        ("sheets.weight_kg", date(2026, 11, 1)): 72.4,
        ("sheets.weight_kg", date(2026, 11, 2)): 72.1,
        ("sheets.weight_kg", date(2026, 11, 6)): 71.6,
        ("sheets.weight_kg", date(2026, 11, 7)): 71.9,
    }
    assert all(r["dimension"] == "" for r in rows.daily)
    assert rows.skipped == 4
    assert rows.notes == [
        "4 rows skipped: 1 bad number in 'Weight (kg)' (sheet row 7), 1 ambiguous date, choose a date format "
        "(sheet row 8), 1 bad date (sheet row 12), 1 missing date (sheet row 13)",
        "1 day had more than one row; their values were summed",
    ]


@pytest.mark.parametrize("spreadsheet", [
    KEY,
    f"https://docs.google.com/spreadsheets/d/{KEY}/edit#gid=0",
    f"  https://docs.google.com/spreadsheets/d/{KEY}/edit?usp=sharing  ",
    f"https://docs.google.com/spreadsheet/ccc?key={KEY}&hl=en",
    f"https://drive.google.com/open?id={KEY}",
])
def test_spreadsheet_setting_accepts_a_url_or_a_key(google, key_json, spreadsheet):
    mock_sheet(google)
    SOURCE.fetch(make_ctx(key_json, {**DAILY, "spreadsheet": spreadsheet}))
    assert sheet_calls(google)[0].url == f"{SHEETS}/{KEY}?includeGridData=false"


@pytest.mark.parametrize(("spreadsheet", "message"), [
    ("", "no spreadsheet is set"),
    ("my health sheet", "neither a Google Sheets URL nor a spreadsheet key"),
    ("https://docs.google.com/spreadsheets/d/e/2PACX-1vQ0abcdefghijklmnopqrstuvwxyz/pubhtml", "publish to the web"),
])
def test_unusable_spreadsheet_setting_is_bad_payload(spreadsheet, message):
    with pytest.raises(BadPayload, match=message):
        spreadsheet_key(spreadsheet)


def test_named_worksheet_is_read_by_its_quoted_title(google, key_json):
    mock_sheet(google, values="values_finances.json")
    settings = {"spreadsheet": KEY, "worksheet": "finances", "date_column": "Datum", "date_format": "eu",
                "category_column": "Kategorie", "columns": [{"column": "Betrag", "slug": "spend"}]}
    rows = SOURCE.fetch(make_ctx(key_json, settings))
    assert sheet_calls(google)[-1].url == f"{SHEETS}/{KEY}/values/%27Finances%27"
    assert {(r["dimension"], r["day"]): r["value"] for r in rows.daily if r["day"] == date(2026, 11, 1)} == {
        ("Food", date(2026, 11, 1)): 15.7, ("Transport", date(2026, 11, 1)): 2.9}


def test_missing_worksheet_is_bad_payload_listing_the_worksheets(google, key_json):
    mock_sheet(google)
    with pytest.raises(BadPayload, match="worksheet 'Weekly' not found; the spreadsheet has 'Daily', 'Finances'"):
        SOURCE.fetch(make_ctx(key_json, {**DAILY, "worksheet": "Weekly"}))
    assert not any("/values/" in c.url for c in sheet_calls(google))


def test_sheet_not_shared_is_auth_error_naming_the_service_account(google, key_json):
    google.get(METADATA_URL, status=403, json=fixture("error_403_not_shared.json"))
    with pytest.raises(AuthError, match=f"the sheet is not shared with {re.escape(EMAIL)}") as raised:
        SOURCE.fetch(make_ctx(key_json))
    assert raised.value.status == 403


def test_sheets_api_disabled_is_auth_error_asking_to_enable_it(google, key_json):
    google.get(METADATA_URL, status=403, json=fixture("error_403_api_disabled.json"))
    with pytest.raises(AuthError, match="Google Sheets API is not enabled"):
        SOURCE.fetch(make_ctx(key_json))


def test_unknown_spreadsheet_is_bad_payload_check_the_url(google, key_json):
    google.get(METADATA_URL, status=404, json=fixture("error_404.json"))
    with pytest.raises(BadPayload, match="spreadsheet not found — check the URL/key"):
        SOURCE.fetch(make_ctx(key_json))


def test_read_quota_429_is_retried_then_rate_limited(google, key_json):
    google.get(METADATA_URL, status=429, json=fixture("error_429.json"), headers={"Retry-After": "7"})
    sleeps = []
    with pytest.raises(RateLimited, match="read quota exceeded") as raised:
        SOURCE.fetch(make_ctx(key_json, sleeps=sleeps))
    assert sleeps == [7.0, 7.0, 7.0, 7.0]
    assert raised.value.status == 429


def test_rejected_key_is_auth_error(key_json):
    with responses.RequestsMock() as rsps:
        rsps.post(TOKEN_URL, status=400, json=fixture("token_invalid_grant.json"))
        with pytest.raises(AuthError, match="Google refused the service-account key.*invalid_grant"):
            SOURCE.fetch(make_ctx(key_json))


def test_malformed_key_json_is_bad_payload_that_never_echoes_the_key(key_json):
    truncated = key_json[: key_json.index("-----END")]
    with responses.RequestsMock(), pytest.raises(BadPayload) as raised:
        SOURCE.fetch(make_ctx(truncated))
    assert "not valid JSON (line" in raised.value.message
    assert "PRIVATE KEY" not in raised.value.message and "MII" not in raised.value.message


@pytest.mark.parametrize(("change", "message"), [
    ({"client_email": ""}, "lacks client_email"),
    ({"type": "authorized_user"}, "not a service-account key"),
    ({"private_key": "-----BEGIN PRIVATE KEY-----\nnot a key\n-----END PRIVATE KEY-----\n"},
     "private_key cannot be read"),
])
def test_unusable_key_fields_are_bad_payload(key_json, change, message):
    broken = json.dumps({**json.loads(key_json), **change})
    with responses.RequestsMock(), pytest.raises(BadPayload, match=message) as raised:
        SOURCE.fetch(make_ctx(broken))
    assert "not a key" not in raised.value.message


def test_google_sheets_api_url_points_gspread_at_a_stand_in_per_client(google, key_json):
    stand_in = "http://127.0.0.1:8765"
    mock_sheet(google, base=f"{stand_in}/v4/spreadsheets")
    SOURCE.fetch(make_ctx(key_json, config={"GOOGLE_SHEETS_API_URL": stand_in + "/"}))
    assert [c.request.url.split("?")[0] for c in google.calls if stand_in in c.request.url] == [
        f"{stand_in}/v4/spreadsheets/{KEY}", f"{stand_in}/v4/spreadsheets/{KEY}",
        f"{stand_in}/v4/spreadsheets/{KEY}/values/%27Daily%27"]
    mock_sheet(google)
    SOURCE.fetch(make_ctx(key_json))  # another connection without the setting reaches Google itself
    assert len(sheet_calls(google)) == 3


def test_fetch_refuses_settings_without_columns_before_any_call(key_json):
    with responses.RequestsMock(), pytest.raises(BadPayload, match="choose at least one column"):
        SOURCE.fetch(make_ctx(key_json, {**DAILY, "columns": []}))


def test_connection_names_the_spreadsheet_and_its_worksheets_in_one_call(google, key_json):
    mock_sheet(google)
    assert SOURCE.test_connection(make_ctx(key_json)) == "Connected: 'Health log 2026', worksheets: 'Daily', 'Finances'"
    assert len(sheet_calls(google)) == 1


def test_connection_before_a_spreadsheet_is_set_checks_the_key_only(google, key_json):
    message = SOURCE.test_connection(make_ctx(key_json, {}))
    assert message == f"Key accepted for {EMAIL}: share a spreadsheet with this address, then set its URL"
    assert [c.request.url for c in google.calls][0] == TOKEN_URL
    assert sheet_calls(google) == []


def test_connection_to_an_unshared_sheet_raises_auth_error(google, key_json):
    google.get(METADATA_URL, status=403, json=fixture("error_403_not_shared.json"))
    with pytest.raises(AuthError, match="not shared with"):
        SOURCE.test_connection(make_ctx(key_json))


def test_account_id_is_the_service_account_email_without_a_call(key_json):
    with responses.RequestsMock():
        assert SOURCE.account_id(make_ctx(key_json)) == EMAIL


def test_preview_shows_headers_worksheets_and_the_first_rows_as_parsed(google, key_json):
    mock_sheet(google)
    result = preview(make_ctx(key_json, {**DAILY, "columns": DAILY["columns"] + [{"column": "Body fat"}]}), limit=6)
    assert result["title"] == "Health log 2026"
    assert result["worksheets"] == ["Daily", "Finances"] and result["worksheet"] == "Daily"
    assert result["headers"] == ["Date", "Weight (kg)", "Steps", "Body fat", "Spend", "Notes"]
    assert result["problem"] is None
    assert result["unit_hints"] == {"body_fat": "%"}
    assert result["date_format_hint"] is None
    assert result["rows"] == [
        {"row": 2, "day": "2026-10-31", "values": {"weight_kg": 72.9, "steps": 9800.0, "body_fat": 18.9},
         "category": None, "error": None},
        {"row": 3, "day": "2026-11-01", "values": {"weight_kg": 72.4, "steps": 10204.0, "body_fat": 18.5},
         "category": None, "error": None},
        {"row": 4, "day": "2026-11-02", "values": {"weight_kg": 72.1, "steps": 1234.0, "body_fat": None},
         "category": None, "error": None},
        {"row": 7, "day": "2026-11-04", "values": {"weight_kg": None, "steps": 8000.0, "body_fat": None},
         "category": None, "error": "bad number in 'Weight (kg)': '7o'"},
        {"row": 8, "day": None, "values": {"weight_kg": 71.8, "steps": 7500.0, "body_fat": None},
         "category": None, "error": "ambiguous date, choose a date format: '11/05/2026'"},
        {"row": 9, "day": "2026-11-06", "values": {"weight_kg": 71.6, "steps": 6000.0, "body_fat": 18.1},
         "category": None, "error": None},
    ]


def test_preview_before_columns_are_chosen_lists_headers_and_what_is_missing(google, key_json):
    mock_sheet(google, values="values_finances.json")
    result = preview(make_ctx(key_json, {"spreadsheet": KEY, "worksheet": "Finances"}))
    assert result["headers"] == ["Datum", "Kategorie", "Betrag"]
    assert result["rows"] == []
    assert result["problem"] == "choose the column that holds the dates"


def test_preview_suggests_day_first_when_a_date_can_only_be_european(google, key_json):
    mock_sheet(google, values="values_finances.json")
    settings = {"spreadsheet": KEY, "worksheet": "Finances", "date_column": "Datum", "category_column": "Kategorie",
                "columns": [{"column": "Betrag"}]}
    result = preview(make_ctx(key_json, settings), limit=2)
    assert result["date_format_hint"] == "eu"
    assert [r["error"] for r in result["rows"]] == ["ambiguous date, choose a date format: '01/11/2026'"] * 2
    assert [r["category"] for r in result["rows"]] == ["Food", "Food"]


def test_metrics_for_settings_use_the_users_labels_and_units_and_mean_without_category():
    assert metrics_for_settings(DAILY) == [
        Metric("sheets.weight_kg", "Weight", "kg", "mean", ""),
        Metric("sheets.steps", "Steps", "", "mean", ""),
    ]
    assert SOURCE.metrics(DAILY) == metrics_for_settings(DAILY)


def test_metrics_for_settings_sum_by_category_when_a_category_column_is_set():
    settings = {"category_column": "Category", "columns": [{"column": "Amount", "slug": "Spend", "unit": "EUR"}]}
    assert metrics_for_settings(settings) == [Metric("sheets.spend", "Amount", "EUR", "sum", "category")]
    assert metrics_for_settings({}) == []
