"""The procedure catalog: search, import and export (CSV, XLSX), the bundled sample."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable

from sqlalchemy import select

from oneStop.domain.errors import ProcedureNotFound, ValidationError
from oneStop.domain.events import Kind
from oneStop.domain.models import Procedure, User
from oneStop.domain.permissions import Permission
from oneStop.domain.text import search_key, search_text
from oneStop.persistence.mapping import procedure_from_row, procedure_to_row_values
from oneStop.persistence.models import ProcedureRow
from oneStop.persistence.uow import UnitOfWork
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
        added = updated = unchanged = 0
        now = uow.now()
        codes = []
        changed = []
        for p in procedures:
            values = procedure_to_row_values(p, now)
            row = uow.session.get(ProcedureRow, p.code)
            if row is None:
                uow.session.add(ProcedureRow(**values))
                added += 1
            elif procedure_from_row(row) == p:
                unchanged += 1
                continue
            else:
                for key, value in values.items():
                    setattr(row, key, value)
                updated += 1
            codes.append(p.code)
            changed.append({k: v for k, v in values.items() if k not in ("search_key", "updated_at")})
        uow.append(
            Kind.CATALOG_IMPORTED,
            actor,
            # the procedures themselves travel, so that every counter of the agency gets them
            payload={"source": source, "added": added, "updated": updated, "unchanged": unchanged, "codes": codes,
                     "procedures": changed},
        )
        return added, updated, unchanged

    def import_file(self, actor: User, path: Path, *, progress: Callable[[int, int], None] | None = None) -> ImportReport:
        """Import a CSV or XLSX catalog. All or nothing: with any row error nothing is written
        and every error is reported with its row and column."""
        with self._uow() as uow:
            authorize(uow, actor, Permission.MANAGE_CATALOG)
        from oneStop.persistence.files import read_bounded

        data = read_bounded(Path(path), CATALOG_MAX_BYTES, "catalog_file")
        try:
            result = catalog_io.read_catalog(data, Path(path).suffix)
        except (OSError, ValueError) as exc:
            raise ValidationError("setting", f"không đọc được tệp {Path(path).name}: {exc}") from exc
        if not result.ok:
            return ImportReport(0, 0, 0, result.errors)
        with self._uow(write=True) as uow:
            authorize(uow, actor, Permission.MANAGE_CATALOG)
            added, updated, unchanged = self.store(uow, result.procedures, actor=actor.username, source=Path(path).name)
            uow.commit()
        if progress:
            progress(len(result.procedures), len(result.procedures))
        return ImportReport(added, updated, unchanged, ())

    def export_file(self, actor: User, path: Path) -> int:
        path = Path(path)
        fmt = path.suffix.lower().lstrip(".")
        if fmt not in ("csv", "xlsx"):
            raise ValidationError("setting", "tệp xuất phải có đuôi .csv hoặc .xlsx")
        with self._uow(write=True) as uow:
            authorize(uow, actor, Permission.MANAGE_CATALOG)
            procedures = [procedure_from_row(r) for r in uow.session.scalars(select(ProcedureRow).order_by(ProcedureRow.code))]
            data = catalog_io.write_catalog_csv(procedures) if fmt == "csv" else catalog_io.write_catalog_xlsx(procedures)
            tmp = path.with_name(path.name + ".tmp")
            tmp.write_bytes(data)
            tmp.replace(path)
            uow.append(Kind.CATALOG_EXPORTED, actor.username, payload={"file": path.name, "count": len(procedures)})
            uow.commit()
        return len(procedures)
