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


def answer_step(qtbot, fill):  # type: ignore[no-untyped-def]
    """When the step's dialog opens, ``fill(dialog)`` types into it as a hand would."""
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    answered: list[TransitionDialog] = []

    def look() -> None:
        dialog = QApplication.activeModalWidget()
        if isinstance(dialog, TransitionDialog) and not answered:
            answered.append(dialog)
            try:
                fill(dialog)
            except BaseException:
                dialog.reject()  # a failed check must not leave the test waiting on an open dialog
                raise

    timer = QTimer()
    timer.timeout.connect(look)
    timer.start(30)
    return timer, answered


def test_an_official_records_a_transfer_and_the_result_and_sees_them(qtbot, app, tasks, official):
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest

    from tests.ui.helpers import type_text

    add_procedure(app)
    d = app.reception.receive(official, draft())
    dialog = open_detail(qtbot, app, tasks, official, d.code)
    assert Transition.TRANSFERRED in dialog.allowed and Transition.APOLOGISED not in dialog.allowed  # a supervisor's

    def fill(step: TransitionDialog) -> None:
        type_text(step.inputs["to_agency"], "Phòng Tư pháp")
        QTest.keyClick(step.inputs["to_agency"], Qt.Key.Key_Tab)
        type_text(step.inputs["note"], "Hồ sơ gốc")
        QTest.keyClick(step.inputs["note"], Qt.Key.Key_Return)  # Enter records, even from the note

    timer, answered = answer_step(qtbot, fill)
    with qtbot.waitSignal(dialog.loaded, timeout=10000):
        dialog.record(Transition.TRANSFERRED)
    assert answered and "Đang xử lý" in dialog.heading.text()
    labels = [dialog.timeline.item(r, 1).text() for r in range(dialog.timeline.rowCount())]
    assert "Chuyển hồ sơ đến cơ quan giải quyết" in labels


def test_a_refused_step_keeps_the_dialog_and_what_was_typed(qtbot, app, tasks, official):
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest

    from tests.ui.helpers import type_text

    add_procedure(app)
    d = app.reception.receive(official, draft())
    dialog = open_detail(qtbot, app, tasks, official, d.code)
    seen: list[str] = []

    def fill(step: TransitionDialog) -> None:
        type_text(step.inputs["collected_by"], "")
        step.inputs["collected_by"].selectAll()
        QTest.keyClick(step.inputs["collected_by"], Qt.Key.Key_Delete)  # nobody named: the core refuses
        QTest.keyClick(step.inputs["collected_by"], Qt.Key.Key_Return)
        qtbot.waitUntil(step.error.isVisible, timeout=5000)
        seen.append(step.error.text())
        assert step.isVisible() and step.inputs["collected_id"].text() == "038190012345"
        type_text(step.inputs["collected_by"], "Phạm Văn Nam")
        QTest.keyClick(step.inputs["collected_by"], Qt.Key.Key_Return)

    app.lifecycle.transition(official, d.code, Transition.RESULT_READY, {})
    dialog.reload()
    qtbot.waitUntil(lambda: Transition.RETURNED in dialog.allowed, timeout=5000)
    timer, answered = answer_step(qtbot, fill)
    with qtbot.waitSignal(dialog.loaded, timeout=15000):  # recorded, and the detail read again
        dialog.record(Transition.RETURNED)
    qtbot.waitUntil(tasks.is_idle, timeout=5000)
    assert seen == ["Họ tên người nhận kết quả: không được để trống khi trả kết quả tại quầy"]
    returned = [e for e in app.dossiers.show(official, d.code).events if e.kind == Transition.RETURNED.kind]
    assert returned[0].payload["collected_by"] == "Phạm Văn Nam"


def test_an_official_stops_a_dossier_at_the_applicants_request(qtbot, app, tasks, official):
    """Issue 15 (TT 03/2025 Art. 7): the counter records the stop the applicant asks for; without
    the applicant's request it is a supervisor's decision, and the core says so in the dialog."""
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest

    from tests.ui.helpers import type_text

    add_procedure(app)
    d = app.reception.receive(official, draft())
    dialog = open_detail(qtbot, app, tasks, official, d.code)
    assert Transition.STOPPED in dialog.allowed
    seen: list[str] = []

    def fill(step: TransitionDialog) -> None:
        asked = step.inputs["requested_by"]
        assert asked.isChecked()  # the usual case at the counter
        asked.setFocus()
        QTest.keyClick(asked, Qt.Key.Key_Space)  # not the applicant's request: a supervisor's
        type_text(step.inputs["reason"], "Nguoi nop de nghi dung")
        QTest.keyClick(step.inputs["reason"], Qt.Key.Key_Return)
        qtbot.waitUntil(step.error.isVisible, timeout=5000)
        seen.append(step.error.text())
        asked.setFocus()
        QTest.keyClick(asked, Qt.Key.Key_Space)
        step.inputs["reason"].setFocus()
        QTest.keyClick(step.inputs["reason"], Qt.Key.Key_Return)

    timer, answered = answer_step(qtbot, fill)
    with qtbot.waitSignal(dialog.loaded, timeout=15000):
        dialog.record(Transition.STOPPED)
    qtbot.waitUntil(tasks.is_idle, timeout=5000)
    assert seen and "quyền" in seen[0]
    stopped = [e for e in app.dossiers.show(official, d.code).events if e.kind == Transition.STOPPED.kind]
    assert [(e.actor, e.payload) for e in stopped] == [
        (official.username, {"reason": "Nguoi nop de nghi dung", "requested_by": "applicant"})]
    assert b"%PDF" in app.printing.form(official, "stop", d.code).pdf[:8]


def test_a_supplement_request_picks_from_the_checklist_with_form_and_count(qtbot, app, tasks, official):
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest

    add_procedure(app)
    d = app.reception.receive(official, draft())
    dialog = open_detail(qtbot, app, tasks, official, d.code)

    def fill(step: TransitionDialog) -> None:
        assert step.checklist is not None and step.checklist.count() == 2
        step.checklist.setFocus()
        step.checklist.setCurrentRow(1)
        QTest.keyClick(step.checklist, Qt.Key.Key_Space)  # Giấy tờ tùy thân — Bản photo × 2
        step.inputs["reason"].setFocus()
        for ch in "Thieu":
            QTest.keyClick(step.inputs["reason"], ch)
        QTest.keyClick(step.inputs["reason"], Qt.Key.Key_Return)

    timer, answered = answer_step(qtbot, fill)
    with qtbot.waitSignal(dialog.loaded, timeout=15000):
        dialog.record(Transition.SUPPLEMENT_REQUESTED)
    qtbot.waitUntil(tasks.is_idle, timeout=5000)
    asked = [e.payload for e in app.dossiers.show(official, d.code).events
             if e.kind == Transition.SUPPLEMENT_REQUESTED.kind]
    assert asked[0]["documents"] == [{"name": "Giấy tờ tùy thân", "form": "ban_photo", "count": 2}]


def test_the_fee_collected_with_the_supplement_and_with_the_result_is_typed_and_shown(qtbot, app, tasks, official):
    """Issue 15 (rules §11.9): bringing the supplement and collecting the result each ask for the
    fee collected then, reached and typed from the keyboard; the detail lists every collection
    with its stage and the history says what each step collected."""
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest

    from tests.ui.helpers import type_text

    add_procedure(app)  # 20.000 đồng at reception
    d = app.reception.receive(official, draft())
    app.lifecycle.transition(official, d.code, Transition.SUPPLEMENT_REQUESTED,
                             {"documents": ["Giấy chứng sinh"], "reason": "Thiếu giấy chứng sinh"})
    dialog = open_detail(qtbot, app, tasks, official, d.code)
    seen: dict[str, object] = {}

    def bring(step: TransitionDialog) -> None:
        fee = step.inputs["fee"]
        assert fee.hasFocus()  # the first field: typed straight away
        type_text(fee, "30000")
        seen["supplement"] = fee.value()
        QTest.keyClick(fee, Qt.Key.Key_Tab)
        assert step.inputs["note"].hasFocus()
        type_text(step.inputs["note"], "Đã nộp giấy chứng sinh\n")  # Enter records

    timer, answered = answer_step(qtbot, bring)
    with qtbot.waitSignal(dialog.loaded, timeout=15000):
        dialog.record(Transition.SUPPLEMENT_RECEIVED)
    qtbot.waitUntil(tasks.is_idle, timeout=5000)
    assert answered and seen["supplement"] == 30_000

    def collect(step: TransitionDialog) -> None:
        assert step.inputs["method"].hasFocus()
        for name in ("collected_by", "collected_id", "fee"):  # Tab by Tab to the fee
            QTest.keyClick(step.focusWidget(), Qt.Key.Key_Tab)
            assert step.inputs[name].hasFocus(), name
        type_text(step.inputs["fee"], "15000")
        seen["return"] = step.inputs["fee"].value()
        QTest.keyClick(step.inputs["fee"], Qt.Key.Key_Return)  # Enter records from the fee too

    app.lifecycle.transition(official, d.code, Transition.RESULT_READY, {})
    dialog.reload()
    qtbot.waitUntil(lambda: Transition.RETURNED in dialog.allowed, timeout=5000)
    timer, answered = answer_step(qtbot, collect)
    with qtbot.waitSignal(dialog.loaded, timeout=15000):
        dialog.record(Transition.RETURNED)
    qtbot.waitUntil(tasks.is_idle, timeout=5000)
    assert seen["return"] == 15_000
    steps = {e.kind: e.payload for e in app.dossiers.show(official, d.code).events}
    assert steps[Transition.SUPPLEMENT_RECEIVED.kind] == {"fee": 30_000, "note": "Đã nộp giấy chứng sinh"}
    assert steps[Transition.RETURNED.kind]["fee"] == 15_000
    collected = [(f.amount, f.stage.value) for f in app.dossiers.get(official, d.code).fee_collected]
    assert collected == [(20_000, "reception"), (30_000, "supplement"), (15_000, "return")]
    html = dialog.fields.text()
    for line in ("20.000 đ — khi tiếp nhận", "30.000 đ — khi bổ sung hồ sơ", "15.000 đ — khi trả kết quả"):
        assert line in html, line
    details = [dialog.timeline.item(r, 3).text() for r in range(dialog.timeline.rowCount())]
    assert "thu phí, lệ phí 30.000 đ · Đã nộp giấy chứng sinh" in details
    assert any(text.startswith("thu phí, lệ phí 15.000 đ · người nhận: Nguyễn Thị Hường") for text in details)


def test_the_transition_form_asks_only_for_what_it_needs(qtbot):
    dialog = TransitionDialog(Transition.RETURNED)
    qtbot.addWidget(dialog)
    assert set(dialog.inputs) == {"method", "collected_by", "collected_id", "fee"}
    dialog.inputs["collected_by"].setText("Phạm Văn Nam")
    assert dialog.payload() == {"method": "counter", "collected_by": "Phạm Văn Nam", "collected_id": "", "fee": 0}
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
        for _ in range(4):  # supplement, refusal, apology, then the control sheet
            QTest.keyClick(menu, Qt.Key.Key_Down)
        assert menu.activeAction().text() == "Phiếu kiểm soát quá trình giải quyết hồ sơ"
        QTest.keyClick(menu, Qt.Key.Key_Return)
    assert printed.args == ["control-sheet", PRINTER] and printers.names == [PRINTER]
    assert d.code in decode_barcodes(read_pdf(printers.files[0]))
    from oneStop.domain.vocabulary import Kind

    events = app.dossiers.show(official, d.code).events
    assert [e.payload["form"] for e in events if e.kind == Kind.FORM_PRINTED] == ["control-sheet"]


def test_a_refusal_asks_for_confirmation_before_it_is_recorded(qtbot, app, tasks, official):
    from PySide6.QtCore import Qt, QTimer
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication, QMessageBox

    add_procedure(app)
    d = app.reception.receive(official, draft())
    recorded: list[dict] = []
    step = TransitionDialog(Transition.REFUSED, record=recorded.append, tasks=tasks)
    qtbot.addWidget(step)
    step.show()
    for ch in "Khong thuoc tham quyen":
        QTest.keyClick(step.inputs["reason"], ch)

    def answer(key):  # type: ignore[no-untyped-def]
        def press() -> None:
            box = QApplication.activeModalWidget()
            assert isinstance(box, QMessageBox)
            QTest.keyClick(box, key, Qt.KeyboardModifier.AltModifier)
        QTimer.singleShot(150, press)

    answer(Qt.Key.Key_K)  # "Không": thought better of it
    QTest.keyClick(step.inputs["reason"], Qt.Key.Key_Return)
    qtbot.wait(100)
    assert recorded == [] and step.isVisible()
    answer(Qt.Key.Key_T)  # "Từ chối"
    with qtbot.waitSignal(step.accepted, timeout=5000):
        QTest.keyClick(step.inputs["reason"], Qt.Key.Key_Return)
    assert recorded == [{"reason": "Khong thuoc tham quyen"}]


def test_the_detail_names_people_and_says_what_each_step_was(qtbot, app, tasks, official, supervisor, clock):
    from datetime import timedelta

    add_procedure(app)
    d = app.reception.receive(official, draft())
    app.lifecycle.transition(official, d.code, Transition.TRANSFERRED, {"to_agency": "Phòng Tư pháp"})
    app.lifecycle.transition(supervisor, d.code, Transition.APOLOGISED,
                             {"new_due_at": (d.due_at + timedelta(days=3)).isoformat(), "reason": "Chờ xác minh"})
    dialog = open_detail(qtbot, app, tasks, official, d.code)
    rows = {dialog.timeline.item(r, 1).text(): (dialog.timeline.item(r, 2).text(), dialog.timeline.item(r, 3).text())
            for r in range(dialog.timeline.rowCount())}
    assert rows["Chuyển hồ sơ đến cơ quan giải quyết"][0] == "Nguyễn Thị Hoa"
    assert rows["Chuyển hồ sơ đến cơ quan giải quyết"][1].startswith("đến Phòng Tư pháp")
    apology = [text for label, (who, text) in rows.items() if "xin lỗi" in label.lower()]
    assert apology and "hẹn mới" in apology[0] and "Chờ xác minh" in apology[0]
    html = dialog.fields.text()
    assert "Nguyễn Thị Hoa" in html and "hoa.nt" not in html  # people by name, not by user name
    assert "Hẹn ban đầu" in html and " — còn " in html
