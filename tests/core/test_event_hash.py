"""The fast content hash used when syncing is the same as the plain one, for every kind of event."""

from __future__ import annotations

import random
import uuid
from datetime import UTC, datetime, timedelta, timezone

from oneStop.domain.events import content_hash, content_hash_with, new_event_id, payload_text
from oneStop.domain.models import Event


def test_the_hash_from_a_ready_payload_text_equals_the_plain_hash():
    rng = random.Random(5)
    words = ["Nguyễn Thị Hường", "Đặng \"Lan\"", "a\\b", "tab\there", "", "😀", "đ/Đ", "line\nnext", "ư\u0301"]
    for n in range(300):
        payload = {
            rng.choice(words) or "k": rng.choice(words),
            "số": rng.randint(-10**12, 10**12),
            "float": rng.random(),
            "list": [rng.choice(words), None, True, {"z": 1, "a": [1, 2]}],
            "nested": {"b": rng.choice(words), "a": None},
        }
        event = Event(
            id=new_event_id(), counter_id=f"000.17.22.H56#{n % 9 + 1}", seq=n + 1,
            kind=rng.choice(["dossier.received", "user.created", "kỳ.lạ"]), actor=rng.choice(words) or "a",
            device_time=datetime(2026, 11, 23, 2, 15, tzinfo=UTC) + timedelta(microseconds=n * 7919),
            business_time=datetime(2026, 11, 23, 9, 15, tzinfo=timezone(timedelta(hours=7))) + timedelta(seconds=n),
            dossier_id=uuid.uuid4() if n % 3 else None, payload=payload, schema=1 + n % 2,
        )
        assert content_hash_with(event, payload_text(event.payload)) == content_hash(event)


def test_what_a_counter_stores_with_each_event_is_what_push_would_make(app, admin, official, clock):
    """A push sends each event's payload text and hash as the counter stored them when the
    event was written (``central.Outgoing``); they must be exactly the canonical ones."""
    from sqlalchemy import Text, select, type_coerce

    from oneStop.domain.lifecycle import Transition
    from oneStop.persistence.mapping import event_from_row
    from oneStop.persistence.models import EventRow
    from oneStop.sync import central
    from tests.core.helpers import add_procedure, draft

    add_procedure(app)
    dossier = app.reception.receive(official, draft(notes="Ghi chú: \"ngoặc\" \\ và\tthụt lề, đ/Đ"))
    app.lifecycle.transition(official, dossier.code, Transition.TRANSFERRED, {"to_agency": "Phòng Tư pháp"})
    clock.advance(hours=1)
    app.lifecycle.transition(official, dossier.code, Transition.SUPPLEMENT_REQUESTED,
                             {"reason": "Thiếu giấy chứng sinh", "documents": ["Giấy chứng sinh"]})
    with app.uow() as uow:
        rows = uow.session.execute(select(EventRow, type_coerce(EventRow.payload, Text).label("payload_text")).order_by(EventRow.seq)).all()
    assert len(rows) >= 4  # set-up, reception, print …, transfer, supplement
    for row, stored_text in rows:
        made = central.prepare([event_from_row(row)])[0]
        assert (stored_text, row.content_hash) == (made.payload_json, made.content_hash), row.kind
        assert made.content_hash == content_hash(made.event)


def test_evolving_a_dossier_is_replacing_it(app, admin, official):
    """``evolve`` (the projection's fast ``dataclasses.replace``) makes the same dossier and
    refuses a field that does not exist."""
    import dataclasses

    import pytest

    from oneStop.domain.models import evolve
    from tests.core.helpers import add_procedure, draft

    add_procedure(app)
    dossier = app.reception.receive(official, draft())
    changes = {"print_count": 7, "conflicts": 2, "notes": "khác"}
    assert evolve(dossier, **changes) == dataclasses.replace(dossier, **changes)
    assert dossier.print_count != 7  # the original is untouched
    with pytest.raises(TypeError, match="no_such_field"):
        evolve(dossier, no_such_field=1)
