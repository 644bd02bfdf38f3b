"""Dossier codes never collide, whatever the administrator does (issue 13, part 2): a change of
the numbers' block takes effect the next day on every counter, a reception time is bounded,
and a number whose code is already held is passed over. Real PostgreSQL between the counters."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlalchemy import select

from oneStop import settings as S
from oneStop.cli import main
from oneStop.domain.clock import VN_TZ, local_date
from oneStop.domain.errors import InvalidFormat, SequenceExhausted
from oneStop.domain.events import Kind, new_event_id
from oneStop.persistence.models import DossierRow, EventRow
from tests.conftest import AGENCY_CODE, PASSWORD
from tests.core.helpers import counts, draft
from tests.sync.test_sync import official_of
from tests.sync.test_trust import pair, set_aside, tamper  # noqa: F401  (pair is a fixture)


def test_a_block_size_changed_on_an_offline_counter_takes_effect_the_next_day_on_every_counter(pair, clock):
    a, b, (ca, cb), _ = pair
    oa, ob = official_of(a), official_of(b)
    first = [a.reception.receive(oa, draft()).code for _ in range(2)]
    assert [c[-4:] for c in first] == ["0001", "0002"]
    # counter 2, offline, narrows every counter's block to one number a day
    change = b.settings.change(b.auth.login("admin", PASSWORD), S.CODE_BLOCK_SIZE, 1)
    today = local_date(clock())
    assert change.takes_effect == today + timedelta(days=1) and change.in_force == 1000
    # today: still its own block of 1000 (at once, counter 2's block would be number 2: counter 1's)
    assert b.reception.receive(ob, draft()).code.endswith("-1001")
    assert b.settings.get(S.CODE_BLOCK_SIZE) == 1000
    assert b.settings.pending() == {S.CODE_BLOCK_SIZE.key: (1, today + timedelta(days=1))}
    cb.sync()
    ca.sync()
    a.settings.invalidate()  # as the sync service does after pulling reference data
    assert a.settings.pending() == {S.CODE_BLOCK_SIZE.key: (1, today + timedelta(days=1))}
    assert a.reception.receive(oa, draft()).code.endswith("-0003")  # counter 1 today: its block unchanged
    clock.advance(days=1)
    tomorrow = f"{AGENCY_CODE}-{today + timedelta(days=1):%y%m%d}-"
    assert a.reception.receive(oa, draft()).code == tomorrow + "0001"
    with pytest.raises(SequenceExhausted):
        a.reception.receive(oa, draft())
    assert b.reception.receive(ob, draft()).code == tomorrow + "0002"
    ca.sync()
    cb.sync()
    assert ca.sync().set_aside == 0 and set_aside(a) == [] and set_aside(b) == []


def test_the_change_says_when_it_takes_effect_and_the_settings_show_it(tmp_path, clock, capsys, monkeypatch):
    data = str(tmp_path / "d")
    monkeypatch.setenv("ONESTOP_PASSWORD", PASSWORD)
    assert main(["--data-dir", data, "setup", "--agency-code", AGENCY_CODE, "--agency-name", "Bộ phận một cửa",
                 "--managing-agency", "UBND xã", "--province", "Thanh Hóa", "--place", "Quảng Phú",
                 "--counter", "1", "--admin", "admin", "--admin-name", "Lê Văn Quản"]) == 0
    capsys.readouterr()
    assert main(["--data-dir", data, "settings", "set", "codes.block_size", "500", "--by", "admin"]) == 0
    out = capsys.readouterr().out
    assert "Có hiệu lực từ ngày" in out and "hôm nay vẫn dùng 1000" in out
    assert main(["--data-dir", data, "settings", "list"]) == 0
    line = next(x for x in capsys.readouterr().out.splitlines() if x.startswith("codes.block_size"))
    assert line.startswith("codes.block_size\t1000 (từ ") and ": 500)" in line
    # a block that leaves an existing counter without numbers is refused, naming the setting
    assert main(["--data-dir", data, "settings", "set", "codes.digits", "4", "--by", "admin"]) == 0
    assert main(["--data-dir", data, "settings", "set", "codes.block_size", "0", "--by", "admin"]) == 1
    assert "Khối số hồ sơ" in capsys.readouterr().err


def test_a_reception_time_long_ago_is_refused_and_a_held_code_is_passed_over(pair, clock):
    a, b, (ca, cb), _ = pair
    oa, ob = official_of(a), official_of(b)
    before = counts(a)
    long_ago = datetime(1926, 12, 4, 9, 0, tzinfo=VN_TZ)  # its code would read …-261204-…
    with pytest.raises(InvalidFormat) as err:
        a.reception.receive(oa, draft(received_at=long_ago))
    assert err.value.field == "received_at" and "30 ngày" in str(err.value)
    assert counts(a) == before
    # the administrator may widen the bound; 40 days back is then accepted
    a.settings.set(a.auth.login("admin", PASSWORD), S.MAX_BACKDATE_DAYS, 60)
    late = a.reception.receive(oa, draft(received_at=clock().astimezone(VN_TZ) - timedelta(days=40)))
    assert late.code.endswith("-0001")
    # counter 2's files edited: a dossier carrying the code counter 1 is about to issue today
    real = b.reception.receive(ob, draft())
    with b.uow() as uow:
        payload = dict(uow.session.scalars(select(EventRow.payload).where(EventRow.kind == Kind.DOSSIER_RECEIVED))
                       .one())
    today = f"{AGENCY_CODE}-{local_date(clock()):%y%m%d}-"
    forged_id = new_event_id()
    payload["code"] = today + "0001"
    tamper(b, Kind.DOSSIER_RECEIVED, ob.username, payload, forged_id)
    cb.sync()
    ca.sync()
    assert {real.code, today + "0001"} <= {d for d in _codes(a)}
    # counter 1 is not stopped by the number it cannot use: it passes over it
    assert a.reception.receive(oa, draft()).code == today + "0002"
    assert a.reception.receive(oa, draft()).code == today + "0003"


def _codes(app) -> list[str]:  # type: ignore[no-untyped-def]
    with app.uow() as uow:
        return list(uow.session.scalars(select(DossierRow.code)))


def test_a_counter_moves_to_a_new_pc_only_when_the_centre_confirms_it(central_url, counters, tmp_path, clock):
    """The old PC's backup restored on a new PC: the new PC takes a new key and issues no code
    until the province's administrator registers that key; its first sync then takes back what
    the old PC sent after the backup, and the old PC can no longer sync."""
    from oneStop.services.app import App
    from oneStop.services.reception import CounterMovePending
    from oneStop.sync import central
    from oneStop.sync.client import KeyMismatch, SyncClient

    (old,) = counters(1)
    from tests.core.helpers import add_procedure

    add_procedure(old)
    url = central.add_counter(central_url, AGENCY_CODE, 1)
    SyncClient(old.uow, url).sync()
    official = official_of(old)
    before = old.reception.receive(official, draft())
    admin = old.auth.login("admin", PASSWORD)
    copy = old.backup.backup(admin, to=old.paths.root / "copies").path
    after = old.reception.receive(official, draft())  # made after the backup, sent to the centre
    SyncClient(old.uow, url).sync()

    new = App(tmp_path / "new-pc", clock=clock)
    try:
        result = new.backup.restore(None, copy)  # a PC not set up: it takes over counter 1
        assert result.took_over is not None and result.took_over.counter == 1
        assert result.public_key == new.sync.public_key() != old.sync.public_key()
        new_official = new.auth.login(official.username, PASSWORD)
        with pytest.raises(CounterMovePending) as err:
            new.reception.receive(new_official, draft())
        assert result.public_key in str(err.value)
        with pytest.raises(KeyMismatch):  # the centre still knows the old PC's key
            SyncClient(new.uow, url).sync()
        # the province's administrator confirms the move
        moved_url = central.add_counter(central_url, AGENCY_CODE, 1, result.public_key)
        SyncClient(new.uow, moved_url).sync()
        assert {before.code, after.code} <= set(_codes(new))  # what the old PC sent came back
        third = new.reception.receive(new_official, draft())
        assert third.code not in {before.code, after.code} and third.code.endswith("-0003")
        with pytest.raises(Exception):  # the old PC's login was renewed away
            SyncClient(old.uow, url).sync()
    finally:
        new.close()
