"""Alembic environment, run from code (``oneStop.persistence.migrate``), never from a shell.

SQLite cannot ALTER most things: ``render_as_batch`` rebuilds tables, with foreign keys off
for the duration of the migration.
"""

from alembic import context

from oneStop.persistence.models import Base

config = context.config
target_metadata = Base.metadata


def run_migrations_online() -> None:
    connection = config.attributes["connection"]
    is_sqlite = connection.dialect.name == "sqlite"
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=is_sqlite,
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():  # pragma: no cover - not used
    raise SystemExit("offline migrations are not supported")
run_migrations_online()
