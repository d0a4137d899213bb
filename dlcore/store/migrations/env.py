"""Alembic's environment: migrations run on the connection ``Database.upgrade``
passes in (``config.attributes["connection"]``), or on ``DLP_DATABASE_URL``
when Alembic's command line is used (``alembic -c dlcore/store/alembic.ini``)."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection

from dlcore.store.db import Database, database_url
from dlcore.store.schema import Base


def _run(connection: Connection) -> None:
    context.configure(connection=connection, target_metadata=Base.metadata, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()


connection = context.config.attributes.get("connection")
if connection is not None:
    _run(connection)
else:
    database = Database(database_url())
    with database.engine.begin() as own:
        _run(own)
    database.dispose()
