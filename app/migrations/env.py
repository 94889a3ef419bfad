"""Alembic environment for Min Plan.

Called by ``app.store.migrations`` with an open connection in ``config.attributes["connection"]``
(so the app's engine setup applies), or by the ``alembic`` command line with ``-x url=...``.
SQLite migrations run in batch mode ("move and copy"), which needs ``PRAGMA foreign_keys=OFF`` —
the caller's migration engine turns it off before the transaction starts.
"""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection, create_engine

import app.store.models  # noqa: F401  (registers every table on the metadata)
from app.store.models import add_postgresql_index_options, include_object, metadata

config = context.config


def _configure(connection: Connection) -> None:
    if connection.dialect.name == "postgresql":
        add_postgresql_index_options()
    context.configure(
        connection=connection,
        target_metadata=metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
        include_object=include_object,
    )


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _configure(connection)
        with context.begin_transaction():
            context.run_migrations()
        return
    url = context.get_x_argument(as_dictionary=True).get("url") or config.get_main_option(
        "sqlalchemy.url"
    )
    if url is None:
        raise RuntimeError("no database URL: pass -x url=... or set sqlalchemy.url")
    engine = create_engine(url)
    with engine.connect() as conn:
        if conn.dialect.name == "sqlite":
            conn.exec_driver_sql("PRAGMA foreign_keys=OFF")
        _configure(conn)
        with context.begin_transaction():
            context.run_migrations()


def run_migrations_offline() -> None:
    context.configure(
        url=config.get_main_option("sqlalchemy.url"),
        target_metadata=metadata,
        literal_binds=True,
        render_as_batch=True,
    )
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
