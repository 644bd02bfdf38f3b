"""The agency as the papers print it (issue 15): its name stored as typed (the receipt's header
capitalises, its sentence "… tiếp nhận hồ sơ của …" does not), and the look-up website and
hotline an administrator sets, checked, printed on the receipt."""

from __future__ import annotations

import json
import unicodedata

import pytest

from oneStop.domain.errors import PermissionDenied, ValidationErrors
from oneStop.domain.events import Kind
from oneStop.domain.models import Role
from tests.conftest import PASSWORD, setup_request
from tests.core.helpers import add_procedure, draft
from tests.core.pdf_tools import page_texts
from tests.ui.helpers import events

TYPED = "Trung tâm Phục vụ hành chính công phường Hạc Thành"


def squash(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).split())


@pytest.fixture
def typed_app(tmp_path, clock):  # type: ignore[no-untyped-def]
    from oneStop.services.app import App

    app = App(tmp_path / "data", clock=clock)
    nfd = unicodedata.normalize("NFD", TYPED)
    app.setup.set_up(setup_request(agency_name=f"  {nfd} ", managing_agency="UBND phường Hạc Thành"))
    return app


def test_the_agency_name_is_stored_and_returned_as_typed(typed_app):
    agency = typed_app.setup.agency()
    assert agency.name == TYPED  # NFC, trimmed, not upper-cased
    assert agency.managing_agency == "UBND phường Hạc Thành"
    (event,) = events(typed_app, Kind.AGENCY_SET_UP)
    assert event.payload["agency"]["name"] == TYPED


def test_the_receipt_says_the_name_as_typed_mid_sentence_and_in_capitals_in_its_header(typed_app):
    admin = typed_app.auth.login("admin", PASSWORD)
    official = typed_app.auth.add_user(admin, "hoa.nt", "Nguyễn Thị Hoa", Role.OFFICIAL, PASSWORD)
    add_procedure(typed_app)
    d = typed_app.reception.receive(official, draft())
    text = squash(page_texts(typed_app.printing.receipt(official, d.code).pdf)[0])
    assert f"{TYPED} tiếp nhận hồ sơ của" in text
    assert TYPED.upper() in text  # the header, as the form wants it


def test_an_administrator_sets_the_lookup_website_and_hotline_and_the_receipt_prints_them(app, admin, official):
    add_procedure(app)
    d = app.reception.receive(official, draft())
    before = squash(page_texts(app.printing.receipt(official, d.code).pdf)[0])
    assert "Tra cứu hồ sơ tại" not in before and "Đường dây nóng" not in before

    agency = app.setup.set_contact(admin, lookup_url=" https://dichvucong.thanhhoa.gov.vn/tra-cuu ",
                                   hotline="0237 3852 123")
    assert (agency.lookup_url, agency.hotline) == ("https://dichvucong.thanhhoa.gov.vn/tra-cuu", "0237 3852 123")
    (event,) = events(app, Kind.AGENCY_CONTACT_SET)
    assert event.actor == "admin"
    assert event.payload == {"code": agency.code, "lookup_url": agency.lookup_url, "hotline": "0237 3852 123"}

    text = squash(page_texts(app.printing.receipt(official, d.code).pdf)[0])
    assert "Tra cứu hồ sơ tại: https://dichvucong.thanhhoa.gov.vn/tra-cuu" in text
    assert "Đường dây nóng: 0237 3852 123" in text

    # one of them changed: only it is written; "" removes it from the paper
    app.setup.set_contact(admin, hotline="")
    assert events(app, Kind.AGENCY_CONTACT_SET)[-1].payload == {"code": agency.code, "hotline": ""}
    text = squash(page_texts(app.printing.receipt(official, d.code).pdf)[0])
    assert "Đường dây nóng" not in text and "Tra cứu hồ sơ tại: https://dichvucong" in text
    app.setup.set_contact(admin, hotline="")  # nothing changed: no event
    assert len(events(app, Kind.AGENCY_CONTACT_SET)) == 2


@pytest.mark.parametrize("url, problem", [
    ("dichvucong.gov.vn", "phải bắt đầu bằng http:// hoặc https://"),
    ("javascript:alert(1)", "phải bắt đầu bằng http:// hoặc https://"),
    ("https://", "tên miền không hợp lệ"),
    ("https://" + "a" * 200 + ".vn", "dài quá 200 ký tự"),
])
def test_a_bad_lookup_website_is_refused_naming_the_field_and_nothing_is_written(app, admin, url, problem):
    with pytest.raises(ValidationErrors) as caught:
        app.setup.set_contact(admin, lookup_url=url, hotline="1900 8198")
    (error,) = caught.value.errors
    assert error.field == "lookup_url"
    assert str(error).startswith("Địa chỉ tra cứu hồ sơ: ") and problem in str(error)
    assert app.setup.agency().hotline == "" and events(app, Kind.AGENCY_CONTACT_SET) == []


@pytest.mark.parametrize("hotline", ["12345", "0912 34", "gọi 113", "+1 202 555 0100"])
def test_a_bad_hotline_is_refused_naming_the_field(app, admin, hotline):
    with pytest.raises(ValidationErrors) as caught:
        app.setup.set_contact(admin, hotline=hotline)
    (error,) = caught.value.errors
    assert error.field == "hotline" and str(error).startswith("Đường dây nóng: ")


@pytest.mark.parametrize("hotline", ["1900 8198", "1800 1234", "0912 345 678", "+84 237 3852 123", "1022"])
def test_telephone_and_service_numbers_are_taken_as_typed(app, admin, hotline):
    assert app.setup.set_contact(admin, hotline=hotline).hotline == hotline


def test_both_mistakes_are_told_at_once(app, admin):
    with pytest.raises(ValidationErrors) as caught:
        app.setup.set_contact(admin, lookup_url="www.x.vn", hotline="123")
    assert {e.field for e in caught.value.errors} == {"lookup_url", "hotline"}


def test_only_an_administrator_sets_them(app, official):
    with pytest.raises(PermissionDenied):
        app.setup.set_contact(official, hotline="1900 8198")
    assert app.setup.agency().hotline == ""


def test_the_command_line_sets_and_shows_them(cli_ready):
    run = cli_ready
    code, out, err = run("agency", "set", "--lookup-url", "https://dichvucong.gov.vn", "--hotline", "1900 8198")
    assert code == 0, err
    assert "Tra cứu hồ sơ tại: https://dichvucong.gov.vn" in out and "Đường dây nóng: 1900 8198" in out
    code, out, err = run("agency", "show", "--json")
    shown = json.loads(out)
    assert shown["name"] == "Bộ phận Một cửa xã Quảng Phú"  # as typed at set-up
    assert (shown["lookup_url"], shown["hotline"]) == ("https://dichvucong.gov.vn", "1900 8198")
    code, out, err = run("agency", "set", "--hotline", "0123")
    assert code != 0 and out == "" and "Đường dây nóng" in err
    code, out, err = run("agency", "set", "--by", "hoa", "--hotline", "1900 8198")
    assert code != 0


def test_setup_takes_them_from_the_command_line(run):
    code, out, err = run("setup", "--agency-code", "000.17.22.H56", "--agency-name", TYPED,
                         "--managing-agency", "UBND phường Hạc Thành", "--province", "Thanh Hóa", "--counter", "1",
                         "--admin", "admin", "--no-sample-catalog", "--lookup-url", "https://dichvucong.gov.vn",
                         "--hotline", "0237 3852 123")
    assert code == 0, err
    shown = json.loads(run("agency", "show", "--json")[1])
    assert (shown["name"], shown["lookup_url"], shown["hotline"]) == (TYPED, "https://dichvucong.gov.vn",
                                                                       "0237 3852 123")
    code, out, err = run("setup", "--agency-code", "000.17.22.H56", "--agency-name", "X", "--counter", "2",
                         "--admin", "admin", "--lookup-url", "ftp://x.vn")
    assert code != 0 and "Địa chỉ tra cứu hồ sơ" in err
