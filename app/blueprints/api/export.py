"""GET /export: all of the user's data as one JSON document or a ZIP of CSV files, streamed."""
from __future__ import annotations

import csv
import io
import json
import zipfile
from collections.abc import Iterator

from flask import Response, stream_with_context

from app import audit
from app.blueprints.api import bp
from app.blueprints.api.auth import api_user
from app.blueprints.api.export_data import account, plain, table_columns, table_rows
from app.blueprints.api.params import choice_param
from app.extensions import db
from utils.date_utils import utc_now

FLUSH_EVERY = 2000  # rows per chunk handed to the server
FORMAT_VERSION = 1


def json_chunks(user_id: int, profile: dict) -> Iterator[str]:
    """The export as one JSON object: {format, version, exported_at, account, <table>: [rows...]}."""
    head = {"format": "personal-health-dashboard-export", "version": FORMAT_VERSION,
            "exported_at": plain(utc_now()), "account": profile}
    yield json.dumps(head)[:-1]
    for name, columns in table_columns(user_id).items():
        yield f', "{name}": ['
        batch, first = [], True
        for row in table_rows(user_id, name):
            batch.append(json.dumps(dict(zip(columns, row, strict=True))))
            if len(batch) >= FLUSH_EVERY:
                yield ("" if first else ",") + ",".join(batch)
                batch, first = [], False
        yield ("" if first or not batch else ",") + ",".join(batch) + "]"
    yield "}\n"


class _Sink(io.RawIOBase):
    """A write-only, unseekable file whose bytes are taken out as they arrive."""

    def __init__(self) -> None:
        super().__init__()
        self._parts: list[bytes] = []

    def writable(self) -> bool:
        return True

    def write(self, data) -> int:
        self._parts.append(bytes(data))
        return len(data)

    def take(self) -> bytes:
        """Everything written since the last call."""
        data, self._parts = b"".join(self._parts), []
        return data


def _csv_value(value) -> object:
    return json.dumps(value, sort_keys=True) if isinstance(value, (dict, list)) else value


def csv_zip_chunks(user_id: int, profile: dict) -> Iterator[bytes]:
    """A ZIP (written as a stream) holding account.csv and one CSV per table."""
    sink = _Sink()
    with zipfile.ZipFile(sink, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        tables = [("account", list(profile), iter([tuple(profile.values())]))]
        tables += [(name, columns, table_rows(user_id, name)) for name, columns in table_columns(user_id).items()]
        for name, columns, rows in tables:
            with io.TextIOWrapper(archive.open(f"{name}.csv", "w", force_zip64=True), encoding="utf-8",
                                  newline="") as text:
                writer = csv.writer(text)
                writer.writerow(columns)
                for count, row in enumerate(rows, 1):
                    writer.writerow([_csv_value(v) for v in row])
                    if count % FLUSH_EVERY == 0:
                        text.flush()
                        yield sink.take()
            yield sink.take()
    yield sink.take()


@bp.get("/export")
def export():
    """Download everything stored for the user (format=json, or csv: a ZIP of CSV files)."""
    user = api_user()
    fmt = choice_param("format", ("json", "csv"), "json")
    # Plain values only: the ORM session of this request is closed before the body streams.
    user_id, profile = user.id, account(user)
    audit.record("export", user_id, f"format={fmt}")
    db.session.commit()
    stamp = utc_now().strftime("%Y-%m-%d")
    if fmt == "json":
        body, mimetype, filename = json_chunks(user_id, profile), "application/json", f"health-export-{stamp}.json"
    else:
        body, mimetype, filename = (csv_zip_chunks(user_id, profile), "application/zip",
                                    f"health-export-{stamp}-csv.zip")
    return Response(stream_with_context(body), mimetype=mimetype,
                    headers={"Content-Disposition": f'attachment; filename="{filename}"',
                             "Cache-Control": "no-store"})

