"""The central database: creating and upgrading its schema, receiving pushed events and
handing them out by cursor.

Push is idempotent: an event already there (same id, same content) is acknowledged with its
central number; the same id, or the same counter and sequence number, with other content is
quarantined and reported, never merged. Every push numbers its new events while holding a
transaction-scoped advisory lock, so numbers are handed out in commit order: a puller asking
for ``central_seq > cursor`` can never skip an event whose transaction committed after a
later-numbered one.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, Callable, Iterable, Sequence

from sqlalchemy import Connection, Engine, create_engine, func, select, text, tuple_, update

from oneStop.domain.events import canonical, content_hash
from oneStop.domain.models import Event
from oneStop.sync import central_models as cm

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
#: The advisory lock that orders pushes (any constant shared by every counter).
PUSH_LOCK = 0x0E57_0001


def engine_url(url: str) -> str:
    """``postgresql://…`` as SQLAlchemy's psycopg 3 URL.

    >>> engine_url("postgresql://u:p@db.tinh.gov.vn/onestop?sslmode=require")
    'postgresql+psycopg://u:p@db.tinh.gov.vn/onestop?sslmode=require'
    """
    for prefix in ("postgresql+psycopg://", "postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    raise ValueError("địa chỉ cơ sở dữ liệu trung tâm phải bắt đầu bằng postgresql://")


def connect(url: str, **kwargs: Any) -> Engine:
    """An engine on the central database; a dead network fails within ``connect_timeout``
    seconds instead of hanging."""
    connect_args = {"connect_timeout": 10, **kwargs.pop("connect_args", {})}
    kwargs.setdefault("hide_parameters", True)  # an error's message never carries the values into a log
    return create_engine(engine_url(url), pool_pre_ping=True, connect_args=connect_args, **kwargs)


def init_central(url: str) -> str:
    """Create or upgrade the central schema (Alembic); return the revision now in force."""
    from alembic import command
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    engine = connect(url)
    try:
        with engine.begin() as connection:
            cfg = Config()
            cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
            cfg.attributes["connection"] = connection
            command.upgrade(cfg, "head")
            return ScriptDirectory.from_config(cfg).get_current_head() or ""
    finally:
        engine.dispose()


def _login_role(url: str, role: str, group: str, register: Callable[[Connection], None]) -> str:
    """Create or renew a login role in ``group`` with a fresh password, record what it may see
    (``register``), and return the URL it connects with."""
    import secrets
    from urllib.parse import quote, urlsplit, urlunsplit

    password = secrets.token_urlsafe(24)
    engine = connect(url)
    try:
        with engine.begin() as c:
            exists = c.scalar(text("SELECT 1 FROM pg_roles WHERE rolname = :r"), {"r": role})
            verb = "ALTER" if exists else "CREATE"
            # DDL takes no parameters; the password is URL-safe base64 only, so it quotes plainly
            c.execute(text(f"{verb} ROLE \"{role}\" LOGIN PASSWORD '{password}'"))
            c.execute(text(f'GRANT {group} TO "{role}"'))
            database = c.scalar(text("SELECT current_database()"))
            c.execute(text(f'GRANT CONNECT ON DATABASE "{database}" TO "{role}"'))
            register(c)
    finally:
        engine.dispose()
    parts = urlsplit(url)
    host = parts.netloc.split("@", 1)[-1]
    return urlunsplit((parts.scheme, f"{role}:{quote(password, safe='')}@{host}", parts.path, parts.query, ""))


def _check_agencies(codes: Sequence[str]) -> None:
    from oneStop.domain.codes import is_valid_agency_code

    for code in codes:
        if not is_valid_agency_code(code):
            raise ValueError(f"mã định danh cơ quan «{code}» không hợp lệ")


def add_counter(url: str, agency_code: str, counter: int) -> str:
    """Create the database role of one counter (its own login, row-level security keeps it to
    its own events and its agency's) and return the URL the counter connects with."""
    import re

    _check_agencies([agency_code])
    if not 1 <= counter <= 999:
        raise ValueError("số quầy phải từ 1 đến 999")
    counter_id = f"{agency_code}#{counter}"
    role = "onestop_c_" + re.sub(r"[^a-z0-9]", "_", agency_code.lower()) + f"_{counter}"

    def register(c: Connection) -> None:
        c.execute(text("DELETE FROM central_counter_roles WHERE role_name = :r OR counter_id = :c"),
                  {"r": role, "c": counter_id})
        c.execute(cm.counter_roles.insert().values(role_name=role, counter_id=counter_id, agency_code=agency_code))

    return _login_role(url, role, "onestop_counter", register)


def add_supervisor(url: str, name: str, agency_codes: Sequence[str]) -> str:
    """Create (or renew) a supervisor's read-only login for the given agencies; return its URL."""
    import re

    _check_agencies(agency_codes)
    if not re.fullmatch(r"[a-z][a-z0-9_]{1,40}", name or ""):
        raise ValueError("tên vai trò giám sát chỉ gồm chữ thường không dấu, số và _")
    role = f"onestop_s_{name}"

    def register(c: Connection) -> None:
        c.execute(cm.supervisor_roles.delete().where(cm.supervisor_roles.c.role_name == role))
        c.execute(cm.supervisor_roles.insert(), [{"role_name": role, "agency_code": a} for a in agency_codes])

    return _login_role(url, role, "onestop_supervisor", register)


@dataclass(frozen=True)
class PushResult:
    acknowledged: dict[uuid.UUID, int]  # event id -> central number (new and already there)
    new: int
    quarantined: tuple[uuid.UUID, ...] = ()
    gaps: tuple[tuple[str, int, int], ...] = ()  # (counter, first missing, last missing)


@dataclass(frozen=True)
class CentralEvent:
    central_seq: int
    agency_code: str
    event: Event
    content_hash: str


def _row(event: Event, agency_code: str, digest: str, number: int) -> dict[str, Any]:
    return {
        "central_seq": number,
        "id": event.id,
        "agency_code": agency_code,
        "counter_id": event.counter_id,
        "seq": event.seq,
        "kind": event.kind,
        "dossier_id": event.dossier_id,
        "actor": event.actor,
        "device_time": event.device_time,
        "business_time": event.business_time.isoformat(),
        "business_date": event.business_time.date(),
        "payload": json.dumps(dict(event.payload), ensure_ascii=False, sort_keys=True, separators=(",", ":")),
        "schema": event.schema,
        "content_hash": digest,
    }


def push(connection: Connection, agency_code: str, batch: Sequence[Event]) -> PushResult:
    """Store a counter's events (one transaction, the caller's ``connection`` not in one)."""
    if not batch:
        return PushResult({}, 0)
    t = cm.events
    with connection.begin():
        connection.execute(select(func.pg_advisory_xact_lock(PUSH_LOCK)))
        ids = [e.id for e in batch]
        known = {r.id: r for r in connection.execute(
            select(t.c.id, t.c.content_hash, t.c.central_seq, t.c.counter_id, t.c.seq).where(t.c.id.in_(ids)))}
        slots = {(r.counter_id, r.seq): r for r in connection.execute(
            select(t.c.id, t.c.counter_id, t.c.seq).where(
                tuple_(t.c.counter_id, t.c.seq).in_([(e.counter_id, e.seq) for e in batch])))}
        tops = dict(connection.execute(
            select(t.c.counter_id, func.max(t.c.seq)).where(t.c.counter_id.in_({e.counter_id for e in batch}))
            .group_by(t.c.counter_id)).all())
        number = (connection.scalar(select(cm.numbering.c.last_seq).where(cm.numbering.c.id == 1)) or 0) + 1
        acknowledged: dict[uuid.UUID, int] = {}
        fresh: list[dict[str, Any]] = []
        refused: list[dict[str, Any]] = []
        gaps: list[tuple[str, int, int]] = []
        for event in sorted(batch, key=lambda e: (e.counter_id, e.seq)):
            digest = content_hash(event)
            if event.id in known:
                row = known[event.id]
                if row.content_hash == digest:
                    acknowledged[event.id] = row.central_seq
                else:
                    refused.append(_quarantine(event, digest, "cùng mã sự kiện nhưng khác nội dung"))
                continue
            slot = slots.get((event.counter_id, event.seq))
            if slot is not None and slot.id != event.id:
                refused.append(_quarantine(event, digest, "số thứ tự của quầy đã dùng cho sự kiện khác"))
                continue
            top = tops.get(event.counter_id, 0) or 0
            if event.seq > top + 1:
                gaps.append((event.counter_id, top + 1, event.seq - 1))
            tops[event.counter_id] = max(top, event.seq)
            fresh.append(_row(event, agency_code, digest, number))
            acknowledged[event.id] = number
            number += 1
        if fresh:
            connection.execute(t.insert(), fresh)
            connection.execute(update(cm.numbering).where(cm.numbering.c.id == 1).values(last_seq=number - 1))
        if refused:
            connection.execute(cm.quarantine.insert(), refused)
    return PushResult(acknowledged, len(fresh), tuple(r["event_id"] for r in refused), tuple(gaps))


def _quarantine(event: Event, digest: str, reason: str) -> dict[str, Any]:
    return {"event_id": event.id, "counter_id": event.counter_id, "seq": event.seq, "content_hash": digest,
            "event": canonical(event), "reason": reason}


def pull(connection: Connection, agency_code: str, after: int, limit: int = 1000) -> list[CentralEvent]:
    """The agency's events numbered after ``after``, in order."""
    t = cm.events
    with connection.begin():
        rows = connection.execute(
            select(t).where(t.c.agency_code == agency_code, t.c.central_seq > after)
            .order_by(t.c.central_seq).limit(limit)
        ).all()
    return [
        CentralEvent(
            r.central_seq, r.agency_code,
            Event(id=r.id, counter_id=r.counter_id, seq=r.seq, kind=r.kind, actor=r.actor,
                  device_time=r.device_time, business_time=datetime.fromisoformat(r.business_time),
                  dossier_id=r.dossier_id, payload=json.loads(r.payload), schema=r.schema),
            r.content_hash,
        )
        for r in rows
    ]


def counts_by_counter_and_day(connection: Connection, agency_code: str, kinds: Iterable[str]) -> dict[tuple[str, str], int]:
    """How many events of ``kinds`` each counter has per business day, centrally (for the
    after-sync comparison with the local database)."""
    t = cm.events
    with connection.begin():
        rows = connection.execute(
            select(t.c.counter_id, t.c.business_date, func.count())
            .where(t.c.agency_code == agency_code, t.c.kind.in_(list(kinds)))
            .group_by(t.c.counter_id, t.c.business_date)
        ).all()
    return {(c, d.isoformat()): n for c, d, n in rows}


def quarantined(connection: Connection) -> list[dict[str, Any]]:
    with connection.begin():
        return [dict(r._mapping) for r in connection.execute(select(cm.quarantine).order_by(cm.quarantine.c.id))]

