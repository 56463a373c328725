"""The store: SQLAlchemy models and Alembic migrations."""
