"""Handover with the postal service: every scan outcome, closing rules, corrections, incoming
postal dossiers, delivery outcomes."""

from __future__ import annotations

import pytest

from oneStop.domain.errors import PermissionDenied, ValidationError
from oneStop.domain.handover import Outcome
from oneStop.domain.lifecycle import Transition
from oneStop.domain.models import Applicant, DossierDraft, DossierStatus, ReturnMethod
from oneStop.services.handover import BatchClosed, BatchUnresolved
from tests.core.helpers import TEST_PROCEDURE, add_procedure, counts, draft

S10 = ["RR123456785VN", "EE471108151FR", "EB000717618HK", "CP000000005VN"]


@pytest.fixture
def post(app, admin, official, postal):  # type: ignore[no-untyped-def]
    add_procedure(app)
    app.handover.save_postal_unit(admin, "BC-QP", "Bưu cục Quảng Phú", "Thôn 1, xã Quảng Phú", "02373000000")
    return app


def ready_by_post(app, official, **overrides):  # type: ignore[no-untyped-def]
    d = app.reception.receive(official, draft(return_method=ReturnMethod.POST, delivery_address="Số 5 Lê Lợi",
                                              **overrides))
    return app.lifecycle.transition(official, d.code, Transition.RESULT_READY, {})


def open_out(app, user):  # type: ignore[no-untyped-def]
    return app.handover.open(user, "out", "BC-QP", "Trần Văn Bưu", "NV0012")


def command_line(app, capsys):  # type: ignore[no-untyped-def]
    """Close ``app`` and give ``run(*args)``: the command line on its data folder, answering
    (exit code, stdout, stderr)."""
    from oneStop.cli import main

    root = app.paths.root
    app.close()

    def run(*args):  # type: ignore[no-untyped-def]
        code = main(["--data-dir", str(root), *args])
        out, err = capsys.readouterr()
        return code, out, err

    return run


def test_accepted_then_tracking_then_close_returns_the_results_by_post(post, official, postal):
    app = post
    a, b = ready_by_post(app, official), ready_by_post(app, official)
    batch = open_out(app, postal)
    assert batch.number.startswith("BG-261123-1-")
    first = app.handover.scan(postal, batch.number, a.code + "\r\n")
    assert first.outcome is Outcome.ACCEPTED and first.unresolved == 1
    label = app.handover.scan(postal, batch.number, S10[0])
    assert label.outcome is Outcome.TRACKING and label.code == a.code and label.unresolved == 0
    second = app.handover.scan(postal, batch.id, b.code, tracking_number="ee 471108151 fr")
    assert second.outcome is Outcome.ACCEPTED and second.tracking == S10[1]
    closed = app.handover.close(official, batch.number)
    assert closed.closed and closed.staff_name == "Trần Văn Bưu"
    for d in (a, b):
        after = app.dossiers.get(official, d.code)
        assert after.status is DossierStatus.RETURNED and after.returned_by_post


def test_duplicate_says_who_scanned_it_first_and_when(post, official, postal, clock):
    app = post
    a = ready_by_post(app, official)
    batch = open_out(app, official)
    app.handover.scan(official, batch.number, a.code)
    clock.advance(seconds=30)
    again = app.handover.scan(postal, batch.number, a.code)
    assert again.outcome is Outcome.DUPLICATE
    assert again.first_scanned_by == "Nguyễn Thị Hoa" and again.first_scanned_at.strftime("%H:%M") == "09:15"
    assert "Nguyễn Thị Hoa" in again.reason


@pytest.mark.parametrize("kind", ["not-ready-status", "not-ready-counter", "unknown-code", "unknown-text"])
def test_refused_scans_change_nothing_but_are_recorded(post, official, postal, kind):
    app = post
    if kind == "not-ready-status":
        text = app.reception.receive(official, draft(return_method=ReturnMethod.POST, delivery_address="X")).code
        expected, words = Outcome.NOT_READY, "chưa có kết quả"
    elif kind == "not-ready-counter":
        d = app.reception.receive(official, draft())
        text = app.lifecycle.transition(official, d.code, Transition.RESULT_READY, {}).code
        expected, words = Outcome.NOT_READY, "tại Bộ phận Một cửa"
    elif kind == "unknown-code":
        text, expected, words = "000.17.22.H56-261123-0999", Outcome.UNKNOWN, "Không có hồ sơ"
    else:
        text, expected, words = "hello", Outcome.UNKNOWN, "Không nhận ra"
    batch = open_out(app, postal)
    before = counts(app)["events"]
    result = app.handover.scan(postal, batch.number, text)
    assert result.outcome is expected and words in result.reason
    assert app.handover.get(postal, batch.number).items == ()
    assert counts(app)["events"] == before + 1  # the refused scan, for the audit trail


def test_wrong_batch(post, official, postal):
    app = post
    a = ready_by_post(app, official)
    first, second = open_out(app, postal), open_out(app, postal)
    app.handover.scan(postal, first.number, a.code)
    result = app.handover.scan(postal, second.number, a.code)
    assert result.outcome is Outcome.WRONG_BATCH and first.number in result.reason
    # a tracking number already used in another batch
    app.handover.scan(postal, first.number, S10[0])
    b = ready_by_post(app, official)
    app.handover.scan(postal, second.number, b.code)
    assert app.handover.scan(postal, second.number, S10[0]).outcome is Outcome.WRONG_BATCH


def test_a_telex_mangled_label_still_attaches(post, official, postal):
    app = post
    a = ready_by_post(app, official)
    batch = open_out(app, postal)
    app.handover.scan(postal, batch.number, a.code)
    result = app.handover.scan(postal, batch.number, "Ê471108151FR")  # Unikey turned EE into Ê
    assert result.outcome is Outcome.TRACKING and result.tracking == "EE471108151FR"


def test_a_bad_check_digit_is_not_a_tracking_number(post, official, postal):
    app = post
    a = ready_by_post(app, official)
    batch = open_out(app, postal)
    app.handover.scan(postal, batch.number, a.code)
    assert app.handover.scan(postal, batch.number, "RR123456784VN").outcome is Outcome.UNKNOWN


def test_a_batch_cannot_close_with_unresolved_items_and_a_closed_batch_cannot_be_edited(post, official, postal):
    app = post
    a = ready_by_post(app, official)
    batch = open_out(app, postal)
    with pytest.raises(BatchUnresolved, match="chưa có mục nào"):
        app.handover.close(postal, batch.number)
    app.handover.scan(postal, batch.number, a.code)
    with pytest.raises(BatchUnresolved, match="chưa có số hiệu bưu gửi"):
        app.handover.close(postal, batch.number)
    app.handover.scan(postal, batch.number, S10[0])
    app.handover.close(postal, batch.number)
    b = ready_by_post(app, official)
    assert app.handover.scan(postal, batch.number, b.code).outcome is Outcome.CLOSED
    with pytest.raises(BatchClosed):
        app.handover.close(postal, batch.number)


def test_a_closed_batch_is_corrected_by_a_new_event(post, official, postal):
    app = post
    a = ready_by_post(app, official)
    batch = open_out(app, postal)
    item = app.handover.scan(postal, batch.number, a.code, tracking_number=S10[0]).item_id
    app.handover.close(postal, batch.number)
    with pytest.raises(ValidationError):
        app.handover.remove_item(postal, batch.number, item, "  ")
    corrected = app.handover.remove_item(postal, batch.number, item, "Bưu tá trả lại, thiếu chữ ký")
    assert corrected.corrections == 1 and corrected.closed
    assert app.dossiers.get(official, a.code).status is DossierStatus.RESULT_READY


def test_delivery_outcomes(post, official, postal):
    app = post
    a, b = ready_by_post(app, official), ready_by_post(app, official)
    batch = open_out(app, postal)
    app.handover.scan(postal, batch.number, a.code, tracking_number=S10[0])
    app.handover.scan(postal, batch.number, b.code, tracking_number=S10[1])
    app.handover.close(postal, batch.number)
    delivered = app.handover.outcome(postal, a.code, delivered=True, detail="Nguyễn Thị Hường")
    assert delivered.status is DossierStatus.RETURNED and delivered.delivered_at is not None
    back = app.handover.outcome(postal, b.code, delivered=False, detail="Không có người nhận")
    assert back.status is DossierStatus.RESULT_READY and back.return_method is ReturnMethod.COUNTER
    c = app.lifecycle.transition(official, ready_by_post(app, official).code, Transition.RETURNED,
                                 {"method": "counter", "collected_by": "A"})
    with pytest.raises(Exception, match="không được giao qua bưu chính"):
        app.handover.outcome(postal, c.code, delivered=True, detail="X")


def test_incoming_postal_dossiers(post, official, postal):
    app = post
    batch = app.handover.open(official, "in", "BC-QP", "Trần Văn Bưu")
    assert app.handover.scan(official, batch.number, S10[2]).outcome is Outcome.ACCEPTED
    assert app.handover.scan(official, batch.number, S10[2]).outcome is Outcome.DUPLICATE
    assert app.handover.scan(official, batch.number, "000.17.22.H56-261123-0001").outcome is Outcome.UNKNOWN
    with pytest.raises(BatchUnresolved, match="chưa tiếp nhận"):
        app.handover.close(official, batch.number)
    applicant = Applicant(name="Lê Văn Gửi", citizen_id="038190012345", address="Thôn 2, xã Quảng Phú")
    # TEST_PROCEDURE wants 1 original and 2 photocopies; the slip says 1 and 1
    dossier = app.handover.receive_item(official, batch.number, S10[2],
                                        DossierDraft(procedure_code=TEST_PROCEDURE.code, applicant=applicant),
                                        postal_fee=25000, slip_originals=1, slip_copies=1)
    assert dossier.channel.value == "postal" and dossier.postal_tracking == S10[2]
    item = app.handover.get(official, batch.number).items[0]
    assert item.code == dossier.code and item.postal_fee == 25000 and "bản sao" in item.note
    closed = app.handover.close(official, batch.number)
    assert closed.closed
    # the same parcel again, in a new batch: already a dossier
    again = app.handover.open(official, "in", "BC-QP", "Trần Văn Bưu")
    assert app.handover.scan(official, again.number, S10[2]).outcome is Outcome.DUPLICATE


def test_roles_and_reference_data(post, admin, official, supervisor, postal):
    app = post
    with pytest.raises(PermissionDenied):
        app.handover.open(supervisor, "out", "BC-QP", "X")
    with pytest.raises(PermissionDenied):
        app.handover.save_postal_unit(official, "BC-X", "X")
    with pytest.raises(ValidationError) as error:
        app.handover.open(postal, "out", "BC-NONE", "X")
    assert error.value.field == "postal_unit"
    with pytest.raises(ValidationError) as error:
        app.handover.open(postal, "sideways", "BC-QP", "X")
    assert error.value.field == "direction"
    assert [u.code for u in app.handover.postal_units()] == ["BC-QP"]


def test_the_printed_list_scans_back_item_by_item(post, official, postal):
    from tests.core.pdf_tools import decode, page_images, page_sizes_mm, page_texts

    app = post
    dossiers = [ready_by_post(app, official) for _ in range(3)]
    batch = open_out(app, postal)
    for d, label in zip(dossiers, S10):
        app.handover.scan(postal, batch.number, d.code, tracking_number=label)
    app.handover.close(official, batch.number)
    pdf = app.handover.print_list(official, batch.number)
    assert page_sizes_mm(pdf) == [(297, 210)] * 2  # two copies, A4 landscape
    found = decode(page_images(pdf)[0])["Code128"]
    assert sorted(found) == sorted([batch.number] + [d.code for d in dossiers])
    text = " ".join(page_texts(pdf)[0].split())
    assert "PHIẾU BÀN GIAO KẾT QUẢ GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH" in text
    assert "Tổng số: 3 hồ sơ" in text and "BÊN NHẬN (BƯU CHÍNH)" in text and "Trần Văn Bưu" in text
    for label in S10[:3]:
        assert label in text


def test_handover_from_the_command_line(post, official, postal, tmp_path, capsys):
    import json

    app = post
    d = ready_by_post(app, official)
    run = command_line(app, capsys)

    code, out, err = run("handover", "open", "--direction", "out", "--user", "buu.dien", "--postal-unit", "BC-QP",
                         "--postal-staff", "Trần Văn Bưu")
    assert code == 0, err
    batch = out.strip().splitlines()[-1]
    code, out, _ = run("handover", "scan", batch, d.code, "--user", "buu.dien", "--tracking", S10[0])
    assert json.loads(out)["outcome"] == "accepted"
    code, out, _ = run("handover", "scan", batch, d.code, "--user", "buu.dien")
    assert json.loads(out)["outcome"] == "duplicate"
    assert run("handover", "close", batch, "--user", "buu.dien")[0] == 0
    pdf = tmp_path / "bg.pdf"
    assert run("print", "handover", batch, "--out", str(pdf), "--user", "hoa.nt")[0] == 0
    assert pdf.read_bytes().startswith(b"%PDF")
    code, out, _ = run("handover", "outcome", d.code, "--undeliverable", "Sai địa chỉ", "--user", "buu.dien")
    assert code == 0 and "Đã xử lý xong" in out
    code, _, err = run("handover", "scan", batch, d.code, "--user", "buu.dien")
    assert code == 0  # a scan into a closed batch answers "closed", it is not an error


def test_the_outgoing_list_names_the_result_the_fee_and_the_postal_delivery(post, official, postal):
    """Rules §2.7: "PHIẾU BÀN GIAO KẾT QUẢ GIẢI QUYẾT TTHC" with result, fee and "Đăng ký trả
    kết quả qua bưu điện" columns (issue 15); the incoming list keeps its own columns."""
    from tests.core.pdf_tools import page_texts

    app = post
    d = app.reception.receive(official, draft(return_method=ReturnMethod.POST, delivery_address="Số 5 Lê Lợi"))
    app.lifecycle.transition(official, d.code, Transition.RESULT_READY,
                             {"result": "Giấy chứng nhận đăng ký hộ kinh doanh"})
    batch = open_out(app, postal)
    app.handover.scan(postal, batch.number, d.code, tracking_number=S10[0])
    pdf = app.handover.print_list(official, batch.number)
    for page in page_texts(pdf):
        text = " ".join(page.split())
        for header in ("Kết quả giải quyết", "Phí, lệ phí", "Đăng ký trả kết quả qua bưu điện"):
            assert header in text
        assert "Giấy chứng nhận đăng ký hộ kinh doanh" in text
        assert DossierStatus.RESULT_READY.label in text
        assert "Số 5 Lê Lợi, 0912345678" in text
        assert "Phải nộp:" in text and "Đã thu:" in text and "Thu khi giao:" in text

    incoming = app.handover.open(postal, "in", "BC-QP", "Trần Văn Bưu")
    text = " ".join(page_texts(app.handover.print_list(official, incoming.number))[0].split())
    assert "DANH SÁCH BÀN GIAO HỒ SƠ" in text
    for header in ("Họ tên người nộp", "Nhận hồ sơ / Hẹn trả", "Phí bưu chính thu hộ", "Số hiệu bưu gửi"):
        assert header in text
    assert "Đăng ký trả kết quả qua bưu điện" not in text


def test_a_code_with_the_date_written_yyyymmdd_is_scanned_listed_and_printed(app, admin, official, postal, clock,
                                                                             capsys):
    """Issue 15 (rules §11.3): under a profile that writes the code's date in eight digits and
    its number in seven, a scan of the code (as the scanner types it: a symbology prefix, CR LF)
    finds the dossier, the handover list prints it whole and its barcode reads back, and the
    command line scans it too."""
    import json

    from tests.core.helpers import publish_code_form
    from tests.core.pdf_tools import decode, page_images, page_texts

    publish_code_form(app, admin)
    add_procedure(app)
    app.handover.save_postal_unit(admin, "BC-QP", "Bưu cục Quảng Phú")
    a, b = ready_by_post(app, official), ready_by_post(app, official)
    assert (a.code, b.code) == ("000.17.22.H56-20261123-0000001", "000.17.22.H56-20261123-0000002")
    batch = open_out(app, postal)
    first = app.handover.scan(postal, batch.number, f"]C0{a.code}\r\n")
    assert first.outcome is Outcome.ACCEPTED and first.code == a.code, first
    assert app.handover.scan(postal, batch.number, S10[0]).outcome is Outcome.TRACKING
    assert app.handover.scan(postal, batch.number, a.code.lower()).outcome is Outcome.DUPLICATE
    unknown = app.handover.scan(postal, batch.number, "000.17.22.H56-20261123-0000999")
    assert unknown.outcome is Outcome.UNKNOWN and "Không có hồ sơ mã 000.17.22.H56-20261123-0000999" in unknown.reason
    app.handover.close(official, batch.number)
    pdf = app.handover.print_list(official, batch.number)
    assert sorted(decode(page_images(pdf)[0])["Code128"]) == sorted([batch.number, a.code])
    assert a.code in page_texts(pdf)[0]
    run = command_line(app, capsys)

    code, out, err = run("handover", "open", "--direction", "out", "--user", "buu.dien", "--postal-unit", "BC-QP",
                         "--postal-staff", "Trần Văn Bưu")
    assert code == 0, err
    code, out, err = run("handover", "scan", out.strip().splitlines()[-1], b.code, "--user", "buu.dien",
                         "--tracking", S10[1])
    assert code == 0 and json.loads(out)["outcome"] == "accepted" and json.loads(out)["code"] == b.code, (out, err)


LONGEST = "G12.18.112.001.0001.0002.0003.00045"  # 35 characters, the 2025 form's longest


@pytest.mark.parametrize("direction", ["out", "in"])
def test_the_longest_2025_code_prints_whole_on_one_line_and_scans(direction):
    """A 2025 dossier code of 35+1+6+1+7 characters (issue 15), and of 35+1+8+1+7 with the date
    written yyyymmdd (rules §11.3): on one line in its column, never cut, its barcode readable
    and inside its column, even after a short 2018 code."""
    import io
    from datetime import datetime

    from oneStop.domain.codes import DOSSIER_CODE_MAX_LENGTH
    from oneStop.printing.handover_list import HandoverLine, HandoverListDocument, render_handover_list
    from tests.core.pdf_tools import page_images

    codes = ["000.17.22.H56-261204-0001", f"{LONGEST}-261204-0000012", f"{LONGEST}-261204-1234567",
             f"{LONGEST}-20261204-9999999"]
    assert len(codes[-1]) == DOSSIER_CODE_MAX_LENGTH
    when = datetime(2026, 12, 4, 9, 30)
    lines = tuple(HandoverLine(code=code, procedure="Đăng ký thành lập hộ kinh doanh", sets=1, owner="Nguyễn Thị Hường",
                               address="Thôn 3, xã Quảng Phú, tỉnh Thanh Hóa", phone="0912 345 678",
                               tracking=S10[i], received_at=when, due_at=when, fee=100_000, result="Giấy chứng nhận",
                               status="Đã xử lý xong")
                  for i, code in enumerate(codes))
    pdf = render_handover_list(HandoverListDocument(
        direction=direction, number="BG-20261204-001", managing_agency="UBND TỈNH THANH HÓA",
        unit="TRUNG TÂM PHỤC VỤ HÀNH CHÍNH CÔNG", place="Thanh Hóa", postal_unit="Bưu cục Quảng Phú (BC-QP)",
        staff_name="Trần Văn Bưu", staff_id="NV0012", official_name="Nguyễn Thị Hoa", printed_at=when,
        closed_at=when, lines=lines))
    import zxingcpp
    from pypdf import PdfReader

    all_texts: list[str] = []
    all_symbols: list[str] = []
    for page, image in zip(PdfReader(io.BytesIO(pdf)).pages, page_images(pdf)):
        fragments: list[tuple[str, float, float]] = []  # text, x, y in points, as drawn
        page.extract_text(visitor_text=lambda t, cm, tm, font, size: fragments.append((t.strip(), tm[4], tm[5])))
        texts = [t for t, _, _ in fragments]
        all_texts += texts
        symbols = [r for r in zxingcpp.read_barcodes(image) if r.format.name == "Code128"]
        all_symbols += [r.text for r in symbols]
        for symbol in symbols:
            if symbol.text not in codes:
                continue
            _, x, y = next(f for f in fragments if f[0] == symbol.text)
            next_column = min(fx for _, fx, fy in fragments if abs(fy - y) < 0.5 and fx > x)
            right = max(symbol.position.top_right.x, symbol.position.bottom_right.x) * 72 / 300
            quiet = 10 * 0.2117 / 25.4 * 72
            assert right + quiet < next_column, (symbol.text, right, next_column)  # inside its own column
    copies = 2
    for code, label in zip(codes, S10):
        assert all_texts.count(code) == copies, (code, all_texts)  # whole, on one line, once per copy
        assert all_texts.count(label) == copies, (label, all_texts)  # so is the tracking number
        assert all_symbols.count(code) == copies  # and its barcode reads
    assert any(t.endswith("lượng") for t in all_texts), all_texts  # nor a header's word
    if direction == "in":  # nor a time and date
        assert all_texts.count("09:30 04/12/2026") == 2 * copies * len(codes), all_texts
