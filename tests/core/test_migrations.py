"""The schema comes from Alembic migrations, and they agree with the models."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, inspect

from oneStop.persistence import migrate
from oneStop.persistence.db import sqlite_url
from oneStop.persistence.models import Base


def test_empty_database_upgrades_to_head_and_matches_the_models(tmp_path):
    url = sqlite_url(tmp_path / "fresh.sqlite3")
    assert migrate.upgrade(url) is True
    engine = create_engine(url)
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}), Base.metadata)
        tables = set(inspect(conn).get_table_names())
    engine.dispose()
    assert diff == []
    assert {"events", "dossiers", "procedures", "users", "counters"} <= tables


def test_schema_head_constant_is_alembics_head(tmp_path):
    cfg = migrate._alembic_config(None)
    assert ScriptDirectory.from_config(cfg).get_current_head() == migrate.SCHEMA_HEAD


def test_an_up_to_date_database_is_left_alone(tmp_path):
    url = sqlite_url(tmp_path / "db.sqlite3")
    migrate.upgrade(url)
    assert migrate.upgrade(url) is False


def test_times_the_driver_wrote_without_microseconds_take_sqlalchemys_form(tmp_path):
    """0006: a time stored as ``… 03:00:00`` (the bulk writer before) becomes ``… 03:00:00.000000``,
    as SQLAlchemy writes it; the others are left as they are."""
    from sqlalchemy import text

    url = sqlite_url(tmp_path / "db.sqlite3")
    migrate.upgrade(url, "0005")
    engine = create_engine(url)
    with engine.begin() as conn:
        for seq, at in ((1, "2026-11-23 03:00:00"), (2, "2026-11-23 03:04:05.000006")):
            conn.execute(text("INSERT INTO events (id, counter_id, seq, kind, actor, device_time, business_time, "
                              "business_date, payload, schema, content_hash) VALUES (:id, 'c#1', :seq, 'k', 'a', :at, "
                              "'2026-11-23T10:00:00+07:00', '2026-11-23', '{}', 1, 'h')"),
                         {"id": f"{seq:032x}", "seq": seq, "at": at})
    engine.dispose()
    migrate.upgrade(url)
    engine = create_engine(url)
    with engine.connect() as conn:
        assert conn.execute(text("SELECT device_time FROM events ORDER BY seq")).scalars().all() == [
            "2026-11-23 03:00:00.000000", "2026-11-23 03:04:05.000006"]
    engine.dispose()


def test_every_column_holding_a_code_takes_the_longest(tmp_path):
    """Issue 15 (rules §11.3): the longest dossier code, a 35-character identifier with its date
    written yyyymmdd and a 7-digit number (52 characters), fits every column that holds one,
    as the migrations declare them; so does the longest agency identifier."""
    from oneStop.domain.codes import AGENCY_CODE_MAX_LENGTH, DOSSIER_CODE_MAX_LENGTH

    url = sqlite_url(tmp_path / "fresh.sqlite3")
    migrate.upgrade(url)
    engine = create_engine(url)
    with engine.connect() as conn:
        lengths = {(table, c["name"]): getattr(c["type"], "length", None) for table in ("dossiers", "handover_items", "agencies", "counters",
                                                                       "daily_sequences")
                   for c in inspect(conn).get_columns(table)}
    engine.dispose()
    assert DOSSIER_CODE_MAX_LENGTH == 52
    for column in (("dossiers", "code"), ("handover_items", "code")):
        assert lengths[column] >= DOSSIER_CODE_MAX_LENGTH, column
    for column in (("agencies", "code"), ("counters", "agency_code"), ("dossiers", "agency_code"),
                   ("daily_sequences", "agency_code")):
        assert lengths[column] >= AGENCY_CODE_MAX_LENGTH, column
