"""Bring the configured database (DATABASE_URL) to the current schema: `python database/create_db.py`."""
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from flask_migrate import upgrade  # noqa: E402

from app import create_app  # noqa: E402


def main() -> None:
    """Run every Alembic migration up to head."""
    app = create_app()
    with app.app_context():
        upgrade()
    print("database is at the current schema")


if __name__ == "__main__":
    main()
