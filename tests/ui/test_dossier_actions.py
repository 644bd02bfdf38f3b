"""Recording the dossier's life from its detail window, and printing its forms."""

from __future__ import annotations

from oneStop.domain.lifecycle import Transition
from tests.core.helpers import add_procedure, draft
from ui.dialogs.transition import TransitionDialog
from ui.receipts import ReceiptPrinting
from ui.views.dossier_detail import DossierDetailDialog


def open_detail(qtbot, app, tasks, user, code):  # type: ignore[no-untyped-def]
    receipts = ReceiptPrinting(app, tasks, user)
    dialog = DossierDetailDialog(app, tasks, user, receipts, code)
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: dialog.action_button.isEnabled(), timeout=10000)
    return dialog


def test_an_official_records_a_transfer_and_the_result_and_sees_them(qtbot, app, tasks, official, monkeypatch):
    add_procedure(app)
    d = app.reception.receive(official, draft())
    dialog = open_detail(qtbot, app, tasks, official, d.code)
    assert Transition.TRANSFERRED in dialog.allowed and Transition.STOPPED not in dialog.allowed  # a supervisor's
    monkeypatch.setattr(TransitionDialog, "ask", classmethod(lambda cls, parent, t: {"to_agency": "Phòng Tư pháp",
                                                                                      "note": ""}))
    with qtbot.waitSignal(dialog.loaded, timeout=10000):
        dialog.record(Transition.TRANSFERRED)
    assert "Đang xử lý" in dialog.heading.text()
    labels = [dialog.timeline.item(r, 1).text() for r in range(dialog.timeline.rowCount())]
    assert "Chuyển hồ sơ đến cơ quan giải quyết" in labels


def test_the_transition_form_asks_only_for_what_it_needs(qtbot):
    dialog = TransitionDialog(Transition.RETURNED)
    qtbot.addWidget(dialog)
    assert set(dialog.inputs) == {"method", "collected_by", "collected_id"}
    dialog.inputs["collected_by"].setText("Phạm Văn Nam")
    assert dialog.payload() == {"method": "counter", "collected_by": "Phạm Văn Nam", "collected_id": ""}
    supplement = TransitionDialog(Transition.SUPPLEMENT_REQUESTED)
    qtbot.addWidget(supplement)
    supplement.inputs["documents"].setPlainText("Giấy chứng sinh\n\nSổ hộ khẩu\n")
    assert supplement.payload()["documents"] == ["Giấy chứng sinh", "Sổ hộ khẩu"]


def test_the_control_sheet_is_saved_from_the_detail(qtbot, app, tasks, official, monkeypatch, tmp_path):
    add_procedure(app)
    d = app.reception.receive(official, draft())
    dialog = open_detail(qtbot, app, tasks, official, d.code)
    target = tmp_path / "kiem-soat.pdf"
    monkeypatch.setattr(DossierDetailDialog, "ask_save_path", classmethod(lambda cls, parent, s: str(target)))
    with qtbot.waitSignal(dialog.form_saved, timeout=10000):
        dialog.save_form("control-sheet")
    assert target.read_bytes().startswith(b"%PDF")


def test_a_form_prints_straight_to_the_counters_printer_from_the_menu(qtbot, app, tasks, official, printers,
                                                                       counter_printer):
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication

    from tests.ui.conftest import PRINTER
    from tests.ui.helpers import decode_barcodes, press, read_pdf

    add_procedure(app)
    d = app.reception.receive(official, draft())
    dialog = open_detail(qtbot, app, tasks, official, d.code)
    dialog.show()
    qtbot.waitExposed(dialog)
    with qtbot.waitSignal(dialog.form_printed, timeout=20000) as printed:
        press(qtbot, dialog.forms_button)
        qtbot.waitUntil(lambda: QApplication.activePopupWidget() is not None, timeout=3000)
        menu = QApplication.activePopupWidget()
        for _ in range(4):  # Mẫu 02, 03, 04, 05: the control sheet
            QTest.keyClick(menu, Qt.Key.Key_Down)
        assert menu.activeAction().text() == "Phiếu kiểm soát (Mẫu 05)"
        QTest.keyClick(menu, Qt.Key.Key_Return)
    assert printed.args == ["control-sheet", PRINTER] and printers.names == [PRINTER]
    assert d.code in decode_barcodes(read_pdf(printers.files[0]))
    from oneStop.domain.vocabulary import Kind

    events = app.dossiers.show(official, d.code).events
    assert [e.payload["form"] for e in events if e.kind == Kind.FORM_PRINTED] == ["control-sheet"]
