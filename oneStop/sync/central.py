"""The central database: creating and upgrading its schema, receiving pushed events and
handing them out by cursor.

Push is idempotent: an event already there (same id, same content) is acknowledged with its
central number; the same id, or the same counter and sequence number, with other content is
quarantined and reported, never merged. Pushes from many counters run side by side (no global
lock): each row records the transaction that wrote it (``txid``). A puller reads in
(``txid``, ``central_seq``) order and only rows of transactions older than every transaction
still running, so it can never skip an event whose transaction commits after a later-numbered
one: the cursor is that pair, assigned by the central database.
"""

from __future__ import annotations

import json
import uuid
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator, NamedTuple, Sequence

from sqlalchemy import Connection, Engine, create_engine, func, select, text

from oneStop.domain.clock import to_utc
from oneStop.domain.errors import OneStopError, ValidationError
from oneStop.domain.events import canonical, content_hash_of, content_hash_with, payload_text
from oneStop.domain.models import Event
from oneStop.sync import central_models as cm

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
#: Set on every counter and supervisor role in the central database (c0009): a transaction left
#: open (a network cut in the middle of a push) would hold back every agency's pulls, since a
#: pull hands out only events older than every transaction still running.
TIMEOUTS = {"idle_in_transaction_session_timeout": "60s", "statement_timeout": "300s"}
#: Where a counter that has pulled nothing starts: (transaction id, central number).
START: tuple[int, int] = (0, 0)


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


def _login_role(url: str, role: str, group: str, register: Callable[[Connection], None],
                privileges: str = "CONNECT") -> str:
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
            c.execute(text(f'GRANT {privileges} ON DATABASE "{database}" TO "{role}"'))
            for name, value in TIMEOUTS.items():  # names and values are this module's constants
                c.execute(text(f'ALTER ROLE "{role}" IN DATABASE "{database}" SET {name} = \'{value}\''))
            register(c)
    finally:
        engine.dispose()
    parts = urlsplit(url)
    host = parts.netloc.split("@", 1)[-1]
    return urlunsplit((parts.scheme, f"{role}:{quote(password, safe='')}@{host}", parts.path, parts.query, ""))


def _check_agencies(codes: Sequence[str], field: str = "agency_code") -> None:
    """Raise a ``ValidationError`` naming ``field`` for the first code that is not an
    electronic agency identifier."""
    from oneStop.domain.codes import validate_agency_code

    for code in codes:
        validate_agency_code(code, field)


def add_counter(url: str, agency_code: str, counter: int, public_key: str | None = None) -> str:
    """Create (or renew) the database role of one counter (its own login, row-level security
    keeps it to its own events and its agency's) and return the URL the counter connects with.

    ``public_key``: the counter's signing key (``onestop sync key`` prints it on the counter),
    registered now, replacing any earlier one (a counter moved to a new PC: the old PC's login
    and key stop working together). Without it, the counter registers its key at its first
    sync, and only while none is registered."""
    import re

    from oneStop.domain import signing

    _check_agencies([agency_code])
    if isinstance(counter, bool) or not isinstance(counter, int) or not 1 <= counter <= 999:
        raise ValidationError("counter", "phải từ 1 đến 999")
    if public_key is not None and not signing.is_public_key(public_key):
        raise ValidationError("public_key", "không phải khóa công khai của quầy (44 ký tự base64)")
    counter_id = f"{agency_code}#{counter}"
    role = "onestop_c_" + re.sub(r"[^a-z0-9]", "_", agency_code.lower()) + f"_{counter}"

    def register(c: Connection) -> None:
        _require_room_for(c, agency_code)
        c.execute(text("DELETE FROM central_counter_roles WHERE role_name = :r OR counter_id = :c"),
                  {"r": role, "c": counter_id})
        c.execute(cm.counter_roles.insert().values(role_name=role, counter_id=counter_id, agency_code=agency_code))
        if public_key is not None:
            c.execute(text("DELETE FROM central_counter_keys WHERE counter_id = :c"), {"c": counter_id})
            c.execute(cm.counter_keys.insert().values(counter_id=counter_id, agency_code=agency_code,
                                                      public_key=public_key))

    # TEMPORARY: a push streams into a table of its own session first (``_INCOMING``); PUBLIC
    # has that right by default, a hardened server may have taken it away
    return _login_role(url, role, "onestop_counter", register, privileges="CONNECT, TEMPORARY")


def add_supervisor(url: str, name: str, agency_codes: Sequence[str]) -> str:
    """Create (or renew) a supervisor's read-only login for the given agencies; return its URL."""
    import re

    _check_agencies(agency_codes)
    if not re.fullmatch(r"[a-z][a-z0-9_]{1,40}", name or ""):
        raise ValidationError("supervisor_role", "chỉ gồm chữ thường không dấu, số và _ (2 đến 41 ký tự)")
    role = f"onestop_s_{name}"

    def register(c: Connection) -> None:
        c.execute(cm.supervisor_roles.delete().where(cm.supervisor_roles.c.role_name == role))
        c.execute(cm.supervisor_roles.insert(), [{"role_name": role, "agency_code": a} for a in agency_codes])

    return _login_role(url, role, "onestop_supervisor", register)


def share(url: str, agency_code: str, with_agencies: Sequence[str], *, both_ways: bool = False) -> list[tuple[str, str]]:
    """Let the counters of ``with_agencies`` read the dossiers of ``agency_code`` and record
    their steps on them (cross-boundary reception); ``both_ways``: and the other way round.
    Returns the (agency, shared with) pairs now recorded; recording one twice changes nothing."""
    pairs = _share_pairs(agency_code, with_agencies, both_ways)
    from sqlalchemy.dialects.postgresql import insert

    engine = connect(url)
    try:
        with engine.begin() as c:
            c.execute(insert(cm.agency_shares).on_conflict_do_nothing(),
                      [{"agency_code": a, "shared_with": b} for a, b in pairs])
    finally:
        engine.dispose()
    return pairs


def unshare(url: str, agency_code: str, with_agencies: Sequence[str], *, both_ways: bool = False) -> int:
    """End shares recorded by ``share``; returns how many there were. What the counters
    already pulled stays on their PCs; nothing new reaches them."""
    pairs = _share_pairs(agency_code, with_agencies, both_ways)
    t = cm.agency_shares
    engine = connect(url)
    try:
        with engine.begin() as c:
            return sum(c.execute(t.delete().where(t.c.agency_code == a, t.c.shared_with == b)).rowcount
                       for a, b in pairs)
    finally:
        engine.dispose()


def shares(url: str) -> list[tuple[str, str, datetime]]:
    """Every share: (agency whose dossiers, agency that reads them, since when)."""
    t = cm.agency_shares
    engine = connect(url)
    try:
        with engine.connect() as c:
            return [tuple(r) for r in c.execute(select(t.c.agency_code, t.c.shared_with, t.c.created_at)
                                                .order_by(t.c.agency_code, t.c.shared_with))]  # type: ignore[misc]
    finally:
        engine.dispose()


def _share_pairs(agency_code: str, with_agencies: Sequence[str], both_ways: bool) -> list[tuple[str, str]]:
    from oneStop.domain.codes import compact_agency_code

    _check_agencies([agency_code])
    _check_agencies(with_agencies, "shared_with")
    if not with_agencies:
        raise ValidationError("shared_with", "cần ít nhất một cơ quan")
    agency = compact_agency_code(agency_code)
    others = sorted({compact_agency_code(a) for a in with_agencies})
    if agency in others:
        raise ValidationError("shared_with", f"cơ quan «{agency}» không cần chia sẻ với chính mình")
    pairs = [(agency, o) for o in others]
    return pairs + [(o, agency) for o in others] if both_ways else pairs


def sharing_with(connection: Connection, agency_code: str) -> tuple[str, ...]:
    """The agencies whose dossiers ``agency_code``'s counters read (none on a central schema
    older than c0007)."""
    t = cm.agency_shares
    with connection.begin():
        if connection.scalar(text("SELECT to_regclass('central_agency_shares') IS NULL")):
            return ()
        return tuple(connection.scalars(select(t.c.agency_code).where(t.c.shared_with == agency_code)
                                        .order_by(t.c.agency_code)))


class CentralTooOld(OneStopError):
    def __init__(self, reason: str = "chưa có chữ ký số của quầy") -> None:
        super().__init__(f"Cơ sở dữ liệu trung tâm dùng lược đồ cũ ({reason}): quản trị tỉnh cần chạy «onestop "
                         "central init» để nâng cấp trước khi các quầy đồng bộ.")


def require_schema(connection: Connection, agency_code: str | None = None) -> None:
    """Refuse to sync with a central schema older than this program needs (c0009: signed events);
    and, for an agency identifier longer than 13 characters (the 2025 form), one that cannot hold
    it (c0010)."""
    with connection.begin():
        if connection.scalar(text("SELECT to_regclass('central_counter_keys') IS NULL")):
            raise CentralTooOld()
        if agency_code is not None:
            _require_room_for(connection, agency_code)


def _require_room_for(connection: Connection, agency_code: str) -> None:
    """Refuse an agency identifier longer than the central schema's columns (13 before c0010)."""
    if len(agency_code) <= 13:
        return
    width = connection.scalar(text(
        "SELECT character_maximum_length FROM information_schema.columns "
        "WHERE table_name = 'central_events' AND column_name = 'agency_code'"))
    if width is not None and width < len(agency_code):
        raise CentralTooOld(f"mã định danh cơ quan tối đa {width} ký tự, chưa nhận mã {agency_code}")


def register_key(connection: Connection, public_key: str) -> str | None:
    """Register this counter's public key if none is yet, and return the one registered (None
    for a role that is not a counter's: the administrator's)."""
    with connection.begin():
        return connection.scalar(text("SELECT onestop_register_key(:k)"), {"k": public_key})


def counter_keys(connection: Connection) -> dict[str, str]:
    """The public keys this role may read: of its agency's counters and of the agencies sharing
    dossiers with it (all of them for the administrator)."""
    with connection.begin():
        return dict(connection.execute(select(cm.counter_keys.c.counter_id, cm.counter_keys.c.public_key)).all())


def set_timeouts(url: str, *, idle_seconds: int, statement_seconds: int) -> int:
    """Set the two timeouts (``TIMEOUTS``) of every counter and supervisor role in this database;
    returns how many roles. For a province that wants another bound than the default."""
    for value in (idle_seconds, statement_seconds):
        if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 86_400:
            raise ValidationError("setting", "thời gian chờ phải từ 1 đến 86400 giây")
    engine = connect(url)
    try:
        with engine.begin() as c:
            database = c.scalar(text("SELECT current_database()"))
            roles = list(c.scalars(text(
                "SELECT DISTINCT m.rolname FROM pg_auth_members a JOIN pg_roles g ON g.oid = a.roleid "
                "JOIN pg_roles m ON m.oid = a.member WHERE g.rolname IN ('onestop_counter', 'onestop_supervisor')")))
            for role in roles:  # names of roles this program made: [a-z0-9_] only
                for name, value in (("idle_in_transaction_session_timeout", idle_seconds),
                                    ("statement_timeout", statement_seconds)):
                    c.execute(text(f'ALTER ROLE "{role}" IN DATABASE "{database}" SET {name} = \'{int(value)}s\''))
            return len(roles)
    finally:
        engine.dispose()


@dataclass(frozen=True)
class PushResult:
    acknowledged: dict[uuid.UUID, int]  # event id -> central number (new and already there)
    new: int
    quarantined: tuple[uuid.UUID, ...] = ()
    gaps: tuple[tuple[str, int, int], ...] = ()  # (counter, first missing, last missing)


class DamagedEvent(OneStopError):
    """An event the central database hands out does not match its content hash."""


@dataclass(frozen=True, slots=True)  # slots: a pull makes and drops 100,000 of them
class CentralEvent:
    central_seq: int
    agency_code: str
    event: Event
    content_hash: str
    cursor: tuple[int, int] = START  # where a pull that ends with this event resumes
    payload_json: str = ""  # the payload's canonical text, as stored and hashed
    signature: str | None = None  # its counter's, of content_hash
    relayed: bool = False  # delivered by another role (a USB file) since signatures: the signature must hold


_COLUMNS = ("id", "agency_code", "counter_id", "seq", "kind", "dossier_id", "actor", "device_time",
            "business_time", "business_date", "payload", "schema", "content_hash", "relayed_by", "signature")
_TYPES = ("uuid", "varchar", "varchar", "bigint", "varchar", "uuid", "varchar", "timestamptz",
          "varchar", "date", "text", "integer", "varchar", "varchar", "varchar")
#: A push goes in as ``COPY`` (binary) into a table of the session's own, then one statement
#: moves it into ``central_events`` (``COPY`` straight into a table under row-level security
#: is not allowed). The table empties itself at every commit; ``IF NOT EXISTS`` because a
#: pooled connection may or may not have it already.
_INCOMING = (
    "SET LOCAL client_min_messages = warning; "  # no "already exists, skipping" notice each time
    "CREATE TEMPORARY TABLE IF NOT EXISTS onestop_incoming ("
    + ", ".join(f"{c} {ty}" for c, ty in zip(_COLUMNS, _TYPES)) + ") ON COMMIT DELETE ROWS"
)
_COPY_IN = f"COPY onestop_incoming ({', '.join(_COLUMNS)}) FROM STDIN (FORMAT BINARY)"
#: The common push: nothing of it is there yet, and it goes in whole (a plain insert, in a
#: savepoint: the cheapest way into the indexes) …
_INSERT_ALL = (
    f"INSERT INTO central_events ({', '.join(_COLUMNS)}) SELECT {', '.join(_COLUMNS)} FROM onestop_incoming "
    "RETURNING id, central_seq"
)
#: … and when some of it is (the same id, or the same counter's number: a push repeated after
#: a cut, a USB stick, a forgery), the rest goes in and what stayed out is looked at (``_KNOWN``).
_INSERT = _INSERT_ALL.replace(" RETURNING", " ON CONFLICT DO NOTHING RETURNING")
#: What is already there under the given ids or (counter, seq) slots, in one round trip.
_KNOWN = """
    SELECT id, content_hash, central_seq, counter_id, seq, relayed_by FROM central_events WHERE id = ANY(%(ids)b::uuid[])
    UNION
    SELECT e.id, e.content_hash, e.central_seq, e.counter_id, e.seq, e.relayed_by
      FROM unnest(%(counters)b::varchar[], %(seqs)b::bigint[]) AS s(counter_id, seq)
      JOIN central_events e ON e.counter_id = s.counter_id AND e.seq = s.seq
"""
#: Each counter's highest sequence number (an index lookup per counter, not a scan).
_TOPS = """
    SELECT c, (SELECT max(seq) FROM central_events WHERE counter_id = c) FROM unnest(%(counters)b::varchar[]) AS c
"""


@contextmanager
def _raw_cursor(connection: Connection, statement: str) -> Iterator[Any]:
    """A cursor of the connection's own psycopg connection (same transaction), for what
    SQLAlchemy does not do: binary parameters, ``COPY``. Its errors come out as SQLAlchemy's."""
    import psycopg
    from sqlalchemy.exc import DBAPIError

    raw = connection.connection.dbapi_connection
    try:
        with raw.cursor() as cursor:  # type: ignore[union-attr]
            yield cursor
    except psycopg.Error as exc:
        raise DBAPIError.instance(statement, None, exc, psycopg.Error) from exc


def _binary(connection: Connection, sql: str, params: dict[str, Any], *, results: bool = False) -> list[tuple[Any, ...]]:
    """Run ``sql``; its ``%(…)b`` parameters go in binary: arrays of text without any escaping.
    ``results``: the rows come back in binary too (less for the client to parse)."""
    with _raw_cursor(connection, sql) as cursor:
        cursor.execute(sql, params, binary=results)
        return cursor.fetchall() if cursor.description else []


def _copy_in(connection: Connection, rows: Iterable[tuple[Any, ...]]) -> None:
    """Stream ``rows`` (in ``_COLUMNS`` order) into the session's ``onestop_incoming``."""
    with _raw_cursor(connection, _COPY_IN) as cursor:
        cursor.execute(_INCOMING)
        with cursor.copy(_COPY_IN) as copy:
            copy.set_types(list(_TYPES))
            for row in rows:
                copy.write_row(row)


def _insert(connection: Connection) -> dict[int, int]:
    """Move ``onestop_incoming`` into ``central_events``: whole if nothing of it is there yet,
    otherwise what is not (``ON CONFLICT DO NOTHING`` costs every row a second look in each
    unique index, so it is only the way back). Returns the central number of each event
    stored, by its id as an integer (``UUID.int``: no UUID objects made and hashed for
    thousands of rows)."""
    import psycopg

    with _raw_cursor(connection, _INSERT_ALL) as cursor:
        cursor.adapters.register_loader("uuid", _uuid_as_int_loader())
        cursor.execute("SAVEPOINT onestop_push")
        try:
            cursor.execute(_INSERT_ALL, binary=True)
            rows = cursor.fetchall()
        except psycopg.errors.UniqueViolation:
            cursor.execute("ROLLBACK TO SAVEPOINT onestop_push")
            cursor.execute(_INSERT, binary=True)
            return dict(cursor.fetchall())
        cursor.execute("RELEASE SAVEPOINT onestop_push")
        return dict(rows)


@cache
def _uuid_as_int_loader() -> type:
    """Made at the first push, not at import: the program starts without loading psycopg."""
    from psycopg.adapt import Loader
    from psycopg.pq import Format

    class UuidAsInt(Loader):
        """A binary ``uuid`` as the integer ``UUID.int`` would give."""

        format = Format.BINARY

        def load(self, data: Any) -> int:
            return int.from_bytes(data, "big")

    return UuidAsInt


def _row(event: Event, agency_code: str, digest: str, relayed_by: str | None,
         payload_json: str | None = None, signature: str | None = None) -> tuple[Any, ...]:
    """An event as the values of ``_COLUMNS``."""
    return (event.id, agency_code, event.counter_id, event.seq, event.kind, event.dossier_id, event.actor,
            event.device_time, event.business_time.isoformat(), event.business_time.date(),
            payload_json if payload_json is not None else payload_text(event.payload), event.schema, digest,
            relayed_by, signature)


class _Known(NamedTuple):
    id: uuid.UUID
    content_hash: str
    central_seq: int
    counter_id: str
    seq: int
    relayed_by: str | None = None


class Outgoing(NamedTuple):
    """An event as it leaves the counter: with its payload's canonical text and its content
    hash, both stored with the event when it was written (``prepare`` makes them otherwise),
    and the agency whose stream it goes into when that is not the pushing counter's (a step on
    a dossier another agency received and shares: see ``stream_of``)."""

    event: Event
    payload_json: str
    content_hash: str
    agency: str | None = None
    signature: str | None = None  # its counter's, of ``content_hash``


def stream_of(dossier_agency: str | None, own: str, sharing: Iterable[str]) -> str:
    """The agency stream an event goes into: that of the agency that received its dossier when
    that agency shares its dossiers with this one, otherwise this counter's own.

    >>> stream_of("000.18.33.H15", "000.17.22.H56", ["000.18.33.H15"])
    '000.18.33.H15'
    >>> stream_of("000.18.33.H15", "000.17.22.H56", []), stream_of(None, "000.17.22.H56", ["X"])
    ('000.17.22.H56', '000.17.22.H56')
    """
    return dossier_agency if dossier_agency and dossier_agency != own and dossier_agency in sharing else own


def prepare(events: Iterable[Event]) -> list[Outgoing]:
    """Events with their canonical payload text and content hash made (each payload encoded once)."""
    out = []
    for event in events:
        body = payload_text(event.payload)
        out.append(Outgoing(event, body, content_hash_with(event, body)))
    return out


def push(connection: Connection, agency_code: str, batch: Sequence[Event | Outgoing], *,
         relay: bool = False) -> PushResult:
    """Store a counter's events (one transaction, the caller's ``connection`` not in one).

    ``batch``: events, or ``Outgoing`` ones that carry their canonical text and hash already
    (what a counter reads from its own database), each into ``agency_code``'s stream unless it
    names another (``Outgoing.agency``). ``relay``: the events may be another
    counter's (of the same agency), delivered from a file; each is stamped with the delivering
    role's name, which row-level security requires.

    Everything goes in at once (``COPY``, then one plain ``INSERT``, or ``INSERT … ON CONFLICT
    DO NOTHING`` when some of it is already there); only what the constraints kept out is looked
    at again: the same id with the same content is acknowledged, anything else under the same
    id or the same counter's number is quarantined.
    A concurrent push of the same event (the counter and a USB stick at once) is settled the
    same way once the other transaction has ended.
    """
    if not batch:
        return PushResult({}, 0)
    outgoing = sorted((b if isinstance(b, Outgoing) else prepare([b])[0] for b in batch),
                      key=lambda o: (o.event.counter_id, o.event.seq))
    counters = sorted({o.event.counter_id for o in outgoing})
    with connection.begin():
        relayed_by = connection.scalar(text("SELECT current_user")) if relay else None
        tops = {c: top or 0 for c, top in _binary(connection, _TOPS, {"counters": counters})}
        _copy_in(connection, (_row(o.event, o.agency or agency_code, o.content_hash, relayed_by, o.payload_json,
                                   o.signature) for o in outgoing))
        inserted = _insert(connection)  # by ``UUID.int``, as everything in here
        settled: dict[int, int] = dict(inserted)
        refused: list[dict[str, Any]] = []
        kept_out = [o for o in outgoing if o.event.id.int not in inserted]
        if kept_out and not relay:
            # a slot of this counter's held by another role's relayed row with other content (a
            # hand-made file): the counter's own event takes it, the impostor goes to the quarantine
            if _reclaim(connection, kept_out):
                again = _insert_again(connection, agency_code, kept_out)
                settled.update(again)
                inserted.update(again)
                kept_out = [o for o in kept_out if o.event.id.int not in again]
        if kept_out:  # already there, or stored meanwhile by a push that has committed now
            known, slots = _known(connection, [o.event for o in kept_out])
            for event, _, digest, *_ in kept_out:
                row = known.get(event.id)
                if row is not None and row.content_hash == digest:
                    settled[event.id.int] = row.central_seq
                elif row is not None:
                    refused.append(_quarantine(event, digest, "cùng mã sự kiện nhưng khác nội dung", relayed_by))
                elif (slot := slots.get((event.counter_id, event.seq))) is not None and slot.id != event.id:
                    refused.append(_quarantine(event, digest, "số thứ tự của quầy đã dùng cho sự kiện khác", relayed_by))
                else:  # pragma: no cover - the constraint said otherwise
                    raise RuntimeError(f"sự kiện {event.id} không lưu được và không tìm thấy")
        gaps: list[tuple[str, int, int]] = []
        acknowledged: dict[uuid.UUID, int] = {}
        for event, *_ in outgoing:  # in (counter, seq) order
            number = settled.get(event.id.int)
            if number is None:
                continue
            acknowledged[event.id] = number
            top = tops.get(event.counter_id, 0)
            if event.seq > top + 1:
                gaps.append((event.counter_id, top + 1, event.seq - 1))
            tops[event.counter_id] = max(top, event.seq)
        if refused:
            connection.execute(cm.quarantine.insert(), refused)
    return PushResult(acknowledged, len(inserted), tuple(r["event_id"] for r in refused), tuple(gaps))


def _reclaim(connection: Connection, pushed: Sequence[Outgoing]) -> int:
    """Move to the quarantine the rows relayed by another role that hold these events' slots
    with other content (``onestop_reclaim``, c0009; a superuser or an older schema: nothing)."""
    if connection.scalar(text("SELECT to_regprocedure('onestop_reclaim(uuid[], bigint[], text[])') IS NULL")):
        return 0
    return int(_binary(connection, "SELECT onestop_reclaim(%(ids)b::uuid[], %(seqs)b::bigint[], %(hashes)b::text[])",
                       {"ids": [o.event.id for o in pushed], "seqs": [o.event.seq for o in pushed],
                        "hashes": [o.content_hash for o in pushed]})[0][0] or 0)


def _insert_again(connection: Connection, agency_code: str, pushed: Sequence[Outgoing]) -> dict[int, int]:
    """Insert what was kept out once more, after ``_reclaim`` freed slots."""
    with _raw_cursor(connection, "TRUNCATE onestop_incoming") as cursor:
        cursor.execute("TRUNCATE onestop_incoming")
    _copy_in(connection, (_row(o.event, o.agency or agency_code, o.content_hash, None, o.payload_json, o.signature)
                          for o in pushed))
    return _insert(connection)


def _known(connection: Connection, events: Sequence[Event]) -> tuple[dict[uuid.UUID, "_Known"], dict[tuple[str, int], "_Known"]]:
    known: dict[uuid.UUID, _Known] = {}
    slots: dict[tuple[str, int], _Known] = {}
    rows = _binary(connection, _KNOWN, {"ids": [e.id for e in events], "counters": [e.counter_id for e in events],
                                        "seqs": [e.seq for e in events]})
    for r in rows:
        row = _Known(*r)
        known[row.id] = row
        slots[(row.counter_id, row.seq)] = row
    return known, slots


def _quarantine(event: Event, digest: str, reason: str, relayed_by: str | None) -> dict[str, Any]:
    return {"event_id": event.id, "counter_id": event.counter_id, "seq": event.seq, "content_hash": digest,
            "event": canonical(event), "reason": reason, "relayed_by": relayed_by}


_PULL = """
    SELECT e.txid::text AS txid_text, e.central_seq, e.agency_code, e.id, e.id::text AS id_text, e.counter_id, e.seq,
           e.kind, e.dossier_id, e.dossier_id::text AS dossier_text, e.actor, e.device_time, e.business_time,
           e.payload, e.schema, e.content_hash, e.signature, e.relayed_by IS NOT NULL AND NOT e.legacy
      FROM central_events e
     WHERE e.agency_code = %(agency)s
       AND (e.txid, e.central_seq) > (%(txid)s::text::xid8, %(seq)s)
       AND e.txid < pg_snapshot_xmin(pg_current_snapshot())
     ORDER BY e.txid, e.central_seq  -- the xid8 column, never its text (where "1000" < "999")
     LIMIT %(limit)s
"""


_HELD_BACK = """
    SELECT EXISTS (SELECT 1 FROM central_events
                    WHERE agency_code = %(agency)s AND (txid, central_seq) > (%(txid)s::text::xid8, %(seq)s)
                      AND txid >= pg_snapshot_xmin(pg_current_snapshot()))
"""


def held_back(connection: Connection, agency_code: str, after: Any) -> bool:
    """Whether committed events lie beyond the cursor that ``pull`` may not hand out yet,
    because a transaction older than theirs is still running."""
    txid, seq = cursor_of(after)
    with connection.begin():
        return bool(_binary(connection, _HELD_BACK, {"agency": agency_code, "txid": str(txid), "seq": seq})[0][0])


def cursor_of(value: Any) -> tuple[int, int]:
    """A stored cursor as the pair (transaction id, central number); a number from before
    the pair (schema c0004 and older) is (1, number).

    >>> cursor_of(None), cursor_of(0), cursor_of(42), cursor_of([7351, 42])
    ((0, 0), (0, 0), (1, 42), (7351, 42))
    """
    if not value:
        return START
    if isinstance(value, int):
        return (1, value)
    txid, seq = value
    return (int(txid), int(seq))


def pull(connection: Connection, agency_code: str, after: Any = START, limit: int = 1000) -> list[CentralEvent]:
    """The agency's events after the cursor ``after`` in commit order (the cursor of the last
    one is its ``cursor``); only events whose transactions, and all older ones, have ended.

    Each event is checked against its content hash before it is handed out: one that does not
    match (altered or damaged at the centre) raises ``DamagedEvent`` and nothing of the batch
    is returned."""
    txid, seq = cursor_of(after)
    with connection.begin():
        # walk the (agency_code, txid, central_seq) index in order and stop at ``limit``: with
        # statistics not yet gathered after a large push the planner would otherwise fetch and
        # sort everything after the cursor for every batch (a pull of n events costing n²)
        connection.exec_driver_sql("SET LOCAL enable_sort = off")
        connection.exec_driver_sql("SET LOCAL TimeZone = 'UTC'")  # times in UTC, as an ``Event`` holds them
        rows = _binary(connection, _PULL, {"agency": agency_code, "txid": str(txid), "seq": seq, "limit": limit},
                       results=True)
    batch = []
    for (txid_, central_seq, agency, id_, id_text, counter_id, seq_, kind, dossier_id, dossier_text, actor, device_time,
         business_time, payload, schema, digest, signature, relayed) in rows:
        # the hash over the very texts the centre holds (ids, times, payload): what ``canonical``
        # made when the event was written, so nothing is formatted again for 100,000 events
        utc = device_time if device_time.tzinfo is UTC else to_utc(device_time)
        if content_hash_of(actor, business_time, counter_id, utc.isoformat(), dossier_text, id_text, kind, payload,
                           schema, seq_) != digest:
            raise DamagedEvent(f"sự kiện {id_text} từ máy chủ trung tâm bị sai lệch nội dung (không khớp mã băm): "
                               "đồng bộ dừng lại trước đợt sự kiện chứa nó (không ghi sự kiện nào của đợt này); "
                               "báo quản trị tỉnh kiểm tra cơ sở dữ liệu trung tâm")
        batch.append(CentralEvent(
            central_seq, agency, Event(id=id_, counter_id=counter_id, seq=seq_, kind=kind, actor=actor, device_time=utc,
                                       business_time=datetime.fromisoformat(business_time), dossier_id=dossier_id,
                                       payload=_payload(payload), schema=schema),
            digest, (int(txid_), central_seq), payload, signature, relayed,
        ))
    return batch


_DECODER = json.JSONDecoder()


def _payload(text: str) -> Any:
    """A payload's canonical text (checked against its hash just before) as data: the decoder's
    ``raw_decode`` without ``json.loads``'s whitespace handling around it (none in canonical
    JSON); anything else goes through ``json.loads`` and its errors."""
    try:
        value, end = _DECODER.raw_decode(text)
        if end == len(text):
            return value
    except ValueError:
        pass
    return json.loads(text)


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

