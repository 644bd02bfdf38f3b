"""A day's work per role on a counter's 1366×768 screen (tests/ui/screen-1366x768.json), with a
hand's presses and keys: every control used must be inside the screen."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QWidget

from oneStop.domain.lifecycle import Transition
from oneStop.domain.models import ReturnMethod
from tests.core.helpers import add_procedure, draft
from tests.ui.conftest import PRINTER
from tests.ui.helpers import answer_next_dialog, keys, on_screen, open_window, press, type_text

LABEL = "RR123456785VN"


def test_an_official_receives_and_prints(qtbot, app, tasks, official, procedure, printers, counter_printer):
    main = open_window(qtbot, app, tasks, official)
    r = main.reception
    keys(r.picker.edit, "thu nghiem nam ngay")
    QTest.keyClick(r.picker.edit, Qt.Key.Key_Return)
    assert r.picker.chosen is not None
    type_text(r.citizen_id, "038190012345")
    type_text(r.name, "Nguyễn Thị Hường")
    type_text(r.phone, "0912345678")
    type_text(r.address, "Thôn 3, xã Quảng Phú")
    r.documents.setFocus()
    r.documents.setCurrentIndex(r.documents_model.index(0, 0))
    for _ in r.documents_model.rows():
        QTest.keyClick(r.documents, Qt.Key.Key_Space)
        QTest.keyClick(r.documents, Qt.Key.Key_Down)
    on_screen(r.picker.edit, r.citizen_id, r.name, r.phone, r.address, r.documents, r.save_button)
    with qtbot.waitSignal(r._receipts.printed, timeout=15000) as printed:
        with qtbot.waitSignal(r.dossier_saved, timeout=10000):
            press(qtbot, r.save_button)
    assert printed.args[1] == PRINTER and r.banner.isVisible()
    on_screen(r.banner)
    qtbot.waitUntil(tasks.is_idle, timeout=5000)


def test_a_supervisor_reviews_and_signs_the_day(qtbot, app, tasks, official, supervisor, procedure, clock):
    app.reception.receive(official, draft())
    main = open_window(qtbot, app, tasks, supervisor)
    QTest.keyClick(main, Qt.Key.Key_F4)
    log = main.daily_log
    assert log is not None and main.tabs.currentWidget() is log
    qtbot.waitUntil(lambda: log.model.rowCount() == 1, timeout=10000)

    def sign(dialog: QWidget) -> None:
        keys(dialog.comment, "Da kiem tra")
        QTest.keyClick(dialog.comment, Qt.Key.Key_Return)  # Enter signs

    on_screen(log.table, log.sign_button, log.print_button, log.totals)
    timer = answer_next_dialog(sign)
    with qtbot.waitSignal(log.loaded, timeout=10000):
        press(qtbot, log.sign_button)
    assert "Đã ký duyệt" in log.review_label.text() and not timer.isActive()
    qtbot.waitUntil(tasks.is_idle, timeout=5000)


def test_a_postal_worker_opens_scans_and_closes_a_batch(qtbot, app, tasks, admin, official, postal, procedure):
    app.handover.save_postal_unit(admin, "BC-QP", "Bưu cục Quảng Phú")
    dossier = app.reception.receive(official, draft(return_method=ReturnMethod.POST, delivery_address="Số 5 Lê Lợi"))
    app.lifecycle.transition(official, dossier.code, Transition.RESULT_READY, {})
    main = open_window(qtbot, app, tasks, postal)
    view = main.handover
    assert view is not None and main.tabs.currentWidget() is view

    def open_batch(dialog: QWidget) -> None:
        type_text(dialog.staff_name, "Phạm Văn Phát")
        QTest.keyClick(dialog.staff_name, Qt.Key.Key_Return)

    on_screen(view.open_button, view.scan, view.items, view.close_button, view.print_button)
    answer_next_dialog(open_batch)
    with qtbot.waitSignal(view.batch_changed, timeout=10000):
        press(qtbot, view.open_button)
    main.activateWindow()  # a window manager gives the window its keyboard back; offscreen does not
    qtbot.waitUntil(view.scan.hasFocus, timeout=3000)
    for text in (dossier.code, LABEL):  # the receipt's barcode, then the postal label, as a scanner types
        with qtbot.waitSignal(view.scan_answered, timeout=10000):
            QTest.keyClicks(view.scan, text)
            QTest.keyClick(view.scan, Qt.Key.Key_Return)
    answer_next_dialog(lambda dialog: QTest.keyClick(dialog.staff_name, Qt.Key.Key_Return))
    with qtbot.waitSignal(view.batch_changed, timeout=10000) as closed:
        press(qtbot, view.close_button)
    assert closed.args[0].closed and view.model.rowCount() == 1
    qtbot.waitUntil(tasks.is_idle, timeout=5000)
