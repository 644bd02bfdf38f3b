"""The central database holds up against its own users (issue 13, part 4): an abandoned
transaction cannot stop the pulls of every agency, each role reads only what it needs, and
nobody but the owner creates objects. Real PostgreSQL, the roles the program makes."""

from __future__ import annotations

import time
from datetime import UTC, datetime

import psycopg
import pytest
from sqlalchemy.exc import DBAPIError

from oneStop.domain.events import Kind, new_event_id
from oneStop.domain.models import Event
from oneStop.sync import central
from oneStop.sync.client import SyncClient
from tests.conftest import AGENCY_CODE
from tests.core.helpers import add_procedure, draft
from tests.sync.test_sync import official_of

OTHER = "000.18.33.H15"


def plain(url: str) -> str:
    """A SQLAlchemy URL as libpq takes it."""
    return url.replace("postgresql+psycopg://", "postgresql://")


def test_an_abandoned_transaction_delays_the_other_counters_pulls_by_at_most_the_timeout(central_url, counters):
    """A counter whose network dies in the middle of a push leaves its transaction open; until
    it ends, a pull hands out nothing newer (of any agency). The roles' idle timeout ends it."""
    a, b, c = counters(3)
    for app in (a, b, c):
        add_procedure(app)
    urls = [central.add_counter(central_url, AGENCY_CODE, k) for k in (1, 2, 3)]
    assert central.set_timeouts(central_url, idle_seconds=2, statement_seconds=60) == 3
    clients = [SyncClient(app.uow, url) for app, url in zip((a, b, c), urls)]
    for client in clients:
        client.sync()
    # counter 1 starts a push and its network dies: the transaction stays open on the server
    stuck = psycopg.connect(plain(urls[0]))
    stuck.execute("SELECT pg_current_xact_id()")
    stuck.execute("INSERT INTO central_events (id, agency_code, counter_id, seq, kind, actor, device_time, "
                  "business_time, business_date, payload, schema, content_hash) VALUES (gen_random_uuid(), %s, %s, "
                  "999999, 'user.logged_in', 'admin', now(), '2026-11-23T09:00:00+07:00', '2026-11-23', '{}', 1, "
                  "repeat('0', 64))", (AGENCY_CODE, f"{AGENCY_CODE}#1"))
    # counter 2 receives a dossier and syncs; counter 3 pulls it in its next sync
    b.reception.receive(official_of(b), draft())
    clients[1].sync()
    started = time.monotonic()
    result = clients[2].sync()  # waits for held-back events at most client.HORIZON_WAIT (10 s)
    waited = time.monotonic() - started
    assert result.pulled > 0 and result.set_aside == 0  # without the timeout: 0, after 10 s of waiting
    with pytest.raises(psycopg.Error, match="idle-in-transaction"):  # the server ended the abandoned session
        stuck.execute("SELECT 1")
    stuck.close()
    assert waited < 10  # the sync did not run out its whole wait


def test_new_counter_and_supervisor_roles_get_the_timeouts(central_url):
    urls = [central.add_counter(central_url, AGENCY_CODE, 1), central.add_supervisor(central_url, "ld", [AGENCY_CODE])]
    for url in urls:
        with psycopg.connect(plain(url)) as connection:
            shown = {name: connection.execute(f"SHOW {name}").fetchone()[0] for name in central.TIMEOUTS}
        assert shown == {"idle_in_transaction_session_timeout": "1min", "statement_timeout": "5min"}


def test_a_counter_reads_its_own_role_mapping_and_creates_nothing(central_url):
    mine = central.add_counter(central_url, AGENCY_CODE, 1)
    central.add_counter(central_url, AGENCY_CODE, 2)
    central.add_counter(central_url, OTHER, 1)
    with psycopg.connect(plain(mine)) as connection:
        rows = connection.execute("SELECT counter_id FROM central_counter_roles").fetchall()
        assert rows == [(f"{AGENCY_CODE}#1",)]
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            connection.execute("CREATE TABLE public.mine (x int)")


def test_a_supervisor_reads_no_password_hashes_and_only_its_agencies_quarantine(central_url, counters):
    (app,) = counters(1)
    official_of(app)  # a user.created with its Argon2 hash
    SyncClient(app.uow, central_url).sync()
    stamp = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)

    def event(counter: str) -> Event:
        return Event(id=new_event_id(), counter_id=counter, seq=1, kind=Kind.USER_LOGGED_IN, actor="admin",
                     device_time=stamp, business_time=stamp)

    engine = central.connect(central_url)
    with engine.connect() as c:  # a conflicting event of each agency: both end in the quarantine
        for agency in (AGENCY_CODE, OTHER):
            central.push(c, agency, [event(f"{agency}#5")])
            assert central.push(c, agency, [event(f"{agency}#5")]).quarantined
    engine.dispose()
    url = central.add_supervisor(central_url, "ld_quangphu", [AGENCY_CODE])
    with psycopg.connect(plain(url)) as connection:
        kinds = {k for (k,) in connection.execute("SELECT DISTINCT kind FROM central_events")}
        assert Kind.USER_CREATED not in kinds and Kind.DOSSIER_RECEIVED not in kinds and kinds
        assert "argon2" not in "".join(p for (p,) in connection.execute("SELECT payload FROM central_events"))
        quarantined = {c for (c,) in connection.execute("SELECT counter_id FROM central_quarantine")}
        assert quarantined == {f"{AGENCY_CODE}#5"}
        assert connection.execute("SELECT count(*) FROM central_supervisor_roles").fetchone()[0] == 1


def test_another_agencys_counter_cannot_put_a_reception_into_a_shared_agencys_stream(central_url, counters):
    url = central.add_counter(central_url, OTHER, 1)
    central.share(central_url, AGENCY_CODE, [OTHER])
    stamp = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)
    step = Event(id=new_event_id(), counter_id=f"{OTHER}#1", seq=1, kind="dossier.transferred", actor="cb",
                 device_time=stamp, business_time=stamp, dossier_id=new_event_id(), payload={"to_agency": "X"})
    reception = Event(id=new_event_id(), counter_id=f"{OTHER}#1", seq=2, kind=Kind.DOSSIER_RECEIVED, actor="cb",
                      device_time=stamp, business_time=stamp, dossier_id=new_event_id(), payload={})
    engine = central.connect(url)
    try:
        with engine.connect() as c:
            assert central.push(c, AGENCY_CODE, central.prepare([step])).new == 1  # a step on a shared dossier
            with pytest.raises(DBAPIError, match="row-level security"):
                central.push(c, AGENCY_CODE, central.prepare([reception]))
    finally:
        engine.dispose()
