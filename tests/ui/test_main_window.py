"""The main window: status bar, pages and shortcuts, catalog import, settings."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from oneStop import settings as S
from oneStop.services.catalog import ImportReport
from tests.ui.conftest import PRINTER
from ui.dialogs.import_report import ImportReportDialog
from ui.dialogs.settings import SettingsDialog
from ui.main_window import MainWindow

HEADER = ("ma_thu_tuc,ten_thu_tuc,linh_vuc,co_quan_giai_quyet,so_ngay_giai_quyet,so_gio_giai_quyet,le_phi,"
          "ghi_chu_le_phi,tiep_nhan_buu_chinh,tra_ket_qua_buu_chinh,thanh_phan_ho_so,hieu_luc")


@pytest.fixture
def admin_window(qtbot, app, tasks, admin):  # type: ignore[no-untyped-def]
    main = MainWindow(app, tasks, admin)
    qtbot.addWidget(main)
    main.show()
    with qtbot.waitSignal(main.ready, timeout=5000):
        main.start()
    yield main
    qtbot.waitUntil(tasks.is_idle, timeout=10000)


@pytest.fixture
def reports(monkeypatch):  # type: ignore[no-untyped-def]
    shown: list[tuple[ImportReport, str]] = []
    monkeypatch.setattr(ImportReportDialog, "show_report",
                        classmethod(lambda cls, parent, report, name: shown.append((report, name))))
    return shown


def test_the_main_window_opens_with_who_works_at_which_counter(window):
    assert window.is_ready
    assert window.user_label.text() == "Nguyễn Thị Hoa — Cán bộ tiếp nhận"
    assert window.counter_label.text().startswith("Quầy số 1 · ")
    assert "000.17.22.H56" in window.counter_label.text()
    # an official receives, searches and hands results to the post; the supervisor's tabs are not theirs
    assert [window.tabs.tabText(i) for i in range(window.tabs.count())] == ["Tiếp nhận hồ sơ (F2)",
                                                                            "Danh sách hồ sơ (F3)",
                                                                            "Bàn giao bưu chính"]
    assert window.reception.picker.procedure_count > 30  # the sample catalog, held in memory
    assert not window.import_action.isEnabled()  # an official does not manage the catalog


def test_f3_opens_the_list_and_f2_goes_back_to_reception(qtbot, window):
    window.activateWindow()
    qtbot.keyClick(window.reception.picker.edit, Qt.Key.Key_F3)
    assert window.tabs.currentWidget() is window.dossiers
    assert window.dossiers.search.hasFocus()
    qtbot.keyClick(window.dossiers.search, Qt.Key.Key_F2)
    assert window.tabs.currentWidget() is window.reception
    assert window.reception.picker.edit.hasFocus()


def test_a_catalog_with_bad_rows_is_refused_with_every_row_error(qtbot, admin_window, tmp_path, monkeypatch, reports):
    bad = tmp_path / "danh-muc.csv"
    bad.write_text(HEADER + "\n9.000001,Thủ tục mới,Hộ tịch,UBND cấp xã,nam,0,-5,,có,có,Tờ khai [bản chính x1],có\n",
                   encoding="utf-8")
    monkeypatch.setattr(MainWindow, "ask_catalog_file", staticmethod(lambda parent: str(bad)))
    admin_window.import_action.trigger()
    qtbot.waitUntil(lambda: bool(reports), timeout=10000)
    report, name = reports[0]
    assert name == "danh-muc.csv"
    assert not report.ok and len(report.errors) >= 2
    dialog = ImportReportDialog(report, name)
    qtbot.addWidget(dialog)
    assert "Không nhập tệp danh-muc.csv" in dialog.summary.text()
    assert "Dòng 2" in dialog.errors.toPlainText()
    assert admin_window.reception.picker.search("thu tuc moi") == []


def test_a_good_catalog_is_imported_and_searchable_at_once(qtbot, admin_window, tmp_path, monkeypatch, reports):
    good = tmp_path / "danh-muc.csv"
    good.write_text(HEADER + "\n9.000001,Thủ tục mới thêm,Hộ tịch,UBND cấp xã,3,0,10000,,có,có,"
                    "Tờ khai [bản chính x1],có\n", encoding="utf-8")
    monkeypatch.setattr(MainWindow, "ask_catalog_file", staticmethod(lambda parent: str(good)))
    admin_window.import_action.trigger()
    qtbot.waitUntil(lambda: bool(reports), timeout=10000)
    assert reports[0][0].added == 1
    assert [p.code for p in admin_window.reception.picker.search("thu tuc moi them")] == ["9.000001"]


def test_the_settings_dialog_remembers_the_counters_printer(qtbot, app, window, printers, monkeypatch):
    offered: dict[str, object] = {}

    def ask(cls, parent, values, names, *, can_manage):  # type: ignore[no-untyped-def]
        offered.update(values=values, names=names, can_manage=can_manage)
        return {S.PRINTER.key: PRINTER}

    monkeypatch.setattr(SettingsDialog, "ask", classmethod(ask))
    window.settings_action.trigger()
    qtbot.waitUntil(lambda: app.settings.get(S.PRINTER) == PRINTER, timeout=10000)
    assert offered["names"] == [PRINTER, "Máy in tầng 2"]
    assert offered["can_manage"] is False  # an official may choose the printer, not the paper


def test_the_settings_dialog_reports_only_what_changed(qtbot):
    values = {S.RECEIPT_PAPER.key: "A5", S.PRINTER.key: "", S.LANGUAGE.key: "vi"}
    dialog = SettingsDialog(values, [PRINTER], can_manage=True)
    qtbot.addWidget(dialog)
    assert dialog.changes() == {}
    dialog.paper.setCurrentIndex(dialog.paper.findData("A4"))
    dialog.printer.setCurrentIndex(dialog.printer.findData(PRINTER))
    assert dialog.changes() == {S.RECEIPT_PAPER.key: "A4", S.PRINTER.key: PRINTER}


def test_the_paper_is_greyed_out_for_an_official(qtbot):
    values = {S.RECEIPT_PAPER.key: "A5", S.PRINTER.key: "Máy cũ", S.LANGUAGE.key: "vi"}
    dialog = SettingsDialog(values, [PRINTER], can_manage=False)
    qtbot.addWidget(dialog)
    assert not dialog.paper.isEnabled()
    assert dialog.printer.currentData() == "Máy cũ"  # a printer no longer installed is still shown


def test_the_window_fits_the_screen_with_save_and_status_bar_and_remembers_its_size(qtbot, app, tasks, official,
                                                                                    procedure):
    from PySide6.QtCore import QPoint, QRect, QSize

    main = MainWindow(app, tasks, official)
    qtbot.addWidget(main)
    main.show()
    qtbot.waitExposed(main)
    free = main.screen().availableGeometry()  # smaller than the window's preferred 1200×820 here
    for widget in (main.reception.save_button, main.statusBar(), main.user_label):
        assert widget.isVisible()
        rect = QRect(widget.mapToGlobal(QPoint(0, 0)), widget.size())
        assert free.adjusted(-4, -4, 4, 4).contains(rect), (widget, rect, free)  # (the offscreen frame is 2 px)
    main.setWindowState(Qt.WindowState.WindowNoState)
    main.resize(700, 560)
    qtbot.waitUntil(lambda: main.size() == QSize(700, 560), timeout=2000)
    main.close()
    again = MainWindow(app, tasks, official)
    qtbot.addWidget(again)
    again.show()
    qtbot.waitExposed(again)
    assert again.size() == QSize(700, 560)  # as it was left
    assert again.windowTitle() == "Tiếp nhận hồ sơ một cửa"


def test_postal_staff_start_on_the_handover_and_are_not_offered_what_they_may_not_do(qtbot, app, tasks, official,
                                                                                     postal, procedure):
    from tests.core.helpers import draft
    from ui.views.dossier_detail import DossierDetailDialog

    dossier = app.reception.receive(official, draft())
    main = MainWindow(app, tasks, postal)
    qtbot.addWidget(main)
    main.show()
    main.start()
    qtbot.waitUntil(lambda: main.is_ready, timeout=5000)
    assert [main.tabs.tabText(i) for i in range(main.tabs.count())] == ["Danh sách hồ sơ (F3)", "Bàn giao bưu chính"]
    assert main.tabs.currentWidget() is main.handover and not main.reception_action.isEnabled()
    detail = DossierDetailDialog(app, tasks, postal, main.receipts, dossier.code)
    qtbot.addWidget(detail)
    detail.show()
    qtbot.waitUntil(lambda: detail.detail is not None, timeout=5000)
    assert not detail.reprint_button.isVisible() and not detail.forms_button.isVisible()
    assert not detail.action_button.isVisible()
    qtbot.waitUntil(tasks.is_idle, timeout=5000)


def test_f5_without_a_central_address_offers_to_set_it_and_keeps_what_was_typed(qtbot, app, tasks, admin, procedure,
                                                                                monkeypatch):
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication

    from ui.dialogs.central_address import CentralAddressDialog
    from ui.sync_status import SyncController

    monkeypatch.setattr(SyncController, "confirm_quit_with_waiting", staticmethod(lambda parent, waiting: True))
    main = MainWindow(app, tasks, admin)
    qtbot.addWidget(main)
    main.show()
    main.start()
    qtbot.waitUntil(lambda: main.is_ready and main.sync.status is not None, timeout=5000)
    typed: list[str] = []

    def answer() -> None:  # a hand in the dialog: a wrong address first, then one that is well formed
        dialog = QApplication.activeModalWidget()
        assert isinstance(dialog, CentralAddressDialog)
        for ch in "khong-phai-dia-chi":
            QTest.keyClick(dialog.address, ch)
        QTest.keyClick(dialog.address, Qt.Key.Key_Return)
        qtbot.waitUntil(dialog.error.isVisible, timeout=5000)
        typed.append(dialog.address.text())  # still there, with the reason under it
        dialog.address.selectAll()
        for ch in "postgresql://quay_1@127.0.0.1:1/onestop":
            QTest.keyClick(dialog.address, ch)
        QTest.keyClick(dialog.address, Qt.Key.Key_Return)

    from PySide6.QtCore import QTimer

    QTimer.singleShot(100, answer)
    QTest.keyClick(main, Qt.Key.Key_F5)
    assert typed == ["khong-phai-dia-chi"]
    qtbot.waitUntil(lambda: main.sync.status is not None and main.sync.status.central_url != "", timeout=15000)
    qtbot.waitUntil(lambda: "Ngoại tuyến: " in main.sync.label.text(), timeout=15000)  # the reason, on the bar
    assert "máy chủ trung tâm" in main.sync.label.text()
    qtbot.waitUntil(tasks.is_idle, timeout=5000)


def test_a_change_made_anywhere_reaches_the_list_and_the_waiting_count(qtbot, app, tasks, official, procedure):
    """One notification from the record: a dossier received by another window or the command line
    (here: straight through the core, not through this window) shows in the open list, and the
    status bar's count of events waiting for the centre follows."""
    from tests.core.helpers import draft

    main = MainWindow(app, tasks, official)
    qtbot.addWidget(main)
    main.show()
    main.start()
    qtbot.waitUntil(lambda: main.is_ready and main.sync.status is not None, timeout=5000)
    main.show_list()
    qtbot.waitUntil(lambda: main.dossiers.model.rowCount() == 0 and main.dossiers.status.text() != "Đang tìm…",
                    timeout=5000)
    before = main.sync.status.waiting
    dossier = app.reception.receive(official, draft())  # elsewhere
    qtbot.waitUntil(lambda: main.dossiers.model.rowCount() == 1, timeout=8000)
    qtbot.waitUntil(lambda: main.sync.status.waiting > before, timeout=8000)
    assert dossier.code in main.dossiers.model.index(0, 0).data() or any(
        dossier.code in str(main.dossiers.model.index(0, c).data()) for c in range(main.dossiers.model.columnCount()))
    qtbot.waitUntil(tasks.is_idle, timeout=5000)
