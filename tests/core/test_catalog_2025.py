"""The catalog's 2025 columns (issue 15): the fee per channel, documents whose data the state
already holds (Chỉ thị 24/CT-TTg), and the day from which a procedure is received regardless of
the administrative boundary. Old files still read; a bad cell names its row and column and
nothing of the file is imported."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from oneStop.domain.events import Kind
from oneStop.domain.models import Channel, DocumentForm, Procedure, RequiredDocument
from oneStop.persistence.models import EventRow, ProcedureRow
from oneStop.services.catalog_io import COLUMNS, read_catalog, write_catalog_csv, write_catalog_xlsx

OLD_HEADER = ("ma_thu_tuc,ten_thu_tuc,linh_vuc,co_quan_giai_quyet,so_ngay_giai_quyet,so_gio_giai_quyet,le_phi,"
              "ghi_chu_le_phi,tiep_nhan_buu_chinh,tra_ket_qua_buu_chinh,thanh_phan_ho_so,hieu_luc")
HEADER = OLD_HEADER + ",le_phi_theo_kenh,tiep_nhan_phi_dia_gioi_tu_ngay"


def line(code: str = "1.001193", *, fee: str = "50000", docs: str = "Tờ khai [bản chính x1]",
         fees: str = "", since: str = "") -> str:
    cells = [code, "Đăng ký khai sinh", "Hộ tịch", "UBND cấp xã", "3", "0", fee, "", "có", "có", docs, "có",
             fees, since]
    return ",".join('"' + c.replace('"', '""') + '"' if any(ch in c for ch in ',"\n;') else c for c in cells)


def parse(*lines: str, header: str = HEADER):  # type: ignore[no-untyped-def]
    return read_catalog("\n".join((header, *lines)).encode("utf-8"), "csv")


PROCEDURE = Procedure(
    code="1.001193", name="Đăng ký khai sinh", field="Hộ tịch", agency="UBND cấp xã", processing_days=3,
    fee=50_000,
    documents=(
        RequiredDocument("Tờ khai đăng ký khai sinh", DocumentForm.ORIGINAL, 1),
        RequiredDocument("Giấy xác nhận thông tin về cư trú", DocumentForm.ORIGINAL, 1, from_data=True),
        RequiredDocument("Giấy ủy quyền", DocumentForm.CERTIFIED_COPY, 1, mandatory=False),
        RequiredDocument("Giấy chứng nhận kết hôn", DocumentForm.PHOTOCOPY, 1, mandatory=False, from_data=True),
    ),
    fees=((Channel.ONLINE, 25_000), (Channel.VNEID, 0), (Channel.ASSISTED, 25_000)),
    cross_boundary_from=date(2025, 7, 1),
)


def test_the_new_columns_are_read():
    result = parse(line(fees="Trực tuyến: 25.000; VNeID: 0; trực tuyến có hỗ trợ tại quầy: 25000 đ",
                        since="01/07/2025",
                        docs="Tờ khai [bản chính]\nGiấy xác nhận thông tin về cư trú [bản chính] (khai thác dữ liệu)"))
    assert result.ok, [str(e) for e in result.errors]
    (p,) = result.procedures
    assert p.fees == ((Channel.ONLINE, 25_000), (Channel.VNEID, 0), (Channel.ASSISTED, 25_000))
    assert p.cross_boundary_from == date(2025, 7, 1)
    assert [(d.name, d.from_data) for d in p.documents] == [("Tờ khai", False),
                                                            ("Giấy xác nhận thông tin về cư trú", True)]
    assert (p.fee_for(Channel.DIRECT), p.fee_for(Channel.POSTAL), p.fee_for(Channel.VNEID)) == (50_000, 50_000, 0)


def test_a_file_without_the_new_columns_reads_as_before():
    result = parse(line()[: line().rindex(",", 0, line().rindex(","))], header=OLD_HEADER)
    assert result.ok, [str(e) for e in result.errors]
    (p,) = result.procedures
    assert p.fees == () and p.cross_boundary_from is None and not any(d.from_data for d in p.documents)
    assert p.fee_for(Channel.ONLINE) == 50_000


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_csv_and_xlsx_round_trips_keep_the_new_columns(fmt):
    data = write_catalog_csv([PROCEDURE]) if fmt == "csv" else write_catalog_xlsx([PROCEDURE])
    result = read_catalog(data, fmt)
    assert result.ok, [str(e) for e in result.errors]
    assert result.procedures == (PROCEDURE,)
    assert COLUMNS[-2:] == ("le_phi_theo_kenh", "tiep_nhan_phi_dia_gioi_tu_ngay")


def test_the_xlsx_holds_the_day_as_a_date():
    import io

    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(write_catalog_xlsx([PROCEDURE]))).worksheets[0]
    cell = sheet.cell(row=2, column=COLUMNS.index("tiep_nhan_phi_dia_gioi_tu_ngay") + 1)
    assert cell.value.date() == date(2025, 7, 1) and cell.number_format == "dd/mm/yyyy"


def test_the_english_keys_are_accepted_as_headers():
    header = HEADER.replace("le_phi_theo_kenh", "fees").replace("tiep_nhan_phi_dia_gioi_tu_ngay", "cross_boundary_from")
    result = parse(line(fees='{"online": 25000}', since="2025-07-01"), header=header)
    assert result.ok, [str(e) for e in result.errors]
    assert result.procedures[0].fees == ((Channel.ONLINE, 25_000),)


def test_bad_cells_of_the_new_columns_name_their_row_and_column():
    result = parse(
        line("1.000001"),                                                     # 2 good
        line("1.000002", fees="Trực tuyến: -5"),                              # 3 negative
        line("1.000003", fees="qua Zalo: 10.000"),                            # 4 unknown channel
        line("1.000004", fees="Trực tuyến: 10.000; online: 20.000"),          # 5 twice
        line("1.000005", fees="Trực tuyến: 10.5"),                            # 6 not whole đồng
        line("1.000006", since="31/02/2025"),                                 # 7 no such day
        line("1.000007", docs="Tờ khai [bản chính] (lấy từ VNeID)"),          # 8 unknown mark
        line("1.000008", fees="trực tuyến"),                                  # 9 no amount
    )
    assert [(e.row, e.column) for e in result.errors] == [
        (3, "le_phi_theo_kenh"), (4, "le_phi_theo_kenh"), (5, "le_phi_theo_kenh"), (6, "le_phi_theo_kenh"),
        (7, "tiep_nhan_phi_dia_gioi_tu_ngay"), (8, "thanh_phan_ho_so"), (9, "le_phi_theo_kenh"),
    ]
    texts = [str(e) for e in result.errors]
    assert texts[0] == ("Dòng 3, cột le_phi_theo_kenh (Phí, lệ phí theo kênh tiếp nhận): kênh «Trực tuyến»: "
                        "phải là số nguyên không âm (đồng)")
    assert "qua Zalo" in texts[1] and "VNeID" in texts[1]
    assert "hai lần" in texts[2]
    assert texts[4].startswith("Dòng 7, cột tiep_nhan_phi_dia_gioi_tu_ngay (Tiếp nhận không phụ thuộc địa giới "
                               "hành chính từ ngày): «31/02/2025» không phải ngày")
    assert "(khai thác dữ liệu)" in texts[5]
    assert [p.code for p in result.procedures] == ["1.000001"]


def test_an_import_with_one_bad_fee_cell_writes_nothing(app, admin, tmp_path):
    path = tmp_path / "danh_muc.csv"
    path.write_text("\n".join((HEADER, line("1.000001", fees="Trực tuyến: 25.000"),
                               line("1.000002", fees="VNeID: hai mươi nghìn"))), encoding="utf-8")
    with app.uow() as uow:
        before = uow.session.scalar(select(func.count()).select_from(ProcedureRow))
    report = app.catalog.import_file(admin, path)
    assert [(e.row, e.column) for e in report.errors] == [(3, "le_phi_theo_kenh")]
    with app.uow() as uow:
        assert uow.session.scalar(select(func.count()).select_from(ProcedureRow)) == before
        assert uow.session.get(ProcedureRow, "1.000001") is None


def test_an_import_stores_the_new_columns_and_its_event_carries_them(app, admin, tmp_path):
    path = tmp_path / "danh_muc.xlsx"
    path.write_bytes(write_catalog_xlsx([PROCEDURE]))
    assert app.catalog.import_file(admin, path).ok
    assert app.catalog.get(PROCEDURE.code) == PROCEDURE
    with app.uow() as uow:
        payload = uow.session.scalars(select(EventRow.payload).where(EventRow.kind == Kind.CATALOG_IMPORTED)
                                      .order_by(EventRow.seq.desc())).first()
    (values,) = payload["procedures"]
    assert values["fees"] == {"online": 25_000, "vneid": 0, "assisted": 25_000}
    assert values["cross_boundary_from"] == "2025-07-01"
    assert [d.get("from_data", False) for d in values["documents"]] == [False, True, False, True]
    exported = tmp_path / "ra.csv"
    app.catalog.export_file(admin, exported)
    assert PROCEDURE in read_catalog(exported.read_bytes(), "csv").procedures


def test_a_procedure_without_the_2025_data_travels_as_before(app, admin, tmp_path):
    """Counters not yet upgraded refuse unknown keys: a plain procedure's event has none."""
    plain = Procedure(code="1.000002", name="Thủ tục", field="Hộ tịch", agency="UBND cấp xã", processing_days=1,
                      documents=(RequiredDocument("Tờ khai"),))
    path = tmp_path / "c.csv"
    path.write_bytes(write_catalog_csv([plain]))
    assert app.catalog.import_file(admin, path).ok
    with app.uow() as uow:
        payload = uow.session.scalars(select(EventRow.payload).where(EventRow.kind == Kind.CATALOG_IMPORTED)
                                      .order_by(EventRow.seq.desc())).first()
    (values,) = payload["procedures"]
    assert "fees" not in values and "cross_boundary_from" not in values
    assert values["documents"] == [{"name": "Tờ khai", "form": "ban_chinh", "count": 1, "mandatory": True}]
