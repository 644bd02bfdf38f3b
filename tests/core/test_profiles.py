"""Regulation profiles an administrator publishes: checked, recorded as an event, used for the
dossiers received while they are in force, never for older ones."""

from __future__ import annotations

import json
import unicodedata

import pytest

from oneStop.domain.errors import PermissionDenied, ValidationError
from tests.core.helpers import add_procedure, draft
from tests.core.pdf_tools import page_texts

DECREE_2025 = {
    "id": "nd118-2025",
    "name": "Nghị định 118/2025/NĐ-CP",
    "effective_from": "2026-11-24",
    "forms": {
        "receipt": {"number": "Mẫu số 01a", "title": "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ (MẪU MỚI)"},
        "refusal": {"number": "Mẫu số 03a", "title": "PHIẾU TỪ CHỐI (MẪU MỚI)"},
    },
    "report": {"excluded_states": ["withdrawn"]},
}


def text_of(pdf: bytes) -> str:
    return " ".join(unicodedata.normalize("NFC", " ".join(page_texts(pdf))).split())


def test_a_published_profile_governs_dossiers_received_from_its_first_day(app, admin, official, clock):
    add_procedure(app)
    before = app.reception.receive(official, draft())  # Monday 23/11: the bundled 2025 profile
    published = app.profiles.publish(admin, DECREE_2025)
    assert published.id == "nd118-2025"
    assert [p.id for p in app.profiles.all()] == ["tt01-2018", "tt03-2025", "nd118-2025"]
    still_old = app.reception.receive(official, draft())
    clock.advance(days=1)  # Tuesday 24/11: the new profile is in force
    after = app.reception.receive(official, draft())
    assert (before.profile_id, still_old.profile_id, after.profile_id) == ("tt03-2025", "tt03-2025", "nd118-2025")
    new_receipt = text_of(app.printing.receipt(official, after.code).pdf)
    assert "Mẫu số 01a" in new_receipt and "(MẪU MỚI)" in new_receipt
    old_receipt = text_of(app.printing.receipt(official, before.code).pdf)  # a reprint keeps its own papers
    assert "Mẫu số 01 " in old_receipt + " " and "MẪU MỚI" not in old_receipt
    # a form the new profile does not name keeps the standard number and title
    assert app.reports.periodic(admin, "2026-11").excluded_states == ("withdrawn",)
    assert app.reports.periodic(admin, "2026-10").excluded_states == ()


def test_publishing_is_an_administrators_act_and_leaves_an_event(app, admin, official):
    with pytest.raises(PermissionDenied):
        app.profiles.publish(official, DECREE_2025)
    app.profiles.publish(admin, json.dumps(DECREE_2025, ensure_ascii=False))
    with app.uow() as uow:
        from sqlalchemy import select

        from oneStop.persistence.models import EventRow

        events = uow.session.scalars(select(EventRow).where(EventRow.kind == "profile.published")).all()
    assert [(e.actor, e.payload["profile"]["id"]) for e in events] == [(admin.username, "nd118-2025")]
    # the same id published again replaces the earlier one
    app.profiles.publish(admin, {**DECREE_2025, "name": "Nghị định 118/2025/NĐ-CP (sửa)"})
    assert app.profiles.require("nd118-2025").name.endswith("(sửa)") and len(app.profiles.all()) == 3


@pytest.mark.parametrize("change, words", [
    ({"id": "Có Dấu"}, "id chỉ gồm"),
    ({"name": " "}, "thiếu name"),
    ({"effective_from": "24/11/2026"}, "effective_from phải là ngày"),
    ({"effective_to": "2026-01-01"}, "effective_to trước effective_from"),
    ({"forms": {"receipt": {"number": "Mẫu 1"}}}, "forms.receipt phải có number và title"),
    ({"forms": {"biên lai": {"number": "1", "title": "x"}}}, "loại mẫu lạ «biên lai»"),
    ({"report": {"excluded_states": ["lost"]}}, "trạng thái lạ «lost»"),
    # what a form holds beyond its number and title (issue 15)
    ({"forms": {"receipt": {"number": "1", "title": "x", "paper": "Letter"}}}, "forms.receipt.paper phải là A5 hoặc A4"),
    ({"forms": {"receipt": {"number": "1", "title": "x", "copies": ["1", "2", "3", "4"]}}}, "tối đa 3 dòng ghi liên"),
    ({"forms": {"receipt": {"number": "1", "title": "x", "document_number": "{so}/GTN"}}}, "chỉ dùng {seq}"),
    ({"forms": {"receipt": {"number": "1", "title": "x", "fields": ["extension"]}}}, "forms.receipt.fields chỉ gồm"),
    ({"forms": {"apology": {"number": "4", "title": "x", "signers": [{"title": "THỦ TRƯỞNG", "who": "mayor"}]}}},
     "signers[1].who phải là một trong"),
    ({"forms": {"receipt": {"number": "1", "title": "x", "colour": "red"}}}, "có mục lạ «colour»"),
    ({"forms": {"receipt": {"number": "1", "title": "GIẤY 😀"}}}, "ký tự «😀»"),
    ({"forms": {"receipt": {"number": "1", "title": "x", "columns": ["code"]}}}, "columns chỉ có ở tracking_book"),
    ({"dossier_code": {"date_format": "ddmmyy"}}, "dossier_code.date_format phải là một trong"),
    ({"dossier_code": {"min_digits": 3}}, "min_digits phải là số nguyên từ 4 đến 7"),
])
def test_a_wrong_profile_is_refused_naming_what_is_wrong(app, admin, change, words):
    with pytest.raises(ValidationError, match="Bộ quy định") as refused:
        app.profiles.publish(admin, {**DECREE_2025, **change})
    assert words in str(refused.value)
    assert [p.id for p in app.profiles.all()] == ["tt01-2018", "tt03-2025"]


def test_profiles_from_the_command_line(app, admin, tmp_path, capsys):
    from oneStop.cli import main

    root = app.paths.root
    app.close()
    source = tmp_path / "nd118.json"
    source.write_text(json.dumps(DECREE_2025, ensure_ascii=False), encoding="utf-8")
    assert main(["--data-dir", str(root), "profiles", "publish", str(source)]) == 0
    assert "Đã công bố nd118-2025" in capsys.readouterr().out
    assert main(["--data-dir", str(root), "profiles", "list", "--json"]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert [(p["id"], p["effective_from"]) for p in listed] == [
        ("tt01-2018", "2019-01-06"), ("tt03-2025", "2025-11-01"), ("nd118-2025", "2026-11-24")]
    source.write_text("{not json", encoding="utf-8")
    assert main(["--data-dir", str(root), "profiles", "publish", str(source)]) == 1
    assert "Bộ quy định (biểu mẫu): không phải JSON hợp lệ" in capsys.readouterr().err


def test_a_form_holds_its_paper_copies_number_signers_and_wording():
    from datetime import date

    from oneStop.domain.profiles import parse_profile

    profile = parse_profile({**DECREE_2025, "dossier_code": {"date_format": "yyyymmdd", "min_digits": 7}, "forms": {
        "receipt": {"number": "Mẫu số 01", "title": "GIẤY TIẾP NHẬN", "document_number": "{seq}/GTN-{yyyy}",
                    "fields": ["identification", "privacy_notice"], "text": {"privacy_notice": "Dữ liệu cá nhân …"},
                    "signers": [{"title": "NGƯỜI TIẾP NHẬN HỒ SƠ", "who": "official"}]},
        "tracking_book": {"number": "Mẫu số 07", "title": "SỔ", "columns": ["number", "code", "received"]}}})
    receipt = profile.form("receipt")
    assert (receipt.paper, receipt.copies) == ("A5", ("Liên 1: Lưu", "Liên 2: Giao người nộp"))  # 2018 practice
    assert receipt.document_number_for("G12.18.112.001-261204-0012", date(2026, 12, 4)) == "12/GTN-2026"
    assert receipt.has("privacy_notice") and not receipt.has("proxy")
    assert [(s.title, s.who) for s in receipt.signers] == [("NGƯỜI TIẾP NHẬN HỒ SƠ", "official")]
    assert profile.form("tracking_book").paper == "A4" and profile.form("tracking_book").columns == (
        "number", "code", "received")
    assert profile.dossier_code.date_text(date(2026, 6, 9)) == "20260609" and profile.dossier_code.min_digits == 7


def test_the_profile_in_force_sets_the_least_digits_of_the_daily_number(app, admin, official, clock):
    """Issue 15 (rules §11.3): the code's number length belongs to the regulation profile; the
    agency's setting may ask for more, never for fewer."""
    add_procedure(app)
    before = app.reception.receive(official, draft())
    app.profiles.publish(admin, {**DECREE_2025, "dossier_code": {"min_digits": 6}})
    clock.advance(days=1)  # 24/11: the published profile is in force
    after = app.reception.receive(official, draft())
    assert len(before.code.rsplit("-", 1)[1]) == 4 and len(after.code.rsplit("-", 1)[1]) == 6
    assert app.dossiers.show(official, after.code).dossier.code == after.code  # the longer code reads back


def test_the_bundled_profiles_hand_over_on_1_november_2025_with_the_seven_forms_of_2025():
    """Thông tư 03/2025's forms from 01/11/2025 (the administrator may publish another date,
    rules §11.4); the 2018 forms end the day before."""
    from datetime import date

    from oneStop.domain.profiles import FORM_KEYS, load_profiles, profile_for
    from oneStop.resources import resources_path

    bundled = load_profiles(resources_path("profiles"))
    assert profile_for(bundled, date(2025, 10, 31)).id == "tt01-2018"
    assert profile_for(bundled, date(2025, 11, 1)).id == "tt03-2025"
    assert profile_for(bundled, date(2026, 12, 4)).id == "tt03-2025"
    tt03 = profile_for(bundled, date(2026, 12, 4))
    assert [tt03.form(k).number for k in FORM_KEYS] == [f"Mẫu số 0{n}" for n in range(1, 8)]
    assert tt03.form("apology").title == "VĂN BẢN XIN LỖI VÀ ĐỀ NGHỊ GIA HẠN THỜI GIAN GIẢI QUYẾT"
    assert tt03.form("apology").signers[0].who == "head" and tt03.form("apology").has("extension")
    assert tt03.form("tracking_book").has("per_field") and len(tt03.form("tracking_book").columns) == 11
    assert "91/2025/QH15" in tt03.form("receipt").text["privacy_notice"]
