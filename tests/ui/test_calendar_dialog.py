"""The working calendar from the window: adjustments added and removed by hand through the same
core calls as ``onestop calendar``, the public holidays shown read-only, the role checked by the core."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from PySide6.QtCore import QPoint, QRect, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QWidget

from oneStop.domain.calendar import CalendarOverride
from oneStop.domain.clock import to_local
from oneStop.domain.errors import PermissionDenied
from oneStop.domain.models import Role, User
from oneStop.domain.vocabulary import Kind
from tests.ui import helpers
from tests.ui.helpers import answer_next_question, click_row, open_loaded, press, rows, type_text
from ui.dialogs.calendar import CalendarDialog

SCREEN = QRect(0, 0, 1366, 768)


def open_dialog(qtbot, app, tasks, user) -> CalendarDialog:  # type: ignore[no-untyped-def]
    return open_loaded(qtbot, CalendarDialog(app, tasks, user))


def on_screen(widget: QWidget) -> bool:
    return SCREEN.contains(QRect(widget.mapToGlobal(widget.rect().topLeft()), widget.size()))


def due(app, clock, days: int = 2) -> datetime:  # type: ignore[no-untyped-def]
    """What ``onestop calendar due --days 2`` says for a dossier received now (Monday 23/11/2026
    09:15): the same core call."""
    return to_local(app.reception.appointment(days, 0, clock()))


def events(app, kind: str) -> list[tuple[str, dict]]:  # type: ignore[no-untyped-def]
    return [(e.actor, e.payload) for e in helpers.events(app, kind)]


def test_the_year_shows_the_holidays_already_counted_and_another_year_is_typed(qtbot, app, tasks, admin):
    dialog = open_dialog(qtbot, app, tasks, admin)
    assert dialog.year.hasFocus() and dialog.year.value() == 2026  # the business year of the clock
    holidays = rows(dialog.holidays_table)
    assert ("17/02/2026", "thứ Ba", "Tết Nguyên Đán") in holidays
    assert ("24/11/2026", "thứ Ba", "Ngày Văn hóa Việt Nam") in holidays
    assert ("22/08/2026", "thứ Bảy", "Ngày làm việc bù (theo lịch nghỉ của Nhà nước)") in holidays
    assert all(on_screen(w) for w in (dialog, dialog.year, dialog.overrides_table, dialog.holidays_table,
                                      dialog.day, dialog.kind, dialog.note, dialog.add_button,
                                      dialog.remove_button, dialog.close_button))
    QTest.keyClick(dialog.year, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    with qtbot.waitSignal(dialog.loaded, timeout=10000):
        type_text(dialog.year, "2027\n")
    holidays = rows(dialog.holidays_table)
    assert holidays and all(day.endswith("/2027") for day, _, _ in holidays)
    assert ("02/09/2027", "thứ Năm", "Quốc khánh") in holidays


def test_an_extra_day_off_typed_by_keys_moves_the_appointment_the_core_computes(qtbot, app, tasks, admin, clock):
    assert due(app, clock) == datetime(2026, 11, 26, 9, 15, tzinfo=due(app, clock).tzinfo)  # 24/11 is a holiday
    dialog = open_dialog(qtbot, app, tasks, admin)
    QTest.keyClick(dialog, Qt.Key.Key_Y, Qt.KeyboardModifier.AltModifier)  # "Ngà&y"
    assert dialog.day.hasFocus()
    for key in "25/11/2026":
        QTest.keyClick(dialog.day, key)
    assert dialog.day.date().toPython() == date(2026, 11, 25)
    QTest.keyClick(dialog.day, Qt.Key.Key_Return)  # Enter goes on: the kind, then the note
    assert dialog.kind.hasFocus() and dialog.kind.currentText() == "Ngày nghỉ thêm"
    QTest.keyClick(dialog.kind, Qt.Key.Key_Return)
    assert dialog.note.hasFocus()
    with qtbot.waitSignal(dialog.loaded, timeout=10000):
        type_text(dialog.note, "Nghỉ bầu cử\n")  # Enter in the note adds the day
    qtbot.waitUntil(lambda: "Đã lưu ngày 25/11/2026" in dialog.status.text(), timeout=5000)
    assert app.calendar.overrides() == [CalendarOverride(date(2026, 11, 25), "off", "Nghỉ bầu cử")]
    assert events(app, Kind.CALENDAR_OVERRIDE_SET) == [
        ("admin", {"day": "2026-11-25", "kind": "off", "note": "Nghỉ bầu cử"})]
    assert due(app, clock).date() == date(2026, 11, 27)  # one working day later
    assert rows(dialog.overrides_table) == [("thứ Tư 25/11/2026", "Ngày nghỉ thêm", "Nghỉ bầu cử")]
    assert dialog.overrides_table.currentRow() == 0 and dialog.note.text() == ""


def test_a_make_up_saturday_chosen_in_the_list_brings_the_appointment_nearer(qtbot, app, tasks, admin, clock):
    app.calendar.set_override(admin, date(2026, 11, 25), "off", "Nghỉ bầu cử")
    assert due(app, clock, days=3).date() == date(2026, 11, 30)  # 26, 27, then Monday 30
    dialog = open_dialog(qtbot, app, tasks, admin)
    press(qtbot, dialog.day.lineEdit(), at=QPoint(6, dialog.day.lineEdit().height() // 2))  # on the day
    for key in "28112026":
        QTest.keyClick(dialog.day, key)
    assert dialog.day.date().toPython() == date(2026, 11, 28)
    QTest.keyClick(dialog.day, Qt.Key.Key_Tab)
    assert dialog.kind.hasFocus()
    QTest.keyClick(dialog.kind, Qt.Key.Key_Down)  # "Ngày làm việc bù"
    assert dialog.kind.currentText() == "Ngày làm việc bù"
    press(qtbot, dialog.add_button)
    qtbot.waitUntil(lambda: "Đã lưu ngày 28/11/2026" in dialog.status.text(), timeout=10000)
    assert app.calendar.overrides()[-1] == CalendarOverride(date(2026, 11, 28), "work", "")
    assert due(app, clock, days=3).date() == date(2026, 11, 28)  # the Saturday is worked
    assert [r[:2] for r in rows(dialog.overrides_table)] == [("thứ Tư 25/11/2026", "Ngày nghỉ thêm"),
                                                             ("thứ Bảy 28/11/2026", "Ngày làm việc bù")]


def test_the_cores_refusal_shows_under_the_note_and_the_typed_text_stays(qtbot, app, tasks, admin):
    dialog = open_dialog(qtbot, app, tasks, admin)
    QTest.keyClick(dialog, Qt.Key.Key_C, Qt.KeyboardModifier.AltModifier)  # "Ghi &chú"
    too_long = "Nghỉ " + "x" * 200
    type_text(dialog.note, too_long)
    press(qtbot, dialog.add_button)
    qtbot.waitUntil(dialog.note_error.isVisible, timeout=10000)
    assert dialog.note_error.text() == "dài quá 200 ký tự"  # the core's words
    assert dialog.note.property("error") is True and dialog.note.text() == too_long and dialog.note.hasFocus()
    assert dialog.isVisible() and app.calendar.overrides() == []
    assert on_screen(dialog.note_error)
    QTest.keyClick(dialog.note, Qt.Key.Key_Backspace)  # an edit takes the mark away
    assert not dialog.note_error.isVisible() and dialog.note.property("error") is False


def test_removing_asks_first_and_no_keeps_the_day(qtbot, app, tasks, admin, clock):
    app.calendar.set_override(admin, date(2026, 11, 25), "off", "Nghỉ bầu cử")
    app.calendar.set_override(admin, date(2026, 12, 5), "work", "Làm bù")
    dialog = open_dialog(qtbot, app, tasks, admin)
    assert not dialog.remove_button.isEnabled()  # nothing chosen yet
    click_row(qtbot, dialog.overrides_table, 0)
    assert dialog.remove_button.isEnabled()

    asked = answer_next_question(Qt.Key.Key_K)  # "&Không"
    press(qtbot, dialog.remove_button)
    qtbot.waitUntil(lambda: bool(asked), timeout=5000)
    assert "25/11/2026" in asked[0]
    qtbot.wait(100)
    assert [o.day for o in app.calendar.overrides()] == [date(2026, 11, 25), date(2026, 12, 5)]
    assert due(app, clock).date() == date(2026, 11, 27)

    asked = answer_next_question(Qt.Key.Key_X)  # "&Xóa", from the keyboard this time: Delete on the row
    dialog.overrides_table.setFocus()
    with qtbot.waitSignal(dialog.loaded, timeout=10000):
        QTest.keyClick(dialog.overrides_table, Qt.Key.Key_Delete)
    assert asked and "25/11/2026" in asked[0]
    assert app.calendar.overrides() == [CalendarOverride(date(2026, 12, 5), "work", "Làm bù")]
    assert events(app, Kind.CALENDAR_OVERRIDE_REMOVED) == [("admin", {"day": "2026-11-25"})]
    assert due(app, clock).date() == date(2026, 11, 26)
    assert [r[0] for r in rows(dialog.overrides_table)] == ["thứ Bảy 05/12/2026"]


@pytest.mark.parametrize("role_fixture", ["official", "supervisor"])
def test_other_roles_see_the_calendar_read_only_and_the_core_refuses_them(qtbot, app, tasks, admin, role_fixture,
                                                                          request):
    app.calendar.set_override(admin, date(2026, 11, 25), "off", "Nghỉ bầu cử")
    user = request.getfixturevalue(role_fixture)
    dialog = open_dialog(qtbot, app, tasks, user)
    assert rows(dialog.overrides_table)[0][0] == "thứ Tư 25/11/2026" and dialog.holidays_table.rowCount() > 10
    click_row(qtbot, dialog.overrides_table, 0)
    assert not any(w.isEnabled() for w in (dialog.day, dialog.kind, dialog.note, dialog.add_button,
                                           dialog.remove_button))
    with pytest.raises(PermissionDenied):
        app.calendar.set_override(user, date(2026, 11, 26), "off")
    with pytest.raises(PermissionDenied):
        app.calendar.remove_override(user, date(2026, 11, 25))
    assert len(app.calendar.overrides()) == 1


def test_a_window_that_still_believes_its_user_an_administrator_shows_the_cores_refusal(qtbot, app, tasks, official):
    stale = User(official.username, official.full_name, Role.ADMIN, True)  # the database says: an official
    dialog = open_dialog(qtbot, app, tasks, stale)
    QTest.keyClick(dialog, Qt.Key.Key_C, Qt.KeyboardModifier.AltModifier)
    type_text(dialog.note, "Nghỉ\n")
    qtbot.waitUntil(dialog.error.isVisible, timeout=10000)
    assert dialog.error.text() == "Người dùng hoa.nt không có quyền thay đổi thiết lập"  # the core's words
    assert on_screen(dialog.error)
    assert dialog.isVisible() and dialog.note.text() == "Nghỉ" and app.calendar.overrides() == []
    assert events(app, Kind.CALENDAR_OVERRIDE_SET) == []
