"""Every workbook and CSV the program writes opens right in a spreadsheet (typed cells, Vietnamese
labels, printable on A4 with its headers), and the report PDF ends with its signature block.

``scripts/check_spreadsheets_libreoffice.py`` checks the same files through LibreOffice."""

from __future__ import annotations

import codecs
import csv
import io
import re
import unicodedata
from datetime import date, datetime

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from oneStop import settings as S
from oneStop.domain.clock import VN_TZ, to_utc
from oneStop.domain.lifecycle import Timeliness, Transition
from oneStop.domain.models import Channel, DossierStatus, Procedure
from oneStop.domain.periods import parse_period
from oneStop.persistence.mapping import procedure_from_row
from oneStop.persistence.models import ProcedureRow
from oneStop.printing.periodic_report import PREPARER, HEAD, Signers, render_report_pdf
from oneStop.services import catalog_io
from oneStop.services.reports import PeriodicReport, ReportRow
from tests.core.helpers import TEST_PROCEDURE, add_procedure, draft
from tests.core.pdf_tools import page_texts

CODE = Procedure(code="1.013960", name="Thủ tục có mã kết thúc bằng số 0", field="Chứng thực",
                 agency="UBND cấp xã", processing_days=3, documents=TEST_PROCEDURE.documents)


def at(day: int, hour: int = 9) -> datetime:
    return datetime(2026, 11, day, hour, 0, tzinfo=VN_TZ)


@pytest.fixture
def data(app, admin, official, supervisor, clock):  # type: ignore[no-untyped-def]
    add_procedure(app)
    add_procedure(app, CODE)
    clock.now = to_utc(at(30, 10))
    a = app.reception.receive(official, draft(received_at=at(19)))
    app.reception.receive(official, draft(procedure_code=CODE.code, received_at=at(19, 14), channel=Channel.POSTAL))
    app.reception.receive(official, draft(received_at=at(20)))
    app.lifecycle.transition(official, a.code, Transition.RESULT_READY, {}, at=at(20, 15))
    app.lifecycle.transition(official, a.code, Transition.RETURNED, {"collected_by": "Nguyễn Thị Hường"}, at=at(23))
    app.settings.set(admin, S.REPORT_HEAD_NAME, "Trần Văn Thủ")
    return a


def workbooks(app, admin, supervisor):  # type: ignore[no-untyped-def]
    report = app.reports.periodic(supervisor, "2026-11")
    log = app.supervision.daily_log(supervisor, date(2026, 11, 19), date(2026, 11, 30))
    with app.uow() as uow:
        procedures = [procedure_from_row(r) for r in uow.session.scalars(select(ProcedureRow).order_by(ProcedureRow.code))]
    return {
        "report": load_workbook(io.BytesIO(app.reports.export(supervisor, report, "xlsx"))),
        "book": load_workbook(io.BytesIO(app.supervision.export_log(supervisor, log, "xlsx"))),
        "catalog": load_workbook(io.BytesIO(catalog_io.write_catalog_xlsx(procedures))),
    }


def test_every_sheet_prints_on_a4_fit_to_width_with_its_headers_repeated(app, admin, supervisor, data):
    for name, workbook in workbooks(app, admin, supervisor).items():
        for sheet in workbook.worksheets:
            where = f"{name}/{sheet.title}"
            assert int(sheet.page_setup.paperSize) == 9, where  # A4
            assert sheet.sheet_properties.pageSetUpPr.fitToPage, where
            assert sheet.page_setup.fitToWidth == 1 and sheet.page_setup.fitToHeight == 0, where
            assert sheet.print_title_rows, where
            if sheet.max_column > 4:  # a wide table: landscape
                assert sheet.page_setup.orientation == "landscape", where


def test_dates_are_date_cells_with_a_vietnamese_format(app, admin, supervisor, data):
    sheet = workbooks(app, admin, supervisor)["book"]["So theo doi"]
    at = {cell.value: n for n, cell in enumerate(sheet[4])}  # the headings' row
    first = next(list(row) for row in sheet.iter_rows(min_row=5) if isinstance(row[0].value, int))  # after "Lĩnh vực"
    received, due, returned = (first[at[h]] for h in ("Nhận hồ sơ", "Hẹn trả kết quả", "Trả kết quả"))
    assert received.is_date and received.value == datetime(2026, 11, 19, 9, 0)  # Vietnam's wall clock
    assert received.number_format == "dd/mm/yyyy hh:mm" and due.is_date and returned.is_date
    code = first[at["Mã hồ sơ"]]
    assert code.data_type == "s" and code.value == data.code and code.number_format == "@"


def test_the_summary_sheet_speaks_vietnamese_and_rates_are_percent_numbers(app, admin, supervisor, data):
    summary = workbooks(app, admin, supervisor)["book"]["Tong hop"]
    labels = [row[0].value for row in summary.iter_rows(min_row=2) if row[0].value]
    keys = {c.value for c in Channel} | {t.value for t in Timeliness} | {s.value for s in DossierStatus}
    for label in labels:
        words = set(re.findall(r"[a-z_]+", label.split(":")[-1]))
        assert not words & keys, label
    assert f"Kênh tiếp nhận: {Channel.POSTAL.label}" in labels
    assert f"Tiến độ: {Timeliness.OVERDUE.label}" in labels
    rate = [row[1] for row in summary.iter_rows(min_row=2) if row[0].value and "Tỉ lệ" in row[0].value][0]
    assert rate.data_type == "n" and rate.value == 1.0 and rate.number_format.endswith("%")

    report = workbooks(app, admin, supervisor)["report"]["Bieu II.06a"]
    rates = [row[2] for row in report.iter_rows() if row[1].value == "Tỉ lệ giải quyết trước hạn và đúng hạn"]
    assert rates and rates[0].data_type == "n" and rates[0].number_format.endswith("%")


def test_codes_in_the_catalog_workbook_stay_text(app, admin, supervisor, data):
    sheet = workbooks(app, admin, supervisor)["catalog"]["Danh_muc_TTHC"]
    codes = {row[0].value: row[0] for row in sheet.iter_rows(min_row=2)}
    assert codes["1.013960"].data_type == "s" and codes["1.013960"].number_format == "@"


def test_the_catalog_csv_keeps_codes_as_text_opens_with_accents_and_reads_back(app, admin, supervisor, data):
    odd = Procedure(code="2.000720", name="=HYPERLINK(\"http://x\")", field="Hộ tịch", agency="UBND cấp xã",
                    processing_days=1, documents=TEST_PROCEDURE.documents)
    data_bytes = catalog_io.write_catalog_csv([CODE, odd, TEST_PROCEDURE])
    assert data_bytes.startswith(codecs.BOM_UTF8)  # Excel shows the accents
    rows = list(csv.reader(io.StringIO(data_bytes[3:].decode("utf-8"), newline="")))
    code_column = rows[0].index("ma_thu_tuc")
    assert rows[1][code_column] == '="1.013960"' and rows[2][code_column] == '="2.000720"'
    name_column = rows[0].index("ten_thu_tuc")
    assert rows[2][name_column] == "'=HYPERLINK(\"http://x\")"  # injection protection kept
    back = catalog_io.read_catalog(data_bytes, "csv")
    assert back.ok and [p.code for p in back.procedures] == ["1.013960", "2.000720", TEST_PROCEDURE.code]
    assert back.procedures[1].name == odd.name


# --- the report PDF's signature block ----------------------------------------------------------

class _Agency:
    code = "G12.18.112.001"
    name = "Trung tâm Phục vụ hành chính công phường Hạc Thành"
    managing_agency = "UBND phường Hạc Thành"
    place = "Hạc Thành"
    province = "Thanh Hóa"


def _report(fields: int) -> PeriodicReport:
    rows = []
    for i in range(fields):
        r = ReportRow(f"Lĩnh vực số {i + 1:02d}", received=3, online=1, direct_or_postal=1, direct=1,
                      carried_over=1, resolved=2, early=1, on_time=1, in_progress=1, within_deadline=1)
        rows.append(r)
    total = ReportRow("Tổng cộng")
    for r in rows:
        total.add(r)
    agencies = ReportRow("UBND phường Hạc Thành")
    agencies.add(total)
    return PeriodicReport(parse_period("2026-11"), tuple(rows), total, to_utc(datetime(2026, 12, 2, 9, tzinfo=VN_TZ)),
                          receiving_point=_Agency.code, by_processing_agency=(agencies,),
                          as_of=to_utc(datetime(2026, 12, 1, tzinfo=VN_TZ)))


def _pages(pdf: bytes) -> list[str]:
    return [" ".join(unicodedata.normalize("NFC", t).split()) for t in page_texts(pdf)]


def test_the_report_pdf_ends_with_the_signature_block_and_the_names(app, admin, supervisor, data):
    report = app.reports.periodic(supervisor, "2026-11")
    pages = _pages(app.reports.export(supervisor, report, "pdf"))
    last = pages[-1]
    for words in (PREPARER, HEAD, "(Ký, ghi rõ họ tên)", "(Ký, đóng dấu)", "Lê Văn Bình", "Trần Văn Thủ",
                  "Quảng Phú, ngày 30 tháng 11 năm 2026"):
        assert words in last, words
    assert last.index("Tổng cộng") < last.index(PREPARER)
    assert "Tỉ lệ hồ sơ giải quyết trước hạn và đúng hạn: 100,0 %" in " ".join(pages)


@pytest.mark.parametrize("fields", range(1, 40))
def test_the_signature_block_never_stands_alone_on_a_page(fields):
    pages = _pages(render_report_pdf(_report(fields), _Agency(), Signers("Lê Văn Bình", "")))
    signed = [i for i, text in enumerate(pages) if PREPARER in text]
    assert signed == [len(pages) - 1]
    last = pages[-1]
    assert "Tổng cộng" in last and last.index("Tổng cộng") < last.index(PREPARER), (fields, len(pages))
    # the rows before the total came along: the block is not with a lone total row either
    assert re.search(r"\b\d+ (Lĩnh vực số \d\d|UBND phường Hạc Thành) ", last), (fields, last[:200])


def test_the_tracking_book_pdf_writes_its_rate_with_a_decimal_comma(app, admin, supervisor, data):
    log = app.supervision.daily_log(supervisor, date(2026, 11, 19), date(2026, 11, 30))
    text = " ".join(_pages(app.supervision.export_log(supervisor, log, "pdf")))
    assert "Tỉ lệ đúng hạn: 100,0 %" in text
