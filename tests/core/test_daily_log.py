"""The tracking book (Mẫu 06): filters, totals, masking, and the same figures in JSON, XLSX and PDF."""

from __future__ import annotations

import io
import json
import unicodedata
from datetime import date, datetime, timedelta

import pytest
from openpyxl import load_workbook

from oneStop.domain.clock import VN_TZ
from oneStop.domain.errors import ValidationError
from oneStop.domain.lifecycle import Transition
from oneStop.domain.models import Applicant, Channel, ReturnMethod
from oneStop.services.supervision import LogFilter
from tests.core.helpers import add_procedure, draft
from tests.core.pdf_tools import page_sizes_mm, page_texts


def at(day: int, hour: int = 9) -> datetime:
    return datetime(2026, 11, day, hour, 0, tzinfo=VN_TZ)


@pytest.fixture
def book(app, admin, official, supervisor, clock):  # type: ignore[no-untyped-def]
    """Dossiers on 19, 20 and 23 November (direct and postal, one returned early), seen on
    Monday 30/11 at 10:00."""
    add_procedure(app)
    clock.now = at(30, 10).astimezone(clock.now.tzinfo)
    made = {}
    made["a"] = app.reception.receive(official, draft(received_at=at(19)))
    made["b"] = app.reception.receive(official, draft(received_at=at(19, 10), channel=Channel.POSTAL,
                                                      return_method=ReturnMethod.POST,
                                                      applicant=Applicant(name="Lê Thị Bưu", citizen_id="001190012345",
                                                                          phone="0987654321", address="Hà Nội")))
    made["c"] = app.reception.receive(official, draft(received_at=at(20)))
    made["d"] = app.reception.receive(official, draft(received_at=at(23)))
    app.lifecycle.transition(official, made["a"].code, Transition.RESULT_READY, {}, at=at(20, 15))
    app.lifecycle.transition(official, made["a"].code, Transition.RETURNED, {"collected_by": "Nguyễn Thị Hường"},
                             at=at(21, 9) + timedelta(days=2))
    return made


def test_one_day_lists_what_was_received_that_day_in_order(app, supervisor, book):
    log = app.supervision.daily_log(supervisor, date(2026, 11, 19))
    assert [r.code for r in log.rows] == [book["a"].code, book["b"].code]
    assert [r.number for r in log.rows] == [1, 2]
    a = log.rows[0]
    assert a.status == "returned" and a.timeliness == "early" and a.returned_at is not None


def test_a_range_and_its_totals(app, supervisor, book):
    log = app.supervision.daily_log(supervisor, date(2026, 11, 19), date(2026, 11, 23))
    assert len(log.rows) == 4
    t = log.totals
    assert t["dossiers"] == 4 and t["by_channel"]["postal"] == 1 and t["return_by_post"] == 1
    # five working days with 24/11 off: b is due 27/11, c 30/11 09:00, d 1/12; at 30/11 10:00
    # b and c are overdue, d is not
    assert t["by_timeliness"] == {"early": 1, "on_time": 0, "late": 0, "in_time": 1, "overdue": 2}
    assert t["on_time_rate"] == 1.0


@pytest.mark.parametrize(
    "flt, expected",
    [
        (LogFilter(channel="postal"), ["b"]),
        (LogFilter(status="returned"), ["a"]),
        (LogFilter(overdue=True), ["b", "c"]),
        (LogFilter(official="hoa.nt"), ["a", "b", "c", "d"]),
        (LogFilter(official="someone.else"), []),
        (LogFilter(counter=2), []),
        (LogFilter(procedure="9.999001", field="Hộ tịch"), ["a", "b", "c", "d"]),
    ],
)
def test_filters(app, supervisor, book, flt, expected):
    log = app.supervision.daily_log(supervisor, date(2026, 11, 19), date(2026, 11, 23), flt)
    assert [r.code for r in log.rows] == [book[k].code for k in expected]


def test_bad_filters_and_ranges_are_refused_naming_the_field(app, supervisor, book):
    with pytest.raises(ValidationError) as error:
        app.supervision.daily_log(supervisor, date(2026, 11, 19), filter=LogFilter(status="lost"))
    assert error.value.field == "status"
    with pytest.raises(ValidationError) as error:
        app.supervision.daily_log(supervisor, date(2026, 11, 23), date(2026, 11, 19))
    assert error.value.field == "date"


def test_supervisors_see_masked_phones_officials_see_them_whole(app, official, supervisor, book):
    masked = app.supervision.daily_log(supervisor, date(2026, 11, 19)).rows[1].phone
    whole = app.supervision.daily_log(official, date(2026, 11, 19)).rows[1].phone
    assert whole == "0987654321" and masked != whole and masked.endswith("21") and "****" in masked


def test_json_xlsx_and_pdf_carry_the_same_numbers(app, supervisor, book):
    log = app.supervision.daily_log(supervisor, date(2026, 11, 19), date(2026, 11, 23))
    data = json.loads(app.supervision.export_log(supervisor, log, "json"))
    assert data["totals"] == log.totals and len(data["rows"]) == 4

    workbook = load_workbook(io.BytesIO(app.supervision.export_log(supervisor, log, "xlsx")))
    sheet = workbook["So theo doi"]
    column = [c.value for c in sheet[4]].index("Mã hồ sơ")
    codes = [row[column] for row in sheet.iter_rows(min_row=5, values_only=True) if row[column]]
    assert codes == [r.code for r in log.rows]
    summary = {row[0]: row[1] for row in workbook["Tong hop"].iter_rows(min_row=2, values_only=True)}
    assert summary["Tổng số hồ sơ"] == 4 and summary["Tiến độ: Đang xử lý quá hạn"] == 2

    pdf = app.supervision.export_log(supervisor, log, "pdf")
    assert page_sizes_mm(pdf)[0] == (297, 210)  # A4 landscape
    text = " ".join(unicodedata.normalize("NFC", t) for t in page_texts(pdf))
    text = " ".join(text.split())
    assert "SỔ THEO DÕI HỒ SƠ" in text and "Từ ngày 19/11/2026 đến ngày 23/11/2026" in text
    for r in log.rows:
        assert r.code in text
    assert "Tổng số hồ sơ: 4" in text and "quá hạn 2" in text


def test_log_from_the_command_line(app, supervisor, book, tmp_path, capsys):
    from oneStop.cli import main

    root = app.paths.root
    app.close()
    assert main(["--data-dir", str(root), "log", "--date", "2026-11-19", "--to", "2026-11-23", "--format", "json",
                 "--user", "binh.lv", "--channel", "postal"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert [r["code"] for r in data["rows"]] == [book["b"].code]
    out = tmp_path / "so.xlsx"
    assert main(["--data-dir", str(root), "log", "--date", "2026-11-19", "--format", "xlsx", "--out", str(out),
                 "--user", "binh.lv"]) == 0
    assert out.stat().st_size > 1000


def test_the_book_follows_the_profile_in_force_columns_and_parts_per_field(app, admin, supervisor, book):
    """Issue 15: the tracking book's number, title and columns come from the regulation profile
    (Mẫu 07 of TT 03/2025, bundled and in force in 2026, has fewer columns and is kept per field);
    a profile with the 2018 book keeps every column, with the receipt's book reference."""
    from dataclasses import replace

    from tests.core.helpers import TEST_PROCEDURE, add_procedure

    add_procedure(app, replace(TEST_PROCEDURE, code="9.999002", field="Chứng thực"))
    log = app.supervision.daily_log(supervisor, date(2026, 11, 19), date(2026, 11, 23))
    pdf = app.supervision.export_log(supervisor, log, "pdf")
    text = " ".join(unicodedata.normalize("NFC", " ".join(page_texts(pdf))).split())
    assert "Mẫu số 07" in text and "Chuyển hồ sơ đến cơ quan giải quyết" not in text
    assert "Lĩnh vực: Hộ tịch" in text and all(r.code in text for r in log.rows)
    workbook = load_workbook(io.BytesIO(app.supervision.export_log(supervisor, log, "xlsx")))
    sheet = workbook["So theo doi"]
    assert [c.value for c in sheet[4]] == [
        "STT", "Mã hồ sơ", "Tên thủ tục hành chính", "Tên cá nhân, tổ chức", "Địa chỉ, số điện thoại",
        "Cơ quan chủ trì giải quyết", "Nhận hồ sơ", "Hẹn trả kết quả", "Trả kết quả", "Phương thức nhận kết quả",
        "Ký nhận"]
    assert sheet.cell(5, 1).value == "Lĩnh vực: Hộ tịch"
    numbers = [row[0] for row in sheet.iter_rows(min_row=6, max_row=5 + len(log.rows), values_only=True)]
    assert numbers == list(range(1, len(log.rows) + 1))  # numbered within the field

    app.profiles.publish(admin, {
        "id": "tt01-thu", "name": "Sổ theo mẫu 2018 (thử)", "effective_from": "2026-11-01",
        "forms": {"tracking_book": {"number": "Mẫu số 06", "title": "SỔ THEO DÕI HỒ SƠ"}}})
    text = " ".join(" ".join(page_texts(app.supervision.export_log(supervisor, log, "pdf"))).split())
    assert "Mẫu số 06" in text and "Chuyển hồ sơ đến cơ quan giải quyết" in text and "Lĩnh vực:" not in text
    assert all(f"{r.register} {r.code}" in text for r in log.rows)  # the receipt's "Quyển số/Số thứ tự"
