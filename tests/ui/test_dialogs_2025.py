"""The dialogs the 2025 regime changed, looked at on the counter's 1366×768 screen and in English
(issue 15), pressed and typed as a hand does: the receipt's preview keeps its buttons on the
screen; the agency's settings grow to their fields; the stop and supplement steps speak the
interface's language, list a document taken from data without asking for it, and show the
documents' names whole; the checklist names the documents' forms in the interface's language
and a document taken from data says its name when the mouse rests on it."""

from __future__ import annotations

from dataclasses import replace

import pytest
from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QHelpEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QDialogButtonBox, QFormLayout, QLabel, QToolTip

from oneStop import settings as S
from oneStop.domain.lifecycle import Transition
from oneStop.domain.models import DocumentForm, RequiredDocument
from tests.core.helpers import PROCEDURE_2025, add_procedure, draft
from tests.core.pdf_tools import page_texts
from tests.ui.helpers import on_screen, open_window, press, type_text
from tests.ui.test_admin import retype, save_button, settings_dialog
from tests.ui.test_dossier_actions import answer_step, open_detail
from ui.dialogs.print_preview import PrintPreviewDialog
from ui.dialogs.transition import TransitionDialog, transition_title
from ui.i18n import install_translator
from ui.receipts import ReceiptPrinting
from ui.widgets.documents import ChecklistRow, DocumentChecklistModel, DocumentChecklistView

#: A name as long as the catalog's real ones: cut short, the official could not tell it apart.
LONG_NAME = ("Văn bản ủy quyền có công chứng, chứng thực của người yêu cầu trong trường hợp ủy quyền "
             "cho người khác thực hiện")
PROCEDURE = replace(PROCEDURE_2025, documents=(
    RequiredDocument("Tờ khai theo mẫu", DocumentForm.ORIGINAL, 1),
    RequiredDocument("Giấy xác nhận thông tin về cư trú", DocumentForm.ORIGINAL, 1, from_data=True),
    RequiredDocument(LONG_NAME, DocumentForm.CERTIFIED_COPY, 1, mandatory=False),
))


def received(app, official):  # type: ignore[no-untyped-def]
    add_procedure(app, PROCEDURE)
    return app.reception.receive(official, draft(procedure_code=PROCEDURE.code))


def form_label_text(dialog: TransitionDialog, name: str) -> str:
    layout = dialog.layout()
    assert isinstance(layout, QFormLayout)
    label = layout.labelForField(dialog.inputs[name])
    assert isinstance(label, QLabel)
    return label.text()


# --- the receipt's preview ------------------------------------------------------------------------


def test_the_receipts_preview_keeps_its_buttons_on_the_screen_and_saves_the_pdf_by_hand(
        qtbot, app, tasks, official, monkeypatch, tmp_path):
    """It opened 860 pixels high on a 768-pixel screen: Lưu PDF… and Chọn máy in… were below the
    screen's edge, out of the mouse's reach."""
    d = received(app, official)
    main = open_window(qtbot, app, tasks, official)
    printed = app.printing.receipt(official, d.code)
    preview = PrintPreviewDialog.present(ReceiptPrinting(app, tasks, official), printed, parent=main)
    qtbot.waitExposed(preview)
    qtbot.waitUntil(lambda: preview.rendered_pages >= 1, timeout=10000)
    on_screen(preview, preview.choose_button, preview.save_button, preview.print_button, preview.close_button)
    target = tmp_path / "phieu.pdf"
    monkeypatch.setattr(PrintPreviewDialog, "ask_pdf_path", staticmethod(lambda parent, suggested: str(target)))
    press(qtbot, preview.save_button)
    qtbot.waitUntil(target.exists, timeout=10000)
    assert target.read_bytes() == printed.pdf
    assert d.code in page_texts(printed.pdf)[0]
    preview.close()


# --- the agency's settings ------------------------------------------------------------------------


def fields_at_their_height(dialog) -> None:  # type: ignore[no-untyped-def]
    """The dialog is as tall as its form asks, no field squeezed below its own height."""
    assert dialog.height() >= dialog.sizeHint().height()
    for key, editor in {**dialog.editors, **dialog.contact}.items():
        assert editor.height() >= editor.minimumSizeHint().height(), key


def test_the_agency_settings_grow_to_their_fields_once_loaded_and_when_a_value_is_refused(
        qtbot, app, tasks, admin):
    """Opened with a one-line «Đang tải…», the dialog kept that size: with the loaded note on two
    lines the receipt group's fields were drawn squeezed."""
    dialog = settings_dialog(qtbot, app, tasks, admin)
    fields_at_their_height(dialog)
    retype(dialog.contact["lookup_url"], "dichvucong.thanhhoa.gov.vn")
    retype(dialog.contact["hotline"], "12345")
    press(qtbot, save_button(dialog))
    assert dialog.contact_errors["lookup_url"].isVisible() and dialog.contact_errors["hotline"].isVisible()
    fields_at_their_height(dialog)
    on_screen(dialog, dialog.contact_errors["hotline"], save_button(dialog))
    qtbot.waitUntil(tasks.is_idle, timeout=5000)


def test_each_settings_tooltip_is_the_cores_help_and_english_in_english(qtbot, app, tasks, admin, english):
    dialog = settings_dialog(qtbot, app, tasks, admin)
    assert dialog.editors[S.CODE_BLOCK_SIZE.key].toolTip() == "Block of dossier numbers of each counter (per day)"
    qtbot.waitUntil(tasks.is_idle, timeout=5000)
    dialog.close()
    install_translator(QApplication.instance(), "vi")
    vietnamese = settings_dialog(qtbot, app, tasks, admin)
    assert {key: e.toolTip() for key, e in vietnamese.editors.items()} == {
        key: S.get(key).help for key in vietnamese.editors}  # the core declares them once
    qtbot.waitUntil(tasks.is_idle, timeout=5000)


# --- the steps after reception --------------------------------------------------------------------


def test_every_steps_title_is_the_cores_name_for_it():
    assert {t: transition_title(t) for t in Transition} == {t: t.label.capitalize() for t in Transition}


def test_in_english_the_stop_at_the_applicants_request_is_asked_and_recorded_in_english(
        qtbot, app, tasks, official, english):
    d = received(app, official)
    dialog = open_detail(qtbot, app, tasks, official, d.code)
    seen: dict[str, str] = {}

    def fill(step: TransitionDialog) -> None:
        on_screen(step)
        asked = step.inputs["requested_by"]
        ok = step.buttons.button(QDialogButtonBox.StandardButton.Ok)
        seen.update(title=step.windowTitle(), asked=asked.text(), reason=form_label_text(step, "reason"),
                    ok=ok.text(), cancel=step.buttons.button(QDialogButtonBox.StandardButton.Cancel).text())
        assert asked.isChecked() and asked.hasFocus()
        QTest.keyClick(asked, Qt.Key.Key_Tab)
        type_text(step.inputs["reason"], "Người nộp xin dừng")
        press(qtbot, ok)

    timer, answered = answer_step(qtbot, fill)
    with qtbot.waitSignal(dialog.loaded, timeout=15000):
        dialog.record(Transition.STOPPED)
    qtbot.waitUntil(tasks.is_idle, timeout=5000)
    assert seen == {"title": "Stop processing the dossier", "asked": "At the applicant's request (prints the stop notice)",
                    "reason": "Reason", "ok": "Record", "cancel": "Cancel"}
    stopped = [e.payload for e in app.dossiers.show(official, d.code).events if e.kind == Transition.STOPPED.kind]
    assert stopped == [{"reason": "Người nộp xin dừng", "requested_by": "applicant"}]


@pytest.mark.parametrize("transition", [Transition.SUPPLEMENT_RECEIVED, Transition.RETURNED])
def test_in_english_the_fee_collected_at_a_step_is_asked_in_english(qtbot, english, transition):
    step = TransitionDialog(transition)
    qtbot.addWidget(step)
    step.show()
    qtbot.waitExposed(step)
    on_screen(step, step.inputs["fee"])
    assert form_label_text(step, "fee") == "Fees collected now"
    assert step.inputs["fee"].toolTip() == ("Fees collected from the applicant at this step (đồng); "
                                            "leave 0 if nothing is collected")
    assert (step.inputs["fee"].value(), step.inputs["fee"].suffix()) == (0, " đ")


def test_a_supplement_request_shows_whole_names_and_never_asks_for_a_document_taken_from_data(
        qtbot, app, tasks, official):
    d = received(app, official)
    dialog = open_detail(qtbot, app, tasks, official, d.code)
    seen: dict[str, object] = {}

    def fill(step: TransitionDialog) -> None:
        on_screen(step)
        checklist = step.checklist
        assert checklist is not None
        seen["texts"] = [checklist.item(row).text() for row in range(checklist.count())]
        seen["scrolls"] = checklist.horizontalScrollBar().maximum()  # 0: every name shown whole
        held = checklist.visualItemRect(checklist.item(1)).center()
        press(qtbot, checklist.viewport(), at=held)  # a click on the document taken from data
        press(qtbot, checklist.viewport(), at=checklist.visualItemRect(checklist.item(2)).center())
        QTest.keyClick(checklist, Qt.Key.Key_Space)  # the authorisation: asked for
        QTest.keyClick(checklist, Qt.Key.Key_Up)  # the arrow skips the one taken from data
        QTest.keyClick(checklist, Qt.Key.Key_Space)
        seen["states"] = [checklist.item(row).checkState() for row in range(checklist.count())]
        step.inputs["reason"].setFocus()
        type_text(step.inputs["reason"], "Thiếu giấy tờ\n")

    timer, answered = answer_step(qtbot, fill)
    with qtbot.waitSignal(dialog.loaded, timeout=15000):
        dialog.record(Transition.SUPPLEMENT_REQUESTED)
    qtbot.waitUntil(tasks.is_idle, timeout=5000)
    assert seen["texts"] == ["Tờ khai theo mẫu — Bản chính × 1",
                             "Giấy xác nhận thông tin về cư trú — khai thác dữ liệu",
                             f"{LONG_NAME} — Bản sao chứng thực × 1"]
    assert seen["scrolls"] == 0
    assert seen["states"] == [Qt.CheckState.Checked, Qt.CheckState.Unchecked, Qt.CheckState.Checked]
    asked = [e.payload for e in app.dossiers.show(official, d.code).events
             if e.kind == Transition.SUPPLEMENT_REQUESTED.kind]
    assert asked[0]["documents"] == [{"name": "Tờ khai theo mẫu", "form": "ban_chinh", "count": 1},
                                     {"name": LONG_NAME, "form": "ban_sao_chung_thuc", "count": 1}]


# --- the document checklist -----------------------------------------------------------------------


def checklist(qtbot):  # type: ignore[no-untyped-def]
    model = DocumentChecklistModel()
    model.set_required(PROCEDURE.documents)
    view = DocumentChecklistView(model)
    qtbot.addWidget(view)
    view.resize(520, 200)
    view.show()
    qtbot.waitExposed(view)
    return model, view


def rest_the_mouse_on(qtbot, view, row: int, column: int) -> str:  # type: ignore[no-untyped-def]
    """What the tooltip says once the mouse rests on a cell."""
    point = view.visualRect(view.model().index(row, column)).center()
    event = QHelpEvent(QEvent.Type.ToolTip, point, view.viewport().mapToGlobal(point))
    QApplication.sendEvent(view.viewport(), event)
    qtbot.waitUntil(QToolTip.isVisible, timeout=3000)
    text = QToolTip.text()
    QToolTip.hideText()
    return text


def test_a_document_taken_from_data_says_its_whole_name_and_why_when_the_mouse_rests_on_it(qtbot):
    model, view = checklist(qtbot)
    text = rest_the_mouse_on(qtbot, view, 1, DocumentChecklistModel.NAME)
    assert text.startswith("Giấy xác nhận thông tin về cư trú\n") and "Chỉ thị 24/CT-TTg" in text


def test_in_english_the_checklist_names_the_forms_in_english_and_a_form_is_changed_by_keys(qtbot, english):
    model, view = checklist(qtbot)
    forms = [model.data(model.index(row, DocumentChecklistModel.FORM)) for row in range(model.rowCount())]
    assert forms == ["Original", "Original", "Certified copy"]
    assert rest_the_mouse_on(qtbot, view, 1, DocumentChecklistModel.NAME).startswith(
        "Giấy xác nhận thông tin về cư trú\nNot to be requested")
    cell = view.visualRect(model.index(2, DocumentChecklistModel.FORM)).center()
    press(qtbot, view.viewport(), at=cell)
    QTest.keyClick(view, Qt.Key.Key_F2)  # edit the cell
    qtbot.waitUntil(lambda: view.state() == view.State.EditingState, timeout=3000)
    editor = QApplication.focusWidget()
    assert [editor.itemText(i) for i in range(editor.count())] == ["Original", "Certified copy", "Photocopy"]
    QTest.keyClick(editor, Qt.Key.Key_Down)
    QTest.keyClick(editor, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: view.state() != view.State.EditingState, timeout=3000)
    assert model.rows()[2] == ChecklistRow(LONG_NAME, DocumentForm.PHOTOCOPY, 1, False, False)


def test_in_english_the_missing_documents_are_named_with_their_form_in_english(qtbot, english):
    from ui.dialogs.missing_documents import MissingDocumentsDialog

    dialog = MissingDocumentsDialog([ChecklistRow("Tờ khai theo mẫu", DocumentForm.CERTIFIED_COPY, 2, False)])
    qtbot.addWidget(dialog)
    text = dialog.findChild(QLabel, "missing_list").text()
    assert "Tờ khai theo mẫu — Certified copy × 2" in text
    assert dialog.note() == "Tiếp nhận khi còn thiếu: Tờ khai theo mẫu (Bản sao chứng thực × 2)"  # data: Vietnamese


def test_in_english_the_about_window_says_none_yet_for_a_sync_never_made(qtbot, app, tasks, official, english):
    from ui.dialogs.about import AboutDialog

    dialog = AboutDialog(app, tasks, official)
    qtbot.addWidget(dialog)
    with qtbot.waitSignal(dialog.loaded, timeout=5000):
        dialog.load()
    assert dialog.fields["last_sync"].text() == "none yet"


def test_the_head_who_signs_and_the_extensions_allowed_are_set_in_the_agency_settings(qtbot, app, tasks, admin):
    """The setting report.head_name (the head of the agency signs the 2025 apology and request
    to extend, and the periodic report) and lifecycle.max_extensions were reachable only from the
    command line (issue 15): typed here, they are saved as the core checks them."""
    dialog = settings_dialog(qtbot, app, tasks, admin)
    head, extensions = dialog.editors[S.REPORT_HEAD_NAME.key], dialog.editors[S.MAX_EXTENSIONS.key]
    fields_at_their_height(dialog)
    on_screen(dialog, head, extensions)
    retype(extensions, "4")  # more than the law's one extension and the setting's 3 is not typed
    assert extensions.value() in (1, 3)
    retype(extensions, "2")
    head.setFocus()
    QTest.keyClick(head, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    type_text(head, "Trần Văn Thủ")
    with qtbot.waitSignal(dialog.accepted, timeout=5000):
        press(qtbot, save_button(dialog))
    assert app.settings.get(S.REPORT_HEAD_NAME) == "Trần Văn Thủ"
    assert app.settings.get(S.MAX_EXTENSIONS) == 2
