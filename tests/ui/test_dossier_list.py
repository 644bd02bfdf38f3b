"""The dossier list: a scanned code finds and opens the dossier; the detail shows its history;
a reprint is recorded."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, Qt

from oneStop.domain.events import Kind
from oneStop.domain.models import Applicant, DossierDraft
from tests.core.helpers import TEST_PROCEDURE
from tests.ui.helpers import read_pdf, type_text
from ui.views.dossier_detail import DossierDetailDialog
from ui.views.dossier_list import DossierListView, DossierTableModel


@pytest.fixture
def dossiers(app, official, procedure, clock):  # type: ignore[no-untyped-def]
    """Three dossiers received at 09:15, 09:20 and 09:25 on Monday 23/11/2026."""
    people = [("Nguyễn Thị Hường", "038190012345", "0912345678"), ("Phạm Văn Nam", "038095001234", "0987654321"),
              ("Đặng Thị Lan", "001190054321", "0901234567")]
    received = []
    for name, number, phone in people:
        received.append(app.reception.receive(official, DossierDraft(
            procedure_code=TEST_PROCEDURE.code,
            applicant=Applicant(name, number, phone=phone, address="Thôn 3, xã Quảng Phú"))))
        clock.advance(minutes=5)
    return received


@pytest.fixture
def list_view(qtbot, window, dossiers) -> DossierListView:  # type: ignore[no-untyped-def]
    window.changes.check()  # the window notices the dossiers made above before the test types
    qtbot.waitUntil(window._tasks.is_idle, timeout=5000)
    with qtbot.waitSignal(window.dossiers.searched, timeout=5000):  # the list loads when shown
        window.show_list()
    qtbot.waitUntil(window._tasks.is_idle, timeout=5000)
    return window.dossiers


def search(qtbot, view: DossierListView, text: str) -> int:  # type: ignore[no-untyped-def]
    view.search.clear()
    with qtbot.waitSignal(view.searched, timeout=5000) as blocker:
        type_text(view.search, text + "\n")
    return blocker.args[0]


def test_the_list_shows_the_newest_dossiers_with_their_columns(qtbot, list_view, dossiers):
    model = list_view.model
    assert model.rowCount() == 3
    headers = [model.headerData(c, Qt.Orientation.Horizontal) for c in range(model.columnCount())]
    assert headers == ["Mã hồ sơ", "Ngày nhận", "Người nộp", "Thủ tục", "Hẹn trả", "Trạng thái", "Trung tâm"]
    row = [model.index(2, c).data() for c in range(model.columnCount())]
    assert row == [dossiers[0].code, "09:15 23/11/2026", "Nguyễn Thị Hường", TEST_PROCEDURE.name, "09:15 01/12/2026",
                   "Được tiếp nhận", "chờ gửi"]  # no central database yet: waiting


@pytest.mark.parametrize("query, expected", [
    ("dang thi lan", ["Đặng Thị Lan"]),
    ("038095001234", ["Phạm Văn Nam"]),
    ("0912 345 678", ["Nguyễn Thị Hường"]),
    ("Không có ai", []),
])
def test_search_by_name_without_accents_citizen_id_or_phone(qtbot, list_view, query, expected):
    search(qtbot, list_view, query)
    names = [list_view.model.dossier(r).applicant.name for r in range(list_view.model.rowCount())]
    assert names == expected


def test_a_scanned_code_finds_the_dossier_and_opens_it_with_its_timeline(qtbot, list_view, dossiers):
    wanted = dossiers[1]
    with qtbot.waitSignal(list_view.detail_opened, timeout=5000) as opened:
        assert search(qtbot, list_view, f"]C0{wanted.code}") == 1  # a scanner's symbology prefix
    detail: DossierDetailDialog = opened.args[0]
    qtbot.waitUntil(lambda: detail.detail is not None, timeout=5000)
    assert detail.heading.text() == f"{wanted.code} — Được tiếp nhận · chưa gửi lên trung tâm"
    assert "Phạm Văn Nam" in detail.fields.text() and "038095001234" in detail.fields.text()
    assert detail.timeline.rowCount() == 1
    assert detail.timeline.item(0, 1).text() == "Tiếp nhận hồ sơ"
    assert detail.timeline.item(0, 2).text() == "Nguyễn Thị Hoa"  # the person, not the user name
    detail.close()


def test_a_reprint_from_the_detail_is_recorded_in_the_timeline(qtbot, app, official, list_view, dossiers, printers,
                                                               counter_printer):
    code = dossiers[0].code
    app.printing.receipt(official, code)  # the original was printed at the counter
    detail = list_view.open_detail(code)
    qtbot.waitUntil(lambda: detail.detail is not None, timeout=5000)
    assert [e.kind for e in detail.detail.events] == [Kind.DOSSIER_RECEIVED, Kind.RECEIPT_PRINTED]
    with qtbot.waitSignal(detail.loaded, timeout=10000):
        detail.reprint_button.click()
    assert [e.kind for e in detail.detail.events][-1] == Kind.RECEIPT_REPRINTED
    assert detail.timeline.item(2, 1).text() == "In lại phiếu tiếp nhận"
    assert detail.detail.dossier.reprint_count == 1
    qtbot.waitUntil(lambda: len(printers.files) == 1 and printers.files[0].exists(), timeout=10000)
    qtbot.waitUntil(list_view._tasks.is_idle, timeout=10000)
    read_pdf(printers.files[0])
    detail.close()


def test_the_date_filter_limits_the_list_to_one_day(qtbot, app, official, clock, list_view, dossiers):
    clock.advance(days=1)
    app.reception.receive(official, DossierDraft(procedure_code=TEST_PROCEDURE.code,
                                                 applicant=Applicant("Lê Văn Tư", "038095009999", address="Thôn 1")))
    list_view.window().changes.check()  # the window notices the new dossier (and searches again) first
    qtbot.waitUntil(list_view._tasks.is_idle, timeout=5000)
    with qtbot.waitSignal(list_view.searched, timeout=5000) as blocker:
        list_view.by_date.setChecked(True)  # the day the list was opened: Monday 23/11/2026
    assert blocker.args == [3]
    with qtbot.waitSignal(list_view.searched, timeout=5000) as blocker:
        list_view.date.setDate(list_view.date.date().addDays(1))
    assert blocker.args == [1]
    assert list_view.model.dossier(0).applicant.name == "Lê Văn Tư"


def test_a_dossier_saved_at_reception_appears_in_the_list(qtbot, window, app, official, procedure):
    window.show_list()
    qtbot.waitUntil(lambda: window.dossiers.status.text() == "Không tìm thấy hồ sơ nào.", timeout=5000)
    app.reception.receive(official, DossierDraft(procedure_code=TEST_PROCEDURE.code,
                                                 applicant=Applicant("Lê Văn Tư", "038095009999", address="Thôn 1")))
    with qtbot.waitSignal(window.dossiers.searched, timeout=5000):
        window.dossiers.mark_stale()
    assert window.dossiers.model.rowCount() == 1


def test_the_table_model_is_empty_without_dossiers(qapp):
    model = DossierTableModel()
    assert model.rowCount() == 0 and model.columnCount() == 7


def test_a_dossier_another_agency_shares_is_marked_in_the_list(qtbot, tmp_path, app, official, procedure, clock,
                                                               central_url, window):
    """Cross-boundary reception: a dossier received by another agency of the province, shared
    with this one, is in the list in blue, its tooltip naming the agency that received it."""
    from oneStop.services.app import App
    from oneStop.sync import central
    from oneStop.sync.client import SyncClient
    from tests.conftest import PASSWORD, setup_request
    from tests.core.helpers import add_procedure
    from oneStop.domain.models import Role

    other_code = "000.18.33.H15"
    other = App(tmp_path / "other-agency", clock=clock)
    try:
        other.setup.set_up(setup_request(agency_code=other_code))
        add_procedure(other)
        someone = other.auth.add_user(other.auth.login("admin", PASSWORD), "cb_khac", "Trần Văn Khác",
                                      Role.OFFICIAL, PASSWORD)
        theirs = other.reception.receive(someone, DossierDraft(
            procedure_code=TEST_PROCEDURE.code, applicant=Applicant("Vũ Thị Mai", "038190099999", address="Thôn 1, xã Hoằng Hóa")))
        ours = app.reception.receive(official, DossierDraft(
            procedure_code=TEST_PROCEDURE.code, applicant=Applicant("Hồ Văn Tâm", "038190088888", address="Thôn 3, xã Quảng Phú")))
        central.share(central_url, other_code, [app.setup.counter().agency_code])
        SyncClient(other.uow, central_url).sync()
        SyncClient(app.uow, central_url).sync()
    finally:
        other.close()
    with qtbot.waitSignal(window.dossiers.searched, timeout=5000):
        window.show_list()
    qtbot.waitUntil(window._tasks.is_idle, timeout=5000)  # and any search the pulled events set off
    view = window.dossiers
    model = view.model
    rows = {model.index(r, DossierTableModel.CODE).data(): r for r in range(model.rowCount())}
    assert set(rows) == {theirs.code, ours.code}
    shared = model.index(rows[theirs.code], DossierTableModel.CODE)
    assert other_code in shared.data(Qt.ItemDataRole.ToolTipRole)
    assert shared.data(Qt.ItemDataRole.ForegroundRole).name() == "#1f5fa8"
    own = model.index(rows[ours.code], DossierTableModel.CODE)
    assert own.data(Qt.ItemDataRole.ToolTipRole) is None and own.data(Qt.ItemDataRole.ForegroundRole) is None
    assert "1 hồ sơ của cơ quan khác" in view.status.text()


def test_the_list_sorts_by_any_column_and_filters_by_status_overdue_procedure_and_official(
        qtbot, app, official, list_view, dossiers, clock):
    from PySide6.QtTest import QTest

    from oneStop.domain.lifecycle import Transition

    view = list_view
    header = view.table.horizontalHeader()
    names = lambda: [view.rows.dossier(r).applicant.name for r in range(view.rows.rowCount())]  # noqa: E731
    QTest.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(
        header.sectionViewportPosition(DossierTableModel.APPLICANT) + 5, header.height() // 2))
    assert names() in (["Đặng Thị Lan", "Nguyễn Thị Hường", "Phạm Văn Nam"],
                       ["Phạm Văn Nam", "Nguyễn Thị Hường", "Đặng Thị Lan"])  # by name, without the accents
    app.lifecycle.transition(official, dossiers[1].code, Transition.TRANSFERRED, {"to_agency": "Phòng Tư pháp"})
    view.run_search()
    qtbot.waitUntil(lambda: view.model.rowCount() == 3 and view._tasks.is_idle(), timeout=5000)
    view.status_filter.setCurrentIndex(view.status_filter.findData("in_progress"))
    assert names() == ["Phạm Văn Nam"] and "1 / 3" in view.status.text()
    view.status_filter.setCurrentIndex(0)
    clock.advance(days=30)  # every appointment has passed
    view.overdue_filter.setFocus()
    QTest.keyClick(view.overdue_filter, Qt.Key.Key_Space)
    assert len(names()) == 3
    view.procedure_filter.setFocus()
    for ch in "khai sinh":  # none of these is a birth registration
        QTest.keyClick(view.procedure_filter, ch)
    assert names() == []
    view.procedure_filter.clear()
    for ch in "hoa":
        QTest.keyClick(view.official_filter, ch)
    assert len(names()) == 3
