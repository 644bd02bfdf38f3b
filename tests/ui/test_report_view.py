"""Biểu II.06a and the per-official figures in the supervisor's window."""

from __future__ import annotations

from datetime import datetime

from oneStop.domain.clock import VN_TZ, to_utc
from oneStop.domain.lifecycle import Transition
from tests.core.helpers import add_procedure, draft
from ui.views.reports import ReportView


def test_a_month_by_field_with_officials_and_its_export(qtbot, app, tasks, official, supervisor, clock, tmp_path,
                                                        monkeypatch):
    add_procedure(app)
    clock.now = to_utc(datetime(2026, 12, 2, 10, 0, tzinfo=VN_TZ))
    for day in (3, 10, 20):
        d = app.reception.receive(official, draft(received_at=datetime(2026, 11, day, 9, 0, tzinfo=VN_TZ)))
        app.lifecycle.transition(official, d.code, Transition.RESULT_READY, {},
                                 at=datetime(2026, 11, day, 15, 0, tzinfo=VN_TZ))
    view = ReportView(app, tasks, supervisor)
    qtbot.addWidget(view)
    view.year.setValue(2026)
    view.part.setValue(11)
    assert view.period_key() == "2026-11"
    with qtbot.waitSignal(view.loaded, timeout=10000):
        view.show_button.click()
    total = [view.table.item(view.table.rowCount() - 1, c).text() for c in range(view.table.columnCount())]
    assert total[0] == "Tổng cộng" and total[1] == "3" and total[5] == "3" and total[6] == "3"  # all early
    assert view.officials.item(0, 0).text() == "Nguyễn Thị Hoa" and view.officials.item(0, 4).text() == "100,0%"  # a decimal comma
    target = tmp_path / "bc.xlsx"
    monkeypatch.setattr(ReportView, "ask_save_path", classmethod(lambda cls, parent, s, f: str(target)))
    with qtbot.waitSignal(view.exported, timeout=10000):
        view.xlsx_button.click()
    assert target.stat().st_size > 1000
    view.kind.setCurrentIndex(view.kind.findData("quarter"))
    assert view.part.maximum() == 4


def test_the_report_prints_straight_to_the_counters_printer(qtbot, app, tasks, official, supervisor, printers,
                                                             counter_printer):
    from tests.ui.conftest import PRINTER
    from tests.ui.helpers import press, read_pdf

    view = ReportView(app, tasks, supervisor)
    qtbot.addWidget(view)
    view.show()
    qtbot.waitExposed(view)
    with qtbot.waitSignal(view.loaded, timeout=10000):
        press(qtbot, view.show_button)
    with qtbot.waitSignal(view.printed, timeout=20000) as printed:
        press(qtbot, view.print_button)
    assert printed.args == [PRINTER] and printers.names == [PRINTER]
    assert read_pdf(printers.files[0]).startswith(b"%PDF")


def test_the_view_says_what_is_counted_where_and_shows_the_processing_agencies(qtbot, app, tasks, official,
                                                                               supervisor, clock):
    from tests.conftest import AGENCY_CODE
    from tests.ui.helpers import press

    add_procedure(app)
    clock.now = to_utc(datetime(2026, 12, 4, 10, 0, tzinfo=VN_TZ))
    for day in (2, 3):
        d = app.reception.receive(official, draft(received_at=datetime(2026, 12, day, 9, 0, tzinfo=VN_TZ)))
    app.lifecycle.transition(official, d.code, Transition.TRANSFERRED, {"to_agency": "UBND phường Hạc Thành"})
    view = ReportView(app, tasks, supervisor)
    qtbot.addWidget(view)
    view.show()
    qtbot.waitExposed(view)
    view.kind.setCurrentIndex(view.kind.findData("quarter"))
    view.year.setValue(2026)
    view.part.setValue(4)
    with qtbot.waitSignal(view.loaded, timeout=10000):
        press(qtbot, view.show_button)
    assert AGENCY_CODE in view.basis.text() and "10:00 04/12/2026" in view.basis.text()
    agencies = {view.agencies.item(r, 0).text(): view.agencies.item(r, 1).text()
                for r in range(view.agencies.rowCount())}
    assert agencies == {"UBND phường Hạc Thành": "1", "UBND cấp xã": "1", "Tổng cộng": "2"}
