"""Deleting an account: every row of the user in every table, then one anonymous audit row."""
from __future__ import annotations

from sqlalchemy import Table, delete, select

from app.extensions import db
from database.models import AuditLog, User, UserIntegration
from etl.sync import claim, release, runner_id


def _user_columns(table: Table) -> list:
    """Columns of ``table`` that reference users.id."""
    return [fk.parent for fk in table.foreign_keys if fk.column.table.name == User.__tablename__]


def _child_deletes(table: Table, user_id: int) -> list:
    """DELETEs for the rows of ``table`` that belong to the user, directly or through a parent row."""
    direct = _user_columns(table)
    if direct:
        return [delete(table).where(column == user_id) for column in direct]
    statements = []
    for fk in table.foreign_keys:  # e.g. a table keyed only by integration_id
        owners = _user_columns(fk.column.table)
        if owners:
            statements.append(delete(table).where(fk.parent.in_(select(fk.column).where(owners[0] == user_id))))
    return statements


def hold_integrations(user_id: int) -> bool:
    """Claim every integration of the user so no sync writes rows during the deletion.

    False (and nothing held) when a sync is running right now. The claims go away with the rows.
    """
    owner = f"account-deletion:{runner_id()}"
    ids = db.session.execute(select(UserIntegration.id).where(UserIntegration.user_id == user_id)).scalars().all()
    held: list[int] = []
    for integration_id in ids:
        if not claim(integration_id, owner):
            for done in held:
                release(done, owner)
            return False
        held.append(integration_id)
    return True


def delete_account(user_id: int) -> dict[str, int]:
    """Delete the user and everything of theirs (children first); return rows deleted per table.

    Works from the schema, so a table added later with a user_id (or a parent that has one)
    is covered without touching this code. The audit trail keeps one "account_deleted" row
    with no user id, e-mail or address in it.
    """
    deleted: dict[str, int] = {}
    for table in reversed(db.metadata.sorted_tables):
        if table.name == User.__tablename__:
            continue
        for statement in _child_deletes(table, user_id):
            deleted[table.name] = deleted.get(table.name, 0) + db.session.execute(statement).rowcount
    deleted[User.__tablename__] = db.session.execute(delete(User).where(User.id == user_id)).rowcount
    db.session.add(AuditLog(event="account_deleted", user_id=None, detail="", ip=None))
    db.session.commit()
    return deleted
