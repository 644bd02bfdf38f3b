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
