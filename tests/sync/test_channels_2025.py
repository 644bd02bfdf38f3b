"""The 2025 catalog and reception travel between counters (issue 15): a catalog with fees per
channel, documents taken from data and a cross-boundary date, and dossiers filed through VNeID or
online at the counter, are applied on the other counter as they were written; a reception naming
a channel the program does not know is set aside. Real PostgreSQL, each counter with its own
database role under row-level security."""

from __future__ import annotations

from dataclasses import replace

from sqlalchemy import select

from oneStop.domain.events import Kind
from oneStop.domain.models import Channel
from oneStop.persistence.models import DossierRow, EventRow
from oneStop.services.catalog_io import write_catalog_xlsx
from tests.conftest import PASSWORD
from tests.core.helpers import draft
from tests.core.test_reception_2025 import PROCEDURE
from tests.sync.test_sync import official_of
from tests.sync.test_trust import pair, set_aside, tamper  # noqa: F401 (a fixture)


def test_the_new_catalog_columns_and_channels_reach_the_other_counter_and_an_unknown_channel_is_set_aside(
        pair, tmp_path):  # noqa: F811
    a, b, (ca, cb), _ = pair
    path = tmp_path / "danh_muc.xlsx"
    path.write_bytes(write_catalog_xlsx([PROCEDURE]))
    assert a.catalog.import_file(a.auth.login("admin", PASSWORD), path).ok
    official = official_of(a)
    by_vneid = a.reception.receive(official, draft(procedure_code=PROCEDURE.code, channel=Channel.VNEID,
                                                   cross_boundary=True))
    assisted = a.reception.receive(official, draft(procedure_code=PROCEDURE.code, channel=Channel.ASSISTED))
    assert (by_vneid.fee, assisted.fee) == (20_000, 25_000)

    ca.sync()
    assert cb.sync().set_aside == 0
    assert b.catalog.get(PROCEDURE.code) == PROCEDURE
    reader = official_of(b)
    for dossier in (by_vneid, assisted):
        there = b.dossiers.get(reader, dossier.code)
        assert (there.channel, there.fee, there.fee_collected, there.cross_boundary, there.documents) == (
            dossier.channel, dossier.fee, dossier.fee_collected, dossier.cross_boundary, dossier.documents)
    assert [d.from_data for d in b.dossiers.get(reader, by_vneid.code).documents] == [False, True]

    # a reception with a channel no counter knows: set aside on the other, the rest goes on
    with a.uow() as uow:
        payload = dict(uow.session.scalar(select(EventRow.payload).where(
            EventRow.dossier_id == assisted.id, EventRow.kind == Kind.DOSSIER_RECEIVED)))
    from oneStop.domain.events import new_event_id

    forged_id = new_event_id()
    payload.update(code=assisted.code[:-4] + "0900", register_number=900, channel="zalo")
    tamper(a, Kind.DOSSIER_RECEIVED, official.username, payload, dossier_id=forged_id)
    after = a.reception.receive(official, draft(procedure_code=PROCEDURE.code, channel=Channel.ONLINE))
    ca.sync()
    assert cb.sync().set_aside == 1
    (kept,) = set_aside(b)
    assert (kept.kind, kept.problem, kept.field) == (Kind.DOSSIER_RECEIVED, "payload", "channel")
    with b.uow() as uow:
        assert uow.session.get(DossierRow, forged_id) is None
        assert uow.session.scalar(select(DossierRow.channel).where(DossierRow.code == after.code)) == "online"
    assert replace(b.dossiers.get(reader, after.code), synced=False).fee == 25_000
