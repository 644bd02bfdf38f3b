"""The handover screen driven by a simulated wedge scanner: fast key events into the real scan
field, with and without an input-method composition."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QInputMethodEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from oneStop.domain.lifecycle import Transition
from oneStop.domain.models import ReturnMethod
from tests.core.helpers import add_procedure, draft
from ui.sounds import SoundPlayer
from ui.views.handover import COLOURS, HandoverView, OpenBatchDialog
from ui.widgets.scan_field import ScanField


@pytest.fixture
def ready(app, admin, official):  # type: ignore[no-untyped-def]
    add_procedure(app)
    app.handover.save_postal_unit(admin, "BC-QP", "Bưu cục Quảng Phú")
    made = []
    for _ in range(2):
        d = app.reception.receive(official, draft(return_method=ReturnMethod.POST, delivery_address="Số 5 Lê Lợi"))
        made.append(app.lifecycle.transition(official, d.code, Transition.RESULT_READY, {}))
    return made


@pytest.fixture
def view(qtbot, app, tasks, postal, monkeypatch, ready):  # type: ignore[no-untyped-def]
    v = HandoverView(app, tasks, postal, sounds=SoundPlayer(muted=True))
    qtbot.addWidget(v)
    v.show()
    monkeypatch.setattr(OpenBatchDialog, "ask", classmethod(lambda cls, parent, units: ("out", units[0].code,
                                                                                        "Trần Văn Bưu", "NV01")))
    with qtbot.waitSignal(v.batch_changed, timeout=10000):
        v.open_batch()
    return v


def wedge(qtbot, view, text: str, end=Qt.Key.Key_Return):  # type: ignore[no-untyped-def]
    """A scanner: one key event per character, then the terminator, as fast as it can."""
    with qtbot.waitSignal(view.scan_answered, timeout=10000) as answered:
        QTest.keyClicks(view.scan, text)
        QTest.keyClick(view.scan, end)
    return answered.args[0]


def test_scan_outcomes_colours_and_sounds(qtbot, view, ready):
    first = wedge(qtbot, view, ready[0].code)
    assert first.outcome.value == "accepted" and view.items.rowCount() == 1
    assert COLOURS[first.outcome] in view.banner.styleSheet()
    label = wedge(qtbot, view, "RR123456785VN", end=Qt.Key.Key_Tab)  # Tab-terminated scanner
    assert label.outcome.value == "tracking" and view.scan.hasFocus()
    again = wedge(qtbot, view, ready[0].code)
    assert again.outcome.value == "duplicate" and "Trần Văn Bưu" in view.banner.text()
    assert wedge(qtbot, view, "xyz").outcome.value == "unknown"
    assert view.sounds.played == ["accepted", "tracking", "duplicate", "unknown"]


def test_an_input_method_composition_still_scans(qtbot, view, ready):
    wedge(qtbot, view, ready[1].code)
    # Unikey (Telex) composes the first two letters "EE" of the label into "Ê"
    view.scan.setFocus()
    QApplication.sendEvent(view.scan, QInputMethodEvent("E", []))
    commit = QInputMethodEvent()
    commit.setCommitString("Ê")
    QApplication.sendEvent(view.scan, commit)
    answer = wedge(qtbot, view, "471108151FR")
    assert answer.outcome.value == "tracking" and answer.tracking == "EE471108151FR"


def test_closing_needs_every_item_resolved_then_prints(qtbot, view, ready, tmp_path, monkeypatch):
    wedge(qtbot, view, ready[0].code)
    view.close_button.click()
    qtbot.waitUntil(lambda: "chưa có số hiệu" in view.banner.text(), timeout=10000)
    wedge(qtbot, view, "RR123456785VN")
    with qtbot.waitSignal(view.batch_changed, timeout=10000):
        view.close_button.click()
    assert view.batch.closed and not view.scan.isEnabled()
    target = tmp_path / "bg.pdf"
    monkeypatch.setattr(HandoverView, "ask_save_path", classmethod(lambda cls, parent, s: str(target)))
    with qtbot.waitSignal(view.list_saved, timeout=10000):
        view.print_button.click()
    assert target.read_bytes().startswith(b"%PDF")


def test_the_scan_field_sends_on_enter_and_on_tab_and_keeps_the_focus(qtbot):
    field = ScanField()
    qtbot.addWidget(field)
    field.show()
    field.setFocus()
    with qtbot.waitSignal(field.scanned) as got:
        QTest.keyClicks(field, "000.17.22.H56-261123-0001")
        QTest.keyClick(field, Qt.Key.Key_Tab)
    assert got.args == ["000.17.22.H56-261123-0001"] and field.text() == ""


def test_every_outcome_has_its_own_sound_file():
    from oneStop.resources import resources_path
    from ui.sounds import OUTCOMES

    played: list[str] = []
    player = SoundPlayer(backend=played.append)
    for outcome in OUTCOMES:
        player.play(outcome)
    assert [p.rsplit("/", 1)[-1] for p in played] == [f"{o}.wav" for o in OUTCOMES]
    sizes = {resources_path("sounds", f"{o}.wav").stat().st_size for o in OUTCOMES}
    assert len(sizes) == len(OUTCOMES)  # distinct sounds, not one file copied
    with pytest.raises(ValueError):
        player.play("applause")


def test_an_incoming_batch_receives_a_postal_dossier(qtbot, app, tasks, official, ready, monkeypatch):
    from ui.views.handover import ReceiveItemDialog

    v = HandoverView(app, tasks, official, sounds=SoundPlayer(muted=True))
    qtbot.addWidget(v)
    v.show()
    monkeypatch.setattr(OpenBatchDialog, "ask", classmethod(lambda cls, parent, units: ("in", units[0].code,
                                                                                        "Trần Văn Bưu", "")))
    with qtbot.waitSignal(v.batch_changed, timeout=10000):
        v.open_batch()
    assert wedge(qtbot, v, "EB000717618HK").outcome.value == "accepted"
    assert v.receive_button.isEnabled()
    monkeypatch.setattr(ReceiveItemDialog, "ask", classmethod(lambda cls, parent, tracking: {
        "procedure": "9.999001", "name": "Lê Văn Gửi", "citizen_id": "038190012345", "phone": "0912345678",
        "address": "Thôn 2", "postal_fee": "25000", "slip_originals": "1", "slip_copies": "2"}))
    with qtbot.waitSignal(v.received, timeout=10000) as got:
        v.receive_selected()
    dossier = got.args[0]
    assert dossier.channel.value == "postal" and dossier.postal_tracking == "EB000717618HK"
    assert "hẹn trả" in v.banner.text() and v.unresolved.text() == ""


def test_a_delivery_outcome_from_the_screen(qtbot, app, view, ready, monkeypatch):
    from ui.views.handover import OutcomeDialog

    wedge(qtbot, view, ready[0].code)
    wedge(qtbot, view, "RR123456785VN")
    with qtbot.waitSignal(view.batch_changed, timeout=10000):
        view.close_button.click()
    monkeypatch.setattr(OutcomeDialog, "ask", classmethod(lambda cls, parent: (ready[0].code, False, "Sai địa chỉ")))
    with qtbot.waitSignal(view.outcome_recorded, timeout=10000) as got:
        view.outcome_button.click()
    assert got.args[0].status.value == "result_ready"
