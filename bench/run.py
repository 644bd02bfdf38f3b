"""Benchmarks (not tests). ``python bench/run.py [NAME ...]`` prints one JSON object keyed by
benchmark name.

reception: on a generated database of 1,000,000 dossiers (cached between runs under
``bench/.cache``), the median time to save a dossier and produce its receipt PDF, against a
bare reportlab page with the same content measured in the same run; and the cold start of the
desktop program to a usable main window, offscreen.

supervision, handover: see their functions. sync: ``bench/sync_bench.py`` (a real PostgreSQL).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
CACHE = ROOT / "bench" / ".cache"

from bench.generate import PASSWORD, ensure_database  # noqa: E402


def _median_ms(samples: list[float]) -> float:
    return round(statistics.median(samples) * 1000, 3)


def reception(dossiers: int = 1_000_000, rounds: int = 60) -> dict:
    from datetime import UTC, datetime

    from bench.bare_page import render_bare_page
    from oneStop.domain.models import Applicant, DossierDraft
    from oneStop.services.app import App
    from oneStop.services.printing import receipt_document

    data_dir = ensure_database(CACHE / f"lifecycle-{dossiers}", dossiers)
    app = App(data_dir)
    try:
        official = app.auth.login("bench", PASSWORD)
        procedure = app.catalog.search("dang ky khai sinh")[0]
        draft = DossierDraft(
            procedure_code=procedure.code,
            applicant=Applicant(
                name="Nguyễn Thị Hường", citizen_id="038190012345", phone="0912345678",
                address="Thôn 3, xã Quảng Phú, tỉnh Thanh Hóa",
            ),
        )
        # warm up (fonts, caches), not measured
        warm = app.reception.receive(official, draft)
        app.printing.receipt(official, warm.code)

        save_and_receipt: list[float] = []
        codes = []
        for _ in range(rounds):
            t0 = time.perf_counter()
            dossier = app.reception.receive(official, draft)
            printed = app.printing.receipt(official, dossier.code)
            save_and_receipt.append(time.perf_counter() - t0)
            assert printed.pdf.startswith(b"%PDF")
            codes.append(dossier.code)

        agency = app.setup.agency()
        document = receipt_document(dossier, agency, official.full_name, app.profiles.all()[0],
                                    printed_at=datetime.now(UTC), reprint=False)
        render_bare_page(document)
        bare: list[float] = []
        for _ in range(rounds):
            t0 = time.perf_counter()
            render_bare_page(document)
            bare.append(time.perf_counter() - t0)
        with app.uow() as uow:
            from sqlalchemy import func, select

            from oneStop.persistence.models import DossierRow

            in_db = uow.session.scalar(select(func.count()).select_from(DossierRow))
    finally:
        app.close()
    result = {
        "dossiers_in_db": in_db,
        "save_and_receipt_ms": _median_ms(save_and_receipt),
        "bare_page_ms": _median_ms(bare),
    }
    result["ratio"] = round(result["save_and_receipt_ms"] / result["bare_page_ms"], 2)
    result["cold_start_ms"] = cold_start(data_dir)
    result["targets"] = {"save_and_receipt_ms": 60, "ratio": 1.5, "cold_start_ms": 2000}
    return result


def cold_start(data_dir: Path, runs: int = 5) -> float:
    """Process start to a usable main window, offscreen (median of several runs).

    The program is started as a user would start it, logged in automatically as the benchmark
    user (``ONESTOP_USER``/``ONESTOP_PASSWORD``), and with ``ONESTOP_EXIT_AFTER_START=1`` it
    prints ``ready_ms=`` once the main window is shown and the event loop is idle, then quits.
    """
    env = {
        **os.environ,
        "QT_QPA_PLATFORM": "offscreen",
        "PYTHONPATH": str(ROOT),
        "ONESTOP_EXIT_AFTER_START": "1",
        "ONESTOP_USER": "bench",
        "ONESTOP_PASSWORD": PASSWORD,
    }
    command = [sys.executable, "-c", "import sys; from ui.main import main; sys.exit(main(sys.argv[1:]))",
               "--data-dir", str(data_dir)]
    samples = []
    for _ in range(runs):
        t0 = time.perf_counter()
        process = subprocess.Popen(command, stdout=subprocess.PIPE, text=True, env=env)
        ready = None
        assert process.stdout is not None
        for line in process.stdout:
            if line.startswith("ready_ms=") and ready is None:
                ready = time.perf_counter()
        if process.wait() != 0 or ready is None:
            raise SystemExit("cold start: the program did not report a usable main window")
        samples.append(ready - t0)
    return _median_ms(samples)


def supervision(dossiers: int = 1_000_000, rounds: int = 15) -> dict:
    """The supervisor's tracking book for one day and the monthly report, on the same database;
    the query plans are printed to show the indexes in use."""
    import random
    from datetime import date, timedelta

    from sqlalchemy import text

    from oneStop.services.app import App

    data_dir = ensure_database(CACHE / f"lifecycle-{dossiers}", dossiers)
    app = App(data_dir)
    try:
        admin = app.auth.login("admin", PASSWORD)
        try:
            supervisor = app.auth.login("sup", PASSWORD)
        except Exception:
            from oneStop.domain.models import Role

            supervisor = app.auth.add_user(admin, "sup", "Giám sát", Role.SUPERVISOR, PASSWORD)
        with app.uow() as uow:
            first, last = uow.session.execute(text("SELECT min(received_date), max(received_date) FROM dossiers")).one()
        first, last = date.fromisoformat(str(first)), date.fromisoformat(str(last))
        rng = random.Random(1)
        working = [first + timedelta(days=i) for i in range((last - first).days + 1)]
        working = [d for d in working if d.weekday() < 5]
        app.supervision.daily_log(supervisor, working[-1])  # warm up
        log_samples, rows = [], []
        for day in rng.sample(working, rounds):
            t0 = time.perf_counter()
            log = app.supervision.daily_log(supervisor, day)
            log_samples.append(time.perf_counter() - t0)
            rows.append(len(log.rows))
        months = sorted({(d.year, d.month) for d in working})[1:-1]
        app.reports.periodic(supervisor, f"{months[-1][0]}-{months[-1][1]:02d}")  # warm up
        report_samples, received = [], []
        for year, month in rng.sample(months, min(len(months), 8)):
            t0 = time.perf_counter()
            report = app.reports.periodic(supervisor, f"{year}-{month:02d}")
            report_samples.append(time.perf_counter() - t0)
            received.append(report.total.received)
            assert report.identities_hold()
        with app.uow() as uow:
            in_db = uow.session.scalar(text("SELECT count(*) FROM dossiers"))
            events = uow.session.scalar(text("SELECT count(*) FROM events"))
            day = working[-5].isoformat()
            plans = {
                "daily_log": [r[-1] for r in uow.session.execute(text(
                    "EXPLAIN QUERY PLAN SELECT * FROM dossiers WHERE received_date >= :d AND received_date <= :d"
                    " ORDER BY received_at, code"), {"d": day})],
                "report_new": [r[-1] for r in uow.session.execute(text(
                    "EXPLAIN QUERY PLAN SELECT procedure_field, count(*) FROM dossiers"
                    " WHERE received_date BETWEEN :a AND :b GROUP BY procedure_field"), {"a": day, "b": day})],
                "report_carried_open": [r[-1] for r in uow.session.execute(text(
                    "EXPLAIN QUERY PLAN SELECT procedure_field, count(*) FROM dossiers WHERE finished_date IS NULL"
                    " AND received_date < :a GROUP BY procedure_field"), {"a": day})],
                "report_carried_finished_later": [r[-1] for r in uow.session.execute(text(
                    "EXPLAIN QUERY PLAN SELECT procedure_field, count(*) FROM dossiers WHERE finished_date >= :a"
                    " AND received_date < :a GROUP BY procedure_field"), {"a": day})],
            }
    finally:
        app.close()
    return {
        "dossiers_in_db": in_db,
        "events_in_db": events,
        "daily_log_ms": _median_ms(log_samples),
        "daily_log_rows_median": statistics.median(rows),
        "monthly_report_ms": _median_ms(report_samples),
        "monthly_report_dossiers_median": statistics.median(received),
        "plans": plans,
        "targets": {"daily_log_ms": 100, "monthly_report_ms": 300},
    }


def handover(dossiers: int = 1_000_000, rounds: int = 60) -> dict:
    """A postal worker's scan into an outgoing batch (lookup, checks, event written, answer),
    against the bare indexed lookup of the same row (raw sqlite3), same run."""
    import sqlite3

    from oneStop.domain.lifecycle import Transition
    from oneStop.domain.models import Applicant, DossierDraft, ReturnMethod, Role
    from oneStop.domain.tracking import calc_check_digit
    from oneStop.services.app import App

    data_dir = ensure_database(CACHE / f"lifecycle-{dossiers}", dossiers)
    app = App(data_dir)
    try:
        admin = app.auth.login("admin", PASSWORD)
        official = app.auth.login("bench", PASSWORD)
        try:
            postal = app.auth.login("postman", PASSWORD)
        except Exception:
            postal = app.auth.add_user(admin, "postman", "Nhân viên Bưu điện", Role.POSTAL, PASSWORD)
        app.handover.save_postal_unit(admin, "BC-BENCH", "Bưu cục đo đạc")
        procedure = app.catalog.search("dang ky khai sinh")[0]
        codes = []
        for _ in range(rounds + 1):
            d = app.reception.receive(official, DossierDraft(
                procedure_code=procedure.code, return_method=ReturnMethod.POST, delivery_address="Thôn 3",
                applicant=Applicant(name="Nguyễn Thị Hường", citizen_id="038190012345", phone="0912345678",
                                    address="Thôn 3")))
            app.lifecycle.transition(official, d.code, Transition.RESULT_READY, {})
            codes.append(d.code)
        batch = app.handover.open(postal, "out", "BC-BENCH", "Trần Văn Bưu")
        app.handover.scan(postal, batch.number, codes[0])  # warm up
        scan, bare = [], []
        raw = sqlite3.connect(app.paths.database)
        base = int(time.time()) % 90_000_000  # tracking numbers unique to this run
        for i, code in enumerate(codes[1:]):
            serial = f"{base + i:08d}"
            t0 = time.perf_counter()
            result = app.handover.scan(postal, batch.number, code + "\r", tracking_number=f"RR{serial}{calc_check_digit(serial)}VN")
            scan.append(time.perf_counter() - t0)
            assert result.outcome.value == "accepted", result
            t0 = time.perf_counter()
            raw.execute("SELECT * FROM dossiers WHERE code = ?", (code,)).fetchone()
            bare.append(time.perf_counter() - t0)
        raw.close()
        with app.uow() as uow:
            from sqlalchemy import text

            in_db = uow.session.scalar(text("SELECT count(*) FROM dossiers"))
    finally:
        app.close()
    result = {"dossiers_in_db": in_db, "scan_ms": _median_ms(scan), "bare_lookup_ms": _median_ms(bare)}
    result["ratio"] = round(result["scan_ms"] / result["bare_lookup_ms"], 1) if result["bare_lookup_ms"] else None
    result["targets"] = {"scan_ms": 20}
    return result


def sync(dossiers: int = 1_000_000, events: int = 200_000) -> dict:
    """50 counters pushing 200,000 events into one central PostgreSQL at once, against a plain
    COPY of the same rows; a new counter pulling its agency's 100,000 (``bench/sync_bench.py``)."""
    from bench.sync_bench import sync as run_sync

    return run_sync(CACHE, events=int(os.environ.get("ONESTOP_BENCH_SYNC_EVENTS", events)))


def print_path(dossiers: int = 1_000_000, rounds: int = 20) -> dict:
    """Ctrl+S to the print system: the dossier saved, its receipt made, and its pages handed to
    a printer (a QPrinter writing the job to a file, at a laser printer's 600 dpi: the job's
    size is the file's). The new path (black and white at 300 dpi, inked bands only) against
    the old one (the whole page in colour at the printer's resolution) and against the bare
    receipt PDF, in the same run. The database is the reception benchmark's."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    import tempfile
    from datetime import UTC, datetime

    from PySide6.QtPrintSupport import QPrinter
    from PySide6.QtWidgets import QApplication

    from bench.bare_page import render_bare_page
    from oneStop.domain.models import Applicant, DossierDraft
    from oneStop.services.app import App
    from oneStop.services.printing import receipt_document
    from ui import printing

    qapp = QApplication.instance() or QApplication([])  # noqa: F841 (QPrinter needs one)
    data_dir = ensure_database(CACHE / f"lifecycle-{dossiers}", dossiers)
    app = App(data_dir)
    out = Path(tempfile.mkdtemp(prefix="onestop-print-"))
    try:
        official = app.auth.login("bench", PASSWORD)
        procedure = app.catalog.search("dang ky khai sinh")[0]
        draft = DossierDraft(procedure_code=procedure.code, applicant=Applicant(
            name="Nguyễn Thị Hường", citizen_id="038190012345", phone="0912345678",
            address="Thôn 3, xã Quảng Phú, tỉnh Thanh Hóa"))

        def printer(name: str) -> QPrinter:
            job = QPrinter(QPrinter.PrinterMode.HighResolution)
            job.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
            job.setOutputFileName(str(out / name))
            job.setResolution(600)
            return job

        def one(mode: str, n: int) -> tuple[float, float, int, int]:
            t0 = time.perf_counter()
            dossier = app.reception.receive(official, draft)
            receipt = app.printing.receipt(official, dossier.code)
            t1 = time.perf_counter()
            job = printing.print_pdf_job(receipt.pdf, printer(f"{mode}-{n}.pdf"), title=dossier.code, mode=mode)
            t2 = time.perf_counter()
            return t2 - t0, t2 - t1, (out / f"{mode}-{n}.pdf").stat().st_size, job.bitmap_bytes

        one("mono", -1), one("colour", -1)  # warm up (fonts, pdfium), not measured
        runs: dict[str, list[tuple[float, float, int, int]]] = {"mono": [], "colour": []}
        for n in range(rounds):
            for mode in ("mono", "colour"):  # interleaved: both meet the same machine
                runs[mode].append(one(mode, n))
        agency = app.setup.agency()
        bare: list[float] = []
        last = app.reception.receive(official, draft)
        document = receipt_document(last, agency, official.full_name, app.profiles.all()[0],
                                    printed_at=datetime.now(UTC), reprint=False)
        for _ in range(rounds):
            t0 = time.perf_counter()
            render_bare_page(document)
            bare.append(time.perf_counter() - t0)
    finally:
        app.close()
    result: dict = {"printer_dpi": 600, "bare_pdf_ms": _median_ms(bare)}
    for mode, label in (("mono", "new"), ("colour", "old")):
        samples = runs[mode]
        result[label] = {
            "save_to_print_system_ms": _median_ms([s[0] for s in samples]),
            "print_only_ms": _median_ms([s[1] for s in samples]),
            "job_bytes": int(statistics.median(s[2] for s in samples)),
            "bitmap_bytes": int(statistics.median(s[3] for s in samples)),
        }
    result["targets"] = {"save_to_print_system_ms": 500, "job_bytes": 1_000_000}
    return result


BENCHMARKS = {"reception": reception, "supervision": supervision, "handover": handover, "sync": sync,
              "print_path": print_path}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("names", nargs="*", default=list(BENCHMARKS))
    parser.add_argument("--dossiers", type=int, default=1_000_000, help="size of the generated database")
    args = parser.parse_args()
    results = {}
    for name in args.names:
        results[name] = BENCHMARKS[name](dossiers=args.dossiers)
    print(json.dumps(results, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
