"""Alembic environment of the central database, run from code (``oneStop.sync.central``)."""

from alembic import context

from oneStop.sync.central_models import metadata

config = context.config


def run_migrations_online() -> None:
    connection = config.attributes["connection"]
    context.configure(connection=connection, target_metadata=metadata, compare_type=True,
                      version_table="alembic_version_central")
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():  # pragma: no cover - not used
    raise SystemExit("offline migrations are not supported")
run_migrations_online()
