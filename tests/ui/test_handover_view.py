"""The handover screen driven by a simulated wedge scanner (fast key events into the real scan
field, with and without an input-method composition), on a real App under tmp_path."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtGui import QInputMethodEvent, QKeySequence
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QPushButton

from oneStop.domain.handover import Outcome
from oneStop.domain.lifecycle import Transition
from oneStop.domain.models import ReturnMethod
from tests.core.helpers import TEST_PROCEDURE, add_procedure, draft
from tests.ui.helpers import decode_barcodes, read_pdf
from ui.sounds import SoundPlayer
from ui.views.handover import (
    COLOURS,
    UNRESOLVED_BACKGROUND,
    CloseBatchDialog,
    HandoverItemsModel,
    HandoverView,
    OpenBatchDialog,
    OutcomeDialog,
    ReceiveItemDialog,
    RemoveItemDialog,
)

LABEL = "RR123456785VN"
STAFF = "Phạm Văn Phát"


@pytest.fixture
def ready(app, admin, official):  # type: ignore[no-untyped-def]
    """Two results ready to leave by post, and a post office."""
    add_procedure(app)
    app.handover.save_postal_unit(admin, "BC-QP", "Bưu cục Quảng Phú")
    made = []
    for _ in range(2):
        d = app.reception.receive(official, draft(return_method=ReturnMethod.POST, delivery_address="Số 5 Lê Lợi"))
        made.append(app.lifecycle.transition(official, d.code, Transition.RESULT_READY, {}))
    return made


def make_view(qtbot, app, tasks, user):  # type: ignore[no-untyped-def]
    view = HandoverView(app, tasks, user, sounds=SoundPlayer(muted=True))
    qtbot.addWidget(view)
    with qtbot.waitSignal(view.batches_listed, timeout=10000):
        view.show()
    qtbot.waitExposed(view)
    view.activateWindow()
    return view


def open_batch(qtbot, view, monkeypatch, direction="out"):  # type: ignore[no-untyped-def]
    monkeypatch.setattr(OpenBatchDialog, "ask", classmethod(
        lambda cls, parent, units: (direction, units[0].code, STAFF, "NV01")))
    with qtbot.waitSignal(view.batch_changed, timeout=10000) as opened:
        view.open_button.click()
    return opened.args[0]


@pytest.fixture
def view(qtbot, app, tasks, postal, monkeypatch, ready):  # type: ignore[no-untyped-def]
    """The screen of the postal clerk with an outgoing batch open."""
    v = make_view(qtbot, app, tasks, postal)
    open_batch(qtbot, v, monkeypatch)
    qtbot.waitUntil(v.scan.hasFocus, timeout=2000)
    return v


def wedge(qtbot, view, text: str, end=Qt.Key.Key_Return):  # type: ignore[no-untyped-def]
    """A scanner: one key event per character, then the terminator, as fast as it can."""
    with qtbot.waitSignal(view.scan_answered, timeout=10000) as answered:
        QTest.keyClicks(view.scan, text)
        QTest.keyClick(view.scan, end)
    return answered.args[0]


def background(view, row: int):  # type: ignore[no-untyped-def]
    colour = view.model.data(view.model.index(row, 0), Qt.ItemDataRole.BackgroundRole)
    return colour.name() if colour is not None else None


def test_a_ready_dossier_is_accepted_then_its_label_attaches(qtbot, view, ready):
    first = wedge(qtbot, view, ready[0].code)
    assert first.outcome is Outcome.ACCEPTED
    assert view.banner.property("outcome") == "accepted" and COLOURS[Outcome.ACCEPTED] in view.banner.styleSheet()
    assert ready[0].code in view.banner.text()
    assert view.model.rowCount() == 1
    assert view.model.data(view.model.index(0, HandoverItemsModel.CODE)) == ready[0].code
    assert view.model.data(view.model.index(0, HandoverItemsModel.BY)) == "Trần Văn Bưu"  # full name
    assert background(view, 0) == UNRESOLVED_BACKGROUND and view.unresolved.text() == "còn 1 mục chưa xong"
    label = wedge(qtbot, view, LABEL, end=Qt.Key.Key_Tab)  # a Tab-terminated scanner
    assert label.outcome is Outcome.TRACKING and view.banner.property("outcome") == "tracking"
    assert view.model.data(view.model.index(0, HandoverItemsModel.TRACKING)) == LABEL
    assert background(view, 0) is None and view.unresolved.text() == "1 mục, đều đã xong"
    assert view.scan.hasFocus()
    assert view.sounds.played == ["accepted", "tracking"]


def test_a_second_scan_of_the_same_dossier_names_who_scanned_it_first(qtbot, app, view, ready, official):
    app.handover.scan(official, view.batch.id, ready[0].code)  # the official at the next counter was first
    again = wedge(qtbot, view, ready[0].code)
    assert again.outcome is Outcome.DUPLICATE and again.first_scanned_by == "Nguyễn Thị Hoa"
    assert view.banner.property("outcome") == "duplicate" and COLOURS[Outcome.DUPLICATE] in view.banner.styleSheet()
    assert "Nguyễn Thị Hoa" in view.banner.text() and "09:15" in view.banner.text()
    assert view.sounds.played == ["duplicate"]


@pytest.mark.parametrize("kind", ["unknown", "not-ready", "wrong-batch"])
def test_refused_scans_are_red_with_the_reason(qtbot, app, view, official, kind):
    if kind == "unknown":
        text, words = "hello-123", "Không nhận ra"
    elif kind == "not-ready":
        text = app.reception.receive(official, draft(return_method=ReturnMethod.POST, delivery_address="X")).code
        words = "chưa có kết quả"
    else:
        d = app.reception.receive(official, draft(return_method=ReturnMethod.POST, delivery_address="X"))
        text = app.lifecycle.transition(official, d.code, Transition.RESULT_READY, {}).code
        other = app.handover.open(official, "out", "BC-QP", "Lê Bưu")
        app.handover.scan(official, other.number, text)
        words = other.number
    answer = wedge(qtbot, view, text)
    assert answer.outcome.value == kind
    assert view.banner.property("outcome") == kind and COLOURS[answer.outcome] == "#c62828"
    assert COLOURS[answer.outcome] in view.banner.styleSheet() and words in view.banner.text()
    assert view.model.rowCount() == 0 and view.sounds.played == [kind]


def test_a_telex_mangled_label_arriving_through_an_input_method_attaches(qtbot, view, ready):
    wedge(qtbot, view, ready[1].code)
    # Unikey (Telex) composes the first two letters "EE" of the label into "Ê" and commits it
    QCoreApplication.sendEvent(view.scan, QInputMethodEvent("E", []))
    commit = QInputMethodEvent()
    commit.setCommitString("Ê")
    QCoreApplication.sendEvent(view.scan, commit)
    answer = wedge(qtbot, view, "471108151FR")
    assert answer.outcome is Outcome.TRACKING and answer.tracking == "EE471108151FR"
    assert view.model.data(view.model.index(0, HandoverItemsModel.TRACKING)) == "EE471108151FR"
    assert view.scan.hasFocus()


def test_scans_arriving_while_one_is_in_flight_are_answered_in_order(qtbot, view, ready):
    answers: list = []
    view.scan_answered.connect(answers.append)
    for text in (ready[0].code, LABEL, ready[0].code, ready[1].code, "nonsense"):
        QTest.keyClicks(view.scan, text)
        QTest.keyClick(view.scan, Qt.Key.Key_Return)
    assert view.pending_scans == 5  # all queued at once, none dropped
    qtbot.waitUntil(lambda: len(answers) == 5, timeout=10000)
    assert [a.outcome.value for a in answers] == ["accepted", "tracking", "duplicate", "accepted", "unknown"]
    assert view.pending_scans == 0 and view.pending_label.text() == "" and view.model.rowCount() == 2
    assert view.sounds.played == ["accepted", "tracking", "duplicate", "accepted", "unknown"]


def test_a_scan_before_any_batch_is_open_says_so(qtbot, app, tasks, postal, ready):
    v = make_view(qtbot, app, tasks, postal)
    QTest.keyClicks(v.scan, ready[0].code)
    QTest.keyClick(v.scan, Qt.Key.Key_Return)
    assert v.banner.property("outcome") == "unknown" and "Chưa chọn lô" in v.banner.text()


def test_closing_is_refused_while_an_item_waits_then_confirms_the_postal_worker(qtbot, view, ready, monkeypatch):
    asked: list = []
    monkeypatch.setattr(CloseBatchDialog, "ask", classmethod(
        lambda cls, parent, batch: asked.append(batch.staff_name) or ("Phạm Văn Phát", "NV09")))
    wedge(qtbot, view, ready[0].code)
    view.close_button.click()
    qtbot.waitUntil(lambda: "chưa có số hiệu" in view.banner.text(), timeout=10000)
    assert view.banner.property("outcome") == "not-ready" and not view.batch.closed and asked == []
    wedge(qtbot, view, LABEL)
    with qtbot.waitSignal(view.batches_listed, timeout=10000):
        with qtbot.waitSignal(view.batch_changed, timeout=10000) as closed:
            view.close_button.click()
    batch = closed.args[0]
    assert asked == [STAFF] and batch.closed and batch.staff_id == "NV09"
    assert not view.close_button.isEnabled() and "Đã đóng lô" in view.banner.text()
    assert "đã đóng" in view.today.currentText()
    late = wedge(qtbot, view, ready[1].code)  # the scanner still answers: the batch is closed
    assert late.outcome is Outcome.CLOSED and COLOURS[Outcome.CLOSED] in view.banner.styleSheet()
    assert view.sounds.played == ["accepted", "not-ready", "tracking", "closed"]


def test_the_handover_list_goes_to_the_counter_printer(qtbot, view, ready, printers, counter_printer):
    wedge(qtbot, view, ready[0].code)
    wedge(qtbot, view, LABEL)
    with qtbot.waitSignal(view.list_printed, timeout=20000) as printed:
        with qtbot.waitSignal(view.list_made, timeout=10000) as made:
            view.print_button.click()
    assert made.args[0].startswith(b"%PDF") and printed.args == [counter_printer]
    found = decode_barcodes(read_pdf(printers.files[0]))
    assert view.batch.number in found and ready[0].code in found


def test_without_a_printer_the_list_opens_in_the_preview(qtbot, view, ready):
    wedge(qtbot, view, ready[0].code)
    with qtbot.waitSignal(view.printing.previewed, timeout=10000) as opened:
        view.print_button.click()
    dialog = opened.args[0]
    assert dialog.windowTitle() == f"Danh sách bàn giao — {view.batch.number}"
    assert dialog.receipt.pdf.startswith(b"%PDF")
    qtbot.waitUntil(lambda: dialog.rendered_pages >= 1, timeout=10000)
    dialog.reject()


def test_an_incoming_item_is_received_as_a_postal_dossier(qtbot, app, tasks, official, ready, monkeypatch,
                                                          error_boxes):
    v = make_view(qtbot, app, tasks, official)
    open_batch(qtbot, v, monkeypatch, direction="in")
    assert wedge(qtbot, v, "EB000717618HK").outcome is Outcome.ACCEPTED
    assert background(v, 0) == UNRESOLVED_BACKGROUND
    assert v.receive_button.isVisible() and v.receive_button.isEnabled()
    typed = {"procedure": TEST_PROCEDURE.code, "name": "Lê Văn Gửi", "citizen_id": "12345", "phone": "0912345678",
             "address": "Thôn 2", "postal_fee": 25_000, "slip_originals": 1, "slip_copies": None}
    asked: list = []

    def ask(cls, parent, tracking, procedures, initial=None):  # type: ignore[no-untyped-def]
        asked.append((tracking, initial))
        assert TEST_PROCEDURE.code in {p.code for p in procedures}
        return dict(typed)

    monkeypatch.setattr(ReceiveItemDialog, "ask", classmethod(ask))
    v.receive_button.click()  # a citizen ID the core refuses: said in a box, what was typed kept
    qtbot.waitUntil(lambda: bool(error_boxes), timeout=10000)
    assert "định danh" in error_boxes[0][1]
    typed["citizen_id"] = "038190012345"
    with qtbot.waitSignal(v.received, timeout=10000) as got:
        v.receive_button.click()
    assert asked[0] == ("EB000717618HK", None) and asked[1][1]["citizen_id"] == "12345"
    dossier = got.args[0]
    assert dossier.channel.value == "postal" and dossier.postal_tracking == "EB000717618HK"
    assert "hẹn trả" in v.banner.text() and dossier.code in v.banner.text()
    assert v.unresolved.text() == "1 mục, đều đã xong" and not v.receive_button.isEnabled()
    assert background(v, 0) is None
    assert v.model.data(v.model.index(0, HandoverItemsModel.CODE)) == dossier.code


def test_a_delivery_outcome_for_the_selected_dossier(qtbot, view, ready, monkeypatch):
    monkeypatch.setattr(CloseBatchDialog, "ask", classmethod(lambda cls, parent, batch: (STAFF, "")))
    wedge(qtbot, view, ready[0].code)
    wedge(qtbot, view, LABEL)
    with qtbot.waitSignal(view.batch_changed, timeout=10000):
        view.close_button.click()
    view.items.selectRow(0)
    offered: list = []
    monkeypatch.setattr(OutcomeDialog, "ask", classmethod(
        lambda cls, parent, code="": offered.append(code) or (code + "\r", False, "Sai địa chỉ")))
    with qtbot.waitSignal(view.outcome_recorded, timeout=10000) as got:
        view.outcome_button.click()
    assert offered == [ready[0].code]
    assert got.args[0].status.value == "result_ready" and "không phát được" in view.banner.text()


def test_an_item_scanned_by_mistake_leaves_the_batch(qtbot, view, ready, monkeypatch):
    monkeypatch.setattr(RemoveItemDialog, "ask", classmethod(lambda cls, parent, item: "Quét nhầm"))
    wedge(qtbot, view, ready[0].code)
    view.items.selectRow(0)
    assert view.remove_button.isEnabled()
    with qtbot.waitSignal(view.batch_changed, timeout=10000) as changed:
        view.remove_button.click()
    assert changed.args[0].unresolved() == ()
    assert view.model.data(view.model.index(0, HandoverItemsModel.STATE)) == "đã bỏ khỏi lô"
    assert view.model.data(view.model.index(0, HandoverItemsModel.NOTE)) == "Quét nhầm"


def test_one_of_todays_batches_can_be_picked(qtbot, app, tasks, postal, ready):
    first = app.handover.open(postal, "out", "BC-QP", STAFF)
    second = app.handover.open(postal, "in", "BC-QP", STAFF)
    v = make_view(qtbot, app, tasks, postal)
    assert v.today.count() == 2 and v.today.currentIndex() == -1
    index = v.today.findData(second.id)
    v.today.setCurrentIndex(index)
    with qtbot.waitSignal(v.batch_changed, timeout=10000) as shown:
        v.today.activated.emit(index)
    assert shown.args[0].id == second.id and second.number in v.batch_label.text()
    assert v.receive_button.isVisible() and not v.receive_button.isEnabled()
    assert first.number in v.today.itemText(v.today.findData(first.id))


def test_the_dialogs_give_typed_values(qtbot, ready):
    from oneStop.services.handover import PostalUnit

    opening = OpenBatchDialog([PostalUnit("BC-QP", "Bưu cục Quảng Phú")])
    qtbot.addWidget(opening)
    opening.direction.setCurrentIndex(1)
    opening.staff_name.setText(STAFF)
    assert opening.values() == ("in", "BC-QP", STAFF, "")
    receiving = ReceiveItemDialog("EB000717618HK", [TEST_PROCEDURE], {
        "procedure": TEST_PROCEDURE.code, "name": "Lê Văn Gửi", "postal_fee": 25_000, "slip_copies": 2})
    qtbot.addWidget(receiving)
    values = receiving.values()
    assert values["procedure"] == TEST_PROCEDURE.code and values["postal_fee"] == 25_000
    assert values["slip_originals"] is None and values["slip_copies"] == 2 and values["name"] == "Lê Văn Gửi"
    outcome = OutcomeDialog("000.17.22.H56-261123-0001")
    qtbot.addWidget(outcome)
    assert outcome.detail_label.text() == "Người nhận"
    outcome.delivered.setCurrentIndex(1)
    assert outcome.detail_label.text() == "Lý do không phát được"


def test_the_screen_speaks_english_too(qtbot, qapp, app, tasks, postal, monkeypatch):
    from oneStop.domain.handover import Direction
    from ui.i18n import install_translator
    from ui.views.handover import direction_label, outcome_label

    monkeypatch.delenv("ONESTOP_LANG", raising=False)
    assert install_translator(qapp, "en")
    try:
        v = HandoverView(app, tasks, postal, sounds=SoundPlayer(muted=True))
        qtbot.addWidget(v)
        assert v.close_button.text() == "Close batch" and v.scan.placeholderText() == "Scan the barcode here"
        assert outcome_label(Outcome.DUPLICATE) == "Already scanned"
        assert direction_label(Direction.IN) == "Dossiers from the post"
    finally:
        install_translator(qapp, "vi")


# --- a real hand on the buttons, and the keyboard routes ---------------------------------------------------


@pytest.mark.parametrize("hold_ms", [30, 100])
def test_every_button_answers_a_real_press_and_release(qtbot, view, ready, monkeypatch, hold_ms):
    """A press held 30–100 ms with the event loop running, as a postal worker clicks: the scan
    field must not take the focus back (and so the click away) while the button is down."""
    from tests.ui.helpers import press

    asked: list[str] = []
    monkeypatch.setattr(OpenBatchDialog, "ask", classmethod(lambda cls, parent, units: asked.append("open")))
    monkeypatch.setattr(OutcomeDialog, "ask", classmethod(lambda cls, parent, *a: asked.append("outcome")))
    monkeypatch.setattr(CloseBatchDialog, "ask", classmethod(lambda cls, parent, batch: asked.append("close")))
    wedge(qtbot, view, ready[0].code)
    wedge(qtbot, view, LABEL)
    view.items.selectRow(0)
    for button, answer in ((view.open_button, "open"), (view.outcome_button, "outcome"),
                           (view.close_button, "close")):
        qtbot.waitUntil(view.scan.hasFocus, timeout=2000)
        press(qtbot, button, hold_ms)
        qtbot.waitUntil(lambda: answer in asked, timeout=5000)
        assert view.scan.hasFocus() or qtbot.waitUntil(view.scan.hasFocus, timeout=2000) is None
    with qtbot.waitSignal(view.list_made, timeout=10000):
        press(qtbot, view.print_button, hold_ms)
    assert asked == ["open", "outcome", "close"]


def test_every_action_has_a_keyboard_route(qtbot, view, ready, monkeypatch):
    asked: list[str] = []
    monkeypatch.setattr(OpenBatchDialog, "ask", classmethod(lambda cls, parent, units: asked.append("open")))
    monkeypatch.setattr(CloseBatchDialog, "ask", classmethod(lambda cls, parent, batch: asked.append("close")))
    monkeypatch.setattr(OutcomeDialog, "ask", classmethod(lambda cls, parent, *a: asked.append("outcome")))
    monkeypatch.setattr(RemoveItemDialog, "ask", classmethod(lambda cls, parent, item: asked.append("remove")))
    wedge(qtbot, view, ready[0].code)
    wedge(qtbot, view, LABEL)
    view.items.selectRow(0)
    view.scan.setFocus()
    for keys, answer in (("Ctrl+N", "open"), ("Ctrl+K", "outcome"), ("Ctrl+D", "remove"), ("Ctrl+L", "close")):
        shortcut = QKeySequence(keys)
        QTest.keySequence(view.scan, shortcut)  # typed where the focus is: the scan field
        qtbot.waitUntil(lambda: answer in asked, timeout=5000)
        assert keys in view.findChild(QPushButton, f"handover_{answer}").toolTip()
    with qtbot.waitSignal(view.list_made, timeout=10000):
        QTest.keySequence(view.scan, QKeySequence("Ctrl+P"))
