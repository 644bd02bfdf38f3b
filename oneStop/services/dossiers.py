"""Finding and showing dossiers, with personal data masked for roles that do not need it."""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Mapping

from sqlalchemy import or_, select

from oneStop.domain import citizen_id as cid
from oneStop.domain import codes
from oneStop.domain import phone as phone_
from oneStop.domain.errors import DossierNotFound, NotFound
from oneStop.domain.events import Kind, project
from oneStop.domain.models import Applicant, Dossier, Event, User
from oneStop.domain.permissions import Permission
from oneStop.domain.text import search_key, search_text
from oneStop.persistence.attachments import AttachmentStore
from oneStop.persistence.mapping import dossier_from_row, event_from_row, new_dossier_row
from oneStop.persistence.models import DossierRow, EventRow
from oneStop.persistence.uow import UnitOfWork
from oneStop.services.base import UowFactory, authorize, can, user_names


@dataclass(frozen=True)
class DossierDetail:
    dossier: Dossier
    events: tuple[Event, ...]
    masked: bool
    names: Mapping[str, str] = field(default_factory=dict)  # user name → full name, for who did what


def mask_applicant(a: Applicant) -> Applicant:
    return replace(
        a,
        citizen_id=cid.mask(a.citizen_id) if a.citizen_id else "",
        phone=phone_.mask(a.phone) if a.phone else "",
        email=_mask_email(a.email),
    )


def _mask_email(email: str) -> str:
    if "@" not in email:
        return email
    local, domain = email.split("@", 1)
    return f"{local[:1]}***@{domain}"


def mask_dossier(d: Dossier) -> Dossier:
    return replace(d, applicant=mask_applicant(d.applicant), owner=mask_applicant(d.owner) if d.owner else None)


def scanned_code(text: str) -> str | None:
    """A dossier code read by a scanner or typed, or None. Scanners may add a prefix,
    control characters or stray spaces.

    >>> scanned_code("  ]C0000.17.22.H56-261122-0001\\r")
    '000.17.22.H56-261122-0001'
    >>> scanned_code("]C0G09.20-20260609-0092637\\r\\n")    # the date written yyyymmdd
    'G09.20-20260609-0092637'
    """
    found = re.search(r"[0-9A-Za-z.]{1,%d}-\d{6}(?:\d{2})?-\d{4,7}" % codes.AGENCY_CODE_MAX_LENGTH, text or "")
    if not found:
        return None
    candidate = found.group(0).upper()
    # symbology identifiers like "]C0" glue onto the front: try shorter suffixes
    for start in range(0, len(candidate)):
        tail = candidate[start:]
        if codes.is_valid_dossier_code(tail):
            return tail
    return None


class DossierService:
    def __init__(self, uow: UowFactory, attachments: AttachmentStore) -> None:
        self._uow = uow
        self._attachments = attachments

    def find(self, actor: User, query: str = "", *, day: date | None = None, limit: int = 200) -> list[Dossier]:
        """Find by code (a scanned barcode too), citizen ID, phone or name (accent-insensitive);
        newest first; optionally on one business day."""
        search_text(query)  # refused before the database is opened
        with self._uow() as uow:
            authorize(uow, actor, Permission.VIEW_DOSSIERS)
            full = can(uow, actor, Permission.VIEW_PERSONAL_DATA)
            stmt = select(DossierRow)
            text = search_text(query)
            if text:
                code = scanned_code(text)
                digits = re.sub(r"[\s.\-]", "", text)
                if code:
                    stmt = stmt.where(DossierRow.code == code)
                elif re.fullmatch(r"\d{9}|\d{12}", digits):
                    stmt = stmt.where(DossierRow.citizen_id == digits)
                elif phone_.is_valid(text):
                    stmt = stmt.where(DossierRow.phone == phone_.compact(text))
                else:
                    key = search_key(text)
                    stmt = stmt.where(
                        or_(
                            DossierRow.applicant_key.startswith(key, autoescape=True),
                            DossierRow.applicant_key.contains(" " + key, autoescape=True),
                            DossierRow.code.contains(text.upper(), autoescape=True),
                        )
                    )
            if day is not None:
                stmt = stmt.where(DossierRow.received_date == day)
            stmt = stmt.order_by(DossierRow.received_at.desc()).limit(limit)
            rows = uow.session.scalars(stmt).all()
            synced = self._synced_ids(uow, [r.id for r in rows])
            result = [dossier_from_row(r, synced=r.id in synced) for r in rows]
        return result if full else [mask_dossier(d) for d in result]

    def show(self, actor: User, code: str) -> DossierDetail:
        """One dossier with its history. Opening it unmasked leaves an audit event."""
        with self._uow(write=True) as uow:
            authorize(uow, actor, Permission.VIEW_DOSSIERS)
            full = can(uow, actor, Permission.VIEW_PERSONAL_DATA)
            row = self._row_by_code(uow, code)
            events = self._events(uow, row.id)
            names = user_names(uow)
            dossier = dossier_from_row(row, synced=bool(self._synced_ids(uow, [row.id])))
            if full:
                uow.append(Kind.PERSONAL_DATA_VIEWED, actor.username, dossier_id=None,
                           payload={"dossier_id": str(row.id), "code": row.code})
                uow.commit()
        return DossierDetail(dossier if full else mask_dossier(dossier), events, not full, names)

    def get(self, actor: User, code: str) -> Dossier:
        with self._uow() as uow:
            authorize(uow, actor, Permission.VIEW_DOSSIERS)
            full = can(uow, actor, Permission.VIEW_PERSONAL_DATA)
            dossier = dossier_from_row(self._row_by_code(uow, code))
        return dossier if full else mask_dossier(dossier)

    def last_applicant(self, actor: User, citizen_id: str) -> Applicant | None:
        """The details a returning applicant gave last time (by citizen ID)."""
        number = cid.compact(citizen_id or "")
        if not number:
            return None
        with self._uow() as uow:
            authorize(uow, actor, Permission.RECEIVE)
            row = uow.session.scalars(
                select(DossierRow).where(DossierRow.citizen_id == number).order_by(DossierRow.received_at.desc()).limit(1)
            ).first()
            return dossier_from_row(row).applicant if row else None

    def attachment(self, actor: User, sha256: str) -> bytes:
        with self._uow() as uow:
            authorize(uow, actor, Permission.VIEW_PERSONAL_DATA)
        try:
            return self._attachments.get(sha256)
        except (OSError, ValueError) as exc:
            raise NotFound(f"Không đọc được tệp đính kèm {sha256[:12]}…: {exc}") from exc

    def conflicts(self, actor: User) -> list[Dossier]:
        """Dossiers whose events contradict each other (e.g. returned by two counters): kept,
        flagged, for a supervisor to settle with :meth:`resolve_conflict`."""
        with self._uow() as uow:
            authorize(uow, actor, Permission.SUPERVISE)
            rows = uow.session.scalars(select(DossierRow).where(DossierRow.conflicts > 0).order_by(DossierRow.code))
            return [dossier_from_row(r) for r in rows]

    def resolve_conflict(self, actor: User, code: str, note: str) -> Dossier:
        from oneStop.domain.text import clean

        note = clean(note, "notes", max_len=1000, required=True, multiline=True)
        with self._uow(write=True) as uow:
            supervisor = authorize(uow, actor, Permission.SUPERVISE)
            row = self._row_by_code(uow, code)
            _, dossier = uow.record(Kind.CONFLICT_RESOLVED, supervisor.username, row.id, {"note": note})
            uow.commit()
        return dossier

    def rebuild_projection(self, actor: User) -> int:
        """Drop the dossier table's contents and replay every dossier event; return the count."""
        with self._uow(write=True) as uow:
            authorize(uow, actor, Permission.MANAGE_SETTINGS)
            count = rebuild_projection(uow)
            uow.commit()
            return count

    # --- helpers -------------------------------------------------------------------------------

    @staticmethod
    def _row_by_code(uow: UnitOfWork, code: str) -> DossierRow:
        wanted = scanned_code(code) or (code or "").strip().upper()
        row = uow.session.scalar(select(DossierRow).where(DossierRow.code == wanted))
        if row is None:
            raise DossierNotFound(wanted)
        return row

    @staticmethod
    def _events(uow: UnitOfWork, dossier_id: uuid.UUID) -> tuple[Event, ...]:
        rows = uow.session.scalars(
            select(EventRow).where(EventRow.dossier_id == dossier_id).order_by(EventRow.device_time, EventRow.id)
        )
        return tuple(event_from_row(r) for r in rows)

    @staticmethod
    def _synced_ids(uow: UnitOfWork, ids: list[uuid.UUID]) -> set[uuid.UUID]:
        """Dossiers every event of which the central database has acknowledged (a dossier
        whose latest step is still waiting here is not on the central database yet)."""
        if not ids:
            return set()
        waiting = set(uow.session.scalars(
            select(EventRow.dossier_id).where(EventRow.dossier_id.in_(ids), EventRow.central_seq.is_(None)).distinct()
        ))
        return set(ids) - waiting


def rebuild_projection(uow: UnitOfWork) -> int:
    """Replay all dossier events into a fresh projection (same transaction as the caller)."""
    session = uow.session
    session.query(DossierRow).delete()
    rows = session.scalars(
        select(EventRow).where(EventRow.dossier_id.is_not(None)).order_by(EventRow.dossier_id)
    )
    count = 0
    batch: list[Event] = []
    current: uuid.UUID | None = None

    def flush() -> None:
        nonlocal count
        dossier = project(batch)
        if dossier is not None:
            session.add(new_dossier_row(dossier, uow.now()))
            count += 1

    for row in rows:
        if row.dossier_id != current and batch:
            flush()
            batch = []
        current = row.dossier_id
        batch.append(event_from_row(row))
    if batch:
        flush()
    session.flush()
    return count
