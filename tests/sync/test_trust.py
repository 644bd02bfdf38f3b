"""A record no counter can break, forge or take over (issue 13, parts 1 and 3): events from
other counters are checked against the vocabulary before they are applied, what fails is set
aside and the sync goes on; relayed events must carry their counter's signature; an actor
needs the permission the service would have asked. Real PostgreSQL, each counter with its own
database role under row-level security."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import select, text

from oneStop.domain import signing
from oneStop.domain.clock import VN_TZ
from oneStop.domain.events import Kind, content_hash, new_event_id
from oneStop.domain.lifecycle import Transition
from oneStop.domain.models import DossierStatus, Event, Role
from oneStop.persistence import mapping, sealed
from oneStop.persistence.models import CounterRow, DossierRow, EventRow, SetAsideRow, SettingRow, UserRow
from oneStop.sync import carried, central
from oneStop.sync.client import KeyMismatch, SyncClient
from tests.conftest import AGENCY_CODE, PASSWORD
from tests.core.helpers import add_procedure, draft
from tests.sync.test_sync import official_of


def tamper(app, kind: str, actor: str, payload: dict[str, Any], dossier_id=None) -> Event:  # type: ignore[no-untyped-def]
    """Write an event into a counter's own database behind the program's back (a PC whose
    files someone edited): its next number, signed with its key, unchecked."""
    with app.uow(write=True) as uow:
        counter = uow.session.get(CounterRow, uow.counter_id)
        counter.last_seq += 1
        now = uow.now()
        event = Event(id=new_event_id(), counter_id=counter.id, seq=counter.last_seq, kind=kind, actor=actor,
                      device_time=now, business_time=now.astimezone(VN_TZ), dossier_id=dossier_id, payload=payload)
        digest = content_hash(event)
        uow.session.add(mapping.event_row(event, digest, signing.sign(signing.load_private(counter.signing_key), digest)))
        uow.commit()
    return event


def set_aside(app) -> list[SetAsideRow]:  # type: ignore[no-untyped-def]
    with app.uow() as uow:
        return list(uow.session.scalars(select(SetAsideRow).order_by(SetAsideRow.seq)))


@pytest.fixture
def pair(central_url, counters):  # type: ignore[no-untyped-def]
    """Two counters of one agency, each with its own role; both synced once."""
    a, b = counters(2)
    for app in (a, b):
        add_procedure(app)
    urls = [central.add_counter(central_url, AGENCY_CODE, k) for k in (1, 2)]
    clients = [SyncClient(a.uow, urls[0]), SyncClient(b.uow, urls[1])]
    for c in clients:
        c.sync()
    return a, b, clients, urls


@pytest.mark.parametrize("case", ["catalog_unknown_field", "block_size_abc", "role_root", "unknown_kind"])
def test_a_bad_event_from_another_counter_is_set_aside_and_the_sync_goes_on(pair, case):
    a, b, (ca, cb), _ = pair
    bad = {
        "catalog_unknown_field": (Kind.CATALOG_IMPORTED, "admin", {"procedures": [
            {"code": "9.1", "name": "Thủ tục", "field": "Hộ tịch", "agency": "UBND", "processing_days": 3,
             "colour": "đỏ"}]}),
        "block_size_abc": (Kind.SETTING_CHANGED, "admin", {"key": "codes.block_size", "old": 1000, "new": "abc"}),
        "role_root": (Kind.USER_CREATED, "admin", {"username": "ke.gian", "full_name": "Kẻ Gian", "role": "root",
                                                   "password_hash": "$argon2id$v=19$m=65536,t=3,p=4$c2FsdA$aGFzaA"}),
        "unknown_kind": ("dossier.teleported", "admin", {}),
    }[case]
    tamper(a, *bad)
    official = official_of(a)
    after = a.reception.receive(official, draft())  # a good event after the bad one, same push
    ca.sync()
    result = cb.sync()  # today: a traceback here, and at every later sync of every counter
    assert result.set_aside == 1
    (kept,) = set_aside(b)
    assert kept.kind == bad[0] and kept.reason and kept.problem in ("payload", "kind")
    with b.uow() as uow:  # nothing of it applied …
        assert uow.session.get(SettingRow, "codes.block_size") is None
        assert uow.session.get(UserRow, "ke.gian") is None
        assert uow.session.get(EventRow, kept.id) is None
        # … and what came after it was
        assert uow.session.scalar(select(DossierRow.code).where(DossierRow.code == after.code)) == after.code
    assert cb.sync().set_aside == 0  # the next sync goes through, without it again
    assert b.sync.status().set_aside == 1
    # the other counter still works: it receives a dossier with a code of its own block
    mine = b.reception.receive(official_of(b), draft())
    assert mine.code.endswith("-1001")


def test_an_official_cannot_make_an_administrator_or_change_one_through_synced_events(pair):
    a, b, (ca, cb), _ = pair
    official = official_of(a)
    ca.sync()
    cb.sync()  # counter 2 knows the official now
    forged_hash = "$argon2id$v=19$m=65536,t=3,p=4$c2FsdHNhbHQ$aGFzaGhhc2hoYXNo"
    tamper(a, Kind.USER_CREATED, official.username, {"username": "quyen.luc", "full_name": "Quyền Lực",
                                                     "role": "admin", "password_hash": forged_hash})
    tamper(a, Kind.USER_UPDATED, official.username, {"username": "admin", "password": "changed",
                                                     "password_hash": forged_hash})
    ca.sync()
    assert cb.sync().set_aside == 2
    assert {r.problem for r in set_aside(b)} == {"permission"}
    with b.uow() as uow:
        assert uow.session.get(UserRow, "quyen.luc") is None
        assert uow.session.get(UserRow, "admin").password_hash != forged_hash
    assert b.auth.login("admin", PASSWORD).role is Role.ADMIN
    # an administrator's own change on counter 1 does reach counter 2; a user changes their own password
    admin = a.auth.login("admin", PASSWORD)
    a.auth.add_user(admin, "gs1", "Giám Sát", Role.SUPERVISOR, PASSWORD)
    a.auth.change_own_password(official, PASSWORD, "mat-khau-moi-123")
    ca.sync()
    assert cb.sync().set_aside == 0
    assert b.auth.login("gs1", PASSWORD).role is Role.SUPERVISOR
    assert b.auth.login(official.username, "mat-khau-moi-123").username == official.username


def test_an_event_written_by_someone_who_was_demoted_before_it_is_set_aside_and_a_supervisor_can_apply_it(pair):
    a, b, (ca, cb), _ = pair
    official = official_of(a)
    dossier = a.reception.receive(official, draft())
    ca.sync()
    cb.sync()
    with a.uow(write=True) as uow:  # counter 1's files edited: the official is a postal worker there
        uow.session.get(UserRow, official.username).role = Role.POSTAL.value
        uow.commit()
    admin_b = b.auth.login("admin", PASSWORD)
    with b.uow(write=True) as uow:  # and on counter 2, by an administrator's change that reached it
        uow.session.get(UserRow, official.username).role = Role.POSTAL.value
        uow.commit()
    tamper(a, Transition.TRANSFERRED.kind, official.username, {"to_agency": "Phòng Tư pháp",
                                                               "from_agency": "Bộ phận Một cửa"}, dossier.id)
    ca.sync()
    assert cb.sync().set_aside == 1
    (kept,) = set_aside(b)
    assert kept.problem == "permission" and official.username in kept.reason
    assert b.dossiers.get(admin_b, dossier.code).status is DossierStatus.RECEIVED
    supervisor = b.auth.add_user(admin_b, "gs2", "Giám Sát Hai", Role.SUPERVISOR, PASSWORD)
    listed = b.sync.set_aside(supervisor)
    assert [e.id for e in listed] == [str(kept.id)] and listed[0].applicable and listed[0].dossier_code == ""
    settled = b.sync.settle(supervisor, str(kept.id), "applied", "Đã xác minh với quầy 1: đúng là chuyển hồ sơ")
    assert settled.decision == "applied" and settled.settled_by == "gs2"
    assert b.dossiers.get(admin_b, dossier.code).status is DossierStatus.IN_PROGRESS
    assert b.sync.status().set_aside == 0


def test_a_pulled_reception_with_a_code_already_taken_is_a_conflict_for_a_supervisor_not_a_crash(pair):
    a, b, (ca, cb), _ = pair
    mine = b.reception.receive(official_of(b), draft())  # counter 2 has 0001 of its block … 1001
    official = official_of(a)
    real = a.reception.receive(official, draft())
    with a.uow() as uow:
        payload = dict(uow.session.scalars(select(EventRow.payload).where(EventRow.kind == Kind.DOSSIER_RECEIVED))
                       .one())
    # counter 1's files edited: a second dossier carrying counter 2's code
    payload["code"] = mine.code
    forged = tamper(a, Kind.DOSSIER_RECEIVED, official.username, payload, new_event_id())
    ca.sync()
    result = cb.sync()  # today: UNIQUE constraint failed: dossiers.code, at every later sync
    assert result.set_aside == 1
    (kept,) = set_aside(b)
    assert kept.id == forged.id and kept.problem == "conflict" and mine.code in kept.reason
    assert b.dossiers.get(b.auth.login("admin", PASSWORD), real.code).code == real.code
    supervisor = b.auth.add_user(b.auth.login("admin", PASSWORD), "gs2", "Giám Sát", Role.SUPERVISOR, PASSWORD)
    (listed,) = b.sync.set_aside(supervisor)
    assert listed.dossier_code == mine.code and not listed.applicable
    from oneStop.sync.vetting import CannotApply

    with pytest.raises(CannotApply):
        b.sync.settle(supervisor, listed.id, "applied", "thử áp dụng")
    b.sync.settle(supervisor, listed.id, "dismissed", "Hồ sơ giả: đã báo quầy 1")
    assert b.sync.status().set_aside == 0 and b.sync.set_aside(supervisor, include_settled=True)[0].decision == "dismissed"


def test_a_usb_file_made_by_hand_is_refused_and_a_relayed_forgery_cannot_take_a_counters_place(pair, tmp_path,
                                                                                               central_url):
    """An official of counter 1 writes a file that withdraws counter 2's dossier in counter 2's
    name. The import refuses it; pushed with counter 1's role anyway, every counter sets it
    aside, and counter 2's own next event takes its place (before: counter 2's own events were
    quarantined forever)."""
    from oneStop.cli import main

    a, b, (ca, cb), urls = pair
    official_b = official_of(b)
    dossier = b.reception.receive(official_b, draft())
    cb.sync()
    ca.sync()
    with b.uow() as uow:
        top = uow.session.get(CounterRow, uow.counter_id).last_seq
    now = datetime(2026, 11, 23, 3, 0, tzinfo=UTC)
    forged = Event(id=new_event_id(), counter_id=f"{AGENCY_CODE}#2", seq=top + 1, kind=Transition.WITHDRAWN.kind,
                   actor=official_b.username, device_time=now, business_time=now.astimezone(VN_TZ),
                   dossier_id=dossier.id, payload={})
    other_key = signing.load_private(signing.new_key()[0])
    stick = tmp_path / "forged.jsonl"
    plain = tmp_path / "forged-plain.jsonl"
    plain.write_bytes(carried.write(AGENCY_CODE, [(forged, signing.sign(other_key, content_hash(forged)))]))
    secret = tmp_path / "passphrase.txt"
    secret.write_text("cụm mật khẩu của quầy 1", encoding="utf-8")
    sealed.seal(plain, stick, secret.read_text(encoding="utf-8"))  # sealed as an export would be
    code = main(["--data-dir", str(a.paths.root), "sync", "import", str(stick), "--central", urls[0],
                 "--passphrase-file", str(secret)])
    assert code != 0  # refused: not counter 2's signature; nothing sent
    engine = central.connect(urls[0])
    with engine.connect() as c:
        assert central.push(c, AGENCY_CODE, central.prepare([forged]), relay=True).new == 1  # behind the program's back
    engine.dispose()
    assert ca.sync().set_aside == 1  # counter 1 itself does not believe it
    (kept,) = set_aside(a)
    assert kept.problem == "signature"
    assert b.dossiers.get(b.auth.login("admin", PASSWORD), dossier.code).status is DossierStatus.RECEIVED
    # counter 2's own next event has the same number: it takes its place
    b.printing.receipt(official_b, dossier.code)
    result = cb.sync()
    assert result.quarantined == 0 and result.waiting == 0
    ca.sync()
    with b.uow() as uow:
        real = uow.session.scalar(select(EventRow.id).where(EventRow.seq == top + 1,
                                                            EventRow.counter_id == f"{AGENCY_CODE}#2"))
    with a.uow() as uow:
        assert uow.session.scalar(select(EventRow.id).where(EventRow.counter_id == f"{AGENCY_CODE}#2",
                                                            EventRow.seq == top + 1)) == real != forged.id
    engine = central.connect(central_url)
    with engine.connect() as c:
        (moved,) = central.quarantined(c)
    engine.dispose()
    assert moved["event_id"] == forged.id and moved["relayed_by"] == "onestop_c_000_17_22_h56_1"


def test_the_centre_holds_one_key_per_counter_and_a_second_pc_claiming_the_counter_is_stopped(pair, counters, tmp_path,
                                                                                              clock):
    from oneStop.services.app import App
    from tests.conftest import setup_request

    a, b, (ca, cb), urls = pair
    engine = central.connect(urls[0])
    with engine.connect() as c:
        keys = central.counter_keys(c)
    engine.dispose()
    assert keys == {f"{AGENCY_CODE}#1": a.sync.public_key(), f"{AGENCY_CODE}#2": b.sync.public_key()}
    impostor = App(tmp_path / "impostor", clock=clock)  # another PC set up as counter 2, with counter 2's address
    try:
        impostor.setup.set_up(setup_request(counter=2))
        with pytest.raises(KeyMismatch, match="#2"):
            SyncClient(impostor.uow, urls[1]).sync()
        with impostor.uow() as uow:
            assert all(r.central_seq is None for r in uow.session.scalars(select(EventRow)))  # nothing went out
    finally:
        impostor.close()
