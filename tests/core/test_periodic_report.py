"""Biểu II.06a on generated data: the column identities hold, and every number matches a
dossier-by-dossier count made independently in Python (dossiers spanning the period boundary,
supplements, apologies, refusals and withdrawals included)."""

from __future__ import annotations

import io
import json
import random
from dataclasses import replace
from datetime import date, datetime, time, timedelta

import pytest
from openpyxl import load_workbook
from sqlalchemy import update

from oneStop import settings as S
from oneStop.domain.clock import VN_TZ, local_date, to_utc
from oneStop.domain.errors import PermissionDenied, ValidationError
from oneStop.domain.lifecycle import Timeliness, Transition, classify
from oneStop.domain.models import Channel, Procedure
from oneStop.domain.periods import parse_period
from oneStop.services.reports import ReportService
from oneStop.persistence.models import DossierRow
from oneStop.services.supervision import LogFilter
from tests.conftest import AGENCY_CODE
from tests.core.helpers import TEST_PROCEDURE, add_procedure, draft
from tests.core.pdf_tools import page_texts

T = Transition
PATHS = [
    [],
    [T.TRANSFERRED],
    [T.TRANSFERRED, T.RESULT_RECEIVED],
    [T.TRANSFERRED, T.RESULT_RECEIVED, T.RETURNED],
    [T.RESULT_READY, T.RETURNED],
    [T.SUPPLEMENT_REQUESTED],
    [T.SUPPLEMENT_REQUESTED, T.SUPPLEMENT_RECEIVED, T.RESULT_READY],
    [T.SUPPLEMENT_REQUESTED, T.SUPPLEMENT_RECEIVED, T.SUPPLEMENT_REQUESTED, T.SUPPLEMENT_RECEIVED, T.RESULT_READY],
    [T.SUPPLEMENT_REQUESTED, T.WITHDRAWN],
    [T.WITHDRAWN],
    [T.REFUSED],
    [T.TRANSFERRED, T.STOPPED],
    [T.APOLOGISED, T.RESULT_READY],
]
PAYLOAD = {
    T.TRANSFERRED: {"to_agency": "Phòng Tư pháp"},
    T.SUPPLEMENT_REQUESTED: {"reason": "Thiếu", "documents": ["Giấy chứng sinh"]},
    T.REFUSED: {"reason": "Không đủ điều kiện"},
    T.STOPPED: {"reason": "Dừng theo yêu cầu"},
    T.WITHDRAWN: {"reason": "Xin rút"},
    T.RETURNED: {"collected_by": "Người nhận"},
}
LAND = Procedure(code="9.999002", name="Thủ tục đất đai thử nghiệm", field="Đất đai", agency="UBND xã",
                 processing_days=10)
NOW = datetime(2026, 12, 20, 10, 0, tzinfo=VN_TZ)


@pytest.fixture
def generated(app, admin, official, supervisor, clock):  # type: ignore[no-untyped-def]
    add_procedure(app)
    add_procedure(app, LAND)
    clock.now = to_utc(NOW)
    app.settings.set(admin, S.MAX_BACKDATE_DAYS, 120)  # a quarter's dossiers recorded late, allowed by the administrator
    rng = random.Random(2026)
    codes = []
    for _ in range(160):
        day = date(2026, 9, 1) + timedelta(days=rng.randrange(0, 100))
        received = datetime.combine(day, time(rng.randrange(7, 17), rng.randrange(0, 60)), tzinfo=VN_TZ)
        procedure = rng.choice([TEST_PROCEDURE, LAND])
        channel = rng.choice([Channel.DIRECT, Channel.DIRECT, Channel.POSTAL, Channel.ONLINE])
        d = app.reception.receive(official, draft(procedure_code=procedure.code, channel=channel,
                                                  received_at=received))
        when = received
        for step in rng.choice(PATHS):
            when = when + timedelta(hours=rng.randrange(2, 24 * 9))
            if when > NOW:
                break
            payload = dict(PAYLOAD.get(step, {}))
            if step is T.APOLOGISED:
                payload = {"reason": "Chậm", "new_due_at": (d.due_at + timedelta(days=5)).isoformat()}
            actor = supervisor if step in (T.APOLOGISED, T.STOPPED) else official
            d = app.lifecycle.transition(actor, d.code, step, payload, at=when)
        codes.append(d.code)
    return [app.dossiers.get(official, code) for code in codes]


def expected(dossiers, period: str, calendar, excluded=()):  # type: ignore[no-untyped-def]
    """The report counted dossier by dossier, straight from the definitions."""
    p = parse_period(period)
    end = to_utc(datetime.combine(p.end + timedelta(days=1), time(0), tzinfo=VN_TZ))
    as_of = min(end, to_utc(NOW))  # a period still running is judged now, not at its end
    out: dict[str, dict[str, int]] = {}
    for d in dossiers:
        received = local_date(d.received_at)
        finished = local_date(d.finished_at) if d.finished_at else None
        if d.status.value in excluded and finished is not None and finished <= p.end:
            continue
        if p.start <= received <= p.end:
            origin = {"online": "online", "postal": "postal"}.get(d.channel.value, "direct")
        elif received < p.start and (finished is None or finished >= p.start):
            origin = "carried_over"
        else:
            continue
        row = out.setdefault(d.procedure.field, {k: 0 for k in (
            "received", "online", "direct", "postal", "carried_over", "resolved", "early", "on_time", "late",
            "in_progress", "within_deadline", "overdue")})
        row["received"] += 1
        row[origin] += 1
        if finished is not None and finished <= p.end:
            row["resolved"] += 1
            row[classify(d, end, calendar.working_days_between).value] += 1
        else:
            row["in_progress"] += 1
            as_of_end = replace(d, finished_at=None) if d.finished_at else d
            verdict = classify(as_of_end, as_of, calendar.working_days_between)
            row["overdue" if verdict is Timeliness.OVERDUE else "within_deadline"] += 1
    return out


@pytest.mark.parametrize("period", ["2026-10", "2026-11", "2026-Q4", "2026-H2", "2026"])
def test_every_number_matches_a_dossier_by_dossier_count(app, supervisor, generated, period):
    report = app.reports.periodic(supervisor, period)
    assert report.identities_hold()
    want = expected(generated, period, app.calendar.calendar())
    got = {r.field: r for r in report.rows}
    assert set(got) == set(want)
    for field_name, numbers in want.items():
        row = got[field_name]
        for key, value in numbers.items():
            assert getattr(row, key) == value, (period, field_name, key)
        assert row.direct_or_postal == numbers["direct"] + numbers["postal"]
    assert report.total.received == sum(r.received for r in report.rows)


def test_the_generated_data_covers_the_hard_cases(app, supervisor, generated):
    report = app.reports.periodic(supervisor, "2026-11")
    t = report.total
    assert t.carried_over > 0 and t.online > 0 and t.postal > 0
    assert t.early > 0 and t.late > 0 and t.overdue > 0 and t.within_deadline >= 0
    assert any(d.supplement_count > 1 for d in generated)
    assert any(d.status.value == "withdrawn" for d in generated)
    assert any(d.apology_count for d in generated)


def test_a_profile_may_leave_withdrawn_dossiers_out(app, supervisor, generated):
    service = ReportService(app.uow, app.calendar, app.settings, excluded_states=("withdrawn",))
    report = service.periodic(supervisor, "2026-Q4")
    assert report.identities_hold()
    want = expected(generated, "2026-Q4", app.calendar.calendar(), excluded=("withdrawn",))
    assert report.total.received == sum(r["received"] for r in want.values())
    assert report.total.received < app.reports.periodic(supervisor, "2026-Q4").total.received


def test_json_xlsx_and_pdf_carry_the_same_numbers(app, supervisor, generated):
    report = app.reports.periodic(supervisor, "2026-11")
    data = json.loads(app.reports.export(supervisor, report, "json"))
    assert data["total"]["received"] == report.total.received and data["identities_hold"] is True
    sheet = load_workbook(io.BytesIO(app.reports.export(supervisor, report, "xlsx")))["Bieu II.06a"]
    last = [row for row in sheet.iter_rows(values_only=True) if row[1] == "Tổng cộng"][0]
    assert list(last[2:13]) == [getattr(report.total, f) for f in (
        "received", "online", "direct_or_postal", "carried_over", "resolved", "early", "on_time", "late",
        "in_progress", "within_deadline", "overdue")]
    text = " ".join(" ".join(t.split()) for t in page_texts(app.reports.export(supervisor, report, "pdf")))
    assert "Tháng 11 năm 2026" in text and "Đất đai" in text and "Hộ tịch" in text
    assert f"Tổng cộng {report.total.received} " in text


def test_only_supervisors_report_and_bad_periods_are_named(app, official, supervisor):
    with pytest.raises(PermissionDenied):
        app.reports.periodic(official, "2026-11")
    with pytest.raises(ValidationError) as error:
        app.reports.periodic(supervisor, "2026-Q5")
    assert error.value.field == "period"


def test_report_from_the_command_line(app, supervisor, generated, tmp_path, capsys):
    from oneStop.cli import main

    expected_total = app.reports.periodic(supervisor, "2026-10").total.received
    root = app.paths.root
    app.close()
    assert main(["--data-dir", str(root), "report", "--period", "2026-10", "--user", "binh.lv"]) == 0
    assert json.loads(capsys.readouterr().out)["total"]["received"] == expected_total
    out = tmp_path / "bc.pdf"
    assert main(["--data-dir", str(root), "report", "--period", "2026-10", "--format", "pdf", "--out", str(out),
                 "--user", "binh.lv"]) == 0
    assert out.read_bytes().startswith(b"%PDF")


# --- a period still running; receiving point and processing agency ------------------------------

def _receive(app, official, procedure, day, **kw):  # type: ignore[no-untyped-def]
    when = datetime.combine(day, time(9, 0), tzinfo=VN_TZ)
    return app.reception.receive(official, draft(procedure_code=procedure.code, received_at=when, **kw))


@pytest.fixture
def running_quarter(app, admin, official, clock):  # type: ignore[no-untyped-def]
    """On Friday 04/12/2026, six dossiers of Q4 in progress: three past their deadline (received
    early in November, five working days), three due later in December (ten working days)."""
    add_procedure(app)
    add_procedure(app, LAND)
    clock.now = to_utc(datetime(2026, 12, 4, 10, 0, tzinfo=VN_TZ))
    app.settings.set(admin, S.MAX_BACKDATE_DAYS, 120)
    late = [_receive(app, official, TEST_PROCEDURE, date(2026, 11, 2)) for _ in range(3)]
    later = [_receive(app, official, LAND, date(2026, 12, 1)) for _ in range(3)]
    assert all(d.due_at < clock.now for d in late) and all(to_utc(datetime(2026, 12, 31, tzinfo=VN_TZ)) > d.due_at
                                                           > clock.now for d in later)
    return late, later


def test_a_running_period_counts_overdue_as_of_now_as_the_tracking_book_does(app, supervisor, running_quarter):
    report = app.reports.periodic(supervisor, "2026-Q4")
    t = report.total
    assert (t.in_progress, t.overdue, t.within_deadline) == (6, 3, 3)
    assert report.identities_hold() and report.running
    book = app.supervision.daily_log(supervisor, date(2026, 10, 1), date(2026, 12, 31),
                                     LogFilter(overdue=True))
    assert len(book.rows) == t.overdue
    # a period already over is judged at its end: November's report, made on 04/12, sees the
    # three November dossiers overdue on 30/11 already (due 09/11) and nothing of December
    november = app.reports.periodic(supervisor, "2026-11")
    assert (november.total.in_progress, november.total.overdue) == (3, 3) and not november.running


def test_the_report_counts_what_was_received_here_and_breaks_it_down_by_processing_agency(
        app, supervisor, official, running_quarter):  # type: ignore[no-untyped-def]
    late, later = running_quarter
    # two of the dossiers received here go to another commune's agency (cross-boundary, §11.7)
    for d in (late[0], later[0]):
        app.lifecycle.transition(official, d.code, T.TRANSFERRED, {"to_agency": "UBND phường Hạc Thành"})
    app.lifecycle.transition(official, late[1].code, T.TRANSFERRED, {"to_agency": "Phòng Tư pháp"})
    # a dossier another centre received for this one, shared with it: the other centre reports it
    other = _receive(app, official, TEST_PROCEDURE, date(2026, 11, 3))
    with app.uow(write=True) as uow:
        uow.session.execute(update(DossierRow).where(DossierRow.code == other.code)
                            .values(agency_code="G12.18.112.001"))
        uow.commit()

    report = app.reports.periodic(supervisor, "2026-Q4")
    assert report.receiving_point == AGENCY_CODE
    assert report.total.received == 6  # the shared dossier is not counted here
    agencies = {r.field: r for r in report.by_processing_agency}
    assert set(agencies) == {"UBND phường Hạc Thành", "Phòng Tư pháp", TEST_PROCEDURE.agency, LAND.agency}
    hac_thanh = agencies["UBND phường Hạc Thành"]
    assert (hac_thanh.received, hac_thanh.overdue, hac_thanh.within_deadline) == (2, 1, 1)
    assert agencies["Phòng Tư pháp"].received == 1
    assert agencies[TEST_PROCEDURE.agency].received == 1 and agencies[LAND.agency].received == 2
    for name in ("received", "online", "direct_or_postal", "carried_over", "resolved", "early", "on_time", "late",
                 "in_progress", "within_deadline", "overdue"):
        assert sum(getattr(r, name) for r in report.by_processing_agency) == getattr(report.total, name), name
    assert report.identities_hold()
    data = report.to_json()
    assert data["basis"] == "received"
    assert {r["processing_agency"] for r in data["by_processing_agency"]} == set(agencies)
    # the printed report says what is counted where, and has the second table
    text = " ".join(" ".join(t.split()) for t in page_texts(app.reports.export(supervisor, report, "pdf")))
    assert "Số liệu theo nơi tiếp nhận" in text and "THEO CƠ QUAN GIẢI QUYẾT" in text
    assert "UBND phường Hạc Thành 2 " in text
    workbook = load_workbook(io.BytesIO(app.reports.export(supervisor, report, "xlsx")))
    sheet = workbook["Theo co quan giai quyet"]
    values = {row[1]: row for row in sheet.iter_rows(values_only=True) if row and row[1]}
    assert values["UBND phường Hạc Thành"][2] == 2 and values["Tổng cộng"][2] == 6
