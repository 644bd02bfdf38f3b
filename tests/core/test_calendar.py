"""Working days (holidays package + override table) and appointment times (rules §4.4).

Expected dates checked against the ``holidays`` package 0.109 and the announced calendars:
Tết Bính Ngọ 2026 — public servants off Saturday 14/2 to Sunday 22/2/2026, i.e. the weekdays
16–20/2; Quốc khánh 2026 — 2/9 (Wednesday) plus the adjacent 1/9, and Monday 31/8 off in
exchange for Saturday 22/8 worked; 24/11 "Ngày Văn hóa Việt Nam" as the package has it from
2026. Tết Đinh Mùi 2027 (lunar new year on Saturday 6/2/2027) is the package's computation
(Thursday 4/2 to Wednesday 10/2), not yet an announced schedule.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest

from oneStop.domain.calendar import CalendarOverride, WorkHours, WorkingCalendar
from oneStop.domain.clock import VN_TZ


@pytest.fixture(scope="module")
def cal() -> WorkingCalendar:
    return WorkingCalendar()


def d(text: str) -> date:
    return date.fromisoformat(text)


def local(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=VN_TZ)


def days_off(cal: WorkingCalendar, first: str, last: str) -> list[str]:
    day, end, off = d(first), d(last), []
    while day <= end:
        if not cal.is_working_day(day):
            off.append(day.isoformat())
        day += timedelta(days=1)
    return off


# --- holidays -------------------------------------------------------------------------------------


def test_tet_2026(cal):
    assert days_off(cal, "2026-02-11", "2026-02-25") == [
        "2026-02-14", "2026-02-15",  # weekend
        "2026-02-16", "2026-02-17", "2026-02-18", "2026-02-19", "2026-02-20",
        "2026-02-21", "2026-02-22",  # weekend
    ]  # fmt: skip
    assert cal.is_working_day(d("2026-02-13"))
    assert cal.is_working_day(d("2026-02-23"))
    assert cal.day_off_reason(d("2026-02-16")) == "Giao thừa Tết Nguyên Đán"
    assert cal.day_off_reason(d("2026-02-17")) == "Tết Nguyên Đán"


def test_tet_2027_lunar_new_year_on_a_saturday(cal):
    assert days_off(cal, "2027-02-01", "2027-02-14") == [
        "2027-02-04", "2027-02-05", "2027-02-06", "2027-02-07",
        "2027-02-08", "2027-02-09", "2027-02-10",
        "2027-02-13", "2027-02-14",
    ]  # fmt: skip
    assert cal.day_off_reason(d("2027-02-06")) == "Tết Nguyên Đán"  # a holiday's name beats "Thứ Bảy"
    assert cal.day_off_reason(d("2027-02-10")) == "Mùng năm Tết Nguyên Đán"  # for Sunday 7/2
    assert cal.next_working_day(d("2027-02-03")) == d("2027-02-11")


def test_hung_kings_30_april_and_1_may_2026(cal):
    # Giỗ Tổ (10/3 lunar) falls on Sunday 26/4/2026: Monday 27/4 off in compensation
    assert days_off(cal, "2026-04-24", "2026-05-04") == [
        "2026-04-25", "2026-04-26", "2026-04-27", "2026-04-30", "2026-05-01", "2026-05-02", "2026-05-03",
    ]
    assert cal.day_off_reason(d("2026-04-27")) == "Ngày Giỗ Tổ Hùng Vương (nghỉ bù)"
    assert cal.day_off_reason(d("2026-04-30")) == "Ngày Chiến thắng"
    assert cal.day_off_reason(d("2026-05-01")) == "Ngày Quốc tế Lao động"


def test_1_may_2027_on_a_saturday_is_compensated_on_monday(cal):
    assert not cal.is_working_day(d("2027-04-30"))
    assert not cal.is_working_day(d("2027-05-03"))
    assert cal.is_working_day(d("2027-05-04"))


def test_national_day_2026_with_the_announced_swap(cal):
    assert days_off(cal, "2026-08-20", "2026-09-04") == [
        "2026-08-23",  # Sunday; Saturday 22/8 is worked
        "2026-08-29", "2026-08-30", "2026-08-31", "2026-09-01", "2026-09-02",
    ]  # fmt: skip
    assert cal.is_working_day(d("2026-08-22"))
    assert cal.day_off_reason(d("2026-08-22")) is None
    assert cal.day_off_reason(d("2026-08-31")) == "Ngày nghỉ (thay cho ngày 22/08/2026)"
    assert cal.day_off_reason(d("2026-09-01")) == "Quốc khánh"
    assert cal.day_off_reason(d("2026-09-02")) == "Quốc khánh"


def test_national_day_2027_and_adjacent_day(cal):
    assert not cal.is_working_day(d("2027-09-02"))  # Thursday
    assert not cal.is_working_day(d("2027-09-03"))  # Friday
    assert cal.is_working_day(d("2027-09-01"))


def test_vietnam_culture_day_from_2026(cal):
    assert not cal.is_working_day(d("2026-11-24"))
    assert cal.day_off_reason(d("2026-11-24")) == "Ngày Văn hóa Việt Nam"
    assert not cal.is_working_day(d("2027-11-24"))
    assert cal.is_working_day(d("2025-11-24"))  # Monday, before the day existed


def test_new_year(cal):
    assert cal.day_off_reason(d("2026-01-01")) == "Tết Dương lịch"
    assert cal.day_off_reason(d("2027-01-01")) == "Tết Dương lịch"


def test_a_swap_across_new_year_is_honoured_whichever_year_is_asked_first():
    # 31/12/2018 off, Saturday 5/1/2019 worked: declared with 2018's data
    fresh = WorkingCalendar()
    assert fresh.is_working_day(d("2019-01-05"))
    assert not fresh.is_working_day(d("2018-12-31"))


# --- weekends and overrides -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "day, reason",
    [("2026-11-28", "Thứ Bảy"), ("2026-11-29", "Chủ nhật"), ("2026-11-27", None), ("2026-11-30", None)],
)
def test_weekends(cal, day, reason):
    assert cal.day_off_reason(d(day)) == reason
    assert cal.is_working_day(d(day)) is (reason is None)


def test_override_makes_a_saturday_a_working_day():
    cal = WorkingCalendar([CalendarOverride(d("2026-11-28"), "work", "Làm bù cho ngày 4/12")])
    assert cal.is_working_day(d("2026-11-28"))
    assert cal.day_off_reason(d("2026-11-28")) is None
    assert cal.next_working_day(d("2026-11-27")) == d("2026-11-28")
    # received on Friday after the cut-off: counting starts on the worked Saturday
    assert cal.appointment(local("2026-11-27T15:30"), 1) == local("2026-11-30T07:30")


def test_override_makes_a_weekday_a_day_off():
    cal = WorkingCalendar([CalendarOverride(d("2026-11-26"), "off", "Nghỉ bù theo quyết định của tỉnh")])
    assert not cal.is_working_day(d("2026-11-26"))
    assert cal.day_off_reason(d("2026-11-26")) == "Nghỉ bù theo quyết định của tỉnh"
    assert cal.add_working_days(d("2026-11-25"), 1) == d("2026-11-27")


def test_override_without_a_note_still_gives_a_reason():
    cal = WorkingCalendar([CalendarOverride(d("2026-11-26"), "off")])
    assert cal.day_off_reason(d("2026-11-26"))


def test_overrides_win_over_the_holiday_data():
    cal = WorkingCalendar(
        [
            CalendarOverride(d("2026-11-24"), "work", "Chưa có văn bản cho nghỉ"),
            CalendarOverride(d("2026-08-22"), "off", "Không làm bù"),
        ]
    )
    assert cal.is_working_day(d("2026-11-24"))
    assert cal.day_off_reason(d("2026-11-24")) is None
    assert not cal.is_working_day(d("2026-08-22"))
    assert cal.day_off_reason(d("2026-08-22")) == "Không làm bù"


def test_the_last_override_given_for_a_day_wins():
    cal = WorkingCalendar([CalendarOverride(d("2026-11-26"), "off"), CalendarOverride(d("2026-11-26"), "work")])
    assert cal.is_working_day(d("2026-11-26"))


@pytest.mark.parametrize("kind", ["", "nghỉ", "OFF", "holiday"])
def test_override_kind_is_checked(kind):
    with pytest.raises(ValueError, match="phải là 'off'"):
        CalendarOverride(d("2026-11-26"), kind)


def test_override_day_must_be_a_date():
    with pytest.raises(ValueError):
        CalendarOverride(datetime(2026, 11, 26, 8, 0), "off")  # type: ignore[arg-type]


# --- counting days ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "start, n, expected",
    [
        ("2026-02-13", 0, "2026-02-13"),
        ("2026-02-13", 1, "2026-02-23"),  # over Tết
        ("2026-02-14", 1, "2026-02-23"),  # from a day off
        ("2026-11-23", 1, "2026-11-25"),  # over 24/11
        ("2026-11-27", 1, "2026-11-30"),  # over a weekend
        ("2026-08-21", 1, "2026-08-22"),  # the worked Saturday
        ("2026-08-28", 1, "2026-09-03"),
        ("2026-12-31", 1, "2027-01-04"),
        ("2026-11-23", 5, "2026-12-01"),
        ("2026-11-30", -1, "2026-11-27"),
        ("2026-11-25", -1, "2026-11-23"),
    ],
)
def test_add_working_days(cal, start, n, expected):
    assert cal.add_working_days(d(start), n) == d(expected)


def test_next_working_day_is_strictly_after(cal):
    assert cal.next_working_day(d("2026-11-23")) == d("2026-11-25")
    assert cal.next_working_day(d("2026-11-25")) == d("2026-11-26")
    assert cal.previous_working_day(d("2026-11-25")) == d("2026-11-23")


@pytest.mark.parametrize(
    "a, b, count",
    [
        ("2026-02-13", "2026-02-23", 1),
        ("2026-02-13", "2026-02-13", 0),
        ("2026-02-12", "2026-02-13", 1),
        ("2026-02-23", "2026-02-13", -1),
        ("2026-12-31", "2027-01-04", 1),
        ("2026-11-20", "2026-11-27", 4),
    ],
)
def test_working_days_between(cal, a, b, count):
    assert cal.working_days_between(d(a), d(b)) == count


def test_working_days_between_agrees_with_day_by_day_counting(cal):
    a, b = d("2025-12-15"), d("2027-02-20")
    expected = sum(1 for i in range(1, (b - a).days + 1) if cal.is_working_day(a + timedelta(days=i)))
    assert cal.working_days_between(a, b) == expected
    assert cal.working_days_between(d("2025-12-31"), d("2026-12-31")) == 249  # working days of 2026


def test_days_must_be_dates_not_datetimes(cal):
    with pytest.raises(TypeError):
        cal.is_working_day(datetime(2026, 11, 23, 9, 0))  # type: ignore[arg-type]


def test_each_year_is_computed_once(monkeypatch):
    cal = WorkingCalendar()
    calls: list[int] = []
    original = WorkingCalendar._build_year

    def counting(self, year):  # type: ignore[no-untyped-def]
        calls.append(year)
        return original(self, year)

    monkeypatch.setattr(WorkingCalendar, "_build_year", counting)
    for _ in range(3):
        for i in range(365):
            cal.is_working_day(d("2026-01-01") + timedelta(days=i))
    assert calls == [2026]


def test_a_calendar_without_any_working_day_is_reported():
    always_off = [CalendarOverride(d("2026-01-01") + timedelta(days=i), "off") for i in range(800)]
    cal = WorkingCalendar(always_off)
    with pytest.raises(ValueError, match="Không có ngày làm việc"):
        cal.next_working_day(d("2026-01-01"))


# --- appointments -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "received, days, hours, expected",
    [
        # the cut-off: 14:59 counts today, 15:01 from the next working day's opening
        ("2026-11-19T14:59", 1, 0, "2026-11-20T14:59"),
        ("2026-11-19T15:01", 1, 0, "2026-11-23T07:30"),
        ("2026-11-19T15:00", 0, 0, "2026-11-20T07:30"),
        # received on a Sunday
        ("2026-11-22T10:00", 1, 0, "2026-11-25T07:30"),
        ("2026-11-22T10:00", 0, 0, "2026-11-23T07:30"),
        # received before opening time
        ("2026-11-23T06:45", 0, 0, "2026-11-23T07:30"),
        ("2026-11-23T06:45", 2, 0, "2026-11-26T07:30"),
        # received during Tết and on the day before it
        ("2026-02-17T09:00", 1, 0, "2026-02-24T07:30"),
        ("2026-02-13T10:00", 1, 0, "2026-02-23T10:00"),
        # days over the 2/9 swap: Saturday 22/8 counts, 29/8–2/9 do not
        ("2026-08-21T09:00", 1, 0, "2026-08-22T09:00"),
        ("2026-08-27T09:00", 2, 0, "2026-09-03T09:00"),
        # hours rolling over a weekend (3 h on Friday, 1 h on Monday)
        ("2026-11-27T14:00", 0, 4, "2026-11-30T08:30"),
        # hours rolling over a holiday (1 h on 23/11, 24/11 off, 1 h on 25/11)
        ("2026-11-23T14:00", 0, 4, "2026-11-25T08:30"),
        ("2026-04-29T14:30", 0, 5, "2026-05-04T10:00"),  # 2.5 h, then 30/4–3/5 off, 2.5 h
        # hours ending exactly at closing time stay on that day
        ("2026-11-23T14:00", 0, 3, "2026-11-23T17:00"),
        # several days' worth of hours (9.5 h a day from 07:30 to 17:00)
        ("2026-11-30T07:30", 0, 20, "2026-12-02T08:30"),
        # days then hours
        ("2026-02-13T10:00", 1, 8, "2026-02-24T08:30"),
        ("2026-11-19T15:01", 0, 2, "2026-11-20T09:30"),
    ],
)
def test_appointment(cal, received, days, hours, expected):
    due = cal.appointment(local(received), days, hours)
    assert due == local(expected)
    assert due.tzinfo is not None and due.utcoffset() == timedelta(hours=7)
    assert due.isoformat().endswith("+07:00")


def test_appointment_reads_the_instant_in_vietnam_time(cal):
    # 07:59 UTC is 14:59 in Hà Nội, 08:01 UTC is 15:01
    assert cal.appointment(datetime(2026, 11, 19, 7, 59, tzinfo=UTC), 1) == local("2026-11-20T14:59")
    assert cal.appointment(datetime(2026, 11, 19, 8, 1, tzinfo=UTC), 1) == local("2026-11-23T07:30")
    # 18:00 UTC on Sunday is 01:00 on Monday in Hà Nội
    assert cal.appointment(datetime(2026, 11, 22, 18, 0, tzinfo=UTC), 0) == local("2026-11-23T07:30")


def test_appointment_without_cutoff_counts_until_closing():
    cal = WorkingCalendar(hours=WorkHours(cutoff=None))
    assert cal.appointment(local("2026-11-19T16:30"), 1) == local("2026-11-20T16:30")
    assert cal.appointment(local("2026-11-19T16:30"), 0, 1) == local("2026-11-20T08:00")
    assert cal.appointment(local("2026-11-19T17:00"), 0) == local("2026-11-20T07:30")


def test_appointment_with_other_office_hours():
    cal = WorkingCalendar(hours=WorkHours(start=time(8, 0), end=time(16, 30), cutoff=time(16, 0)))
    assert cal.appointment(local("2026-11-19T15:30"), 1) == local("2026-11-20T15:30")
    assert cal.appointment(local("2026-11-19T16:10"), 0) == local("2026-11-20T08:00")
    assert cal.appointment(local("2026-11-19T15:30"), 0, 2) == local("2026-11-20T09:00")


def test_appointment_refuses_a_naive_datetime(cal):
    with pytest.raises(ValueError, match="naive datetime"):
        cal.appointment(datetime(2026, 11, 23, 9, 0), 1)


@pytest.mark.parametrize("days, hours", [(-1, 0), (0, -1), (-2, -3)])
def test_appointment_refuses_negative_durations(cal, days, hours):
    with pytest.raises(ValueError, match="không được âm"):
        cal.appointment(local("2026-11-23T09:00"), days, hours)


# --- office hours ---------------------------------------------------------------------------------


def test_default_office_hours():
    assert WorkHours() == WorkHours(time(7, 30), time(17, 0), time(15, 0))


@pytest.mark.parametrize(
    "start, end, cutoff, message",
    [
        (time(17, 0), time(7, 30), None, "Giờ bắt đầu làm việc \\(17:00\\) phải trước giờ kết thúc \\(07:30\\)"),
        (time(8, 0), time(8, 0), None, "phải trước giờ kết thúc"),
        (time(7, 30), time(17, 0), time(17, 30), "Giờ chốt nhận hồ sơ trong ngày \\(17:30\\)"),
        (time(7, 30), time(17, 0), time(7, 0), "Giờ chốt nhận hồ sơ"),
        (time(7, 30), time(17, 0), time(7, 30), "Giờ chốt nhận hồ sơ"),
    ],
)
def test_office_hours_are_checked(start, end, cutoff, message):
    with pytest.raises(ValueError, match=message):
        WorkHours(start, end, cutoff)


def test_cutoff_may_equal_closing_time():
    assert WorkHours(cutoff=time(17, 0)).cutoff == time(17, 0)
