"""The dialogs the 2025 regime changed, looked at on the counter's 1366×768 screen (issue 15),
pressed and typed as a hand does: the receipt's preview keeps its buttons on the screen."""

from __future__ import annotations

from dataclasses import replace

from oneStop.domain.models import DocumentForm, RequiredDocument
from tests.core.helpers import PROCEDURE_2025, add_procedure, draft
from tests.core.pdf_tools import page_texts
from tests.ui.helpers import on_screen, open_window, press
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
