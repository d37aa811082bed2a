"""Alembic's entry point: run the migrations on the connection given by ``schema.upgrade``.

:func:`cafta.adapters.storage.schema.upgrade` opens the connection, takes the migration lock
and passes the connection in ``config.attributes["connection"]``; the migrations run inside its
transaction. In offline mode (``alembic upgrade --sql`` with ``sqlalchemy.url`` set) the SQL is
printed for a database administrator instead.
"""

from __future__ import annotations

from alembic import context
from sqlalchemy.engine import Connection

from cafta.adapters.storage.tables import metadata

config = context.config

if context.is_offline_mode():
    context.configure(
        url=config.get_main_option("sqlalchemy.url"),
        target_metadata=metadata,
        literal_binds=True,
    )
    with context.begin_transaction():
        context.run_migrations()
else:
    connection = config.attributes.get("connection")
    if not isinstance(connection, Connection):
        raise RuntimeError(
            "run the migrations with cafta.adapters.storage.schema.upgrade(url) "
            "or 'cafta db upgrade'"
        )
    context.configure(connection=connection, target_metadata=metadata)
    with context.begin_transaction():
        context.run_migrations()
