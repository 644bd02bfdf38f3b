"""The dashboard shows the day's figures, the postal shares against the targets, and the
14-day chart; its lists open dossiers."""

from __future__ import annotations

from datetime import datetime

import pytest

from oneStop.domain.clock import VN_TZ, to_utc
from oneStop.domain.lifecycle import Transition
from oneStop.domain.models import Channel, ReturnMethod
from tests.core.helpers import add_procedure, draft
from ui.views.dashboard import DashboardView
from ui.widgets.charts import BarChart, TargetGauge


@pytest.fixture
def figures(app, official, clock):  # type: ignore[no-untyped-def]
    add_procedure(app)
    clock.now = to_utc(datetime(2026, 11, 26, 16, 0, tzinfo=VN_TZ))
    old = app.reception.receive(official, draft(received_at=datetime(2026, 11, 16, 9, 0, tzinfo=VN_TZ)))
    app.reception.receive(official, draft(received_at=datetime(2026, 11, 26, 8, 0, tzinfo=VN_TZ)))
    b = app.reception.receive(official, draft(received_at=datetime(2026, 11, 26, 9, 0, tzinfo=VN_TZ),
                                              channel=Channel.POSTAL, return_method=ReturnMethod.POST,
                                              delivery_address="Hà Nội"))
    app.lifecycle.transition(official, b.code, Transition.RESULT_READY, {})
    app.lifecycle.transition(official, b.code, Transition.RETURNED, {"method": "post"})
    return old


def test_the_figures_the_gauges_and_the_chart(qtbot, app, tasks, supervisor, figures):
    view = DashboardView(app, tasks, supervisor)
    qtbot.addWidget(view)
    with qtbot.waitSignal(view.loaded, timeout=10000):
        view.show()
    assert view.tiles["received_today"].text() == "2" and view.tiles["returned_today"].text() == "1"
    assert view.tiles["overdue"].text() == "1"
    assert view.postal_in.share == pytest.approx(1 / 3, abs=1e-3) and view.postal_in.met  # target 5 %
    assert view.postal_out.share == 1.0 and view.postal_out.target == 0.20
    assert view.chart.totals()[-1] == 2 and len(view.chart.days) == 14
    assert view.overdue_list.item(0).text().startswith(figures.code)
    with qtbot.waitSignal(view.dossier_requested) as requested:
        view.overdue_list.itemDoubleClicked.emit(view.overdue_list.item(0))
    assert requested.args == [figures.code]
    assert not view.grab().isNull()


def test_charts_paint_offscreen_and_say_what_they_show(qtbot):
    gauge = TargetGauge("Kết quả trả qua bưu chính")
    gauge.set_data(0.12, 0.20)
    chart = BarChart()
    from datetime import date

    chart.set_data([date(2026, 11, 25), date(2026, 11, 26)], [("Trực tiếp", [3, 4]), ("Bưu chính", [1, 0])])
    for widget in (gauge, chart):
        qtbot.addWidget(widget)
        widget.resize(400, 200)
        assert not widget.grab().isNull()
    assert not gauge.met and gauge.text() == "Kết quả trả qua bưu chính: 12,0% (chỉ tiêu 20%)"
    assert chart.legend() == ["Trực tiếp: 7", "Bưu chính: 1"]  # each series with its total
    assert chart.totals() == [4, 4]
    # the legend and the day totals are on the picture: the chart has dark text pixels above its bars
    image = chart.grab().toImage()
    dark = sum(1 for x in range(0, image.width(), 2) for y in range(0, 20)
               if image.pixelColor(x, y).lightness() < 80)
    assert dark > 20
    assert chart.totals() == [4, 4]


def test_contradictions_and_mismatches_ask_for_the_supervisor(qtbot, app, tasks, official, supervisor, figures,
                                                              monkeypatch):
    returned = next(d for d in app.dossiers.find(supervisor, "") if d.status.value == "returned")
    with app.uow(write=True) as uow:  # a second counter's "returned", arriving by sync
        uow.record(Transition.RETURNED.kind, "cb2", returned.id, {"method": "counter", "collected_by": "Người khác"})
        uow.commit()
    app.sync._put(mismatches=[{"counter_id": "000.17.22.H56#2", "day": "2026-11-26", "local": 3, "central": 4}])
    view = DashboardView(app, tasks, supervisor)
    qtbot.addWidget(view)
    with qtbot.waitSignal(view.loaded, timeout=10000):
        view.show()
    assert "Quầy 2 ngày 2026-11-26: máy này 3, trung tâm 4" in view.attention.text()
    assert view.conflicts.count() == 1 and view.conflicts.item(0).text().startswith(returned.code)
    monkeypatch.setattr(DashboardView, "ask_resolution", classmethod(lambda cls, parent, code: "Quầy 1 trả thật"))
    with qtbot.waitSignal(view.loaded, timeout=10000):
        view.resolve(returned.code)
    assert view.conflicts.count() == 0
