"""The window's sync status: online/offline, waiting events, errors in words, the warning on
closing with events waiting. A real PostgreSQL (pgserver) plays the central database."""

from __future__ import annotations

import pytest

from tests.core.helpers import add_procedure, draft
from ui.sync_status import SyncController


@pytest.fixture
def controller(qtbot, app, admin):  # type: ignore[no-untyped-def]
    c = SyncController(app, admin)
    qtbot.addWidget(c.label)
    yield c
    c.shutdown()


def test_not_connected_yet_says_so_and_counts_what_waits(qtbot, app, official, controller):
    add_procedure(app)
    app.reception.receive(official, draft())
    controller.start()
    qtbot.waitUntil(lambda: controller.status is not None, timeout=5000)
    assert "Chưa nối với trung tâm" in controller.label.text()
    assert controller.waiting_for_central() == 0  # nowhere to send them: no warning on closing


def test_sync_in_the_background_then_offline_in_words(qtbot, app, admin, official, controller, central_url):
    add_procedure(app)
    app.reception.receive(official, draft())
    app.sync.configure(admin, central_url)
    controller.start()
    qtbot.waitUntil(lambda: controller.status is not None, timeout=5000)
    assert controller.waiting_for_central() > 0
    controller.sync_now()
    qtbot.waitUntil(lambda: controller.status is not None and controller.status.online, timeout=15000)
    assert "Trực tuyến · chờ gửi: 0" in controller.label.text()
    app.sync.configure(admin, "postgresql://x:y@127.0.0.1:1/none")
    controller.sync_now()
    qtbot.waitUntil(lambda: not controller.status.online, timeout=15000)
    assert "Ngoại tuyến" in controller.label.text()
    assert "máy chủ trung tâm" in controller.label.toolTip()


def test_a_failed_background_sync_logs_one_line(qtbot, app, admin, controller, caplog):
    app.sync.configure(admin, "postgresql://x:y@127.0.0.1:1/none")  # nothing listens there
    controller.start()
    qtbot.waitUntil(lambda: controller.status is not None, timeout=5000)
    caplog.clear()
    caplog.set_level("INFO")
    for _ in range(2):  # two rounds of the 5-minute timer
        controller.sync_now()
        qtbot.waitUntil(lambda: not controller._busy, timeout=15000)
    failures = [r for r in caplog.records if "sync failed" in r.getMessage()]
    assert len(failures) == 2 and all(r.exc_info is None for r in failures), caplog.text
    assert not any(r.exc_info for r in caplog.records if r.levelname in ("WARNING", "ERROR")), caplog.text
    assert "Traceback" not in caplog.text
