"""The procedure catalog as CSV and XLSX: the bundled sample, round trips, and row errors."""

from __future__ import annotations

import codecs
import io
import re
import unicodedata
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook

from oneStop.domain.models import DocumentForm, Procedure, RequiredDocument
from oneStop.services.catalog_io import (
    COLUMNS,
    CatalogParseResult,
    RowError,
    load_sample_catalog,
    read_catalog,
    read_catalog_file,
    write_catalog_csv,
    write_catalog_xlsx,
)

SAMPLE_FILE = Path(__file__).resolve().parents[2] / "resources" / "catalog" / "sample_procedures.csv"
HEADER = ",".join(COLUMNS)


def csv_bytes(*lines: str, header: str = HEADER) -> bytes:
    return "\n".join((header, *lines)).encode("utf-8")


def row(code: str = "1.001193", name: str = "Đăng ký khai sinh", *, field: str = "Hộ tịch",
        agency: str = "UBND cấp xã", days: str = "0", hours: str = "8", fee: str = "0", note: str = "",
        post_in: str = "có", post_out: str = "có", docs: str = "Tờ khai [bản chính x1]", active: str = "có") -> str:
    cells = [code, name, field, agency, days, hours, fee, note, post_in, post_out, docs, active]
    return ",".join(f'"{c}"' if any(ch in c for ch in ',"\n') else c for c in cells)


def one(data: bytes, fmt: str = "csv") -> Procedure:
    result = read_catalog(data, fmt)
    assert result.ok, [str(e) for e in result.errors]
    assert len(result.procedures) == 1
    return result.procedures[0]


# --- the bundled sample --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def sample() -> tuple[Procedure, ...]:
    return load_sample_catalog()


def test_the_sample_file_is_utf8_with_a_bom_and_parses_without_errors():
    data = SAMPLE_FILE.read_bytes()
    assert data.startswith(codecs.BOM_UTF8)
    result = read_catalog_file(SAMPLE_FILE)
    assert result.ok, [str(e) for e in result.errors]
    assert len(result.procedures) >= 28


def test_the_sample_has_unique_national_codes_a_field_and_documents(sample):
    assert len(sample) >= 28
    codes = [p.code for p in sample]
    assert len(set(codes)) == len(codes)
    for p in sample:
        assert re.fullmatch(r"\d\.\d{6}", p.code), p.code
        assert p.field and p.name and p.agency
        assert p.documents, p.code
        assert p.fee >= 0 and p.processing_days >= 0 and p.processing_hours >= 0
        assert any(d.mandatory for d in p.documents), p.code


def test_the_sample_covers_the_commune_fields(sample):
    fields = {p.field for p in sample}
    assert {"Hộ tịch", "Chứng thực", "Cư trú", "Đất đai", "Bảo trợ xã hội", "Người có công", "Hộ kinh doanh"} <= fields
    police = {p.agency for p in sample if p.field == "Cư trú"}
    assert police == {"Công an cấp xã"}


def test_the_sample_knows_the_well_known_facts(sample):
    by_code = {p.code: p for p in sample}
    birth = by_code["1.001193"]
    assert birth.name == "Đăng ký khai sinh" and birth.fee == 0 and birth.postal_in
    assert by_code["2.000815"].fee == 2_000  # chứng thực bản sao, per page
    assert by_code["2.000884"].fee == 10_000  # chứng thực chữ ký
    assert by_code["2.000635"].fee == 8_000  # bản sao trích lục
    # Where the applicant must sign in person, the dossier cannot come by post.
    assert not by_code["1.000894"].postal_in  # kết hôn
    assert not by_code["2.000884"].postal_in  # chứng thực chữ ký


# --- round trips ---------------------------------------------------------------------------------


def test_csv_round_trip_gives_equal_procedures(sample):
    first = read_catalog(write_catalog_csv(sample), "csv")
    assert first.ok and first.procedures == sample
    again = write_catalog_csv(first.procedures)
    assert again == write_catalog_csv(sample)
    assert again.startswith(codecs.BOM_UTF8)


def test_xlsx_round_trip_gives_equal_procedures(sample):
    data = write_catalog_xlsx(sample)
    result = read_catalog(data, "xlsx")
    assert result.ok, [str(e) for e in result.errors]
    assert result.procedures == sample
    assert read_catalog(write_catalog_xlsx(result.procedures), "xlsx").procedures == sample


def test_the_workbook_has_a_bold_frozen_header_wrapped_documents_and_a_guide(sample):
    workbook = load_workbook(io.BytesIO(write_catalog_xlsx(sample[:3])))
    sheet = workbook.worksheets[0]
    assert [c.value for c in sheet[1]] == list(COLUMNS)
    assert all(c.font.bold for c in sheet[1])
    assert sheet.freeze_panes == "A2"
    documents_column = COLUMNS.index("thanh_phan_ho_so") + 1
    assert sheet.cell(row=2, column=documents_column).alignment.wrap_text
    assert sheet.column_dimensions["K"].width >= 50
    guide = workbook["Huong_dan"]
    described = {r[0] for r in guide.iter_rows(min_row=2, values_only=True) if r[0]}
    assert set(COLUMNS) <= described


def test_a_procedure_with_every_kind_of_document_round_trips():
    p = Procedure(
        code="T-THA-2288", name="Thủ tục địa phương; có dấu chấm phẩy trong tên", field="Khác",
        agency="UBND cấp xã", processing_days=0, processing_hours=0, fee=1_250_000,
        fee_note="Không thu", postal_in=False, postal_out=True, active=False,
        documents=(
            RequiredDocument("Đơn đề nghị", DocumentForm.ORIGINAL, 1),
            RequiredDocument("Bản vẽ (nếu có)", DocumentForm.CERTIFIED_COPY, 3, mandatory=False),
            RequiredDocument("CCCD", DocumentForm.PHOTOCOPY, 2),
        ),
    )
    assert read_catalog(write_catalog_csv([p]), "csv").procedures == (p,)
    assert read_catalog(write_catalog_xlsx([p]), "xlsx").procedures == (p,)


# --- bad rows ------------------------------------------------------------------------------------


def test_assorted_bad_rows_are_reported_with_row_and_column_and_good_rows_survive():
    data = csv_bytes(
        row("1.001193"),                                      # 2 good
        row("1.000894", "Đăng ký kết hôn", fee="hai mươi"),    # 3 bad fee
        row("1.000656", "Đăng ký khai tử", days="-2"),         # 4 negative days
        row("1.001022", ""),                                  # 5 missing name
        "",                                                   # 6 empty: skipped
        row("1.001193", "Lặp lại mã"),                         # 7 duplicate code
        row("2.000635", "Trích lục", docs="Tờ khai [bản nháp x1]"),  # 8 bad document form
        row("2.000815", "Chứng thực bản sao", fee="2.000"),    # 9 good
    )
    result = read_catalog(data, "csv")
    assert not result.ok
    assert [(e.row, e.column) for e in result.errors] == [
        (3, "le_phi"),
        (4, "so_ngay_giai_quyet"),
        (5, "ten_thu_tuc"),
        (7, "ma_thu_tuc"),
        (8, "thanh_phan_ho_so"),
    ]
    assert [p.code for p in result.procedures] == ["1.001193", "2.000815"]
    messages = {e.column: e.message for e in result.errors}
    assert "dòng 2" in messages["ma_thu_tuc"]
    assert "Tờ khai [bản nháp x1]" in messages["thanh_phan_ho_so"]
    assert str(result.errors[0]) == "Dòng 3, cột le_phi (Phí, lệ phí): phải là số nguyên không âm (đồng)"


def test_a_missing_column_is_one_error_on_the_header_row():
    header = ",".join(c for c in COLUMNS if c != "le_phi")
    good = ",".join(["1.001193", "Đăng ký khai sinh", "Hộ tịch", "UBND cấp xã", "0", "8", "", "có", "có",
                     "Tờ khai [bản chính x1]", "có"])
    result = read_catalog(csv_bytes(good, good.replace("1.001193", "1.000656"), header=header), "csv")
    assert result.errors == (RowError(1, "le_phi", "thiếu cột này ở dòng tiêu đề"),)
    assert [p.code for p in result.procedures] == ["1.001193", "1.000656"]


def test_optional_columns_may_be_left_out():
    header = "ma_thu_tuc,ten_thu_tuc,linh_vuc,co_quan_giai_quyet,so_ngay_giai_quyet,le_phi,thanh_phan_ho_so"
    p = one(csv_bytes("1.004873,Cấp Giấy xác nhận tình trạng hôn nhân,Hộ tịch,UBND cấp xã,3,0,Tờ khai [bản chính]",
                      header=header))
    assert (p.processing_hours, p.postal_in, p.postal_out, p.active, p.fee_note) == (0, True, True, True, "")


@pytest.mark.parametrize(
    "code, ok",
    [("1.001193", True), ("2.000908", True), ("T-THA-228716-TT", True), ("1 001 193", False),
     ("mã.1", False), ("-1.2", False), ("A" * 31, False)],
)
def test_procedure_codes(code, ok):
    result = read_catalog(csv_bytes(row(code)), "csv")
    assert result.ok is ok
    if not ok:
        assert [e.column for e in result.errors] == ["ma_thu_tuc"]


def test_a_row_collects_every_error_it_has():
    result = read_catalog(csv_bytes(row("", "", field="", days="x", hours="-1", fee="-5", post_in="có lẽ",
                                        docs="Không ngoặc; [bản chính]")), "csv")
    assert [e.column for e in result.errors] == [
        "ma_thu_tuc", "ten_thu_tuc", "linh_vuc", "so_ngay_giai_quyet", "so_gio_giai_quyet", "le_phi",
        "tiep_nhan_buu_chinh", "thanh_phan_ho_so", "thanh_phan_ho_so",
    ]
    assert result.procedures == ()


def test_documents_are_required_and_counts_bounded():
    assert [e.message for e in read_catalog(csv_bytes(row(docs="")), "csv").errors] == [
        "phải có ít nhất một giấy tờ, dạng «Tên giấy tờ [bản chính x1]»"
    ]
    errors = read_catalog(csv_bytes(row(docs="Tờ khai [bản chính x0]")), "csv").errors
    assert "số lượng" in errors[0].message
    errors = read_catalog(csv_bytes(row(docs="Tờ khai [bản chính] (bắt buộc)")), "csv").errors
    assert "không bắt buộc" in errors[0].message


def test_a_name_longer_than_500_characters_is_refused():
    errors = read_catalog(csv_bytes(row(name="Đ" * 501)), "csv").errors
    assert [(e.row, e.column) for e in errors] == [(2, "ten_thu_tuc")]


def test_an_empty_file_reports_and_does_not_raise():
    result = read_catalog(b"", "csv")
    assert isinstance(result, CatalogParseResult) and not result.ok and result.procedures == ()


def test_files_that_cannot_be_read_raise_value_error(tmp_path):
    with pytest.raises(ValueError):
        read_catalog(b"not a zip", "xlsx")
    with pytest.raises(ValueError):
        read_catalog(b"a,b", "ods")
    path = tmp_path / "catalog.txt"
    path.write_bytes(b"a,b")
    with pytest.raises(ValueError):
        read_catalog_file(path)


# --- text, delimiters, spellings -----------------------------------------------------------------


def test_nfd_input_comes_back_nfc_with_whitespace_collapsed():
    nfd = lambda s: unicodedata.normalize("NFD", s)  # noqa: E731
    text = row("1.001193", nfd("Đăng   ký  khai sinh "), field=nfd(" Hộ tịch"), agency=nfd("UBND  cấp xã"),
               docs=nfd("Tờ   khai đăng ký [Bản  chính x1]\nGiấy chứng sinh [bản sao chứng thực] (không bắt buộc)"))
    assert not unicodedata.is_normalized("NFC", text)
    p = one(csv_bytes(text))
    assert p.name == "Đăng ký khai sinh" and unicodedata.is_normalized("NFC", p.name)
    assert p.field == "Hộ tịch" and p.agency == "UBND cấp xã"
    assert p.documents == (
        RequiredDocument("Tờ khai đăng ký", DocumentForm.ORIGINAL, 1),
        RequiredDocument("Giấy chứng sinh", DocumentForm.CERTIFIED_COPY, 1, mandatory=False),
    )


def test_semicolon_delimited_csv_as_excel_saves_it():
    header = ";".join(COLUMNS)
    lines = [
        "1.004222;Đăng ký thường trú;Cư trú;Công an cấp xã;7;0;20.000;Trực tuyến 10.000 đồng;không;có;"
        '"Tờ khai CT01 [bản chính x1]\r\nGiấy tờ chứng minh chỗ ở hợp pháp [bản sao chứng thực x1]";có',
        ";;;;;;;;;;;",
        "1.004194;Đăng ký tạm trú;Cư trú;Công an cấp xã;3;;15000;;0;1;Tờ khai CT01 [ban chinh];x",
    ]
    data = codecs.BOM_UTF8 + "\r\n".join([header, *lines]).encode("utf-8")
    result = read_catalog(data, "csv")
    assert result.ok, [str(e) for e in result.errors]
    permanent, temporary = result.procedures
    assert (permanent.fee, permanent.postal_in, permanent.postal_out, len(permanent.documents)) == (20_000, False, True, 2)
    assert (temporary.fee, temporary.processing_hours, temporary.postal_in, temporary.active) == (15_000, 0, False, True)


def test_tab_separated_utf16_text_from_excel_is_read():
    text = "\t".join(COLUMNS) + "\n" + "\t".join(
        ["1.000656", "Đăng ký khai tử", "Hộ tịch", "UBND cấp xã", "0", "8", "0", "", "có", "có", "Tờ khai [bản chính]", "có"])
    assert one(text.encode("utf-16")).name == "Đăng ký khai tử"


def test_headers_may_be_the_vietnamese_labels_in_any_case():
    header = "Mã thủ tục,TÊN THỦ TỤC,lĩnh vực,Cơ quan giải quyết,Thời hạn giải quyết (ngày làm việc),Phí, lệ phí,Thành phần hồ sơ"
    header = header.replace("Phí, lệ phí", '"Phí, lệ phí"')
    p = one(csv_bytes("1.000656,Đăng ký khai tử,Hộ tịch,UBND cấp xã,0,0,Tờ khai [bản chính]", header=header))
    assert p.code == "1.000656"


@pytest.mark.parametrize(
    "spelling, expected",
    [("có", True), ("Có", True), ("c", True), ("x", True), ("1", True), ("yes", True), ("TRUE", True),
     ("không", False), ("KHÔNG", False), ("khong", False), ("k", False), ("0", False), ("no", False),
     ("false", False), ("", True)],
)
def test_booleans_in_several_spellings(spelling, expected):
    p = one(csv_bytes(row(post_in=spelling, post_out=spelling, active=spelling)))
    assert (p.postal_in, p.postal_out, p.active) == (expected, expected, expected)


@pytest.mark.parametrize(
    "fee, expected",
    [("20.000", 20_000), ("20000", 20_000), ("20,000 đ", 20_000), ("20.000đ", 20_000), ("1.200.000 đồng", 1_200_000),
     ("50000 VNĐ", 50_000), ("", 0), ("0", 0), ("Miễn lệ phí", 0)],
)
def test_fees_in_several_spellings(fee, expected):
    assert one(csv_bytes(row(fee=fee))).fee == expected


@pytest.mark.parametrize("fee", ["20,5", "2.00", "-1", "hai nghìn", "20.000,50"])
def test_fees_that_are_not_whole_dong_are_refused(fee):
    errors = read_catalog(csv_bytes(row(fee=fee)), "csv").errors
    assert [(e.row, e.column) for e in errors] == [(2, "le_phi")]


@pytest.mark.parametrize(
    "spec, form, count",
    [("bản chính", DocumentForm.ORIGINAL, 1), ("ban_chinh x2", DocumentForm.ORIGINAL, 2),
     ("Bản sao chứng thực ×3", DocumentForm.CERTIFIED_COPY, 3), ("ban sao chung thuc", DocumentForm.CERTIFIED_COPY, 1),
     ("bản photo x 2", DocumentForm.PHOTOCOPY, 2), ("photo", DocumentForm.PHOTOCOPY, 1),
     ("BẢN PHOTO X4", DocumentForm.PHOTOCOPY, 4)],
)
def test_document_forms_as_codes_or_labels(spec, form, count):
    (doc,) = one(csv_bytes(row(docs=f"Giấy tờ [{spec}]"))).documents
    assert (doc.name, doc.form, doc.count, doc.mandatory) == ("Giấy tờ", form, count, True)


def test_xlsx_cells_of_other_types_are_read():
    workbook = Workbook()
    sheet = workbook.active
    sheet.append([])  # a blank first row: the header is the first row with something in it
    sheet.append(list(COLUMNS))
    sheet.append([2.00072, "Đăng ký thay đổi nội dung đăng ký hộ kinh doanh", "Hộ kinh doanh", "UBND cấp xã",
                  3, None, 100000.0, None, True, False, "Giấy đề nghị [bản chính x1]", 1])
    sheet.append([None] * len(COLUMNS))
    sheet.append(["1.001612", "Đăng ký thành lập hộ kinh doanh", "Hộ kinh doanh", "UBND cấp xã",
                  "3", 0, "100.000", "", "có", "có", "Giấy đề nghị [bản chính x1]", "có"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    result = read_catalog(buffer.getvalue(), "xlsx")
    assert result.ok, [str(e) for e in result.errors]
    changed, founded = result.procedures
    assert changed.code == "2.000720"  # Excel had turned the code into a number
    assert (changed.fee, changed.processing_hours, changed.postal_in, changed.postal_out, changed.active) == (
        100_000, 0, True, False, True)
    assert founded.fee == 100_000


def test_xlsx_row_numbers_are_the_sheet_rows():
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(list(COLUMNS))
    sheet.append([None] * len(COLUMNS))
    sheet.append(["1.001193", "Khai sinh", "Hộ tịch", "UBND cấp xã", 0, 8, -1, "", "có", "có", "Tờ khai [bản chính]", "có"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    assert [(e.row, e.column) for e in read_catalog(buffer.getvalue(), "xlsx").errors] == [(3, "le_phi")]


def test_read_catalog_file_takes_the_format_from_the_extension(tmp_path, sample):
    (tmp_path / "a.CSV").write_bytes(write_catalog_csv(sample[:2]))
    (tmp_path / "b.xlsx").write_bytes(write_catalog_xlsx(sample[:2]))
    assert read_catalog_file(tmp_path / "a.CSV").procedures == sample[:2]
    assert read_catalog_file(str(tmp_path / "b.xlsx")).procedures == sample[:2]
