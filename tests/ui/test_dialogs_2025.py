"""The dialogs the 2025 regime changed, looked at on the counter's 1366×768 screen (issue 15),
pressed and typed as a hand does: the receipt's preview keeps its buttons on the screen; the
agency's settings grow to their fields."""

from __future__ import annotations

from dataclasses import replace

from oneStop.domain.models import DocumentForm, RequiredDocument
from tests.core.helpers import PROCEDURE_2025, add_procedure, draft
from tests.core.pdf_tools import page_texts
from tests.ui.helpers import on_screen, open_window, press
from tests.ui.test_admin import retype, save_button, settings_dialog
from ui.dialogs.print_preview import PrintPreviewDialog
from ui.receipts import ReceiptPrinting

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
