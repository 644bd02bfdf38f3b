"""Cross-boundary reception (Nghị định 118/2025): a dossier received by one agency is processed
by another of the province that the first shares its dossiers with, and the steps come back.
Real PostgreSQL, each counter with its own database role under row-level security."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from sqlalchemy import select, text

from oneStop.domain.events import new_event_id
from oneStop.domain.lifecycle import Transition
from oneStop.domain.models import DossierStatus, Event, Role
from oneStop.persistence.models import DossierRow, EventRow, UserRow
from oneStop.services.app import App
from oneStop.sync import central
from oneStop.sync.client import SyncClient
from tests.conftest import PASSWORD, setup_request
from tests.core.helpers import add_procedure, draft

A, B, C = "000.17.22.H56", "000.18.33.H15", "000.19.44.H20"


@pytest.fixture
def agencies(tmp_path, clock):  # type: ignore[no-untyped-def]
    """Counter 1 of agencies A, B and C, each its own PC."""
    made = {}
    for code in (A, B, C):
        app = App(tmp_path / code, clock=clock)
        app.setup.set_up(setup_request(counter=1, agency_code=code, agency_name=f"Bộ phận một cửa {code}"))
        add_procedure(app)
        made[code] = app
    yield made
    for app in made.values():
        app.close()


def person(app, username: str, role: Role = Role.OFFICIAL):  # type: ignore[no-untyped-def]
    return app.auth.add_user(app.auth.login("admin", PASSWORD), username, "Nguyễn Văn Bình", role, PASSWORD)


def central_agency_of(url: str, event_ids) -> dict:  # type: ignore[no-untyped-def]
    engine = central.connect(url)
    try:
        with engine.connect() as c:
            t = central.cm.events
            return dict(c.execute(select(t.c.id, t.c.agency_code).where(t.c.id.in_(list(event_ids)))).all())
    finally:
        engine.dispose()


def test_a_dossier_received_by_one_agency_is_processed_by_another_and_returned_where_it_came_in(central_url, agencies):
    urls = {code: central.add_counter(central_url, code, 1) for code in agencies}
    assert central.share(central_url, A, [B]) == [(A, B)]  # A's dossiers to B; not the other way
    a, b, c = agencies[A], agencies[B], agencies[C]
    clients = {code: SyncClient(app.uow, urls[code]) for code, app in agencies.items()}
    at_a, at_b = person(a, "cb_a"), person(b, "cb_b")
    supervisor_b = person(b, "gs_b", Role.SUPERVISOR)
    d, later = a.reception.receive(at_a, draft()), a.reception.receive(at_a, draft())
    b.reception.receive(at_b, draft())  # B's own dossier of the day
    for code in (A, B, C):
        clients[code].sync()

    # B has A's dossier, in A's name, and can act on it; C has nothing of A's
    seen = b.dossiers.show(at_b, d.code)
    assert seen.dossier.agency_code == A and seen.dossier.code.startswith(A + "-")
    with c.uow() as uow:
        assert uow.session.scalar(select(DossierRow.id).where(DossierRow.code == d.code)) is None
    # A's users (with their password hashes), settings and catalog stay A's
    with b.uow() as uow:
        assert uow.session.scalar(select(UserRow.username).where(UserRow.username == "cb_a")) is None
        assert {e for (e,) in uow.session.execute(
            select(EventRow.kind).where(EventRow.counter_id.startswith(A + "#")))} == {"dossier.received"}
    # B's book, day review and report count B's dossiers only
    log = b.supervision.daily_log(supervisor_b, d.received_at.date())
    assert [r.code for r in log.rows] and all(r.code.startswith(B + "-") for r in log.rows)
    review = b.supervision.day_review(supervisor_b, log.date_from)
    assert [(x.counter, x.received) for x in review.counters] == [(1, 1)]
    assert b.reports.periodic(supervisor_b, f"{log.date_from:%Y-%m}").total.received == 1

    # B processes it; the steps go into A's stream and reach A
    b.lifecycle.transition(at_b, d.code, Transition.TRANSFERRED, {"to_agency": "Phòng Tư pháp xã B"})
    b.lifecycle.transition(at_b, d.code, Transition.RESULT_READY, {})
    clients[B].sync()
    with b.uow() as uow:
        steps = set(uow.session.scalars(select(EventRow.id).where(EventRow.dossier_id == d.id,
                                                                  EventRow.counter_id == B + "#1")))
    assert set(central_agency_of(central_url, steps).values()) == {A}
    clients[A].sync()
    assert a.dossiers.show(at_a, d.code).dossier.status is DossierStatus.RESULT_READY
    a.lifecycle.transition(at_a, d.code, Transition.RETURNED, {"collected_by": "Nguyễn Thị Hường"})
    clients[A].sync()
    clients[B].sync()
    assert b.dossiers.show(at_b, d.code).dossier.status is DossierStatus.RETURNED
    # A's book has it, with B's steps; nothing doubled anywhere, nothing waiting
    supervisor_a = person(a, "gs_a", Role.SUPERVISOR)
    (row,) = [r for r in a.supervision.daily_log(supervisor_a, log.date_from).rows if r.code == d.code]
    assert row.status == DossierStatus.RETURNED.value and row.result_at is not None
    for code in (A, B):
        result = clients[code].sync()
        assert result.mismatches == () and result.waiting == 0 and result.quarantined == 0
    with a.uow() as ua, b.uow() as ub:
        assert set(ua.session.scalars(select(EventRow.id).where(EventRow.dossier_id == d.id))) == \
            set(ub.session.scalars(select(EventRow.id).where(EventRow.dossier_id == d.id)))

    # the share ends: B's next step on a dossier of A's stays in B's stream (A no longer lets
    # B write into its own), the push goes through, no false gap, nothing stuck
    assert central.unshare(central_url, A, [B]) == 1
    b.lifecycle.transition(at_b, later.code, Transition.TRANSFERRED, {"to_agency": "Phòng Tư pháp xã B"})
    result = clients[B].sync()
    assert result.gaps == () and result.quarantined == 0 and clients[B].waiting() == 0
    with b.uow() as uow:
        step = uow.session.scalar(select(EventRow.id).where(EventRow.dossier_id == later.id,
                                                            EventRow.kind == Transition.TRANSFERRED.kind))
    assert central_agency_of(central_url, [step]) == {step: B}


def test_row_level_security_keeps_shared_streams_to_dossiers_and_refuses_a_stream_not_shared(central_url):
    from sqlalchemy.exc import DBAPIError

    central.share(central_url, A, [B])
    b_url, c_url = central.add_counter(central_url, B, 1), central.add_counter(central_url, C, 1)
    now = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)

    def event(counter_id: str, seq: int, dossier: bool = True) -> Event:
        return Event(id=new_event_id(), counter_id=counter_id, seq=seq, kind="dossier.result_ready" if dossier
                     else "user.added", actor="a", device_time=now, business_time=now,
                     dossier_id=new_event_id() if dossier else None, payload={})

    owner = central.connect(central_url)
    b, c = central.connect(b_url), central.connect(c_url)
    try:
        with owner.connect() as conn:  # A's counter 1: a dossier event and a user
            central.push(conn, A, [event(A + "#1", 1), event(A + "#1", 2, dossier=False)])
        with b.connect() as conn:
            assert central.sharing_with(conn, B) == (A,)
            assert [e.event.seq for e in central.pull(conn, A, central.START)] == [1]  # the dossier event only
            # B writes into A's stream, for a dossier, as itself …
            assert central.push(conn, B, [central.prepare([event(B + "#1", 1)])[0]._replace(agency=A)]).new == 1
            # … never a non-dossier event, never into C's stream, never as another counter
            for bad, stream in ((event(B + "#1", 2, dossier=False), A), (event(B + "#1", 2), C),
                                (event(C + "#1", 5), A)):
                with pytest.raises(DBAPIError, match="row-level security"):
                    central.push(conn, B, [central.prepare([bad])[0]._replace(agency=stream)])
        with c.connect() as conn:
            assert central.sharing_with(conn, C) == ()
            assert central.pull(conn, A, central.START) == []
            assert conn.execute(text("SELECT count(*) FROM central_agency_shares")).scalar() == 0
        central.unshare(central_url, A, [B])
        with b.connect() as conn:  # its own event stays readable to it (acknowledgements, gap checks)
            assert [e.event.counter_id for e in central.pull(conn, A, central.START)] == [B + "#1"]
    finally:
        for engine in (owner, b, c):
            engine.dispose()


def test_shares_from_the_command_line(central_url, run, capsys):
    code, out, _ = run("central", "share", "--url", central_url, "--agency-code", A, "--with", B, "--with", C,
                       "--both-ways")
    assert code == 0 and out.count("đọc và xử lý được hồ sơ") == 4
    code, out, _ = run("central", "shares", "--url", central_url, "--json")
    assert {(s["agency_code"], s["shared_with"]) for s in json.loads(out)} == {(A, B), (A, C), (B, A), (C, A)}
    code, out, _ = run("central", "unshare", "--url", central_url, "--agency-code", A, "--with", C, "--both-ways")
    assert code == 0 and "Đã thôi 2 chia sẻ" in out
    code, out, _ = run("central", "shares", "--url", central_url)
    assert f"{A}\t→ {B}" in out and C not in out
    code, _, err = run("central", "share", "--url", central_url, "--agency-code", A, "--with", "000.17.22")
    assert code != 0 and "Cơ quan được chia sẻ hồ sơ" in err
    code, _, err = run("central", "share", "--url", central_url, "--agency-code", A, "--with", A)
    assert code != 0 and "chính mình" in err
