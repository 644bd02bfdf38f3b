#!/usr/bin/env python3
"""Open every spreadsheet oneStop writes with LibreOffice and check what a reader gets.

A script, not a test: a fresh machine's test run has no LibreOffice (the test suite checks the
same typed cells with openpyxl, ``tests/core/test_spreadsheets.py``). Run it from the
repository's root:

    python scripts/check_spreadsheets_libreoffice.py [--keep DIR]

It creates a small real database in a temporary folder (an agency, users, procedures among which
``1.013960``, dossiers received in November 2026 by every channel, some transferred to another
agency, one returned), writes every workbook the program makes (the periodic report Biểu II.06a,
the tracking book, the catalog) and the catalog CSV, and converts them with
``soffice --headless``:

* each XLSX to CSV, one file per sheet, as shown: date cells must read ``dd/mm/yyyy`` (with
  ``hh:mm`` where they hold a time), codes exactly as written (``1.013960``, not ``1.01396``);
* each XLSX to flat ODS, whose cells carry LibreOffice's own value types: a cell openpyxl wrote
  as a date must be a ``date``, a number a ``float`` (or ``percentage`` for a rate), text a
  ``string``;
* no text cell holds only a date (it would not sort or compute), none ends in an internal
  English key ("Kênh: direct"); every sheet is A4, fit to width, with repeated header rows;
* the catalog CSV imported as UTF-8 (its BOM) to flat ODS: procedure codes are strings equal to
  the code, the Vietnamese names keep their accents.

It prints a JSON summary (what was checked, how many cells of each kind, the failures) and exits
1 if anything failed, 2 if LibreOffice is missing.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import re
import shutil
import subprocess
import sys
import tempfile
import unicodedata
import xml.etree.ElementTree as ET
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

NS = {
    "office": "urn:oasis:names:tc:opendocument:xmlns:office:1.0",
    "table": "urn:oasis:names:tc:opendocument:xmlns:table:1.0",
    "text": "urn:oasis:names:tc:opendocument:xmlns:text:1.0",
}
CSV_OUT = "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,true,false,false,-1"  # all sheets, as shown
CSV_IN = "Text - txt - csv (StarCalc):44,34,76,1"  # comma, double quote, UTF-8, from line 1
DATE_SHOWN = re.compile(r"\d{2}/\d{2}/\d{4}")
DATETIME_SHOWN = re.compile(r"\d{2}/\d{2}/\d{4} \d{2}:\d{2}")
#: text that is only a date or a time: it should have been a date cell
DATE_AS_TEXT = re.compile(r"(\d{1,2}:\d{2} )?\d{1,2}/\d{1,2}/\d{4}( \d{1,2}:\d{2})?")
#: a label ending in a program's internal key ("Kênh: direct")
INTERNAL_KEY = re.compile(r".*:\s*[a-z]+(_[a-z]+)*")
CODE = "1.013960"


# --- a small real database ---------------------------------------------------------------------

def build(folder: Path) -> dict[str, bytes]:
    """The files the program writes, from a database made in ``folder``."""
    from sqlalchemy import select

    from oneStop import settings as S
    from oneStop.domain.clock import VN_TZ, to_utc
    from oneStop.domain.lifecycle import Transition as T
    from oneStop.domain.models import (Applicant, Channel, DocumentForm, DossierDraft, Procedure, RequiredDocument,
                                       ReturnMethod, Role)
    from oneStop.persistence.mapping import procedure_from_row
    from oneStop.persistence.models import ProcedureRow
    from oneStop.services import catalog_io
    from oneStop.services.app import App
    from oneStop.services.setup import SetupRequest

    now = [to_utc(datetime(2026, 11, 1, 8, 0, tzinfo=VN_TZ))]
    app = App(folder / "data", clock=lambda: now[0])
    try:
        admin = app.setup.set_up(SetupRequest(
            agency_code="G12.18.112.001", agency_name="Trung tâm Phục vụ hành chính công phường Hạc Thành",
            managing_agency="UBND phường Hạc Thành", province="Thanh Hóa", place="Hạc Thành", counter=1,
            admin_username="admin", admin_full_name="Lê Văn Quản", admin_password="mat-khau-an-toan"))
        official = app.auth.add_user(admin, "hoa.nt", "Nguyễn Thị Hoa", Role.OFFICIAL, "mat-khau-an-toan")
        supervisor = app.auth.add_user(admin, "binh.lv", "Lê Văn Bình", Role.SUPERVISOR, "mat-khau-an-toan")
        app.settings.set(admin, S.REPORT_HEAD_NAME, "Trần Văn Thủ")
        documents = (RequiredDocument("Tờ khai theo mẫu", DocumentForm.ORIGINAL, 1),)
        procedures = [
            Procedure(code=CODE, name="Chứng thực bản sao từ bản chính", field="Chứng thực", agency="UBND cấp xã",
                      processing_days=1, fee=2_000, documents=documents),
            Procedure(code="1.001193", name="Đăng ký khai sinh", field="Hộ tịch", agency="UBND cấp xã",
                      processing_days=3, documents=documents),
            Procedure(code="2.000720", name="Đăng ký biến động đất đai", field="Đất đai", agency="UBND cấp xã",
                      processing_days=10, documents=documents),
        ]
        with app.uow(write=True) as uow:
            app.catalog.store(uow, procedures, actor="admin", source="check")
            uow.commit()
        applicant = Applicant(name="Nguyễn Thị Hường", citizen_id="038190012345", phone="0912345678",
                              address="Thôn 3, phường Hạc Thành, tỉnh Thanh Hóa")
        made = []
        for day, hour, code, channel in ((2, 9, CODE, Channel.DIRECT), (3, 10, "1.001193", Channel.POSTAL),
                                         (5, 14, "2.000720", Channel.ONLINE), (10, 8, "1.001193", Channel.DIRECT),
                                         (16, 15, "2.000720", Channel.DIRECT), (17, 9, CODE, Channel.POSTAL)):
            when = datetime(2026, 11, day, hour, 5, tzinfo=VN_TZ)
            now[0] = to_utc(when)
            made.append(app.reception.receive(official, DossierDraft(
                procedure_code=code, applicant=applicant, channel=channel, received_at=when,
                return_method=ReturnMethod.POST if channel is Channel.POSTAL else ReturnMethod.COUNTER)))
        now[0] = to_utc(datetime(2026, 11, 30, 16, 0, tzinfo=VN_TZ))
        app.lifecycle.transition(official, made[0].code, T.RESULT_READY, {}, at=datetime(2026, 11, 2, 16, 0, tzinfo=VN_TZ))
        app.lifecycle.transition(official, made[0].code, T.RETURNED, {"collected_by": "Nguyễn Thị Hường"},
                                 at=datetime(2026, 11, 3, 9, 0, tzinfo=VN_TZ))
        app.lifecycle.transition(official, made[2].code, T.TRANSFERRED, {"to_agency": "Phòng Kinh tế phường Hạc Thành"},
                                 at=datetime(2026, 11, 6, 9, 0, tzinfo=VN_TZ))
        app.lifecycle.transition(official, made[4].code, T.TRANSFERRED, {"to_agency": "UBND phường Đông Sơn"},
                                 at=datetime(2026, 11, 17, 9, 0, tzinfo=VN_TZ))
        report = app.reports.periodic(supervisor, "2026-11")
        log = app.supervision.daily_log(supervisor, date(2026, 11, 1), date(2026, 11, 30))
        with app.uow() as uow:
            stored = [procedure_from_row(r) for r in uow.session.scalars(select(ProcedureRow).order_by(ProcedureRow.code))]
        return {
            "bieu_II06a.xlsx": app.reports.export(supervisor, report, "xlsx"),
            "bieu_II06a.pdf": app.reports.export(supervisor, report, "pdf"),
            "so_theo_doi.xlsx": app.supervision.export_log(supervisor, log, "xlsx"),
            "so_theo_doi.pdf": app.supervision.export_log(supervisor, log, "pdf"),
            "danh_muc.xlsx": catalog_io.write_catalog_xlsx(stored),
            "danh_muc.csv": catalog_io.write_catalog_csv(stored),
        }
    finally:
        app.close()


# --- LibreOffice -------------------------------------------------------------------------------

def soffice(*args: str, profile: Path) -> None:
    command = ["soffice", f"-env:UserInstallation={profile.as_uri()}", "--headless", *args]
    done = subprocess.run(command, capture_output=True, text=True, timeout=180)
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(command)}: {done.returncode} {done.stderr.strip()}")


def fods_cells(path: Path) -> dict[str, dict[tuple[int, int], tuple[str, str]]]:
    """Every non-empty cell of a flat ODS: sheet → (row, column) 1-based → (value type, text)."""
    tree = ET.parse(path)
    out: dict[str, dict[tuple[int, int], tuple[str, str]]] = {}
    t, o = "{%s}" % NS["table"], "{%s}" % NS["office"]
    for sheet in tree.iter(t + "table"):
        cells: dict[tuple[int, int], tuple[str, str]] = {}
        row_number = 0
        for row in sheet.iter(t + "table-row"):
            rows = int(row.get(t + "number-rows-repeated", "1"))
            for _ in range(min(rows, 1000)):
                row_number += 1
                column = 0
                for cell in row:
                    if cell.tag not in (t + "table-cell", t + "covered-table-cell"):
                        continue
                    repeat = int(cell.get(t + "number-columns-repeated", "1"))
                    kind = cell.get(o + "value-type")
                    text = "\n".join("".join(p.itertext()) for p in cell.iter("{%s}p" % NS["text"]))
                    for _ in range(min(repeat, 1000)):
                        column += 1
                        if kind:
                            cells[(row_number, column)] = (kind, text)
        out[sheet.get(t + "name")] = cells
    return out


def expected_kind(cell: Any) -> str | None:
    value = cell.value
    if value is None or value == "":
        return None
    if isinstance(value, (datetime, date, time)):
        return "date"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, (int, float)):
        return "percentage" if "%" in cell.number_format else "float"
    return "string"


def check_workbook(name: str, data: bytes, work: Path, profile: Path, failures: list[str]) -> dict[str, Any]:
    from openpyxl import load_workbook

    source = work / name
    source.write_bytes(data)
    out = work / (source.stem + "-csv")
    soffice("--convert-to", CSV_OUT, "--outdir", str(out), str(source), profile=profile)
    soffice("--convert-to", "fods", "--outdir", str(work), str(source), profile=profile)
    typed = fods_cells(work / (source.stem + ".fods"))
    workbook = load_workbook(io.BytesIO(data))
    sheets = []
    for sheet in workbook.worksheets:
        counts = {"date": 0, "float": 0, "percentage": 0, "string": 0}
        csv_file = out / f"{source.stem}-{sheet.title}.csv"
        if not csv_file.is_file():
            failures.append(f"{name}/{sheet.title}: LibreOffice wrote no CSV for the sheet")
            continue
        shown = list(csv.reader(io.StringIO(csv_file.read_text("utf-8-sig"), newline="")))
        lo = typed.get(sheet.title, {})
        codes = []
        for row in sheet.iter_rows():
            for cell in row:
                want = expected_kind(cell)
                if want is None:
                    continue
                where = f"{name}/{sheet.title}!{cell.coordinate}"
                got, _ = lo.get((cell.row, cell.column), ("(empty)", ""))
                text = shown[cell.row - 1][cell.column - 1] if cell.row <= len(shown) and cell.column <= len(
                    shown[cell.row - 1]) else ""
                if got != want:
                    failures.append(f"{where}: LibreOffice reads a {got}, expected a {want} ({cell.value!r})")
                    continue
                counts[want] += 1
                if want == "date":
                    pattern = DATETIME_SHOWN if isinstance(cell.value, datetime) and cell.value.time() != time(0) \
                        and "hh" in cell.number_format else DATE_SHOWN
                    if not pattern.fullmatch(text) or text != cell.value.strftime(
                            "%d/%m/%Y %H:%M" if pattern is DATETIME_SHOWN else "%d/%m/%Y"):
                        failures.append(f"{where}: shown as {text!r}, expected dd/mm/yyyy of {cell.value}")
                elif want == "string":
                    if DATE_AS_TEXT.fullmatch(cell.value.strip()):
                        failures.append(f"{where}: a date written as text {cell.value!r}")
                    if INTERNAL_KEY.fullmatch(cell.value):
                        failures.append(f"{where}: an internal key shown to the reader {cell.value!r}")
                    if unicodedata.normalize("NFC", text) != unicodedata.normalize("NFC", cell.value):
                        failures.append(f"{where}: shown as {text!r}, written {cell.value!r}")
                    if re.fullmatch(r"\d+\.\d+|[0-9A-Z]{3}(\.[0-9A-Z]+)+(-\d+-\d+)?", cell.value):
                        codes.append(text)
                elif want == "percentage" and not text.endswith("%"):
                    failures.append(f"{where}: a rate shown as {text!r}")
        paper = sheet.page_setup
        if str(paper.paperSize) != "9" or not sheet.print_title_rows or paper.fitToWidth != 1:
            failures.append(f"{name}/{sheet.title}: not A4 fit to width with repeated header rows")
        sheets.append({"sheet": sheet.title, "cells": counts, "codes_kept_as_text": sorted(set(codes))[:8],
                       "paper": "A4", "orientation": paper.orientation, "print_title_rows": sheet.print_title_rows})
    return {"file": name, "sheets": sheets}


def check_csv(name: str, data: bytes, work: Path, profile: Path, failures: list[str]) -> dict[str, Any]:
    source = work / name
    source.write_bytes(data)
    target = work / "csv-import"
    soffice(f"--infilter={CSV_IN}", "--convert-to", "fods", "--outdir", str(target), str(source), profile=profile)
    cells = next(iter(fods_cells(target / (source.stem + ".fods")).values()))
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    header = rows[0]
    code_col, name_col = header.index("ma_thu_tuc") + 1, header.index("ten_thu_tuc") + 1
    codes, names = [], []
    for number, row in enumerate(rows[1:], start=2):
        kind, text = cells.get((number, code_col), ("(empty)", ""))
        written = row[code_col - 1]
        meant = written[2:-1] if written.startswith('="') else written
        if kind != "string" or text != meant:
            failures.append(f"{name} row {number}: code {written!r} opened as a {kind} {text!r}")
        codes.append(text)
        kind, text = cells.get((number, name_col), ("(empty)", ""))
        if unicodedata.normalize("NFC", text) != unicodedata.normalize("NFC", row[name_col - 1]):
            failures.append(f"{name} row {number}: name opened as {text!r}")
        names.append(text)
    return {"file": name, "bom": data.startswith(b"\xef\xbb\xbf"), "codes_opened_as_text": codes,
            "names": names[:3]}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--keep", type=Path, help="keep the files and LibreOffice's conversions in this folder")
    args = parser.parse_args(argv)
    if shutil.which("soffice") is None:
        print(json.dumps({"ok": False, "error": "soffice (LibreOffice) not found"}, ensure_ascii=False, indent=2))
        return 2
    version = subprocess.run(["soffice", "--version"], capture_output=True, text=True).stdout.strip()
    with tempfile.TemporaryDirectory(prefix="onestop-lo-") as tmp:
        work = args.keep or Path(tmp) / "work"
        work.mkdir(parents=True, exist_ok=True)
        profile = Path(tmp) / "lo-profile"
        files = build(Path(tmp))
        for name, data in files.items():
            if name.endswith(".pdf"):
                (work / name).write_bytes(data)
        failures: list[str] = []
        checked = [check_workbook(name, data, work, profile, failures)
                   for name, data in files.items() if name.endswith(".xlsx")]
        checked += [check_csv(name, data, work, profile, failures)
                    for name, data in files.items() if name.endswith(".csv")]
    print(json.dumps({"ok": not failures, "libreoffice": version, "checked": checked, "failures": failures},
                     ensure_ascii=False, indent=2))
    return 0 if not failures else 1


if __name__ == "__main__":
    sys.exit(main())
