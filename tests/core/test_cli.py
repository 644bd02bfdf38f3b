"""The command line, end to end on a real data folder."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from pypdf import PdfReader

from oneStop import __version__
from oneStop.cli import main

# ``run``: the command line on a new data folder (tests/conftest.py)


@pytest.fixture
def ready(cli_ready):  # type: ignore[no-untyped-def]
    return cli_ready  # tests/core/conftest.py


def _birth_code(run) -> str:  # type: ignore[no-untyped-def]
    code, out, _ = run("catalog", "list", "--search", "dang ky khai sinh", "--json")
    assert code == 0
    found = json.loads(out)
    assert found, "the sample catalog has birth registration"
    assert any(p["name"].startswith("Đăng ký khai sinh") for p in found)
    return next(p["code"] for p in found if p["name"].startswith("Đăng ký khai sinh"))


def _receive(run, *extra: str) -> dict:  # type: ignore[no-untyped-def]
    code, out, err = run("receive", "--user", "hoa", "--procedure", _birth_code(run), "--name", "Phạm Văn Nam",
                         "--citizen-id", "038095001234", "--phone", "0987654321",
                         "--address", "Thôn Đông, xã Quảng Phú", "--json", *extra)
    assert code == 0, err
    return json.loads(out)


def test_version(run, capsys):
    assert main(["--version"]) == 0
    assert capsys.readouterr().out.startswith("oneStop ")


def test_receive_prints_the_dossier_as_json(ready):
    dossier = _receive(ready, "--received-at", "2026-11-20T09:30:00+07:00")
    assert dossier["code"] == "000.17.22.H56-261120-0001"
    assert dossier["received_at"] == "2026-11-20T09:30:00+07:00"
    assert dossier["due_at"] >= dossier["received_at"]
    assert set(dossier["procedure"]) >= {"code", "name", "processing_days"}
    assert dossier["applicant"]["name"] == "Phạm Văn Nam"
    assert dossier["documents"], "documents come from the procedure"


def test_show_and_list_and_print_and_reprint(ready, tmp_path):
    dossier = _receive(ready)
    code, out, err = ready("dossier", "show", dossier["code"], "--user", "hoa", "--json")
    assert code == 0, err
    shown = json.loads(out)
    assert [e["kind"] for e in shown["events"]] == ["dossier.received"]

    day = shown["received_at"][:10]
    code, out, _ = ready("dossier", "list", "--date", day, "--json")
    assert [d["code"] for d in json.loads(out)] == [dossier["code"]]

    first, second = tmp_path / "r1.pdf", tmp_path / "r2.pdf"
    assert ready("print", "receipt", dossier["code"], "--out", str(first), "--user", "hoa")[0] == 0
    assert ready("print", "receipt", dossier["code"], "--out", str(second), "--paper", "A4", "--user", "hoa")[0] == 0
    text1 = "".join(p.extract_text() for p in PdfReader(first).pages)
    text2 = "".join(p.extract_text() for p in PdfReader(second).pages)
    assert "BẢN IN LẠI" not in text1 and "BẢN IN LẠI" in text2
    code, out, _ = ready("dossier", "show", dossier["code"], "--json")
    kinds = [e["kind"] for e in json.loads(out)["events"]]
    assert kinds == ["dossier.received", "receipt.printed", "receipt.reprinted"]


def test_errors_go_to_stderr_with_a_non_zero_exit_and_write_nothing(ready):
    code, out, err = ready("receive", "--user", "hoa", "--procedure", _birth_code(ready), "--name", "Phạm Văn Nam",
                           "--citizen-id", "99999", "--address", "Xã Quảng Phú", "--json")
    assert code != 0 and out == ""
    assert "Số định danh cá nhân (CCCD)" in err
    code, out, _ = ready("dossier", "list", "--json")
    assert json.loads(out) == []
    code, out, err = ready("receive", "--user", "hoa", "--procedure", "0.000000", "--name", "A",
                           "--citizen-id", "038095001234", "--address", "X", "--json")
    assert code != 0 and "0.000000" in err


def test_receive_before_setup_says_so(run):
    code, out, err = run("dossier", "list", "--json")
    assert code != 0 and "thiết lập" in err


def test_catalog_export_and_reimport_round_trip(ready, tmp_path):
    target = tmp_path / "catalog.xlsx"
    code, out, err = ready("catalog", "export", str(target))
    assert code == 0, err
    code, out, err = ready("catalog", "import", str(target))
    assert code == 0, err
    assert "0 thêm mới, 0 cập nhật" in out


def test_bad_catalog_rows_are_reported_and_nothing_is_imported(ready, tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text(
        "ma_thu_tuc,ten_thu_tuc,linh_vuc,co_quan_giai_quyet,so_ngay_giai_quyet,so_gio_giai_quyet,le_phi,"
        "ghi_chu_le_phi,tiep_nhan_buu_chinh,tra_ket_qua_buu_chinh,thanh_phan_ho_so,hieu_luc\n"
        "8.000001,Thủ tục mới,Hộ tịch,UBND cấp xã,3,0,0,,có,có,Tờ khai [bản chính x1],có\n"
        "8.000002,Thủ tục lỗi,Hộ tịch,UBND cấp xã,-1,0,abc,,có,có,Tờ khai [bản chính x1],có\n",
        encoding="utf-8",
    )
    code, out, err = ready("catalog", "import", str(bad))
    assert code != 0
    assert "Dòng 3" in err
    code, out, _ = ready("catalog", "list", "--search", "thu tuc moi", "--json")
    assert json.loads(out) == []


def test_the_installed_entry_point_runs(tmp_path):
    env = {**os.environ, "ONESTOP_DATA_DIR": str(tmp_path / "d")}
    exe = Path(sys.executable).with_name("onestop")
    cmd = [str(exe)] if exe.exists() else [sys.executable, "-m", "ui.main"]
    result = subprocess.run([*cmd, "--version"], capture_output=True, text=True, env=env)
    assert result.returncode == 0
    assert __version__ in result.stdout


def test_calendar_overrides_change_the_computed_appointment(ready):
    code, out, _ = ready("calendar", "due", "--days", "1", "--from", "2026-12-03T09:00:00+07:00")
    assert out.strip() == "2026-12-04T09:00:00+07:00"
    assert ready("calendar", "set", "2026-12-04", "--off", "--note", "Nghỉ bù của tỉnh")[0] == 0
    code, out, _ = ready("calendar", "due", "--days", "1", "--from", "2026-12-03T09:00:00+07:00")
    assert out.strip() == "2026-12-07T09:00:00+07:00"
    assert ready("calendar", "set", "2026-12-05", "--work", "--note", "Làm bù")[0] == 0
    code, out, _ = ready("calendar", "due", "--days", "1", "--from", "2026-12-03T09:00:00+07:00")
    assert out.strip() == "2026-12-05T09:00:00+07:00"
    code, out, _ = ready("calendar", "list", "--json")
    assert [r["day"] for r in json.loads(out)] == ["2026-12-04", "2026-12-05"]


def test_transitions_from_the_command_line(ready):
    dossier = _receive(ready, "--received-at", "2026-11-20T09:30:00+07:00")
    code = dossier["code"]
    rc, out, err = ready("transition", code, "--user", "hoa", "--to", "transferred", "--agency", "Phòng Tư pháp",
                         "--at", "2026-11-20T14:00:00+07:00", "--json")
    assert rc == 0, err
    moved = json.loads(out)
    assert moved["status"] == "in_progress" and moved["processing_agency"] == "Phòng Tư pháp"
    assert moved["transferred_at"] == "2026-11-20T14:00:00+07:00"
    rc, out, err = ready("transition", code, "--user", "hoa", "--to", "supplement_requested", "--reason", "Thiếu giấy",
                         "--document", "Giấy chứng sinh:ban_chinh:1", "--json")
    assert rc == 0, err
    assert json.loads(out)["status"] == "supplement_requested"
    # refused from this state: a clear Vietnamese reason on stderr, exit 1, nothing written
    rc, out, err = ready("transition", code, "--user", "hoa", "--to", "returned", "--collected-by", "Phạm Văn Nam")
    assert rc == 1 and "Yêu cầu bổ sung giấy tờ" in err and out == ""
    rc, out, _ = ready("dossier", "show", code, "--json")
    kinds = [e["kind"] for e in json.loads(out)["events"]]
    assert kinds == ["dossier.received", "dossier.transferred", "dossier.supplement_requested"]
    # an official may not stop processing: the role is checked in the core
    rc, _, err = ready("transition", code, "--user", "hoa", "--to", "stopped", "--reason", "x")
    assert rc == 1 and "không có quyền" in err


def test_the_applicant_asks_to_stop_and_gets_the_stop_notice(ready, tmp_path):
    """Issue 15 (TT 03/2025 Art. 7, Mẫu 05 of 2025): at the applicant's request the counter that
    received the dossier records the stop itself and prints the notice."""
    from tests.core.pdf_tools import page_texts

    code = _receive(ready)["code"]
    rc, out, err = ready("transition", code, "--user", "hoa", "--to", "stopped", "--at-applicants-request",
                         "--reason", "Người nộp đề nghị dừng để bổ sung giấy tờ khác", "--json")
    assert rc == 0, err
    assert json.loads(out)["status"] == "stopped"
    pdf = tmp_path / "dung.pdf"
    rc, _, err = ready("print", "form", "stop", code, "--user", "hoa", "--out", str(pdf))
    assert rc == 0, err
    text = " ".join(" ".join(page_texts(pdf.read_bytes())).split())
    assert "THÔNG BÁO DỪNG GIẢI QUYẾT HỒ SƠ" in text and f"Mã hồ sơ: {code}" in text
    assert "Theo đề nghị của Ông/Bà" in text and "Người nộp đề nghị dừng để bổ sung giấy tờ khác" in text
    # only a stop: the flag on another transition is refused by name, nothing written
    other = _receive(ready)["code"]
    rc, _, err = ready("transition", other, "--user", "hoa", "--to", "withdrawn", "--at-applicants-request")
    assert rc == 1 and "dừng giải quyết theo đề nghị của người nộp" in err
    rc, out, _ = ready("dossier", "show", other, "--json")
    assert json.loads(out)["status"] == "received"


def test_a_fee_collected_with_the_supplement_and_with_the_result_from_the_command_line(ready):
    """Issue 15 (rules §11.9): ``--fee`` on ``supplement_received`` and ``returned`` records what
    was collected then; ``dossier show --json`` lists every collection with its stage's code."""
    code = _receive(ready, "--fee", "20000", "--received-at", "2026-11-20T09:30:00+07:00")["code"]
    steps = [("09:40", "supplement_requested", "--reason", "Thiếu giấy", "--document", "Giấy chứng sinh"),
             ("10:00", "supplement_received", "--fee", "30000"),
             ("10:30", "result_ready"),
             ("11:00", "returned", "--collected-by", "Phạm Văn Nam", "--fee", "15000")]
    for at, to, *extra in steps:
        rc, out, err = ready("transition", code, "--user", "hoa", "--to", to, *extra,
                             "--at", f"2026-11-20T{at}:00+07:00", "--json")
        assert rc == 0, err
    rc, out, err = ready("dossier", "show", code, "--json")
    assert rc == 0, err
    shown = json.loads(out)
    assert [(f["amount"], f["stage"], f["stage_code"], f["channel"]) for f in shown["fee_collected"]] == [
        (20_000, "reception", 1, "direct"), (30_000, "supplement", 2, "direct"), (15_000, "return", 4, "direct")]
    assert [f["at"] for f in shown["fee_collected"]][1:] == ["2026-11-20T10:00:00+07:00", "2026-11-20T11:00:00+07:00"]
    # not whole đồng: refused before anything is written; a fee at another step: named, nothing written
    other = _receive(ready)["code"]
    rc, _, err = ready("transition", other, "--user", "hoa", "--to", "transferred", "--agency", "Phòng Tư pháp",
                       "--fee", "-5000")
    assert rc == 2 and "--fee" in err and "phải là số đồng nguyên, không âm" in err
    rc, _, err = ready("transition", other, "--user", "hoa", "--to", "transferred", "--agency", "Phòng Tư pháp",
                       "--fee", "10000")
    assert rc == 1 and "Phí, lệ phí: chỉ thu khi nhận hồ sơ bổ sung hoặc khi trả kết quả" in err
    rc, out, _ = ready("dossier", "show", other, "--json")
    assert [e["kind"] for e in json.loads(out)["events"]] == ["dossier.received"]


def test_an_agency_with_a_2025_identifier_is_set_up_and_receives(run):
    """Quyết định 20/2020/QĐ-TTg as amended by 09/2025: ``G12.18.112.001`` (issue 15; the
    2018 form was the only one accepted)."""
    code, out, err = run("setup", "--agency-code", "g12.18.112.001", "--agency-name", "Trung tâm Phục vụ hành chính "
                         "công xã Quảng Phú", "--counter", "1", "--admin", "admin")
    assert code == 0, err
    code, out, err = run("users", "add", "hoa", "--role", "official", "--full-name", "Nguyễn Thị Hoa")
    assert code == 0, err
    received = _receive(run)
    assert received["code"].startswith("G12.18.112.001-")
    code, out, err = run("setup", "--agency-code", "Z12.18.112.001", "--agency-name", "X", "--counter", "1",
                         "--admin", "admin")
    assert code != 0 and "mã cấp 1" in err
