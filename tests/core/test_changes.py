"""What changed since a view last looked: the kinds of the events added, by row order."""

from __future__ import annotations

from oneStop.domain.lifecycle import Transition
from tests.core.helpers import add_procedure, draft


def test_the_record_says_what_changed_since_a_cursor(app, official):
    add_procedure(app)
    start = app.changes.since(None)
    assert not start.any
    nothing = app.changes.since(start.cursor)
    assert nothing == start
    d = app.reception.receive(official, draft())
    app.lifecycle.transition(official, d.code, Transition.TRANSFERRED, {"to_agency": "Phòng Tư pháp"})
    changed = app.changes.since(start.cursor)
    assert changed.cursor > start.cursor
    assert {"dossier.received", "dossier.transferred"} <= changed.kinds
    assert changed.touches("dossier.") and not changed.touches("handover.")
    assert app.changes.since(changed.cursor).kinds == frozenset()
