"""Reference data that travels with the events: what an administrator changes on one counter
(the procedure catalog, holiday overrides, users with their password hashes, agency-wide
settings such as the targets, postal units, regulation profiles) reaches every counter of the agency through the
central database and is applied here, written straight to the tables (no new event: that
would echo back). The last change in central order wins, the same on every counter."""

from __future__ import annotations

from datetime import date
from typing import Callable

from oneStop import settings as S
from oneStop.domain.models import Event
from oneStop.domain.vocabulary import VOCABULARY, Applied, Kind
from oneStop.persistence.mapping import procedure_from_dict, procedure_to_row_values
from oneStop.persistence.models import (
    AgencyRow,
    CalendarOverrideRow,
    PostalUnitRow,
    ProcedureRow,
    UserRow,
)
from oneStop.persistence import settings_repo
from oneStop.persistence.uow import UnitOfWork


def _upsert(uow: UnitOfWork, model, key, values: dict) -> None:  # type: ignore[no-untyped-def]
    row = uow.session.get(model, key)
    if row is None:
        uow.session.add(model(**values))
    else:
        for name, value in values.items():
            setattr(row, name, value)


def _override_set(uow: UnitOfWork, e: Event) -> None:
    day = date.fromisoformat(e.payload["day"])
    _upsert(uow, CalendarOverrideRow, day, {"day": day, "kind": e.payload["kind"], "note": e.payload.get("note", "")})


def _override_removed(uow: UnitOfWork, e: Event) -> None:
    row = uow.session.get(CalendarOverrideRow, date.fromisoformat(e.payload["day"]))
    if row is not None:
        uow.session.delete(row)


def _user(uow: UnitOfWork, e: Event) -> None:
    p = e.payload
    row = uow.session.get(UserRow, p["username"])
    if row is None:
        if "password_hash" not in p or "role" not in p:
            return  # an older event without the hash: nothing to log in with
        uow.session.add(UserRow(username=p["username"], full_name=p.get("full_name", p["username"]), role=p["role"],
                                password_hash=p["password_hash"], active=p.get("active", True),
                                created_at=e.device_time))
        return
    for name in ("full_name", "role", "password_hash", "active"):
        if name in p:
            setattr(row, name, p[name])


def _setting(uow: UnitOfWork, e: Event) -> None:
    spec = S.REGISTRY.get(e.payload.get("key", ""))
    if spec is None or spec.scope != "agency":
        return  # a device setting (a printer) belongs to its own PC
    takes_effect = date.fromisoformat(e.payload["from"]) if "from" in e.payload else None
    settings_repo.store(uow, spec, e.payload["new"], e.device_time, takes_effect)


def _agency_contact(uow: UnitOfWork, e: Event) -> None:
    """The look-up website and hotline the receipts print, set on another counter of the agency."""
    row = uow.session.get(AgencyRow, e.payload["code"])
    if row is None:
        return  # not this agency's
    for name in ("lookup_url", "hotline"):
        if name in e.payload:
            setattr(row, name, e.payload[name])


def _catalog(uow: UnitOfWork, e: Event) -> None:
    for values in e.payload.get("procedures", ()):
        p = procedure_from_dict(values)
        _upsert(uow, ProcedureRow, p.code, procedure_to_row_values(p, e.device_time))


def _postal_unit(uow: UnitOfWork, e: Event) -> None:
    p = e.payload
    _upsert(uow, PostalUnitRow, p["code"], {"code": p["code"], "name": p["name"], "address": p.get("address", ""),
                                            "phone": p.get("phone", ""), "active": p.get("active", True),
                                            "updated_at": e.device_time})


def _profile(uow: UnitOfWork, e: Event) -> None:
    """Nothing to write: the profile service reads publications from the events themselves."""


def _settled(uow: UnitOfWork, e: Event) -> None:
    """A supervisor or administrator on another counter settled an event set aside there: the
    same event, set aside here too, is settled the same way (applied if it can be here, and if
    the decision was theirs to take: a dossier's event a supervisor's, anything else an
    administrator's)."""
    import uuid

    from oneStop.domain.permissions import Permission, allowed
    from oneStop.domain.models import Role
    from oneStop.persistence.models import SetAsideRow
    from oneStop.sync.vetting import CannotApply, release

    row = uow.session.get(SetAsideRow, uuid.UUID(e.payload["event_id"]))
    if row is None or row.settled_at is not None:
        return
    note = e.payload.get("note", "")
    actor = uow.session.get(UserRow, e.actor)
    needed = Permission.SUPERVISE if row.dossier_id is not None else Permission.MANAGE_SETTINGS
    if e.payload["decision"] == "applied" and actor is not None and allowed(Role(actor.role), needed):
        try:
            with uow.session.begin_nested():
                release(uow, row, e.actor, note, e.device_time)
            return
        except CannotApply:  # left for a person here to look at
            row.note = f"{e.actor} đã quyết định áp dụng ở quầy khác; ở quầy này không áp dụng được"
            return
    if e.payload["decision"] == "dismissed":
        row.settled_by, row.settled_at, row.decision, row.note = e.actor, e.device_time, "dismissed", note


APPLIERS: dict[str, Callable[[UnitOfWork, Event], None]] = {
    Kind.CALENDAR_OVERRIDE_SET: _override_set,
    Kind.CALENDAR_OVERRIDE_REMOVED: _override_removed,
    Kind.USER_CREATED: _user,
    Kind.USER_UPDATED: _user,
    Kind.SETTING_CHANGED: _setting,
    Kind.AGENCY_CONTACT_SET: _agency_contact,
    Kind.CATALOG_IMPORTED: _catalog,
    Kind.POSTAL_UNIT_SAVED: _postal_unit,
    Kind.PROFILE_PUBLISHED: _profile,
    Kind.SET_ASIDE_SETTLED: _settled,
}
#: the vocabulary says which kinds are reference data; each has its applier here, and only they
assert set(APPLIERS) == {k for k, s in VOCABULARY.items() if s.applied is Applied.REFERENCE}, "reference appliers"


def apply(uow: UnitOfWork, event: Event) -> bool:
    """Apply a pulled reference event; True if it was one."""
    applier = APPLIERS.get(event.kind)
    if applier is None:
        return False
    applier(uow, event)
    return True
