"""Checking events from other counters before they are applied, and setting aside those that fail.

Every event a pull brings (and every event a USB file carries) is input from outside, like a
typed string. Before anything of it is applied it must:

* be of a kind the vocabulary declares, with a payload its kind's check accepts
  (``oneStop.domain.vocabulary``);
* be in the right stream: a reception only in the stream of the agency that received it, by a
  counter of that agency, naming that counter; another agency's counter only records steps on
  a dossier this agency received and shares;
* carry a valid signature of the counter it names when another role delivered it (a USB file);
  events a counter's own role inserted are authenticated by the central database;
* have an actor who held the permission, with the roles as this counter knows them at that
  point of the stream (the check the service that wrote it made); the program itself
  (``system``) writes reference data only in the counter's set-up;
* not give a dossier code that another dossier already has, nor receive a dossier twice.

What fails is **set aside**: kept whole in ``set_aside_events`` with its reason, not applied,
listed for the supervisor and the administrator (``onestop sync set-aside``), and the pull goes
on. The events of a dossier whose reception was set aside are set aside with it.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Iterable

from sqlalchemy import String, bindparam, func, insert, select

from oneStop.domain import signing, vocabulary
from oneStop.domain.errors import OneStopError
from oneStop.domain.models import Event, Role
from oneStop.domain.vocabulary import SHARED_STEP_KINDS, SYSTEM_ACTOR, Applied, InvalidEvent, Kind, UnknownKind
from oneStop.persistence.mapping import event_row_values
from oneStop.persistence.models import DossierRow, EventRow, SetAsideRow, UserRow
from oneStop.persistence.uow import UnitOfWork

#: How many of a counter's first events can be its set-up (agency, first administrator, sample
#: catalog): the only reference data the program itself (``system``) writes.
SETUP_EVENTS = 3


@dataclass(frozen=True)
class Refusal:
    problem: str  # kind | payload | stream | signature | permission | conflict | dossier
    field: str
    reason: str  # Vietnamese, naming the field


class Vetter:
    """The checks of one sync, with what they need to know kept up to date as events are
    applied in stream order (users and their roles, the codes and dossiers here)."""

    def __init__(self, own_agency: str, keys: dict[str, str] | None = None) -> None:
        self.own = own_agency
        self.keys = keys or {}
        self._users: dict[str, tuple[Role, bool]] | None = None
        self._codes: dict[str, uuid.UUID] = {}  # dossier codes here (those this sync asked about)
        self._dossiers: dict[uuid.UUID, str] = {}  # dossiers here -> their agency (those asked about)
        self._aside: set[uuid.UUID] = set()  # dossiers whose reception is set aside
        self._aside_loaded = False

    # --- what this counter knows ----------------------------------------------------------

    def _roles(self, uow: UnitOfWork) -> dict[str, tuple[Role, bool]]:
        if self._users is None:
            self._users = {r.username: (Role(r.role), bool(r.active))
                           for r in uow.session.execute(select(UserRow.username, UserRow.role, UserRow.active))
                           if r.role in Role.__members__.values()}
        return self._users

    def learn(self, batch: Iterable[Any], uow: UnitOfWork) -> None:
        """Ask the database, once for a batch, what the checks of its events need: the dossiers
        and codes they name, and which dossiers were set aside before."""
        codes: set[str] = set()
        ids: set[uuid.UUID] = set()
        for item in batch:
            event = item.event
            if event.dossier_id is not None:
                ids.add(event.dossier_id)
            if event.kind == Kind.DOSSIER_RECEIVED and isinstance(event.payload, dict):
                code = event.payload.get("code")
                if isinstance(code, str):
                    codes.add(code)
        session = uow.session
        ids -= self._dossiers.keys()
        for chunk in _chunks(sorted(ids, key=str)):
            self._dossiers.update(session.execute(
                select(DossierRow.id, DossierRow.agency_code).where(DossierRow.id.in_(_json_ids(chunk)))).all())
        codes -= self._codes.keys()
        for chunk in _chunks(sorted(codes)):
            self._codes.update(session.execute(
                select(DossierRow.code, DossierRow.id).where(DossierRow.code.in_(_json_texts(chunk)))).all())
        if not self._aside_loaded:
            self._aside.update(session.scalars(
                select(SetAsideRow.dossier_id).where(SetAsideRow.kind == Kind.DOSSIER_RECEIVED,
                                                     SetAsideRow.dossier_id.is_not(None),
                                                     SetAsideRow.decision != "applied")))
            self._aside_loaded = True

    # --- the checks -------------------------------------------------------------------------

    def vet(self, uow: UnitOfWork, item: Any, stream: str, *, payload_size: int | None = None,
            waive_permission: bool = False) -> Refusal | None:
        """Why ``item`` (a pulled ``CentralEvent``, or anything with ``event``, ``content_hash``,
        ``signature`` and ``relayed``) must be set aside, or None if it may be applied."""
        event: Event = item.event
        try:
            spec = vocabulary.check(event.kind, event.payload, dossier_id=event.dossier_id, size=payload_size)
        except UnknownKind as exc:
            return Refusal("kind", exc.field, str(exc))
        except InvalidEvent as exc:
            return Refusal("payload", exc.field, f"{exc} (sự kiện {event.kind})")
        writer = event.counter_id.rsplit("#", 1)[0]
        if writer != stream and event.kind not in SHARED_STEP_KINDS:
            return Refusal("stream", "counter", f"Quầy {event.counter_id} của cơ quan khác không được ghi sự kiện "
                                               f"{event.kind} vào dữ liệu của cơ quan {stream}")
        if getattr(item, "relayed", False) and not signing.verify(self.keys.get(event.counter_id), item.content_hash,
                                                                  getattr(item, "signature", None)):
            return Refusal("signature", "signature",
                           f"Sự kiện do máy khác chuyển hộ không có chữ ký hợp lệ của quầy {event.counter_id}: "
                           "có thể đã bị làm giả")
        if event.kind == Kind.DOSSIER_RECEIVED:
            refusal = self._reception(event, stream)
            if refusal is not None:
                return refusal
        elif event.dossier_id is not None and spec.dossier:
            if event.dossier_id in self._aside:
                return Refusal("dossier", "dossier_id", "Hồ sơ của sự kiện này đang được để riêng (việc tiếp nhận "
                                                        "chưa được áp dụng)")
            if writer != self.own and stream == self.own and self._dossiers.get(event.dossier_id, self.own) != self.own:
                return Refusal("stream", "dossier_id", f"Quầy {event.counter_id} ghi thao tác cho một hồ sơ không "
                                                       f"phải của cơ quan {self.own}")
        if writer == self.own and not waive_permission:  # another agency's users are its own to check
            refusal = self._permission(uow, event, spec)
            if refusal is not None:
                return refusal
        return None

    def _reception(self, event: Event, stream: str) -> Refusal | None:
        p = event.payload
        if p["agency_code"] != stream or event.counter_id != f"{p['agency_code']}#{p['counter']}":
            return Refusal("stream", "agency_code", f"Hồ sơ {p['code']} mang mã cơ quan {p['agency_code']} và quầy "
                                                    f"{p['counter']} nhưng do quầy {event.counter_id} ghi vào dữ liệu "
                                                    f"của cơ quan {stream}")
        if event.actor != p["received_by"]:
            return Refusal("payload", "received_by", "Người tiếp nhận khác người ghi sự kiện")
        holder = self._codes.get(p["code"])
        if holder is not None and holder != event.dossier_id:
            return Refusal("conflict", "dossier_code", f"Mã hồ sơ {p['code']} đã là của một hồ sơ khác ở đây: hai "
                                                       "hồ sơ cùng một mã, cần lãnh đạo xem xét")
        if event.dossier_id in self._dossiers or event.dossier_id in self._aside:
            return Refusal("conflict", "dossier_id", f"Hồ sơ {p['code']} đã được tiếp nhận trước đó (tiếp nhận "
                                                     "hai lần)")
        return None

    def _permission(self, uow: UnitOfWork, event: Event, spec: vocabulary.EventSpec) -> Refusal | None:
        if event.actor == SYSTEM_ACTOR and spec.applied is Applied.REFERENCE and event.seq > SETUP_EVENTS:
            return Refusal("permission", "actor", f"Chương trình chỉ tự ghi {event.kind} khi thiết lập quầy")
        known = self._roles(uow).get(event.actor)
        role, active = known if known is not None else (None, False)
        if vocabulary.may_write(event.kind, role, event.actor, event.payload, active=active):
            return None
        if known is None and not spec.anyone and event.actor != SYSTEM_ACTOR:
            why = f"«{event.actor[:50]}» không phải người dùng của cơ quan"
        elif not active:
            why = f"tài khoản {event.actor} đã bị khóa"
        else:
            why = f"{event.actor} ({role.label if role else '?'}) không có quyền ghi {event.kind}"
        return Refusal("permission", "actor", f"Người thực hiện: {why}")

    # --- after an event is applied ---------------------------------------------------------

    def applied(self, event: Event) -> None:
        """Keep what the checks know in step with an event just accepted."""
        p = event.payload
        if event.kind == Kind.DOSSIER_RECEIVED:
            self._codes[p["code"]] = event.dossier_id  # type: ignore[assignment]
            self._dossiers[event.dossier_id] = p["agency_code"]  # type: ignore[index]
            self._aside.discard(event.dossier_id)  # type: ignore[arg-type]
        elif event.kind in (Kind.USER_CREATED, Kind.USER_UPDATED) and self._users is not None:
            before = self._users.get(p["username"])
            if before is None and ("role" not in p or "password_hash" not in p):
                return  # the applier makes no user of it either
            role = Role(p["role"]) if "role" in p else before[0]  # type: ignore[index]
            active = p["active"] if "active" in p else (before[1] if before else True)
            self._users[p["username"]] = (role, bool(active))

    def set_aside(self, event: Event) -> None:
        if event.kind == Kind.DOSSIER_RECEIVED and event.dossier_id is not None:
            self._aside.add(event.dossier_id)


def set_aside_row(item: Any, refusal: Refusal, stream: str, at: Any) -> dict[str, Any]:
    """The ``set_aside_events`` row of a refused event (its texts cut to the columns' lengths)."""
    event: Event = item.event
    payload = getattr(item, "payload_json", "") or json.dumps(event.payload, ensure_ascii=False, sort_keys=True)
    return dict(
        id=event.id, counter_id=str(event.counter_id)[:60], seq=int(event.seq), kind=str(event.kind)[:60],
        actor=str(event.actor)[:60], dossier_id=event.dossier_id, device_time=event.device_time,
        business_time=event.business_time.isoformat()[:40], payload=payload, schema=int(event.schema),
        content_hash=item.content_hash, signature=getattr(item, "signature", None),
        central_seq=getattr(item, "central_seq", None), stream=stream[:40], problem=refusal.problem,
        field=refusal.field[:60], reason=refusal.reason, set_aside_at=at,
    )


def store(uow: UnitOfWork, rows: list[dict[str, Any]]) -> None:
    """Keep set-aside events (one already kept stays as it is)."""
    if rows:
        uow.session.execute(insert(SetAsideRow).prefix_with("OR IGNORE"), rows)


def _chunks(values: list[Any], size: int = 10_000) -> Iterable[list[Any]]:
    for start in range(0, len(values), size):
        yield values[start:start + size]


def _json_ids(ids: list[uuid.UUID]) -> Any:
    """``IN`` one JSON array of ids (32 hex digits, as SQLite holds them), not thousands of parameters."""
    return select(func.json_each(bindparam("ids", json.dumps([i.hex for i in ids]), type_=String))
                  .table_valued("value").c.value)


def _json_texts(texts: list[str]) -> Any:
    return select(func.json_each(bindparam("texts", json.dumps(texts), type_=String))
                  .table_valued("value").c.value)


# --- settling what was set aside ----------------------------------------------------------------

#: The problems a supervisor's or administrator's decision can overrule by applying the event
#: anyway: who wrote it (the roles here did not let them), or a dossier whose reception was set
#: aside and has been applied since. A bad payload, a bad signature, a code already taken or a
#: wrong stream cannot be applied: they can only be dismissed.
APPLICABLE = frozenset({"permission", "dossier"})


class CannotApply(OneStopError):
    pass


def event_of(row: SetAsideRow) -> Event:
    """The event a set-aside row keeps (its payload parsed again)."""
    return Event(id=row.id, counter_id=row.counter_id, seq=row.seq, kind=row.kind, actor=row.actor,
                 device_time=row.device_time, business_time=datetime.fromisoformat(row.business_time),
                 dossier_id=row.dossier_id, payload=json.loads(row.payload), schema=row.schema)


def release(uow: UnitOfWork, row: SetAsideRow, decided_by: str, note: str, at: Any) -> int:
    """Apply a set-aside event after all (a person decided so): checked again except for its
    actor's permission, stored and projected; then the events of its dossier that were set
    aside for want of it, checked as usual. Returns how many events were applied."""
    from oneStop.sync import reference
    from oneStop.sync.client import _reproject

    if row.problem not in APPLICABLE:
        raise CannotApply(f"Sự kiện {row.id} bị để riêng vì {row.reason.rstrip('.')}: không thể áp dụng, chỉ có thể "
                          "ghi nhận đã xem xét (dismissed).")
    vetter = Vetter(uow.agency_code)
    applied = 0
    queue = [row]
    while queue:
        current = queue.pop(0)
        item = _Kept(event_of(current), current.content_hash, current.signature, current.payload)
        vetter.learn([item], uow)
        if current is row:
            vetter._aside.discard(event_of(row).dossier_id)  # type: ignore[arg-type]  # its own
        refusal = vetter.vet(uow, item, current.stream, waive_permission=current is row)
        if refusal is not None:
            if current is row:
                raise CannotApply(f"Không áp dụng được sự kiện {row.id}: {refusal.reason}")
            continue
        event = item.event
        uow.session.execute(insert(EventRow.__table__), [event_row_values(event, current.content_hash,
                                                                            current.signature)
                                                         | {"central_seq": current.central_seq}])
        if event.dossier_id is None:
            reference.apply(uow, event)
        else:
            _reproject(uow, {event.dossier_id: [event]})
        vetter.applied(event)
        current.settled_by, current.settled_at, current.decision = decided_by, at, "applied"
        current.note = note if current is row else f"áp dụng theo sự kiện {row.id}"
        applied += 1
        if event.kind == Kind.DOSSIER_RECEIVED:
            queue.extend(uow.session.scalars(
                select(SetAsideRow).where(SetAsideRow.dossier_id == event.dossier_id, SetAsideRow.problem == "dossier",
                                          SetAsideRow.settled_at.is_(None))
                .order_by(SetAsideRow.device_time)))
    return applied


@dataclass(frozen=True)
class _Kept:
    event: Event
    content_hash: str
    signature: str | None
    payload_json: str
    relayed: bool = False  # its signature, if it mattered, was checked when it came
