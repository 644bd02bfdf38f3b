"""Generate a realistic local database of N dossiers for the benchmarks (cached on disk).

Dossiers are spread over nine counters of one agency and the 400 business days before today.
Each lives a realistic life, about eight events: received (the full snapshot), receipt printed,
sometimes reprinted, opened by officials, transferred to the processing agency, sometimes asked
for supplements, result received back and returned (by post for some), the control sheet
printed. Recent dossiers are still in progress. The projection is computed from the events by
the real domain code; everything is written with SQLAlchemy Core ``executemany`` in batches.
"""

from __future__ import annotations

import hashlib
import random
import shutil
import sys
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PASSWORD = "bench-password-1"
AGENCY = "000.17.22.H56"
COUNTERS = 9
DAYS = 400
BATCH = 20_000

FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô"]
MIDDLE = ["Văn", "Thị", "Đức", "Minh", "Ngọc", "Thanh", "Hữu", "Quang", "Thu", "Xuân"]
GIVEN = ["An", "Bình", "Cường", "Dũng", "Giang", "Hà", "Hải", "Hường", "Khánh", "Lan", "Linh", "Nam", "Phúc", "Quân", "Sơn", "Trang", "Tú", "Yến"]


def ensure_database(folder: Path, dossiers: int) -> Path:
    marker = folder / "complete"
    if marker.exists():
        return folder
    if folder.exists():
        shutil.rmtree(folder)
    generate(folder, dossiers)
    marker.write_text(str(dossiers))
    return folder


def _life(rng: random.Random, days: int) -> list:  # type: ignore[type-arg]
    """The transitions one dossier goes through after reception (some stop early)."""
    from oneStop.domain.lifecycle import Transition as T

    steps: list = []  # type: ignore[type-arg]
    if rng.random() < 0.02:
        return [(T.REFUSED, {"reason": "Không đủ điều kiện"})]
    if rng.random() < 0.9:
        steps.append((T.TRANSFERRED, {"to_agency": "Công chức chuyên môn", "from_agency": "Bộ phận Một cửa"}))
    if rng.random() < 0.25:
        steps.append((T.SUPPLEMENT_REQUESTED, {"reason": "Thiếu giấy tờ",
                                               "documents": [{"name": "Giấy tờ bổ sung", "form": "ban_chinh", "count": 1}]}))
        if rng.random() < 0.03:
            return steps + [(T.WITHDRAWN, {"reason": "Công dân rút hồ sơ"})]
        steps.append((T.SUPPLEMENT_RECEIVED, {}))
    steps.append((T.RESULT_RECEIVED, {}) if steps and steps[0][0] is T.TRANSFERRED else (T.RESULT_READY, {}))
    method = "post" if rng.random() < 0.2 else "counter"
    steps.append((T.RETURNED, {"method": method} if method == "post" else {"method": method, "collected_by": "Người nhận"}))
    return steps


def generate(folder: Path, dossiers: int, seed: int = 7) -> None:
    from sqlalchemy import insert, update

    from dataclasses import replace

    from oneStop.domain import lifecycle
    from oneStop.domain.clock import VN_TZ, local_date, to_utc
    from oneStop.domain.events import Kind, dossier_to_payload
    from oneStop.domain.models import Applicant, Channel, Dossier, DossierStatus, ProcedureSnapshot, ReceivedDocument, ReturnMethod, Role
    from oneStop.domain.text import search_key
    from oneStop.persistence.mapping import _dossier_columns
    from oneStop.persistence.models import CounterRow, DossierRow, EventRow, RegisterSequenceRow
    from oneStop.persistence.types import dumps
    from oneStop.services.app import App
    from oneStop.services.setup import SetupRequest

    rng = random.Random(seed)
    app = App(folder)
    admin = app.setup.set_up(SetupRequest(
        agency_code=AGENCY, agency_name="Bộ phận tiếp nhận và trả kết quả xã Quảng Phú",
        managing_agency="UBND xã Quảng Phú", province="Thanh Hóa", counter=1,
        admin_username="admin", admin_full_name="Quản trị", admin_password=PASSWORD,
    ))
    app.auth.add_user(admin, "bench", "Cán bộ Đo Đạc", Role.OFFICIAL, PASSWORD)
    procedures = app.catalog.all()
    today = datetime.now(VN_TZ).date()
    days = [today - timedelta(days=k) for k in range(DAYS * 2, 0, -1)]
    days = [d for d in days if d.weekday() < 5][-DAYS:]
    per_day_counter = dossiers // (len(days) * COUNTERS) + 1

    now = datetime.now(UTC)
    now_local = now.astimezone(VN_TZ)
    calendar = app.calendar.calendar()
    seqs = {k: 0 for k in range(1, COUNTERS + 1)}
    with app.uow() as uow:
        seqs[1] = uow.session.get(CounterRow, f"{AGENCY}#1").last_seq  # setup's own events
    with app.db.writer.begin() as conn:
        for k in range(2, COUNTERS + 1):
            conn.execute(insert(CounterRow).values(id=f"{AGENCY}#{k}", agency_code=AGENCY, number=k,
                                                   is_local=False, last_seq=0))
    made = 0
    dossier_rows: list[dict] = []
    event_rows: list[dict] = []

    def flush() -> None:
        with app.db.writer.begin() as conn:
            conn.execute(insert(DossierRow), dossier_rows)
            conn.execute(insert(EventRow), event_rows)
        dossier_rows.clear()
        event_rows.clear()

    register: dict[tuple[int, str], int] = {}
    for day in days:
        for counter in range(1, COUNTERS + 1):
            for n in range(per_day_counter):
                if made >= dossiers:
                    break
                made += 1
                p = rng.choice(procedures)
                received = datetime(day.year, day.month, day.day, 7, 30, tzinfo=VN_TZ) + timedelta(minutes=rng.randrange(0, 560))
                name = f"{rng.choice(FAMILY)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}"
                volume = str(day.year)
                register[(counter, volume)] = register.get((counter, volume), 0) + 1
                d = Dossier(
                    id=uuid.UUID(int=rng.getrandbits(128)),
                    code=f"{AGENCY}-{day:%y%m%d}-{(counter - 1) * 1000 + n + 1:04d}",
                    agency_code=AGENCY, counter=counter,
                    procedure=ProcedureSnapshot(p.code, p.name, p.field, p.agency, p.processing_days, p.processing_hours),
                    applicant=Applicant(name=name, citizen_id=f"038{rng.randrange(0, 2)}{rng.randrange(10**7, 10**8)}",
                                        phone=f"09{rng.randrange(10**7, 10**8)}", address=f"Thôn {rng.randrange(1, 20)}, xã Quảng Phú"),
                    owner=None, channel=rng.choice([Channel.DIRECT] * 18 + [Channel.POSTAL, Channel.ONLINE]),
                    sets=1, documents=tuple(ReceivedDocument(x.name, x.form, x.count) for x in p.documents),
                    fee=p.fee, return_method=ReturnMethod.POST if rng.random() < 0.2 else ReturnMethod.COUNTER,
                    delivery_address="", priority=rng.random() < 0.05, priority_reason="", notes="",
                    attachments=(), received_at=to_utc(received),
                    due_at=to_utc(received + timedelta(days=max(1, p.processing_days) * 7 // 5)),
                    status=DossierStatus.RECEIVED, received_by="bench", register_volume=volume,
                    register_number=register[(counter, volume)], profile_id="tt01-2018",
                    print_count=1,
                )
                d = replace(d, due_at=to_utc(calendar.appointment(received, p.processing_days, p.processing_hours)))
                story: list[tuple[str, dict, datetime]] = [
                    (Kind.DOSSIER_RECEIVED, dossier_to_payload(d), received),
                    (Kind.RECEIPT_PRINTED, {"paper": "A5", "copies": 2}, received + timedelta(seconds=40)),
                ]
                if rng.random() < 0.1:
                    story.append((Kind.RECEIPT_REPRINTED, {"paper": "A5", "copies": 2}, received + timedelta(hours=2)))
                for _ in range(2):
                    story.append((Kind.PERSONAL_DATA_VIEWED, {"dossier_id": str(d.id), "code": d.code},
                                  received + timedelta(hours=rng.randrange(1, 200))))
                at = received
                state = d
                for transition, payload in _life(rng, p.processing_days):
                    at = at + timedelta(hours=rng.randrange(2, 30) * (4 if rng.random() < 0.1 else 1))
                    if at > now_local:
                        break
                    story.append((transition.kind, payload, at))
                    state = lifecycle.apply(state, transition, payload, at)
                if rng.random() < 0.5 and state.finished_at is not None:
                    story.append((Kind.FORM_PRINTED, {"form": "control-sheet", "paper": "A5"}, at + timedelta(minutes=5)))
                cols = _dossier_columns(state)
                cols["applicant_key"] = search_key(name)
                dossier_rows.append({"id": d.id, "updated_at": now, **cols})
                story.sort(key=lambda item: item[2])
                for kind, payload, at in story:
                    seqs[counter] += 1
                    if at > now_local:
                        at = now_local
                    event_rows.append({
                        "id": uuid.UUID(int=rng.getrandbits(128)), "counter_id": f"{AGENCY}#{counter}",
                        "seq": seqs[counter], "kind": kind,
                        "dossier_id": None if kind == Kind.PERSONAL_DATA_VIEWED else d.id, "actor": "bench",
                        "device_time": to_utc(at), "business_time": at.isoformat(), "business_date": local_date(at),
                        "payload": payload, "schema": 1,
                        "content_hash": hashlib.sha256(dumps(payload).encode()).hexdigest(),
                        "central_seq": None,
                    })
                if len(dossier_rows) >= BATCH:
                    flush()
                    print(f"generated {made:,} dossiers", file=sys.stderr, flush=True)
    if dossier_rows:
        flush()
    with app.db.writer.begin() as conn:
        for counter, last in seqs.items():
            conn.execute(update(CounterRow).where(CounterRow.id == f"{AGENCY}#{counter}")
                         .values(last_seq=last))
        for (counter, volume), last in register.items():
            conn.execute(insert(RegisterSequenceRow).values(counter_id=f"{AGENCY}#{counter}", volume=volume, last_number=last))
    raw = app.db.writer.raw_connection()  # outside any transaction
    try:
        raw.driver_connection.execute("ANALYZE")
        raw.driver_connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        raw.close()
    app.close()
