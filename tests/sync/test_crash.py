"""Crash safety with real process kills and a real server restart: whatever point a sync is
cut at, syncing again ends with exactly the same data on both sides."""

from __future__ import annotations

import os
import random
import subprocess
import sys
import time
from pathlib import Path

from sqlalchemy import func, select

from oneStop.persistence.models import EventRow
from oneStop.services.app import App
from oneStop.sync.client import SyncClient
from tests.core.helpers import add_procedure, draft
from tests.sync.test_sync import central_count, event_ids, official_of

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = """
import sys
from pathlib import Path
from oneStop.services.app import App
from oneStop.sync.client import SyncClient
app = App(Path(sys.argv[1]))
print("ready", flush=True)
SyncClient(app.uow, sys.argv[2], batch=int(sys.argv[3])).sync()
print("done", flush=True)
"""


def _start_sync(root: Path, url: str, batch: int) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    process = subprocess.Popen([sys.executable, "-c", SCRIPT, str(root), url, str(batch)], stdout=subprocess.PIPE,
                               stderr=subprocess.DEVNULL, text=True, env=env)
    assert process.stdout is not None
    assert process.stdout.readline().strip() == "ready"
    return process


def _busy_counters(counters, n_dossiers: int = 40):  # type: ignore[no-untyped-def]
    first, second = counters(2)
    for app in (first, second):
        add_procedure(app)
        user = official_of(app)
        for _ in range(n_dossiers):
            app.reception.receive(user, draft())
    return first, second


def _assert_converged(central_url: str, *apps: App) -> None:
    clients = [SyncClient(app.uow, central_url) for app in apps]
    for client in clients + clients:
        client.sync()
    everything = event_ids(apps[0])
    for app in apps:
        assert event_ids(app) == everything
        with app.uow() as uow:
            assert uow.session.scalar(select(func.count()).select_from(EventRow).where(
                EventRow.central_seq.is_(None))) == 0
    assert central_count(central_url) == len(everything)  # each event exactly once


def test_killing_the_program_at_any_point_of_a_sync_loses_and_doubles_nothing(central_url, counters):
    first, second = _busy_counters(counters)
    SyncClient(second.uow, central_url).sync()  # so that the killed syncs also pull
    root = first.paths.root
    first.close()
    rng = random.Random(2026)
    finished = 0
    for _ in range(8):
        process = _start_sync(root, central_url, batch=7)
        time.sleep(rng.uniform(0.0, 0.35))
        process.kill()
        finished += process.wait() == 0
    assert finished < 8, "no kill landed inside a sync: the test proves nothing"
    reopened = App(root)
    try:
        _assert_converged(central_url, reopened, second)
    finally:
        reopened.close()


def test_a_server_restart_in_the_middle_of_a_sync(central_url, counters, postgres):
    import pgserver

    first, second = _busy_counters(counters)
    root = first.paths.root
    first.close()
    process = _start_sync(root, central_url, batch=5)
    time.sleep(0.15)
    pgserver.pg_ctl(["-w", "restart", "-m", "immediate"], pgdata=postgres.pgdata, user=postgres.system_user)
    process.wait(timeout=60)
    reopened = App(root)
    try:
        _assert_converged(central_url, reopened, second)
    finally:
        reopened.close()
