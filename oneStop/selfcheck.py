"""``onestop selfcheck``: does this installation work? Every part a counter needs, run once on
a scratch data folder, with a report naming the first step that failed.

The core steps are here: the data folder, the database and its migrations (both the counter's
and the central database's scripts, which Alembic loads as files), the bundled fonts, profiles
and sample catalog, a sample dossier, its receipt PDF, and the barcode on that PDF read back by
a real decoder. The desktop program adds its own steps (Qt, its fonts and translations, the
main window, the print path) through ``ui_check``, so that the core never imports Qt.

The barcode is read back the way a scanner would: the page rendered at 300 dpi by pdfium on
white and decoded by zxing-cpp — both runtime dependencies (about 10 MB together), so the
installed program checks itself with the decoder the tests use, independent of the encoder.

The check always runs in a temporary folder, removed afterwards, and leaves nothing in a folder
it is given: with ``--data-dir`` naming a folder that is already set up, it works on a copy of
its database (the migrations are tried on the real data, nothing is written to it); an empty
or missing folder stays as it was (it is not set up as a test agency, so the real ``setup`` can
follow). Its log goes to the usual log folder (``ONESTOP_LOG_DIR``, or the user's), never into
the given folder.
"""

from __future__ import annotations

import logging
import shutil
import sqlite3
import sys
import tempfile
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterator

from oneStop import __version__

log = logging.getLogger(__name__)

#: The DPI the receipt is rendered at before decoding (the tests' scanner too).
DECODE_DPI = 300
SAMPLE_AGENCY = "000.00.00.H01"  # a well-formed agency code that no real agency will sync with
SAMPLE_APPLICANT = {"name": "Nguyễn Văn Kiểm Tra", "citizen_id": "038095001234", "phone": "0987654321",
                    "address": "Thôn Đông, xã Quảng Phú"}


class StepFailed(Exception):
    """A step found something wrong (as opposed to raising unexpectedly)."""


@dataclass
class Step:
    name: str
    ok: bool
    ms: int
    detail: str = ""

    def to_json(self) -> dict[str, Any]:
        return {"name": self.name, "ok": self.ok, "ms": self.ms, "detail": self.detail}


@dataclass
class Report:
    version: str = __version__
    frozen: bool = bool(getattr(sys, "frozen", False))
    data_dir: str = ""
    steps: list[Step] = field(default_factory=list)
    dossier: str = ""

    @property
    def ok(self) -> bool:
        return bool(self.steps) and all(s.ok for s in self.steps)

    @property
    def failed(self) -> Step | None:
        return next((s for s in self.steps if not s.ok), None)

    def to_json(self) -> dict[str, Any]:
        failed = self.failed
        return {"ok": self.ok, "version": self.version, "frozen": self.frozen, "data_dir": self.data_dir,
                "dossier": self.dossier, "failed": failed.name if failed else None,
                "steps": [s.to_json() for s in self.steps]}

    def lines(self) -> list[str]:
        out = [f"{'OK ' if s.ok else 'LỖI'} {s.name:<14} {s.ms:>6} ms  {s.detail}".rstrip() for s in self.steps]
        failed = self.failed
        out.append("Tự kiểm tra: đạt." if self.ok else f"Tự kiểm tra: không đạt ở bước «{failed.name if failed else '?'}».")
        return out


def decode_barcodes(image: Any) -> dict[str, list[str]]:
    """The barcodes zxing-cpp finds on a PIL image, by format name ("Code128", "QRCode")."""
    import zxingcpp

    found: dict[str, list[str]] = {}
    for result in zxingcpp.read_barcodes(image):
        found.setdefault(result.format.name, []).append(result.text)
    return found


def render_first_page(pdf: bytes, dpi: int = DECODE_DPI) -> Any:
    """The first page of ``pdf`` as a greyscale PIL image, on white."""
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(pdf)
    try:
        bitmap = document[0].render(scale=dpi / 72, fill_color=(255, 255, 255, 255))
        return bitmap.to_pil().convert("L")
    finally:
        document.close()


def expect_barcodes(found: dict[str, list[str]], code: str) -> str:
    """Raise :class:`StepFailed` unless the Code128 and the QR code both read ``code``."""
    if code not in found.get("Code128", []):
        raise StepFailed(f"mã vạch Code128 đọc được {found.get('Code128', [])}, cần {code}")
    if code not in found.get("QRCode", []):
        raise StepFailed(f"mã QR đọc được {found.get('QRCode', [])}, cần {code}")
    return f"Code128 và QR đọc lại đúng {code}"


class SelfCheck:
    """Runs the steps in order; the first failure stops the run. ``ui_check`` gets this object
    (with :attr:`app`, :attr:`user`, :attr:`receipt_pdf`, :attr:`code`) and adds steps."""

    def __init__(self, data_dir: Path | None = None, *, ui_check: Callable[["SelfCheck"], None] | None = None) -> None:
        self._requested = data_dir
        self._ui_check = ui_check
        self.report = Report()
        self.app: Any = None
        self.user: Any = None
        self.admin: Any = None
        self.receipt_pdf = b""
        self.code = ""
        self._scratch: Path | None = None

    @contextmanager
    def step(self, step: str) -> Iterator[list[str]]:
        """Time the block and record it as ``step``; append words to the yielded list to
        say what was found. A failure is recorded and re-raised as :class:`StepFailed`."""
        detail: list[str] = []
        started = time.perf_counter()
        try:
            yield detail
        except Exception as exc:
            ms = round((time.perf_counter() - started) * 1000)
            text = str(exc) if isinstance(exc, StepFailed) else f"{type(exc).__name__}: {exc}"
            self.report.steps.append(Step(step, False, ms, text))
            if isinstance(exc, StepFailed):
                log.error("selfcheck step %s failed: %s", step, text)
            else:
                log.error("selfcheck step %s failed", step, exc_info=exc)
            raise StepFailed(step) from exc
        ms = round((time.perf_counter() - started) * 1000)
        self.report.steps.append(Step(step, True, ms, "; ".join(detail)))
        log.info("selfcheck step %s ok (%d ms)", step, ms)

    def run(self) -> Report:
        try:
            self._core_steps()
            if self._ui_check is None:
                with self.step("ui"):
                    raise StepFailed("giao diện không có trong bản cài đặt này (chạy qua lệnh onestop)")
            else:
                self._ui_check(self)
        except StepFailed:
            pass
        finally:
            self._close()
        failed = self.report.failed
        outcome = f"failed at {failed.name}" if failed else "passed"
        log.info("selfcheck %s", outcome)
        return self.report

    # --- the core steps ------------------------------------------------------------------------

    def _core_steps(self) -> None:
        from oneStop.domain.models import Role
        from oneStop.persistence import migrate
        from oneStop.services.app import App

        with self.step("data_dir") as said:
            folder = self._data_folder()
            probe = folder / ".selfcheck-probe"
            probe.write_bytes(b"ok")
            probe.unlink()
            self.report.data_dir = str(folder)
            said.append(str(folder))

        with self.step("database") as said:
            self.app = App(folder)
            revision = migrate.current_revision(self.app.db.reader)
            if revision != migrate.SCHEMA_HEAD:
                raise StepFailed(f"lược đồ {revision}, cần {migrate.SCHEMA_HEAD}")
            said.append(f"lược đồ {revision}")

        with self.step("central_schema") as said:
            said.append(self._central_scripts())

        with self.step("modules") as said:
            said.append(self._modules())

        with self.step("resources") as said:
            from oneStop.printing import fonts

            fonts.register()
            missing = fonts.missing_glyphs("Nguyễn Thị Hương Ước — Đăng ký khai sinh ỹ ử ự đ Đ")
            if missing:
                raise StepFailed(f"phông chữ thiếu {''.join(sorted(missing))}")
            if not self.app.profiles:
                raise StepFailed("không có quy định mẫu phiếu (profiles)")
            sample = self.app.catalog.sample()
            if not sample:
                raise StepFailed("danh mục thủ tục mẫu rỗng")
            said.append(f"{len(self.app.profiles)} quy định, {len(sample)} thủ tục mẫu")

        with self.step("setup") as said:
            self.admin = admin = self._set_up()
            suffix = time.strftime("%H%M%S")
            self.user = self.app.auth.add_user(admin, f"selfcheck{suffix}", "Kiểm tra cài đặt", Role.OFFICIAL,
                                               f"selfcheck-{suffix}-{id(self)}")
            said.append(f"cơ quan {self.app.setup.counter().agency_code}, {len(self.app.catalog.all())} thủ tục")

        with self.step("dossier") as said:
            from oneStop.domain.models import Applicant, DossierDraft

            procedure = next(p for p in self.app.catalog.all() if p.active)
            dossier = self.app.reception.receive(
                self.user, DossierDraft(procedure_code=procedure.code, applicant=Applicant(**SAMPLE_APPLICANT),
                                        notes="selfcheck"))
            self.code = self.report.dossier = dossier.code
            said.append(dossier.code)

        with self.step("receipt") as said:
            printed = self.app.printing.receipt(self.user, self.code)
            if not printed.pdf.startswith(b"%PDF"):
                raise StepFailed("phiếu tiếp nhận không phải PDF")
            self.receipt_pdf = printed.pdf
            said.append(f"{printed.paper}, {len(printed.pdf) // 1024} KB")

        with self.step("barcode") as said:
            said.append(expect_barcodes(decode_barcodes(render_first_page(self.receipt_pdf)), self.code))

        with self.step("reports") as said:
            from oneStop.domain.clock import local_date

            day = local_date(self.app.clock())
            daily = self.app.supervision.daily_log(self.admin, day)
            if self.code not in {row.code for row in daily.rows}:
                raise StepFailed(f"sổ theo dõi ngày {day} không có {self.code}")
            xlsx = self.app.supervision.export_log(self.admin, daily, "xlsx")
            pdf = self.app.supervision.export_log(self.admin, daily, "pdf")
            if not xlsx.startswith(b"PK") or not pdf.startswith(b"%PDF"):
                raise StepFailed("sổ theo dõi không xuất được ra XLSX hoặc PDF")
            said.append(f"sổ theo dõi {len(daily.rows)} hồ sơ: XLSX {len(xlsx) // 1024} KB, PDF {len(pdf) // 1024} KB")

    def _data_folder(self) -> Path:
        from oneStop.persistence.db import DB_FILENAME

        requested = self._requested
        self._scratch = Path(tempfile.mkdtemp(prefix="onestop-selfcheck-"))
        if requested is not None and (Path(requested) / DB_FILENAME).is_file():  # a real one: work on a copy
            source = sqlite3.connect(f"file:{Path(requested) / DB_FILENAME}?mode=ro", uri=True)
            target = sqlite3.connect(self._scratch / DB_FILENAME)
            try:
                source.backup(target)
            finally:
                target.close()
                source.close()
        return self._scratch

    def _set_up(self):  # type: ignore[no-untyped-def]
        """The administrator of the (scratch) data folder, setting it up if it is new."""
        from sqlalchemy import select

        from oneStop.domain.models import Role, User
        from oneStop.persistence.models import UserRow
        from oneStop.services.setup import SetupRequest

        if not self.app.setup.is_set_up():
            return self.app.setup.set_up(SetupRequest(
                agency_code=SAMPLE_AGENCY, agency_name="Bộ phận Một cửa (tự kiểm tra)",
                managing_agency="UBND (tự kiểm tra)", province="—", counter=1, admin_username="selfcheck-admin",
                admin_full_name="Kiểm tra cài đặt", admin_password=f"selfcheck-{time.time_ns()}"))
        with self.app.uow() as uow:
            row = uow.session.scalars(select(UserRow).where(UserRow.role == Role.ADMIN.value,
                                                            UserRow.active.is_(True))).first()
        if row is None:
            raise StepFailed("dữ liệu không có quản trị viên nào đang hoạt động")
        return User(row.username, row.full_name, Role(row.role), row.active)

    @staticmethod
    def _modules() -> str:
        """What only some features load, so that a build missing one fails here and not at the
        counter: the PostgreSQL driver (its compiled libpq), its SQLAlchemy dialect, the
        credential store, the spreadsheet writer."""
        import keyring
        import openpyxl
        import psycopg
        from sqlalchemy.dialects import registry

        registry.load("postgresql.psycopg")
        implementation = psycopg.pq.__impl__
        if implementation == "python":
            raise StepFailed("psycopg không có libpq đi kèm (psycopg[binary])")
        return (f"psycopg {psycopg.__version__} ({implementation}), keyring {keyring.get_keyring().name}, "
                f"openpyxl {openpyxl.__version__}")

    @staticmethod
    def _central_scripts() -> str:
        """The central database's migration scripts load (a PostgreSQL server is not needed)."""
        from alembic.config import Config
        from alembic.script import ScriptDirectory

        from oneStop.sync import central

        config = Config()
        config.set_main_option("script_location", str(central.MIGRATIONS_DIR))
        scripts = ScriptDirectory.from_config(config)
        revisions = list(scripts.walk_revisions())
        heads = scripts.get_heads()
        if len(heads) != 1 or not revisions:
            raise StepFailed(f"kịch bản lược đồ trung tâm không hợp lệ: {heads}")
        return f"{len(revisions)} kịch bản, đầu {heads[0]}"

    def _close(self) -> None:
        if self.app is not None:
            self.app.close()
        if self._scratch is not None:
            shutil.rmtree(self._scratch, ignore_errors=True)
