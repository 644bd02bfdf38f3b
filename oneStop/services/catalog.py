"""The procedure catalog: search, import and export (CSV, XLSX), the bundled sample."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable

from sqlalchemy import func, insert, select, update

from oneStop.domain.errors import ProcedureNotFound, ValidationError
from oneStop.domain.events import Kind
from oneStop.domain.models import Procedure, User
from oneStop.domain.permissions import Permission
from oneStop.domain.text import search_key, search_text
from oneStop.persistence.mapping import procedure_from_row, procedure_to_dict, procedure_to_row_values
from oneStop.persistence.models import ProcedureRow
from oneStop.persistence.files import write_private
from oneStop.persistence.uow import CheckedPayload, UnitOfWork, check_payload
from oneStop.services import catalog_io
from oneStop.services.base import UowFactory, authorize


CATALOG_MAX_BYTES = 64 * 1024 * 1024


@dataclass(frozen=True)
class ImportReport:
    added: int
    updated: int
    unchanged: int
    errors: tuple[catalog_io.RowError, ...]

    @property
    def ok(self) -> bool:
        return not self.errors


class CatalogService:
    def __init__(self, uow: UowFactory) -> None:
        self._uow = uow
        #: how long the last import held the write lock (seconds), for the log and the bench
        self.last_lock_seconds = 0.0

    # --- reading ---------------------------------------------------------------------------

    def search(self, text: str = "", *, limit: int = 50, include_inactive: bool = False) -> list[Procedure]:
        """Accent-insensitive: "dang ky khai sinh" finds "Đăng ký khai sinh"; every word must
        occur (in the code, the name or the field)."""
        tokens = search_key(search_text(text)).split()
        stmt = select(ProcedureRow)
        if not include_inactive:
            stmt = stmt.where(ProcedureRow.active.is_(True))
        for token in tokens:
            stmt = stmt.where(ProcedureRow.search_key.contains(token, autoescape=True))
        stmt = stmt.order_by(ProcedureRow.field, ProcedureRow.name).limit(limit)
        with self._uow() as uow:
            return [procedure_from_row(r) for r in uow.session.scalars(stmt)]

    def get(self, code: str) -> Procedure:
        with self._uow() as uow:
            return self.get_in(uow, code)

    @staticmethod
    def get_in(uow: UnitOfWork, code: str) -> Procedure:
        row = uow.session.get(ProcedureRow, (code or "").strip())
        if row is None:
            raise ProcedureNotFound(code)
        return procedure_from_row(row)

    def all(self) -> list[Procedure]:
        return self.search("", limit=100_000, include_inactive=True)

    @staticmethod
    def sample() -> tuple[Procedure, ...]:
        return catalog_io.load_sample_catalog()

    # --- writing ---------------------------------------------------------------------------

    def store(self, uow: UnitOfWork, procedures: Iterable[Procedure], *, actor: str, source: str) -> tuple[int, int, int]:
        """Insert or update procedures in the caller's transaction; one event for the batch."""
        plan = _plan(_existing(uow), procedures, uow.now())
        return self._apply(uow, plan, actor=actor, source=source)

    @staticmethod
    def _apply(uow: UnitOfWork, plan: "_Plan", *, actor: str, source: str) -> tuple[int, int, int]:
        """Write a prepared plan: two bulk statements and the event."""
        if plan.inserts:
            uow.session.execute(insert(ProcedureRow), plan.inserts)
        if plan.updates:
            uow.session.execute(update(ProcedureRow), plan.updates)
        uow.append(Kind.CATALOG_IMPORTED, actor, payload=plan.payload(source))
        return len(plan.inserts), len(plan.updates), plan.unchanged

    def import_file(self, actor: User, path: Path, *, progress: Callable[[int, int], None] | None = None) -> ImportReport:
        """Import a CSV or XLSX catalog. All or nothing: with any row error nothing is written
        and every error is reported with its row and column.

        Everything is read, checked and compared with the stored catalog before the write lock
        is taken; under the lock the plan is only written (two bulk statements and the event),
        so other counters' work waits briefly. If the catalog changed in between, the plan is
        made again under the lock."""
        from oneStop.persistence.files import read_bounded

        with self._uow() as uow:
            authorize(uow, actor, Permission.MANAGE_CATALOG)
        data = read_bounded(Path(path), CATALOG_MAX_BYTES, "catalog_file")
        try:
            result = catalog_io.read_catalog(data, Path(path).suffix)
        except (OSError, ValueError) as exc:
            raise ValidationError("catalog_file", f"không đọc được tệp {Path(path).name}: {exc}") from exc
        if not result.ok:
            return ImportReport(0, 0, 0, result.errors)
        with self._uow() as uow:
            before = _fingerprint(uow)
            plan = _plan(_existing(uow), result.procedures, uow.now())
        plan.checked = check_payload(Kind.CATALOG_IMPORTED, plan.payload(Path(path).name))
        started = time.perf_counter()
        with self._uow(write=True) as uow:
            authorize(uow, actor, Permission.MANAGE_CATALOG)
            if _fingerprint(uow) != before:  # changed meanwhile (a sync, another import): plan again
                plan = _plan(_existing(uow), result.procedures, uow.now())
            added, updated, unchanged = self._apply(uow, plan, actor=actor.username, source=Path(path).name)
            uow.commit()
        self.last_lock_seconds = time.perf_counter() - started
        if progress:
            progress(len(result.procedures), len(result.procedures))
        return ImportReport(added, updated, unchanged, ())

    def export_file(self, actor: User, path: Path) -> int:
        path = Path(path)
        fmt = path.suffix.lower().lstrip(".")
        if fmt not in ("csv", "xlsx"):
            raise ValidationError("catalog_file", "tệp xuất phải có đuôi .csv hoặc .xlsx")
        with self._uow(write=True) as uow:
            authorize(uow, actor, Permission.MANAGE_CATALOG)
            procedures = [procedure_from_row(r) for r in uow.session.scalars(select(ProcedureRow).order_by(ProcedureRow.code))]
            data = catalog_io.write_catalog_csv(procedures) if fmt == "csv" else catalog_io.write_catalog_xlsx(procedures)
            write_private(path, data)
            uow.append(Kind.CATALOG_EXPORTED, actor.username, payload={"file": path.name, "count": len(procedures)})
            uow.commit()
        return len(procedures)


@dataclass
class _Plan:
    """What an import will write: rows to insert, rows to update (by primary key), the count
    of unchanged procedures and the changed values in file order (the event's payload)."""

    inserts: list[dict] = field(default_factory=list)
    updates: list[dict] = field(default_factory=list)
    unchanged: int = 0
    changed: list[dict] = field(default_factory=list)
    #: the event's payload, checked against the vocabulary before the lock
    checked: CheckedPayload | None = None

    def payload(self, source: str) -> dict | CheckedPayload:
        if self.checked is not None:
            return self.checked
        return {"source": source, "added": len(self.inserts), "updated": len(self.updates),
                "unchanged": self.unchanged, "codes": [v["code"] for v in self.changed],
                # the procedures themselves travel, so that every counter of the agency gets them
                "procedures": self.changed}


def _existing(uow: UnitOfWork) -> dict[str, Procedure]:
    return {row.code: procedure_from_row(row) for row in uow.session.scalars(select(ProcedureRow))}


def _fingerprint(uow: UnitOfWork) -> tuple:
    return tuple(uow.session.execute(select(func.count(), func.max(ProcedureRow.updated_at))).one())


def _plan(existing: dict[str, Procedure], procedures: Iterable[Procedure], now) -> _Plan:  # type: ignore[no-untyped-def]
    plan = _Plan()
    for p in procedures:
        old = existing.get(p.code)
        if old == p:
            plan.unchanged += 1
            continue
        (plan.inserts if old is None else plan.updates).append(procedure_to_row_values(p, now))
        plan.changed.append(procedure_to_dict(p))
    return plan
