"""A supervisor opens the day, filters, exports, signs off, and sees a later change."""

from __future__ import annotations

import io
from datetime import date

import pytest
from openpyxl import load_workbook
from PySide6.QtCore import QDate, Qt

from oneStop.domain.lifecycle import Transition
from oneStop.domain.models import Channel, ReturnMethod
from tests.core.helpers import add_procedure, draft
from ui.views.daily_log import DailyLogView, SignOffDialog

DAY = date(2026, 11, 23)


@pytest.fixture
def day(app, official):  # type: ignore[no-untyped-def]
    add_procedure(app)
    return [
        app.reception.receive(official, draft()),
        app.reception.receive(official, draft(channel=Channel.POSTAL, return_method=ReturnMethod.POST,
                                              delivery_address="Số 5 Lê Lợi")),
        app.reception.receive(official, draft()),
    ]


@pytest.fixture
def view(qtbot, app, tasks, supervisor):  # type: ignore[no-untyped-def]
    v = DailyLogView(app, tasks, supervisor)
    qtbot.addWidget(v)
    v.date_from.setDate(QDate(2026, 11, 23))
    v.date_to.setDate(QDate(2026, 11, 23))
    return v


def load(qtbot, view):  # type: ignore[no-untyped-def]
    with qtbot.waitSignal(view.loaded, timeout=10000):
        view.show_button.click()


def test_the_day_opens_with_its_rows_totals_and_review(qtbot, view, day):
    load(qtbot, view)
    assert view.model.rowCount() == 3
    assert [view.model.index(r, 1).data() for r in range(3)] == [d.code for d in day]
    assert "Tổng số 3 hồ sơ" in view.totals.text() and "bưu chính 1" in view.totals.text()
    assert "Quầy 1: nhận 3" in view.review_label.text() and "Chưa ký duyệt" in view.review_label.text()
    phone = view.model.index(0, 5).data()
    assert "****" in phone  # a supervisor sees phones masked


def test_filter_by_channel(qtbot, view, day):
    view.channel.setCurrentIndex(view.channel.findData("postal"))
    load(qtbot, view)
    assert view.model.rowCount() == 1 and view.model.index(0, 1).data() == day[1].code


def test_filter_by_official_procedure_and_field(qtbot, view, day):
    view.official.setText("hoa.nt")
    view.procedure.setText("9.999001")
    view.field.setText("Hộ tịch")
    load(qtbot, view)
    assert view.model.rowCount() == 3
    view.official.setText("someone.else")
    load(qtbot, view)
    assert view.model.rowCount() == 0


@pytest.mark.parametrize("kind", ["xlsx", "pdf"])
def test_export(qtbot, view, day, tmp_path, monkeypatch, kind):
    load(qtbot, view)
    target = tmp_path / f"so.{kind}"
    monkeypatch.setattr(DailyLogView, "ask_save_path", classmethod(lambda cls, parent, suggested, f: str(target)))
    with qtbot.waitSignal(view.exported, timeout=10000):
        (view.xlsx_button if kind == "xlsx" else view.pdf_button).click()
    data = target.read_bytes()
    if kind == "xlsx":
        sheet = load_workbook(io.BytesIO(data))["So theo doi"]
        assert [row[1] for row in sheet.iter_rows(min_row=5, values_only=True) if row[1]] == [d.code for d in day]
    else:
        assert data.startswith(b"%PDF")


def test_sign_off_then_a_later_change_is_shown(qtbot, app, official, view, day, monkeypatch, clock):
    load(qtbot, view)
    monkeypatch.setattr(SignOffDialog, "ask", classmethod(lambda cls, parent, d: "Đã kiểm tra đủ hồ sơ"))
    with qtbot.waitSignal(view.loaded, timeout=10000):
        view.sign_button.click()
    assert "Đã ký duyệt" in view.review_label.text() and "Đã kiểm tra đủ hồ sơ" in view.review_label.text()
    clock.advance(minutes=30)
    app.lifecycle.transition(official, day[0].code, Transition.TRANSFERRED, {"to_agency": "Phòng Tư pháp"})
    load(qtbot, view)
    assert "1 thay đổi sau khi ký duyệt" in view.review_label.text()


def test_supervisors_get_the_tab_officials_do_not(qtbot, app, tasks, supervisor, official):
    from ui.main_window import MainWindow

    for user, expected in ((supervisor, True), (official, False)):
        window = MainWindow(app, tasks, user)
        qtbot.addWidget(window)
        assert (window.daily_log is not None) is expected
        window.sync.shutdown()


def test_the_book_prints_straight_to_the_counters_printer(qtbot, view, day, printers, counter_printer):
    from tests.ui.conftest import PRINTER
    from tests.ui.helpers import press, read_pdf

    view.show()
    qtbot.waitExposed(view)
    load(qtbot, view)
    with qtbot.waitSignal(view.printed, timeout=20000) as printed:
        press(qtbot, view.print_button)
    assert printed.args == [PRINTER] and printers.names == [PRINTER]
    assert read_pdf(printers.files[0]).count(b"/Subtype /Image") >= 1


def test_the_summary_and_the_sign_off_say_which_day_they_cover(qtbot, view, day):
    load(qtbot, view)
    assert view.totals.text().startswith("Ngày 23/11/2026: Tổng số 3 hồ sơ")
    dialog = SignOffDialog(DAY, view)
    qtbot.addWidget(dialog)
    texts = [label.text() for label in dialog.findChildren(type(view.totals))]
    assert any("ngày 23/11/2026" in text for text in texts) and "23/11/2026" in dialog.windowTitle()


def test_the_books_columns_show_whole_codes_and_times(qtbot, view, day):
    view.resize(1300, 600)
    view.show()
    qtbot.waitExposed(view)
    load(qtbot, view)
    metrics = view.table.fontMetrics()
    for column in range(view.model.columnCount()):
        widest = max(metrics.horizontalAdvance(str(view.model.index(r, column).data() or "")) for r in range(3))
        assert view.table.columnWidth(column) >= widest, (column, view.model.headerData(column, Qt.Orientation.Horizontal))
