"""The reception form under the 2025 regime (issue 15), pressed and typed as a hand does: the fee
follows the channel unless the official typed one; a document whose data the state holds cannot
be ticked; cross-boundary reception is offered only for a procedure open to it; only what was
ticked is recorded."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QStyle, QStyleOptionViewItem

from oneStop.domain.models import Channel, Procedure
from tests.core.helpers import PROCEDURE_2025, TEST_PROCEDURE, add_procedure
from tests.ui.helpers import keys, press, type_text
from tests.ui.test_reception import tick_handed_over
from ui.views.reception import ReceptionView
from ui.widgets.documents import DocumentChecklistModel

PROCEDURE = replace(PROCEDURE_2025, name="Thủ tục thử nghiệm kênh mới")
HELD = 1  # the row of the document taken from data
OPTIONAL = 2


@pytest.fixture
def procedure(app, admin) -> Procedure:  # type: ignore[no-untyped-def]
    """The 5-day test procedure (not open across boundaries) and the 2025 one."""
    add_procedure(app, TEST_PROCEDURE)
    return add_procedure(app, PROCEDURE)


@pytest.fixture
def view(window) -> ReceptionView:  # type: ignore[no-untyped-def]
    return window.reception


def pick(qtbot, view: ReceptionView, query: str) -> None:  # type: ignore[no-untyped-def]
    view.picker.edit.setFocus()
    keys(view.picker.edit, query)
    QTest.keyClick(view.picker.edit, Qt.Key.Key_Return)
    assert view.picker.chosen is not None


def choose_channel(qtbot, view: ReceptionView, channel: Channel) -> None:  # type: ignore[no-untyped-def]
    """Move the channel box to ``channel`` with the arrow keys, as the official does."""
    view.channel.setFocus()
    qtbot.waitUntil(view.channel.hasFocus, timeout=2000)
    target = view.channel.findData(channel.value)
    while view.channel.currentIndex() != target:
        QTest.keyClick(view.channel, Qt.Key.Key_Down if view.channel.currentIndex() < target else Qt.Key.Key_Up)


def check_point(view: ReceptionView, row: int) -> QPoint:
    """Where the "handed in" check box of ``row`` is drawn (its middle), in the viewport."""
    table = view.documents
    index = view.documents_model.index(row, DocumentChecklistModel.RECEIVED)
    option = QStyleOptionViewItem()
    option.rect = table.visualRect(index)
    table.itemDelegateForIndex(index).initStyleOption(option, index)
    option.features |= QStyleOptionViewItem.ViewItemFeature.HasCheckIndicator
    return table.style().subElementRect(QStyle.SubElement.SE_ItemViewItemCheckIndicator, option, table).center()


def test_the_fee_follows_the_channel_until_the_official_types_one(qtbot, view):
    pick(qtbot, view, "thu nghiem kenh moi")
    assert view.fee.value() == 50_000  # at the counter
    choose_channel(qtbot, view, Channel.ONLINE)
    assert view.fee.value() == 25_000
    choose_channel(qtbot, view, Channel.VNEID)
    assert view.fee.value() == 20_000
    choose_channel(qtbot, view, Channel.POSTAL)
    assert view.fee.value() == 50_000  # no fee of its own: the base fee
    choose_channel(qtbot, view, Channel.ASSISTED)
    assert view.fee.value() == 25_000
    assert view.channel.currentText() == "Trực tuyến có hỗ trợ tại quầy"
    view.fee.setFocus()
    QTest.keyClick(view.fee, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    keys(view.fee, "30000")
    assert view.fee.value() == 30_000
    choose_channel(qtbot, view, Channel.DIRECT)
    assert view.fee.value() == 30_000  # typed by the official: it stays


def test_a_document_the_state_holds_cannot_be_ticked_by_a_mouse_press_nor_the_space_bar(qtbot, view):
    pick(qtbot, view, "thu nghiem kenh moi")
    model, table = view.documents_model, view.documents
    held = model.index(HELD, DocumentChecklistModel.RECEIVED)
    assert model.data(held) == "Khai thác dữ liệu"
    assert "VNeID" in model.data(held, Qt.ItemDataRole.ToolTipRole)
    assert not model.flags(held) & Qt.ItemFlag.ItemIsEnabled
    assert model.data(held, Qt.ItemDataRole.CheckStateRole) is None

    # a hand ticks the first document: the press works on an ordinary row …
    press(qtbot, table.viewport(), at=check_point(view, 0))
    assert model.rows()[0].received
    # … and does nothing on the one taken from data, where its box would be or in its middle
    for at in (check_point(view, HELD), table.visualRect(held).center()):
        press(qtbot, table.viewport(), at=at)
        qtbot.wait(50)
        assert not model.rows()[HELD].received
    table.setFocus()
    table.setCurrentIndex(model.index(HELD, 0))
    QTest.keyClick(table, Qt.Key.Key_Space)
    assert not model.rows()[HELD].received
    assert view.missing.text() == ""  # nothing mandatory is missing: the state holds that one


def test_saving_records_what_was_ticked_and_the_document_taken_from_data(qtbot, app, official, view, printers,
                                                                        counter_printer):
    pick(qtbot, view, "thu nghiem kenh moi")
    for name, text in (("citizen_id", "038190012345"), ("name", "Nguyễn Thị Hường"), ("phone", "0912345678"),
                       ("address", "Thôn 3, xã Quảng Phú")):
        getattr(view, name).setFocus()
        type_text(getattr(view, name), text)
    press(qtbot, view.documents.viewport(), at=check_point(view, 0))  # the form; the optional one is not handed in
    choose_channel(qtbot, view, Channel.VNEID)
    with qtbot.waitSignal(view.dossier_saved, timeout=5000) as blocker:
        QTest.keyClick(view.name, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    dossier = blocker.args[0]
    assert [(d.name, d.from_data) for d in dossier.documents] == [
        ("Tờ khai theo mẫu", False), ("Giấy xác nhận thông tin về cư trú", True)]
    assert (dossier.channel, dossier.fee) == (Channel.VNEID, 20_000)
    assert [(f.amount, f.channel) for f in dossier.fee_collected] == [(20_000, Channel.VNEID)]
    qtbot.waitUntil(lambda: bool(printers.files), timeout=10000)


def test_cross_boundary_reception_is_offered_only_for_a_procedure_open_to_it(qtbot, app, official, view, printers,
                                                                             counter_printer):
    pick(qtbot, view, "thu tuc thu nghiem nam ngay")
    assert view.picker.chosen.code == TEST_PROCEDURE.code
    assert not view.cross_boundary.isEnabled()
    assert "không thuộc danh mục" in view.cross_boundary.toolTip()

    view.clear_form()
    pick(qtbot, view, "thu nghiem kenh moi")
    assert view.cross_boundary.isEnabled() and not view.cross_boundary.isChecked()
    press(qtbot, view.cross_boundary, at=QPoint(8, view.cross_boundary.height() // 2))  # on its box
    assert view.cross_boundary.isChecked()
    for name, text in (("citizen_id", "038190012345"), ("name", "Nguyễn Thị Hường"), ("address", "Thôn 3")):
        getattr(view, name).setFocus()
        type_text(getattr(view, name), text)
    press(qtbot, view.documents.viewport(), at=check_point(view, 0))
    with qtbot.waitSignal(view.dossier_saved, timeout=5000) as blocker:
        QTest.keyClick(view.name, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert blocker.args[0].cross_boundary
    assert not view.cross_boundary.isChecked()  # the next applicant starts without it
    qtbot.waitUntil(lambda: bool(printers.files), timeout=10000)


def test_a_procedure_open_only_from_a_later_day_is_not_offered(qtbot, app, admin, view):
    add_procedure(app, replace(PROCEDURE, code="9.999004", name="Thủ tục thử nghiệm mở sau",
                               cross_boundary_from=date(2027, 1, 1)))
    view.set_procedures(app.catalog.all())
    pick(qtbot, view, "thu nghiem mo sau")
    assert not view.cross_boundary.isEnabled()
    assert "01/01/2027" in view.cross_boundary.toolTip()
    assert QApplication.focusWidget() is not view.cross_boundary


def test_the_dossier_detail_shows_what_was_collected_when_and_the_documents_taken_from_data(
        qtbot, app, official, window):
    from tests.core.helpers import draft

    dossier = app.reception.receive(official, draft(procedure_code=PROCEDURE.code, channel=Channel.ASSISTED,
                                                    cross_boundary=True))
    add_procedure(app, replace(PROCEDURE, fees=((Channel.ASSISTED, 90_000),)))  # the catalog changes later
    detail = window.dossiers.open_detail(dossier.code)
    qtbot.waitUntil(lambda: detail.detail is not None, timeout=5000)
    text = detail.fields.text()
    assert "Đã thu" in text and "25.000 đ — khi tiếp nhận, 09:15, thứ Hai 23/11/2026 (trực tuyến có hỗ trợ tại quầy)" in text
    assert "90.000" not in text
    assert "Giấy xác nhận thông tin về cư trú — khai thác dữ liệu" in text
    assert "Tiếp nhận không phụ thuộc địa giới hành chính" in text
    detail.close()


def test_filing_for_another_records_the_owners_contact_and_the_authorisation(qtbot, app, official, view, printers,
                                                                            counter_printer):
    """Thông tư 03/2025's proxy block: the official ticks «Chủ hồ sơ khác người nộp» with the
    space bar, tabs through the owner's fields typing each, and the receipt's block is complete;
    an owner's phone refused by the core puts the cursor on the owner's phone, not the applicant's."""
    pick(qtbot, view, "thu tuc thu nghiem nam ngay")
    for name, text in (("citizen_id", "038190012345"), ("name", "Nguyễn Thị Hường"), ("phone", "0912345678"),
                       ("address", "Thôn 3, xã Quảng Phú")):
        getattr(view, name).setFocus()
        type_text(getattr(view, name), text)
    tick_handed_over(view)
    view.owner_differs.setFocus()
    qtbot.waitUntil(view.owner_differs.hasFocus, timeout=2000)
    QTest.keyClick(view.owner_differs, Qt.Key.Key_Space)
    qtbot.waitUntil(view.owner_box.isVisible, timeout=2000)
    for widget, text in ((view.owner_name, "Lê Thị Mai"), (view.owner_citizen_id, "038195004321"),
                         (view.owner_address, "Thôn 5, xã Quảng Phú"), (view.owner_phone, "12"),
                         (view.owner_email, "mai.le@example.vn"),
                         (view.authorisation, "Giấy ủy quyền số 12/UQ ngày 01/12/2026")):
        QTest.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
        assert QApplication.focusWidget() is widget, QApplication.focusWidget().objectName()
        type_text(widget, text)
    QTest.keyClick(view.authorisation, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: view.owner_phone.hasFocus(), timeout=5000)
    assert "Số điện thoại chủ hồ sơ" in view.errors.text()
    assert not view.phone.toolTip()
    view.owner_phone.selectAll()
    type_text(view.owner_phone, "0987654321")
    with qtbot.waitSignal(view.dossier_saved, timeout=5000) as blocker:
        QTest.keyClick(view.owner_phone, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    dossier = blocker.args[0]
    assert (dossier.owner.name, dossier.owner.phone, dossier.owner.email, dossier.owner.address) == (
        "Lê Thị Mai", "0987654321", "mai.le@example.vn", "Thôn 5, xã Quảng Phú")
    assert dossier.authorisation == "Giấy ủy quyền số 12/UQ ngày 01/12/2026"
    qtbot.waitUntil(lambda: bool(printers.files), timeout=10000)
