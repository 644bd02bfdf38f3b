"""Fixtures shared by core and UI tests: a real, file-based database under tmp_path."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import uuid
from urllib.parse import urlsplit, urlunsplit

import pytest

from oneStop.domain.models import Role
from oneStop.services.app import App
from oneStop.services.setup import SetupRequest

AGENCY_CODE = "000.17.22.H56"
PASSWORD = "mat-khau-an-toan"
BACKUP_PASSPHRASE = "cụm mật khẩu sao lưu của xã"  # seals backups written outside the data folder


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


@pytest.fixture(autouse=True)
def _no_user_data_folder(tmp_path_factory, monkeypatch):  # type: ignore[no-untyped-def]
    """A command run without --data-dir uses a folder of its own, never the user's real one
    (which may hold a database from another version of the program)."""
    monkeypatch.setenv("ONESTOP_DATA_DIR", str(tmp_path_factory.mktemp("default-data")))


@pytest.fixture(autouse=True)
def _log_files_per_test():  # type: ignore[no-untyped-def]
    """A command run in a test sends the log to its data folder; nothing outlives the test."""
    yield
    from oneStop import logs

    logs.reset()


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


# --- a real PostgreSQL for the central database ------------------------------------------------
# Started once per test session by ``pgserver`` (from pip alone, also as root), only when a test
# asks for it; a fresh database per test. No test skips for want of a server.

@pytest.fixture(scope="session")
def postgres(tmp_path_factory):  # type: ignore[no-untyped-def]
    import pgserver

    server = pgserver.get_server(tmp_path_factory.mktemp("pg"), cleanup_mode="stop")
    yield server
    server.cleanup()


def _with_database(uri: str, name: str) -> str:
    parts = urlsplit(uri)
    return urlunsplit((parts.scheme, parts.netloc, "/" + name, parts.query, parts.fragment))


def migrate_central(url: str, verb: str, revision: str) -> None:
    """Take the central schema at ``url`` up or down (``verb``: "upgrade" | "downgrade") to
    ``revision``, as Alembic does it for ``central init``."""
    from alembic import command
    from alembic.config import Config

    from oneStop.sync import central

    engine = central.connect(url)
    try:
        with engine.begin() as connection:
            cfg = Config()
            cfg.set_main_option("script_location", str(central.MIGRATIONS_DIR))
            cfg.attributes["connection"] = connection
            getattr(command, verb)(cfg, revision)
    finally:
        engine.dispose()


@pytest.fixture
def central_url(postgres) -> str:  # type: ignore[no-untyped-def]
    """A new, empty central database with the current schema."""
    name = f"central_{uuid.uuid4().hex[:12]}"
    postgres.psql(f"CREATE DATABASE {name};")
    url = _with_database(postgres.get_uri(), name)
    from oneStop.sync import central

    central.init_central(url)
    return url


@pytest.fixture
def run(tmp_path, monkeypatch, capsys):  # type: ignore[no-untyped-def]
    """The command line on a new data folder (``run.data``): ``run(*args)`` gives the exit
    code, the output and the errors."""
    from oneStop.cli import main

    data = tmp_path / "data"
    monkeypatch.setenv("ONESTOP_PASSWORD", PASSWORD)

    def _run(*args: str) -> tuple[int, str, str]:
        code = main(["--data-dir", str(data), *args])
        out, err = capsys.readouterr()
        return code, out, err

    _run.data = data  # type: ignore[attr-defined]
    return _run
