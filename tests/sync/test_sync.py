"""Replication with a real PostgreSQL: counters working offline on the same day end with the
same data everywhere, unique dossier codes, nothing lost, nothing doubled."""

from __future__ import annotations

import dataclasses
import random
import threading
import uuid
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select, text

from oneStop.domain.events import new_event_id
from oneStop.domain.lifecycle import Transition
from oneStop.domain.models import Event, Role
from oneStop.domain.errors import PermissionDenied
from oneStop.persistence import sealed
from oneStop.persistence.mapping import event_from_row
from oneStop.persistence.models import DossierRow, EventRow, SyncStateRow
from oneStop.sync import central
from oneStop.sync.client import SyncClient
from tests.conftest import BACKUP_PASSPHRASE, PASSWORD
from tests.core.helpers import add_procedure, draft


def official_of(app):  # type: ignore[no-untyped-def]
    admin = app.auth.login("admin", PASSWORD)
    return app.auth.add_user(admin, f"cb{app.setup.counter().number}", "Cán bộ", Role.OFFICIAL, PASSWORD)


def codes(app) -> list[str]:  # type: ignore[no-untyped-def]
    with app.uow() as uow:
        return sorted(uow.session.scalars(select(DossierRow.code)))


def event_ids(app) -> set[uuid.UUID]:  # type: ignore[no-untyped-def]
    with app.uow() as uow:
        return set(uow.session.scalars(select(EventRow.id)))


def received_and_synced(counters, central_url: str, dossiers: int):  # type: ignore[no-untyped-def]
    """Two counters; the first receives ``dossiers`` dossiers and syncs, the second has not synced yet."""
    a, b = counters(2)
    add_procedure(a)
    user = official_of(a)
    for _ in range(dossiers):
        a.reception.receive(user, draft())
    SyncClient(a.uow, central_url).sync()
    return a, b


def central_count(url: str) -> int:
    engine = central.connect(url)
    try:
        with engine.connect() as c:
            return c.scalar(select(func.count()).select_from(central.cm.events))
    finally:
        engine.dispose()


@pytest.mark.parametrize("n", [2, 10])
def test_counters_offline_on_the_same_day_converge_in_any_order(central_url, counters, n):
    apps = counters(n)
    rng = random.Random(n)
    for app in apps:
        add_procedure(app)
        user = official_of(app)
        for _ in range(3):
            app.reception.receive(user, draft())
    clients = [SyncClient(app.uow, central_url) for app in apps]
    order = list(range(n))
    for _ in range(2):  # two rounds in random orders: everyone sees everything
        rng.shuffle(order)
        for i in order:
            clients[i].sync()
    expected = codes(apps[0])
    assert len(expected) == 3 * n and len(set(expected)) == 3 * n  # unique codes without a network
    everything = event_ids(apps[0])
    for app in apps[1:]:
        assert codes(app) == expected
        assert event_ids(app) == everything
    assert central_count(central_url) == len(everything)
    assert all(c.waiting() == 0 for c in clients)


def test_a_crash_after_the_central_commit_does_not_double_anything(central_url, counters):
    (app,) = counters(1)
    add_procedure(app)
    app.reception.receive(official_of(app), draft())
    client = SyncClient(app.uow, central_url)
    with app.uow() as uow:  # the push reached the server, the PC died before marking it
        events = [event_from_row(r) for r in uow.session.scalars(select(EventRow).order_by(EventRow.seq))]
    engine = central.connect(central_url)
    with engine.connect() as c:
        first = central.push(c, "000.17.22.H56", events)
    engine.dispose()
    assert first.new == len(events)
    result = client.sync()
    assert result.pushed == 0 and result.acknowledged == len(events) and result.waiting == 0
    assert central_count(central_url) == len(events)


def test_the_same_id_with_other_content_is_quarantined(central_url, counters):
    (app,) = counters(1)
    client = SyncClient(app.uow, central_url)
    client.sync()
    with app.uow() as uow:
        original = event_from_row(uow.session.scalars(select(EventRow).order_by(EventRow.seq)).first())
    forged = Event(id=original.id, counter_id=original.counter_id, seq=original.seq, kind=original.kind,
                   actor="someone-else", device_time=original.device_time, business_time=original.business_time,
                   dossier_id=original.dossier_id, payload=original.payload)
    engine = central.connect(central_url)
    with engine.connect() as c:
        result = central.push(c, "000.17.22.H56", [forged])
        assert result.quarantined == (original.id,) and result.new == 0
        (kept,) = central.quarantined(c)
    engine.dispose()
    assert kept["reason"].startswith("cùng mã sự kiện")
    assert central_count(central_url) == len(event_ids(app))


@pytest.mark.parametrize("change", ["payload = replace(payload, 'Nguyễn', 'Ngô')", "actor = 'someone-else'",
                                    "device_time = device_time + interval '1 microsecond'",
                                    "business_time = replace(business_time, '+07:00', '+08:00')", "seq = seq + 1000",
                                    "dossier_id = gen_random_uuid()"],
                         ids=["payload", "actor", "device_time", "business_time", "seq", "dossier_id"])
def test_an_event_altered_at_the_centre_stops_the_pull_and_nothing_of_it_is_written(central_url, counters, change):
    """Whatever is changed in an event behind the application's back (a payload, who did it,
    when, which dossier), the counter pulling it refuses the batch before writing anything and
    says why; once the event is right again the same pull goes through."""
    a, b = received_and_synced(counters, central_url, 2)
    engine = central.connect(central_url)
    try:
        with engine.begin() as c:
            target = c.scalar(text("SELECT id FROM central_events WHERE kind = 'dossier.received' ORDER BY central_seq "
                                   "LIMIT 1 OFFSET 1"))
            c.execute(text("CREATE TABLE kept AS SELECT * FROM central_events WHERE id = :id"), {"id": target})
            assert c.execute(text(f"UPDATE central_events SET {change} WHERE id = :id"), {"id": target}).rowcount == 1
        client = SyncClient(b.uow, central_url)
        with pytest.raises(central.DamagedEvent, match=f"sự kiện {target} .*sai lệch"):
            b.sync.sync(b.auth.login("admin", PASSWORD), central_url)
        assert str(target) in b.sync.status().last_error and "sai lệch" in b.sync.status().last_error  # in the window
        before = event_ids(b)
        with pytest.raises(central.DamagedEvent):
            client.sync()
        assert event_ids(b) == before and codes(b) == []  # not even the sound events of the batch
        with b.uow() as uow:
            assert uow.session.get(SyncStateRow, "central_cursor") is None
        with engine.begin() as c:  # put back as it was
            c.execute(text("DELETE FROM central_events WHERE id = :id"), {"id": target})
            c.execute(text("INSERT INTO central_events SELECT * FROM kept"))
    finally:
        engine.dispose()
    client.sync()
    assert codes(b) == codes(a) and len(codes(a)) == 2


def test_a_pull_batch_whose_commit_fails_stops_the_sync_and_the_next_one_takes_it_again(central_url, counters,
                                                                                         monkeypatch):
    """A pull batch commits on a thread of its own while the next one is fetched. A commit that
    fails there (a full disk, say) is the sync's error, nothing after that batch is written,
    and the next sync goes on from the last batch that did commit."""
    from oneStop.domain.errors import StorageProblem
    from oneStop.persistence.uow import UnitOfWork

    a, b = received_and_synced(counters, central_url, 6)
    client = SyncClient(b.uow, central_url, batch=5)
    commit, background = UnitOfWork.commit, []

    def failing_second_background_commit(self):  # type: ignore[no-untyped-def]
        if threading.current_thread().name == "onestop-pull-commit":
            background.append(self)
            if len(background) == 2:
                raise StorageProblem("ổ đĩa đầy")
        return commit(self)

    monkeypatch.setattr(UnitOfWork, "commit", failing_second_background_commit)
    with pytest.raises(StorageProblem, match="ổ đĩa đầy"):
        client.sync()
    assert len(background) == 2 and not [t for t in threading.enumerate() if t.name == "onestop-pull-commit"]
    engine = central.connect(central_url)
    try:
        with engine.connect() as c:
            first = central.pull(c, "000.17.22.H56", central.START, 5)  # the batch that did commit
    finally:
        engine.dispose()
    with b.uow() as uow:
        assert tuple(uow.session.get(SyncStateRow, "central_cursor").value) == first[-1].cursor
        mine = uow.counter_id
        pulled = set(uow.session.scalars(select(EventRow.id).where(EventRow.counter_id != mine)))
    assert pulled == {e.event.id for e in first if e.event.counter_id != mine}
    monkeypatch.setattr(UnitOfWork, "commit", commit)
    client.sync()
    SyncClient(a.uow, central_url).sync()  # and the first counter takes the second's own events
    assert codes(b) == codes(a) and len(codes(a)) == 6 and event_ids(b) == event_ids(a)


def test_a_gap_in_a_counters_sequence_is_reported(central_url):
    now = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)

    def event(seq: int) -> Event:
        return Event(id=new_event_id(), counter_id="000.17.22.H56#7", seq=seq, kind="user.logged_in", actor="a",
                     device_time=now, business_time=now, payload={})

    engine = central.connect(central_url)
    with engine.connect() as c:
        central.push(c, "000.17.22.H56", [event(1), event(2)])
        result = central.push(c, "000.17.22.H56", [event(5)])
    engine.dispose()
    assert result.gaps == (("000.17.22.H56#7", 3, 4),)


def burn_transaction_ids_to_just_below_a_power_of_ten(url: str, margin: int) -> int:
    """Move the server's transaction counter to ``margin`` below the next power of ten (e.g.
    9,940), so the test's transactions straddle a change in digit count (9,999 → 10,000), where
    ordering by text instead of by number would go wrong. Subtransactions that write take ids
    fast: 50,000 in about 0.2 s."""
    import psycopg

    with psycopg.connect(url, autocommit=True) as c:
        now = int(c.execute("SELECT pg_current_xact_id()::text").fetchone()[0])
        target = 10 ** len(str(now + margin)) - margin
        c.execute(f"""DO $$ BEGIN CREATE TEMP TABLE burn (x int);
                      FOR i IN 1..{max(0, target - now - 1)} LOOP
                          BEGIN INSERT INTO burn VALUES (i); EXCEPTION WHEN OTHERS THEN NULL; END;
                      END LOOP; END $$""")
        return 10 ** len(str(now + margin))


def test_many_concurrent_pushers_and_a_puller_never_skip_an_event(central_url):
    """Pushers commit in any interleaving (no lock orders them); the puller follows the
    cursor the whole time and must see every event exactly once, in strictly increasing cursor
    order: an event that committed after the cursor had passed its place would be missing."""
    now = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)
    pushers, batches, size = 8, 15, 7
    boundary = burn_transaction_ids_to_just_below_a_power_of_ten(central_url, margin=pushers * batches // 2)
    pushed: set[uuid.UUID] = set()
    lock = threading.Lock()
    done = threading.Event()
    errors: list[BaseException] = []

    def pusher(k: int) -> None:
        engine = central.connect(central_url)
        try:
            with engine.connect() as c:
                seq = 0
                for _ in range(batches):
                    batch = []
                    for _ in range(size):
                        seq += 1
                        batch.append(Event(id=new_event_id(), counter_id=f"000.17.22.H56#{k}", seq=seq,
                                           kind="user.logged_in", actor="a", device_time=now,
                                           business_time=now + timedelta(seconds=seq), payload={"k": k}))
                    central.push(c, "000.17.22.H56", batch)
                    with lock:
                        pushed.update(e.id for e in batch)
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    seen: list[uuid.UUID] = []
    ids: set[uuid.UUID] = set()
    txids: list[int] = []

    def puller() -> None:
        engine = central.connect(central_url)
        cursor = central.START
        try:
            with engine.connect() as c:
                while True:
                    finished = done.is_set()
                    batch = central.pull(c, "000.17.22.H56", cursor, 50)
                    for item in batch:
                        assert item.cursor > cursor, f"went back from {cursor} to {item.cursor}"
                        cursor = item.cursor
                        txids.append(cursor[0])
                        seen.append(item.event.id)
                        ids.add(item.event.id)
                    if finished and not batch:
                        return
        except BaseException as exc:
            errors.append(exc)
        finally:
            engine.dispose()

    threads = [threading.Thread(target=pusher, args=(k,)) for k in range(1, pushers + 1)]
    reader = threading.Thread(target=puller)
    reader.start()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    done.set()
    reader.join(timeout=120)
    assert not errors, errors
    assert ids == pushed and len(seen) == pushers * batches * size
    assert min(txids) < boundary <= max(txids)  # the ids did change their number of digits


def test_sync_from_the_command_line_and_the_usb_stick(central_url, counters, tmp_path, capsys, monkeypatch):
    import json

    from oneStop.cli import main

    first, second = counters(2)
    for app in (first, second):
        add_procedure(app)
        app.reception.receive(official_of(app), draft())
    roots = [first.paths.root, second.paths.root]
    first.close()
    second.close()

    def run(root, *args):  # type: ignore[no-untyped-def]
        code = main(["--data-dir", str(root), *args])
        out, err = capsys.readouterr()
        return code, out, err

    assert run(roots[0], "central", "init", "--url", central_url)[0] == 0  # already at head: a no-op
    # each counter connects with its own role; the offline counter's signing key, read off its
    # PC at set-up (onestop sync key), is registered by the province's administrator
    code, key, _ = run(roots[1], "sync", "key")
    assert code == 0
    code, out, err = run(roots[0], "central", "add-counter", "--url", central_url, "--agency-code", "000.17.22.H56",
                         "--counter", "2", "--public-key", key.strip())
    assert code == 0, err
    urls = [central.add_counter(central_url, "000.17.22.H56", 1), out.strip().splitlines()[-1]]
    # counter 2 has no network: its events go on a USB stick, sealed with the passphrase …
    stick = tmp_path / "usb.jsonl"
    monkeypatch.setenv("ONESTOP_BACKUP_PASSPHRASE", "cụm mật khẩu thật dài")
    code, out, err = run(roots[1], "sync", "export", str(stick))
    assert code == 0, err
    carried_bytes = stick.read_bytes()
    assert b"$argon2" not in carried_bytes and "Hường".encode() not in carried_bytes and b"038190012345" not in carried_bytes
    assert stick.stat().st_mode & 0o077 == 0  # the owner's only
    monkeypatch.setenv("ONESTOP_BACKUP_PASSPHRASE", "không phải cụm này")
    code, out, err = run(roots[0], "sync", "import", str(stick), "--central", urls[0])
    assert code == 1 and "mật khẩu" in err and "không đúng" in err  # a wrong passphrase opens nothing
    monkeypatch.setenv("ONESTOP_BACKUP_PASSPHRASE", "cụm mật khẩu thật dài")
    # … and counter 1 delivers them through its own role, then syncs itself
    code, out, err = run(roots[0], "sync", "import", str(stick), "--central", urls[0])
    assert code == 0 and " mới" in out, err
    code, out, err = run(roots[0], "sync", "import", str(stick), "--central", urls[0])
    assert "0 mới" in out  # idempotent
    engine = central.connect(central_url)
    with engine.connect() as c:  # the centre knows who delivered them
        relayed = c.execute(select(central.cm.events.c.counter_id, central.cm.events.c.relayed_by)).all()
    engine.dispose()
    assert {r for r in relayed if r.counter_id.endswith("#2")} == {("000.17.22.H56#2", "onestop_c_000_17_22_h56_1")}
    code, out, err = run(roots[0], "sync", "--central", urls[0], "--json")
    assert code == 0, err
    result = json.loads(out)
    assert result["waiting"] == 0 and result["pulled"] > 0  # counter 2's events came back down
    code, out, _ = run(roots[0], "sync", "status", "--json")
    status = json.loads(out)
    assert status["waiting"] == 0 and status["online"] and ":" not in status["central_url"].split("@")[0][13:]
    # counter 2, online again: its events are acknowledged, not doubled
    code, out, err = run(roots[1], "sync", "--central", urls[1], "--json")
    assert code == 0 and json.loads(out)["pushed"] == 0 and json.loads(out)["waiting"] == 0
    # a wrong address is reported in words, and the counter keeps working
    code, out, err = run(roots[1], "sync", "--central", "postgresql://x:y@127.0.0.1:1/none", "--json")
    assert code == 1 and "máy chủ trung tâm" in err
    code, out, _ = run(roots[1], "sync", "status", "--json")
    assert json.loads(out)["last_error"] and not json.loads(out)["online"]


def test_each_counter_has_its_own_role_kept_to_its_own_events_and_agency(central_url, counters, capsys):
    from sqlalchemy.exc import DBAPIError

    from oneStop.cli import main

    assert main(["central", "add-counter", "--url", central_url, "--agency-code", "000.17.22.H56",
                 "--counter", "1"]) == 0
    counter_url = capsys.readouterr().out.strip().splitlines()[-1]
    assert counter_url.startswith("postgresql://onestop_c_000_17_22_h56_1:")
    other_url = central.add_counter(central_url, "000.18.33.H15", 1)
    now = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)

    def event(counter_id: str, seq: int = 1) -> Event:
        return Event(id=new_event_id(), counter_id=counter_id, seq=seq, kind="user.logged_in", actor="a",
                     device_time=now, business_time=now, payload={})

    mine, other = central.connect(counter_url), central.connect(other_url)
    try:
        with mine.connect() as c:
            assert central.push(c, "000.17.22.H56", [event("000.17.22.H56#1")]).new == 1
            with pytest.raises(DBAPIError, match="row-level security"):
                central.push(c, "000.17.22.H56", [event("000.17.22.H56#2")])  # another counter's identity
            # relaying a counter of its own agency is allowed, stamped with its role …
            assert central.push(c, "000.17.22.H56", [event("000.17.22.H56#2")], relay=True).new == 1
            # … another agency's never, relayed or not
            with pytest.raises(DBAPIError, match="row-level security"):
                central.push(c, "000.17.22.H56", [event("000.18.33.H15#2")], relay=True)
            with pytest.raises(DBAPIError, match="row-level security"):
                central.push(c, "000.18.33.H15", [event("000.18.33.H15#2")], relay=True)
        with other.connect() as c:
            assert central.push(c, "000.18.33.H15", [event("000.18.33.H15#1")]).new == 1
            assert central.pull(c, "000.17.22.H56", 0) == []  # another agency: invisible
            assert [e.event.counter_id for e in central.pull(c, "000.18.33.H15", 0)] == ["000.18.33.H15#1"]
        with mine.connect() as c:
            assert [e.event.counter_id for e in central.pull(c, "000.17.22.H56", 0)] == ["000.17.22.H56#1",
                                                                                         "000.17.22.H56#2"]
    finally:
        mine.dispose()
        other.dispose()


@pytest.mark.parametrize("column, value", [("txid", "'999999999'::xid8"), ("central_seq", "1"),
                                           ("received_at", "now() - interval '1 day'")])
def test_a_counter_cannot_write_what_the_server_fills_in(central_url, column, value):
    """A tampered counter writing its own ``txid`` (which orders every pull: a high one would
    move the agency's cursors past events still being written), central number or arrival
    time is refused; only the event's own columns are its to write."""
    from sqlalchemy.exc import ProgrammingError

    url = central.add_counter(central_url, "000.17.22.H56", 7)
    now = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)
    out = central.prepare([Event(id=new_event_id(), counter_id="000.17.22.H56#7", seq=1, kind="user.logged_in",
                                 actor="a", device_time=now, business_time=now, payload={})])[0]
    row = dict(zip(central._COLUMNS, central._row(out.event, "000.17.22.H56", out.content_hash, None,
                                                   out.payload_json)))
    columns, values = ", ".join(central._COLUMNS), ", ".join(":" + c for c in central._COLUMNS)
    insert = text(f"INSERT INTO central_events ({columns}, {column}) VALUES ({values}, {value})")
    engine = central.connect(url)
    try:
        with engine.connect() as c:
            with pytest.raises(ProgrammingError, match="permission denied"):
                c.execute(insert, row)
            c.rollback()
            with pytest.raises(ProgrammingError, match="permission denied"):
                c.execute(text("INSERT INTO central_quarantine (event_id, counter_id, seq, content_hash, event, "
                               f"reason, {'at' if column == 'received_at' else 'id'}) VALUES (:i, :c, 1, 'h', '{{}}', "
                               f"'r', {'now()' if column == 'received_at' else '1'})"),
                          {"i": out.event.id, "c": out.event.counter_id})
            c.rollback()
            # the same row without the column goes in, numbered and timed by the server
            c.execute(text(f"INSERT INTO central_events ({columns}) VALUES ({values})"), row)
            c.commit()
            assert central.pull(c, "000.17.22.H56")[0].event.id == out.event.id
    finally:
        engine.dispose()


def test_a_counter_cannot_say_another_role_delivered_its_events(central_url):
    from sqlalchemy.exc import DBAPIError

    url = central.add_counter(central_url, "000.17.22.H56", 8)
    now = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)
    event = Event(id=new_event_id(), counter_id="000.17.22.H56#8", seq=1, kind="user.logged_in", actor="a",
                  device_time=now, business_time=now, payload={})
    engine = central.connect(url)
    try:
        with engine.connect() as c:
            out = central.prepare([event])[0]
            row = dict(zip(central._COLUMNS, central._row(event, "000.17.22.H56", out.content_hash,
                                                           "onestop_c_000_17_22_h56_1", out.payload_json)))
            with pytest.raises(DBAPIError, match="row-level security"):
                c.execute(central.cm.events.insert(), row)
            c.rollback()
            assert central.push(c, "000.17.22.H56", [event], relay=True).new == 1  # stamped with itself: fine
    finally:
        engine.dispose()


def test_a_wrong_clock_stops_new_dossier_codes_until_it_is_right(central_url, counters, clock):
    from oneStop.services.reception import ClockWrong

    (app,) = counters(1)
    add_procedure(app)
    user = official_of(app)
    clock.now = datetime.now(UTC) + timedelta(minutes=12)  # this PC runs 12 minutes fast
    app.sync.sync(app.auth.login("admin", PASSWORD), central_url)
    with pytest.raises(ClockWrong, match="nhanh 12 phút"):
        app.reception.receive(user, draft())
    clock.now = datetime.now(UTC)  # set right, synced again: codes flow
    app.sync.sync(app.auth.login("admin", PASSWORD))
    app.reception.receive(user, draft())
    clock.advance(hours=-2)  # the clock jumps back before the counter's own last event
    with pytest.raises(ClockWrong, match="lùi về trước"):
        app.reception.receive(user, draft())


def test_contradictory_facts_are_kept_flagged_and_settled_by_a_supervisor(central_url, counters):
    from oneStop.domain.lifecycle import Transition

    first, second = counters(2)
    add_procedure(first)
    add_procedure(second)
    one, two = official_of(first), official_of(second)
    d = first.reception.receive(one, draft())
    a, b = SyncClient(first.uow, central_url), SyncClient(second.uow, central_url)
    a.sync()
    b.sync()
    # offline, both counters hand the same result out
    for app, user in ((first, one), (second, two)):
        app.lifecycle.transition(user, d.code, Transition.RESULT_READY, {})
        app.lifecycle.transition(user, d.code, Transition.RETURNED, {"collected_by": user.full_name})
    a.sync()
    b.sync()
    a.sync()
    for app in (first, second):
        admin = app.auth.login("admin", PASSWORD)
        (flagged,) = app.dossiers.conflicts(admin)
        assert flagged.code == d.code and flagged.conflicts >= 1
        kinds = [e.kind for e in app.dossiers.show(admin, d.code).events]
        assert kinds.count("dossier.returned") == 2  # both facts kept
    first.dossiers.resolve_conflict(first.auth.login("admin", PASSWORD), d.code, "Chỉ quầy 1 trả thật; quầy 2 ghi nhầm")
    a.sync()
    b.sync()
    assert second.dossiers.conflicts(second.auth.login("admin", PASSWORD)) == []


def test_counts_are_compared_with_the_centre_after_each_sync(central_url, counters):
    (app,) = counters(1)
    add_procedure(app)
    app.reception.receive(official_of(app), draft())
    client = SyncClient(app.uow, central_url)
    assert client.sync().mismatches == ()
    # a dossier event the centre has but this PC lost (say, restored from an old backup)
    with app.uow(write=True) as uow:
        from sqlalchemy import delete

        lost = uow.session.scalar(select(EventRow.id).where(EventRow.kind == "dossier.received"))
        uow.session.execute(delete(EventRow).where(EventRow.id == lost))
        uow.commit()
    (mismatch,) = client.sync().mismatches
    assert mismatch["local"] == 0 and mismatch["central"] == 1


def test_reference_data_reaches_every_counter(central_url, counters, clock):
    from datetime import date

    from oneStop import settings as S
    from oneStop.domain.models import Procedure

    first, second = counters(2)
    admin = first.auth.login("admin", PASSWORD)
    first.auth.add_user(admin, "lan.pt", "Phạm Thị Lan", Role.OFFICIAL, "mat-khau-cua-lan")
    first.calendar.set_override(admin, date(2026, 12, 31), "off", "Nghỉ bù theo quyết định của tỉnh")
    first.settings.set(admin, S.TARGET_POSTAL_OUT, 30)
    first.settings.set(admin, S.PRINTER, "Máy in quầy 1")  # this PC's own: must not travel
    first.handover.save_postal_unit(admin, "BC-QP", "Bưu cục Quảng Phú", phone="02373000000")
    first.profiles.publish(admin, {"id": "nd118-2025", "name": "Nghị định 118/2025/NĐ-CP",
                                   "effective_from": "2026-11-01",
                                   "forms": {"receipt": {"number": "Mẫu số 01a", "title": "GIẤY TIẾP NHẬN (MỚI)"}}})
    assert second.profiles.for_day(date(2026, 11, 23)).id == "tt03-2025"  # read before the sync
    clock.now = datetime.now(UTC)  # the PCs' clocks agree with the server's: codes may be issued
    with first.uow(write=True) as uow:
        first.catalog.store(uow, [Procedure("9.888001", "Thủ tục mới của tỉnh", "Tư pháp", "UBND xã", 3)],
                            actor="admin", source="test")
        uow.commit()
    assert second.calendar.calendar().is_working_day(date(2026, 12, 31))  # cached before the sync
    SyncClient(first.uow, central_url).sync()
    second.sync.sync(second.auth.login("admin", PASSWORD), central_url)
    # the official created on counter 1 signs in on counter 2, offline from now on
    assert second.auth.login("lan.pt", "mat-khau-cua-lan").full_name == "Phạm Thị Lan"
    assert not second.calendar.calendar().is_working_day(date(2026, 12, 31))
    assert second.settings.get(S.TARGET_POSTAL_OUT) == 30
    assert second.settings.get(S.PRINTER) != "Máy in quầy 1"
    assert [u.code for u in second.handover.postal_units()] == ["BC-QP"]
    assert second.catalog.get("9.888001").name == "Thủ tục mới của tỉnh"
    # the profile published on counter 1 governs what counter 2 receives from now on
    add_procedure(second)
    received = second.reception.receive(official_of(second), draft())
    assert received.profile_id == "nd118-2025"


def test_a_supervisor_reads_its_agencies_and_writes_nothing(central_url, counters, capsys):
    from sqlalchemy.exc import DBAPIError

    from oneStop.cli import main

    (app,) = counters(1)
    SyncClient(app.uow, central_url).sync()
    assert main(["central", "add-supervisor", "--url", central_url, "--name", "ld_quangphu",
                 "--agency-code", "000.17.22.H56"]) == 0
    url = capsys.readouterr().out.strip().splitlines()[-1]
    elsewhere = central.add_supervisor(central_url, "ld_khac", ["000.18.33.H15"])
    engine, other = central.connect(url), central.connect(elsewhere)
    try:
        with engine.connect() as c:
            seen = central.pull(c, "000.17.22.H56", 0)
            # everything of its agency but the users' password hashes, which a supervisor needs not
            with app.uow() as uow:
                expected = set(uow.session.scalars(select(EventRow.id).where(
                    EventRow.kind.not_in(["user.created", "user.updated"]))))
            assert {e.event.id for e in seen} == expected and len(expected) < len(event_ids(app))
            new = dataclasses.replace(seen[0].event, id=new_event_id(), seq=10_000)
            with pytest.raises(DBAPIError, match="permission denied"):
                central.push(c, "000.17.22.H56", [new])
        with other.connect() as c:
            assert central.pull(c, "000.17.22.H56", 0) == []
    finally:
        engine.dispose()
        other.dispose()


def test_a_usb_file_of_another_agency_is_refused_before_connecting(counters, tmp_path):
    from oneStop.domain.errors import ValidationError

    (app,) = counters(1)
    add_procedure(app)
    app.reception.receive(official_of(app), draft())
    stick = tmp_path / "usb.jsonl"
    admin = app.auth.login("admin", PASSWORD)
    secret = "cụm mật khẩu thật dài"
    assert app.sync.export_waiting(admin, stick, secret) > 0
    plain = sealed.unseal(stick, tmp_path / "plain.jsonl", secret)
    header, *body = plain.read_text(encoding="utf-8").splitlines()
    plain.write_text("\n".join([header.replace("000.17.22.H56", "000.18.33.H15"), *body]) + "\n", encoding="utf-8")
    sealed.seal(plain, stick, secret)
    with pytest.raises(ValidationError, match="cơ quan «000.18.33.H15»"):
        app.sync.import_file(admin, stick, secret, "postgresql://nobody@127.0.0.1:1/none")
    with pytest.raises(ValidationError, match="không phải tệp sự kiện đã khóa"):  # a plain file is not taken
        app.sync.import_file(admin, plain, secret, "postgresql://nobody@127.0.0.1:1/none")
    for role in (Role.SUPERVISOR, Role.POSTAL, Role.OFFICIAL):  # only an administrator carries the data off
        user = app.auth.add_user(admin, f"u_{role.value}", "Người Dùng", role, PASSWORD)
        with pytest.raises(PermissionDenied):
            app.sync.export_waiting(user, tmp_path / f"{role.value}.jsonl", secret)
        assert not (tmp_path / f"{role.value}.jsonl").exists()


def test_each_dossier_says_whether_all_of_it_reached_the_centre(central_url, counters):
    from oneStop.domain.lifecycle import Transition

    (app,) = counters(1)
    add_procedure(app)
    user = official_of(app)
    dossier = app.reception.receive(user, draft())

    def synced() -> bool:
        (found,) = app.dossiers.find(user, dossier.code)
        assert app.dossiers.show(user, dossier.code).dossier.synced == found.synced
        return found.synced

    assert not synced()
    SyncClient(app.uow, central_url).sync()
    assert synced()
    app.lifecycle.transition(user, dossier.code, Transition.TRANSFERRED, {"to_agency": "Phòng Tư pháp"})
    assert not synced()  # its latest step is still only here
    SyncClient(app.uow, central_url).sync()
    assert synced()


def test_pulling_event_by_event_projects_as_a_rebuild_would_even_with_local_steps_between(central_url, counters,
                                                                                        monkeypatch):
    """The pull folds each batch into the dossiers it projected a batch earlier; a step taken on
    this PC between two batches must not be lost from the projection."""
    from oneStop.domain.events import Kind, project
    from oneStop.domain.lifecycle import Transition
    from oneStop.persistence.mapping import dossier_from_row

    first, second = counters(2)
    add_procedure(first)
    user = official_of(first)
    dossier = first.reception.receive(user, draft())
    for step, payload in ((Transition.TRANSFERRED, {"to_agency": "Phòng Tư pháp"}), (Transition.RESULT_RECEIVED, {})):
        first.lifecycle.transition(user, dossier.code, step, payload)
    SyncClient(first.uow, central_url).sync()

    here = official_of(second)
    real_pull = central.pull
    state = {"received": False, "reprinted": False}

    def pull_then_act(connection, agency, after, limit):  # type: ignore[no-untyped-def]
        if state["received"] and not state["reprinted"]:  # the reception is projected here now
            second.printing.receipt(here, dossier.code)  # an official reprints it between two batches
            state["reprinted"] = True
        batch = real_pull(connection, agency, after, limit)
        state["received"] |= any(i.event.kind == Kind.DOSSIER_RECEIVED for i in batch)
        return batch

    monkeypatch.setattr(central, "pull", pull_then_act)
    SyncClient(second.uow, central_url, batch=1).sync()
    assert state["reprinted"]
    with second.uow() as uow:
        row = uow.session.scalars(select(DossierRow).where(DossierRow.code == dossier.code)).one()
        stored = dossier_from_row(row)
        events = [event_from_row(r) for r in uow.session.scalars(select(EventRow).where(EventRow.dossier_id == row.id))]
    rebuilt = project(events)
    assert len(events) == 4 and stored == dataclasses.replace(rebuilt, synced=False)
    assert stored.result_at is not None and stored.print_count + stored.reprint_count == 1


def test_a_running_older_transaction_holds_the_pull_back_and_the_sync_waits_for_it(central_url, counters):
    """Events committed behind a transaction that is still running are not handed out yet (it
    could still add events before them); the sync waits a moment and then takes them."""
    import psycopg

    (app,) = counters(1)
    admin_url = central_url
    older = psycopg.connect(admin_url)
    older.execute("SELECT pg_current_xact_id()")  # a transaction with an id, still open
    now = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)
    events = [Event(id=new_event_id(), counter_id="000.17.22.H56#7", seq=k, kind="user.logged_in", actor="admin",
                    device_time=now, business_time=now) for k in (1, 2, 3)]
    engine = central.connect(admin_url)
    try:
        with engine.connect() as c:
            assert central.push(c, "000.17.22.H56", events).new == 3
            assert central.pull(c, "000.17.22.H56", central.START) == []
            assert central.held_back(c, "000.17.22.H56", central.START)
        timer = threading.Timer(0.5, older.commit)
        timer.start()
        result = SyncClient(app.uow, admin_url).sync()
        timer.join()
        assert result.pulled == 3
        with engine.connect() as c:
            assert not central.held_back(c, "000.17.22.H56", central.START)
    finally:
        older.close()
        engine.dispose()


def test_a_pull_walks_the_index_in_order_even_before_statistics_exist(central_url):
    """Right after a large push the table has no statistics; a pull must still read its
    batch straight off the (agency, txid, central_seq) index and stop at the limit, not fetch
    and sort everything after the cursor each time (a pull of n events would cost n²)."""
    now = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)
    url = central.add_counter(central_url, "000.17.22.H56", 9)
    events = [Event(id=new_event_id(), counter_id="000.17.22.H56#9", seq=n, kind="user.logged_in", actor="a",
                    device_time=now, business_time=now, payload={"n": n}) for n in range(1, 3001)]
    engine = central.connect(url)
    try:
        with engine.connect() as c:
            assert central.push(c, "000.17.22.H56", events).new == 3000
            pulled, after = [], central.START
            while batch := central.pull(c, "000.17.22.H56", after, 1000):
                pulled.extend(batch)
                after = batch[-1].cursor
            assert [e.event.seq for e in pulled if e.event.counter_id.endswith("#9")] == list(range(1, 3001))
            # the statement a pull runs, planned the way a pull plans it
            with c.begin():
                c.exec_driver_sql("SET LOCAL enable_sort = off")
                sql = central._PULL.replace("%(agency)s", "'000.17.22.H56'").replace("%(txid)s", "'0'") \
                    .replace("%(seq)s", "0").replace("%(limit)s", "1000")
                plan = "\n".join(r[0] for r in c.exec_driver_sql("EXPLAIN " + sql))
    finally:
        engine.dispose()
    assert "ix_central_events_agency_txid" in plan and "Sort" not in plan, plan


def test_the_central_schema_upgrades_with_its_events_and_goes_back(postgres):
    """c0005 → head keeps every event and its numbers, pulls and pushes go on; downgrading
    to c0005 and upgrading again works too."""
    import uuid as uuid_module

    from tests.conftest import _with_database, migrate_central

    name = f"central_{uuid_module.uuid4().hex[:12]}"
    postgres.psql(f"CREATE DATABASE {name};")
    url = _with_database(postgres.get_uri(), name)

    def migrate(verb: str, revision: str) -> None:
        migrate_central(url, verb, revision)

    now = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)

    def events(first: int, n: int) -> list[Event]:
        return [Event(id=new_event_id(), counter_id="000.17.22.H56#3", seq=s, kind="user.logged_in", actor="a",
                      device_time=now, business_time=now, payload={"s": s}) for s in range(first, first + n)]

    migrate("upgrade", "c0005")
    old = events(1, 5)
    engine = central.connect(url)  # the superuser pushes here: RLS does not stop it
    with engine.connect() as c:
        c.execute(central.cm.events.insert(), [dict(zip(central._COLUMNS[:-1],  # no signature before c0009
                                                        central._row(o.event, "000.17.22.H56", o.content_hash, None)))
                                              for o in central.prepare(old)])
        c.commit()
        before = dict(c.execute(text("SELECT id, central_seq FROM central_events")).all())
    engine.dispose()
    central.init_central(url)  # to head
    counter = central.connect(central.add_counter(url, "000.17.22.H56", 3))
    try:
        with counter.connect() as c:
            again = central.push(c, "000.17.22.H56", old + events(6, 3))
            assert again.new == 3 and {i: again.acknowledged[i] for i in before} == before
            assert [e.event.seq for e in central.pull(c, "000.17.22.H56")] == [1, 2, 3, 4, 5, 6, 7, 8]
    finally:
        counter.dispose()
    migrate("downgrade", "c0005")
    central.init_central(url)
    engine = central.connect(url)
    with engine.connect() as c:
        assert c.scalar(text("SELECT count(*) FROM central_events")) == 8
    engine.dispose()


def test_after_the_central_database_lost_events_a_counter_sends_all_of_its_own_again(central_url, counters, capsys):
    """A central database restored to an earlier point has lost events the counter believes
    sent; ``onestop sync --resend-all`` (administrator) sends them all again: the lost ones
    come back, the kept ones are acknowledged, nothing doubles, and it leaves an event."""
    from oneStop.cli import main
    from oneStop.domain.errors import PermissionDenied

    (app,) = counters(1)
    add_procedure(app)
    official = official_of(app)
    for _ in range(3):
        app.reception.receive(official, draft())
    url = central.add_counter(central_url, "000.17.22.H56", 1)
    SyncClient(app.uow, url).sync()
    mine = event_ids(app)
    assert central_count(central_url) == len(mine)
    engine = central.connect(central_url)  # the restore: the last reception's events are gone
    with engine.begin() as c:
        lost = c.execute(text("DELETE FROM central_events WHERE id IN (SELECT id FROM central_events "
                              "ORDER BY seq DESC LIMIT 3) RETURNING id")).scalars().all()
    engine.dispose()
    assert len(lost) == 3 and app.sync.status().waiting == 0  # the counter cannot know
    with pytest.raises(PermissionDenied):
        app.sync.resend_all(official)
    root = app.paths.root
    app.close()
    assert main(["--data-dir", str(root), "sync", "--central", url, "--user", "admin", "--resend-all"]) == 0
    out = capsys.readouterr().out
    assert f"Đánh dấu gửi lại {len(mine) + 1} sự kiện" in out and "Đã gửi 4," in out  # 3 lost + the resend event
    engine = central.connect(central_url)
    with engine.connect() as c:
        rows = c.execute(select(central.cm.events.c.id, central.cm.events.c.kind)).all()
    engine.dispose()
    assert len(rows) == len({r.id for r in rows}) == len(mine) + 1
    assert {r.id for r in rows} >= mine and [r.kind for r in rows if r.id not in mine] == ["sync.resend"]


def test_after_a_restore_the_next_sync_brings_back_what_the_counter_sent_since_the_copy(central_url, counters, tmp_path):
    """Restoring last night's copy loses today's dossiers on this PC, but those it sent are in
    the central database: the next sync takes them back (and only then; at any other time a
    counter never re-creates its own history from the centre), and new numbers go on after them."""
    from oneStop.persistence.models import SyncStateRow
    from oneStop.sync.client import RECOVER_OWN

    (app,) = counters(1)
    add_procedure(app)
    official = official_of(app)
    admin = app.auth.login("admin", PASSWORD)
    url = central.add_counter(central_url, "000.17.22.H56", 1)
    first = app.reception.receive(official, draft())
    SyncClient(app.uow, url).sync()
    copy = app.backup.backup(admin, to=tmp_path / "copies", passphrase=BACKUP_PASSPHRASE).path
    later = [app.reception.receive(official, draft()) for _ in range(2)]
    app.lifecycle.transition(official, later[0].code, Transition.TRANSFERRED, {"to_agency": "Phòng Tư pháp"})
    SyncClient(app.uow, url).sync()
    before = event_ids(app)

    app.backup.restore(admin, copy, passphrase=BACKUP_PASSPHRASE)
    assert codes(app) == [first.code]
    result = SyncClient(app.uow, url).sync()
    assert codes(app) == sorted([first.code] + [d.code for d in later])
    assert app.dossiers.get(official, later[0].code).status.value == "in_progress"
    assert event_ids(app) >= before and result.quarantined == 0
    with app.uow() as uow:
        assert uow.session.get(SyncStateRow, RECOVER_OWN) is None  # done: back to the usual rule
    again = app.reception.receive(official, draft())
    assert again.code.endswith("-0004")
    assert SyncClient(app.uow, url).sync().quarantined == 0
    assert central_count(central_url) == len(event_ids(app))


def test_the_day_review_names_every_counter_of_the_agency_after_a_sync(central_url, counters):
    """Counters known only from their pulled events are named by their number, not lumped as 0."""
    apps = counters(3)
    for app in apps:
        add_procedure(app)
        user = official_of(app)
        for _ in range(app.setup.counter().number):
            app.reception.receive(user, draft())
    clients = [SyncClient(app.uow, central_url) for app in apps]
    for client in (*clients, *clients):
        client.sync()
    admin = apps[0].auth.login("admin", PASSWORD)
    supervisor = apps[0].auth.add_user(admin, "gs", "Giám sát", Role.SUPERVISOR, PASSWORD)
    from oneStop.domain.clock import to_local

    day = to_local(apps[0].clock()).date()
    review = apps[0].supervision.day_review(supervisor, day)
    assert [(c.counter, c.received) for c in review.counters] == [(1, 1), (2, 2), (3, 3)]
    assert [(c.counter, c.received) for c in apps[0].supervision.day_review(supervisor, day, counter=2).counters] \
        == [(2, 2)]


def test_a_pulled_payload_is_read_as_json_loads_reads_it() -> None:
    import json

    for text_ in ('{"a":[1,2.5,null,true],"tên":"Nguyễn Thị Đào","z":{"k":"\\u0111"}}', "{}", ' {"a":1}', '{"a":1} '):
        assert central._payload(text_) == json.loads(text_)
    for bad in ('{"a":1} x', '{"a":', ""):
        with pytest.raises(ValueError):
            central._payload(bad)
