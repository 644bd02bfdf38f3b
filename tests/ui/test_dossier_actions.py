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
