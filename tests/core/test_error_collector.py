"""ErrorCollector keeps every problem, also those of a validator that collects its own."""

from __future__ import annotations

import pytest

from oneStop.domain.errors import ErrorCollector, InvalidFormat, ValidationErrors
from oneStop.services.app import App
from tests.conftest import setup_request


def test_a_nested_collection_of_errors_is_kept_whole():
    def one(_value):  # type: ignore[no-untyped-def]
        raise InvalidFormat("agency_code", "sai")

    def several(_value):  # type: ignore[no-untyped-def]
        raise ValidationErrors([InvalidFormat("username", "sai"), InvalidFormat("password", "ngắn")])

    errors = ErrorCollector()
    assert errors.run(one, "x") is None
    assert errors.run(several, "y") is None
    with pytest.raises(ValidationErrors) as raised:
        errors.raise_if_any()
    assert [e.field for e in raised.value.errors] == ["agency_code", "username", "password"]


def test_setup_reports_agency_and_administrator_errors_together(app: App):
    request = setup_request(agency_code="khong-hop-le", province="", admin_username="Quản Trị")
    with pytest.raises(ValidationErrors) as raised:
        app.setup.set_up(request)
    assert {e.field for e in raised.value.errors} >= {"agency_code", "province", "username"}
    assert not app.setup.is_set_up()
