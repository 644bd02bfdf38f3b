"""A real PostgreSQL for the sync tests: started once per test session by ``pgserver`` (from
pip alone, also as root), a fresh database per test. No test skips for want of a server."""

from __future__ import annotations

import uuid
from urllib.parse import urlsplit, urlunsplit

import pytest

from oneStop.services.app import App
from oneStop.sync import central
from tests.conftest import setup_request


@pytest.fixture(scope="session")
def postgres(tmp_path_factory):  # type: ignore[no-untyped-def]
    import pgserver

    server = pgserver.get_server(tmp_path_factory.mktemp("pg"), cleanup_mode="stop")
    yield server
    server.cleanup()


def _with_database(uri: str, name: str) -> str:
    parts = urlsplit(uri)
    return urlunsplit((parts.scheme, parts.netloc, "/" + name, parts.query, parts.fragment))


@pytest.fixture
def central_url(postgres) -> str:  # type: ignore[no-untyped-def]
    """A new, empty central database with the current schema."""
    name = f"central_{uuid.uuid4().hex[:12]}"
    postgres.psql(f"CREATE DATABASE {name};")
    url = _with_database(postgres.get_uri(), name)
    central.init_central(url)
    return url


@pytest.fixture
def counters(tmp_path, clock):  # type: ignore[no-untyped-def]
    """``counters(n)``: n counters of one agency, each its own PC and database, all set up."""
    made: list[App] = []

    def make(n: int) -> list[App]:
        for k in range(1, n + 1):
            app = App(tmp_path / f"counter-{k}", clock=clock)
            app.setup.set_up(setup_request(counter=k))
            made.append(app)
        return made

    yield make
    for app in made:
        app.close()

