"""The catalog-import benchmark: how long an import of 100,000 procedures holds the database's
write lock (during which no other counter of this PC can save a dossier).

Both figures are measured in the same run, on two new data folders set up alike, from the
same CSV file:

* ``before``: the way imports worked until issue 13 — the file read and checked outside the
  lock, then every procedure looked up, compared and added row by row *inside* the write
  transaction (the code is kept below, as it was);
* ``after``: ``CatalogService.import_file`` as it is now — the stored catalog read and the
  plan made before the lock, two bulk statements and the event under it.

A second pass re-imports the file with every fee changed (100,000 updates).

Run: ``python bench/catalog_import.py [rows]``; prints one JSON object.
"""

from __future__ import annotations

import json
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from oneStop.domain.events import Kind  # noqa: E402
from oneStop.domain.models import Role  # noqa: E402
from oneStop.persistence.mapping import procedure_from_row, procedure_to_row_values  # noqa: E402
from oneStop.persistence.models import ProcedureRow  # noqa: E402
from oneStop.services import catalog_io  # noqa: E402
from oneStop.services.app import App  # noqa: E402
from oneStop.services.setup import SetupRequest  # noqa: E402

HEADER = ("ma_thu_tuc,ten_thu_tuc,linh_vuc,co_quan_giai_quyet,so_ngay_giai_quyet,so_gio_giai_quyet,le_phi,"
          "ghi_chu_le_phi,tiep_nhan_buu_chinh,tra_ket_qua_buu_chinh,thanh_phan_ho_so,hieu_luc\n")


def write_file(path: Path, rows: int, fee: int) -> None:
    with path.open("w", encoding="utf-8") as out:
        out.write(HEADER)
        for i in range(rows):
            out.write(f"L-{i:06d},Thủ tục địa phương số {i},Hộ tịch,UBND cấp xã,{i % 30},0,{fee},,có,có,"
                      f"Tờ khai [bản chính x1];Căn cước [bản photo x1],có\n")


def old_store(uow, procedures, *, actor: str, source: str) -> tuple[int, int, int]:  # type: ignore[no-untyped-def]
    """``CatalogService.store`` as it was before issue 13: row by row, inside the lock."""
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
    uow.append(Kind.CATALOG_IMPORTED, actor, payload={"source": source, "added": added, "updated": updated,
                                                      "unchanged": unchanged, "codes": codes, "procedures": changed})
    return added, updated, unchanged


def new_app(folder: Path) -> tuple[App, object]:
    app = App(folder)
    admin = app.setup.set_up(SetupRequest(
        agency_code="000.17.22.H56", agency_name="Bộ phận Một cửa xã Quảng Phú", managing_agency="UBND xã Quảng Phú",
        province="Thanh Hóa", place="Quảng Phú", counter=1, admin_username="admin", admin_full_name="Lê Văn Quản",
        admin_password="mat-khau-an-toan", load_sample_catalog=False))
    assert admin.role is Role.ADMIN
    return app, admin


def before(folder: Path, path: Path) -> float:
    app, admin = new_app(folder)
    try:
        result = catalog_io.read_catalog_file(path)  # outside the lock, as it was
        assert result.ok, result.errors[:3]
        started = time.perf_counter()
        with app.uow(write=True) as uow:
            old_store(uow, result.procedures, actor=admin.username, source=path.name)
            uow.commit()
        return time.perf_counter() - started
    finally:
        app.close()


def after(folder: Path, *paths: Path) -> list[dict]:
    app, admin = new_app(folder)
    figures = []
    try:
        for path in paths:
            started = time.perf_counter()
            report = app.catalog.import_file(admin, path)
            assert report.ok
            figures.append({"file": path.name, "added": report.added, "updated": report.updated,
                            "lock_seconds": round(app.catalog.last_lock_seconds, 2),
                            "total_seconds": round(time.perf_counter() - started, 2)})
        return figures
    finally:
        app.close()


def before_update(folder: Path, first: Path, second: Path) -> float:
    app, admin = new_app(folder)
    try:
        app.catalog.import_file(admin, first)
        result = catalog_io.read_catalog_file(second)
        started = time.perf_counter()
        with app.uow(write=True) as uow:
            old_store(uow, result.procedures, actor=admin.username, source=second.name)
            uow.commit()
        return time.perf_counter() - started
    finally:
        app.close()


def main(rows: int = 100_000) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        first, second = root / "catalog.csv", root / "catalog-new-fees.csv"
        write_file(first, rows, 20_000)
        write_file(second, rows, 25_000)
        old_insert = before(root / "before", first)
        old_update = before_update(root / "before-update", first, second)
        new = after(root / "after", first, second)
    return {
        "rows": rows,
        "insert": {"before_lock_seconds": round(old_insert, 2), "after_lock_seconds": new[0]["lock_seconds"],
                   "after_total_seconds": new[0]["total_seconds"]},
        "update": {"before_lock_seconds": round(old_update, 2), "after_lock_seconds": new[1]["lock_seconds"],
                   "after_total_seconds": new[1]["total_seconds"]},
    }


if __name__ == "__main__":
    print(json.dumps(main(int(sys.argv[1]) if len(sys.argv) > 1 else 100_000), indent=2))
