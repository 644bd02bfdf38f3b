"""The bulk writer stores exactly what SQLAlchemy stores for the same values."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

from sqlalchemy import create_engine, insert, text

from oneStop.domain.events import content_hash, new_event_id
from oneStop.domain.models import Event
from oneStop.persistence.bulk import insert_rows
from oneStop.persistence.mapping import event_row_values
from oneStop.persistence.models import EventRow


def test_bulk_rows_are_stored_as_sqlalchemy_stores_them_even_on_the_exact_second() -> None:
    table = EventRow.__table__
    engine = create_engine("sqlite://")
    table.create(engine)
    hanoi = timezone(timedelta(hours=7))
    values = []
    for seq, at in enumerate((datetime(2026, 11, 23, 10, 0, tzinfo=hanoi),  # on the second: no microseconds
                              datetime(2026, 11, 23, 3, 4, 5, 6, tzinfo=UTC)), 1):
        event = Event(id=new_event_id(), counter_id="000.17.22.H56#1", seq=seq, kind="user.logged_in", actor="a",
                      device_time=at, business_time=at.astimezone(hanoi), payload={"k": "v"})
        values.append(event_row_values(event, content_hash(event)))
    with engine.begin() as c:
        insert_rows(c, table, values)
        c.execute(insert(table), [{**v, "id": new_event_id(), "seq": v["seq"] + 10} for v in values])
        stored = c.execute(text("SELECT seq, device_time, business_date, id FROM events ORDER BY seq")).all()
    bulk, orm = stored[:2], stored[2:]
    assert [r[1:3] for r in bulk] == [r[1:3] for r in orm]
    assert bulk[0][1] == "2026-11-23 03:00:00.000000"  # not the driver's "2026-11-23 03:00:00"
    assert all(len(r[3]) == 32 for r in stored)  # uuids as SQLAlchemy writes them


def test_the_pulls_event_rows_are_what_sqlalchemy_writes_for_the_same_events() -> None:
    import uuid

    from oneStop.domain.events import payload_text
    from oneStop.persistence.bulk import insert_tuples
    from oneStop.persistence.mapping import EVENT_COLUMNS, event_params

    table = EventRow.__table__
    engine = create_engine("sqlite://")
    table.create(engine)
    hanoi, west = timezone(timedelta(hours=7)), timezone(timedelta(hours=-5, minutes=-30))
    events = [Event(id=new_event_id(), counter_id=f"000.17.22.H56#{k}", seq=k, kind="dossier.received", actor="cb1",
                    device_time=at, business_time=at.astimezone(hanoi), dossier_id=dossier,
                    payload={"tên": "Nguyễn Thị Đào", "k": k})
              for k, (at, dossier) in enumerate([(datetime(2026, 11, 23, 10, 0, tzinfo=hanoi), uuid.uuid4()),
                                                 (datetime(2026, 12, 31, 23, 59, 59, 999999, tzinfo=UTC), None),
                                                 (datetime(2027, 1, 1, 1, 2, 3, 40, tzinfo=west), uuid.uuid4())], 1)]
    with engine.begin() as c:
        insert_tuples(c, table, EVENT_COLUMNS, [event_params(e, content_hash(e), payload_text(e.payload), 7 * e.seq,
                                                             f"signature {e.seq}" if e.seq != 2 else None)
                                                for e in events])
        fast = c.execute(text("SELECT * FROM events ORDER BY seq")).all()
        c.execute(text("DELETE FROM events"))
        c.execute(insert(table), [{**event_row_values(e, content_hash(e), f"signature {e.seq}" if e.seq != 2 else None),
                                   "central_seq": 7 * e.seq} for e in events])
        orm = c.execute(text("SELECT * FROM events ORDER BY seq")).all()
    assert fast == orm and len(fast) == 3
    naive = Event(id=new_event_id(), counter_id="c#1", seq=1, kind="k", actor="a", device_time=datetime(2026, 1, 1),
                  business_time=datetime(2026, 1, 1, tzinfo=hanoi), payload={})
    try:
        event_params(naive, "h", "{}", None)
    except ValueError as exc:
        assert "naive" in str(exc)
    else:
        raise AssertionError("a naive time was stored")


def test_the_one_step_utc_text_is_what_sqlalchemys_two_processors_write() -> None:
    from zoneinfo import ZoneInfo

    from oneStop.persistence.types import UtcDateTime, sqlite_text

    dialect = create_engine("sqlite://").dialect
    column_type = UtcDateTime()
    usual = column_type.dialect_impl(dialect).bind_processor(dialect)
    assert column_type.bulk_processor(dialect) is sqlite_text
    values = [None,
              datetime(2026, 11, 23, 10, 0, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh")),  # on the second, local
              datetime(2026, 12, 31, 23, 59, 59, 999999, tzinfo=UTC),
              datetime(2027, 1, 1, 1, 2, 3, 40, tzinfo=timezone(timedelta(hours=-5, minutes=-30))),
              datetime(5, 1, 1, 0, 0, 0, 1, tzinfo=UTC),  # a year of one digit: still four
              datetime(9999, 12, 31, 23, 59, 59, tzinfo=UTC)]
    assert [sqlite_text(v) for v in values] == [usual(v) for v in values]
    assert sqlite_text(values[1]) == "2026-11-23 03:00:00.000000"
    for bad in (datetime(2026, 1, 1), "2026-01-01"):  # naive, or not a time at all: refused by both
        for process in (sqlite_text, usual):
            try:
                process(bad)
            except (ValueError, TypeError):
                pass
            else:
                raise AssertionError(f"{process} stored {bad!r}")
    assert column_type.bulk_processor(create_engine("postgresql+psycopg://").dialect) is None
