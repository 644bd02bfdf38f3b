"""Fixtures shared by core and UI tests: a real, file-based database under tmp_path."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from oneStop.domain.models import Role
from oneStop.services.app import App
from oneStop.services.setup import SetupRequest

AGENCY_CODE = "000.17.22.H56"
PASSWORD = "mat-khau-an-toan"


class FakeClock:
    """A device clock a test can set and move."""

    def __init__(self, start: datetime) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **kwargs: float) -> None:
        self.now += timedelta(**kwargs)


def setup_request(counter: int = 1, **overrides) -> SetupRequest:  # type: ignore[no-untyped-def]
    values = dict(
        agency_code=AGENCY_CODE,
        agency_name="Bộ phận tiếp nhận và trả kết quả UBND xã Quảng Phú",
        managing_agency="UBND xã Quảng Phú",
        province="Thanh Hóa",
        place="Quảng Phú",
        counter=counter,
        admin_username="admin",
        admin_full_name="Lê Văn Quản",
        admin_password=PASSWORD,
    )
    values.update(overrides)
    return SetupRequest(**values)


@pytest.fixture
def clock() -> FakeClock:
    # Monday 23 November 2026, 09:15 in Hà Nội (02:15 UTC)
    return FakeClock(datetime(2026, 11, 23, 2, 15, tzinfo=UTC))


@pytest.fixture
def app(tmp_path, clock):  # type: ignore[no-untyped-def]
    application = App(tmp_path / "data", clock=clock)
    yield application
    application.close()


@pytest.fixture
def admin(app):  # type: ignore[no-untyped-def]
    return app.setup.set_up(setup_request())


@pytest.fixture
def official(app, admin):  # type: ignore[no-untyped-def]
    return app.auth.add_user(admin, "hoa.nt", "Nguyễn Thị Hoa", Role.OFFICIAL, PASSWORD)


@pytest.fixture
def supervisor(app, admin):  # type: ignore[no-untyped-def]
    return app.auth.add_user(admin, "binh.lv", "Lê Văn Bình", Role.SUPERVISOR, PASSWORD)


@pytest.fixture
def postal(app, admin):  # type: ignore[no-untyped-def]
    return app.auth.add_user(admin, "buu.dien", "Trần Văn Bưu", Role.POSTAL, PASSWORD)
