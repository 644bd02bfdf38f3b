"""Several counters of one agency, each its own PC (the central database fixtures are in
``tests/conftest.py``)."""

from __future__ import annotations

import pytest

from oneStop.services.app import App
from tests.conftest import setup_request


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

