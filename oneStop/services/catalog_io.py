"""The procedure catalog as a spreadsheet: read and write CSV and XLSX, load the bundled sample.

One row per procedure, a header row of fixed keys (``COLUMNS``). Reading never raises on a bad
row: every problem becomes a :class:`RowError` naming the spreadsheet row (the header is row 1)
and the column, and the good rows are still returned. Only a file that cannot be read at all
(not UTF-8/UTF-16/CP1258 text, not an XLSX workbook) raises ``ValueError``.

The dossier composition (``thanh_phan_ho_so``) holds one document per line (or separated by
";"), each written ``Tên giấy tờ [bản chính x1]``; a trailing ``(không bắt buộc)`` marks an
optional document, ``(khai thác dữ liệu)`` one whose data is taken from VNeID or a national
database and is not to be asked for (Chỉ thị 24/CT-TTg):

>>> docs = parse_documents("Tờ khai [bản chính]; CCCD [ban photo x2] (không bắt buộc); "
...                        "Giấy xác nhận cư trú [bản chính] (khai thác dữ liệu)")
>>> [(d.name, d.form.value, d.count, d.mandatory, d.from_data) for d in docs]
[('Tờ khai', 'ban_chinh', 1, True, False), ('CCCD', 'ban_photo', 2, False, False), ('Giấy xác nhận cư trú', 'ban_chinh', 1, True, True)]
>>> print(format_documents(docs))
Tờ khai [bản chính x1]
CCCD [bản photo x2] (không bắt buộc)
Giấy xác nhận cư trú [bản chính x1] (khai thác dữ liệu)

Two columns of the 2025 regime, both optional (a file without them reads as before):
``le_phi_theo_kenh``, the fee of the channels whose fee differs from ``le_phi``
(``Trực tuyến: 25.000; VNeID: 25.000``), and ``tiep_nhan_phi_dia_gioi_tu_ngay``, the day from
which the procedure is received regardless of the administrative boundary (empty: not open).

Pure Python, ``csv`` and ``openpyxl``: no database, no Qt.
"""

from __future__ import annotations

import codecs
import csv
import io
import json
import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path
from typing import Any, Callable, Iterable, Sequence, TypeVar

from oneStop.domain.errors import FIELD_LABELS
from oneStop.domain import money
from oneStop.domain.text import forbidden_character
from oneStop.domain.models import Channel, DocumentForm, Procedure, RequiredDocument
from oneStop.printing.spreadsheet import FORMULA_STARTS, append_row, csv_row, csv_text, csv_uncell, print_setup

__all__ = [
    "COLUMNS",
    "COLUMN_LABELS",
    "CatalogParseResult",
    "RowError",
    "format_document",
    "format_documents",
    "load_sample_catalog",
    "parse_document",
    "parse_documents",
    "parse_channel_fees",
    "parse_day",
    "parse_fee",
    "parse_flag",
    "format_channel_fees",
    "read_catalog",
    "read_catalog_file",
    "write_catalog_csv",
    "write_catalog_xlsx",
]

#: The header keys, in file order.
COLUMNS: tuple[str, ...] = (
    "ma_thu_tuc",
    "ten_thu_tuc",
    "linh_vuc",
    "co_quan_giai_quyet",
    "so_ngay_giai_quyet",
    "so_gio_giai_quyet",
    "le_phi",
    "ghi_chu_le_phi",
    "tiep_nhan_buu_chinh",
    "tra_ket_qua_buu_chinh",
    "thanh_phan_ho_so",
    "hieu_luc",
    "le_phi_theo_kenh",
    "tiep_nhan_phi_dia_gioi_tu_ngay",
)

#: Other names a header cell may give a column (the English keys of the JSON the CLI shows).
COLUMN_ALIASES: dict[str, str] = {"fees": "le_phi_theo_kenh", "cross_boundary_from": "tiep_nhan_phi_dia_gioi_tu_ngay"}

#: Columns a file must have; the others take their default when absent.
REQUIRED_COLUMNS: frozenset[str] = frozenset(
    {"ma_thu_tuc", "ten_thu_tuc", "linh_vuc", "co_quan_giai_quyet", "so_ngay_giai_quyet", "le_phi", "thanh_phan_ho_so"}
)

#: The Vietnamese name of each column, as error messages show it.
COLUMN_LABELS: dict[str, str] = {
    "ma_thu_tuc": FIELD_LABELS["procedure_code"],
    "ten_thu_tuc": FIELD_LABELS["procedure_name"],
    "linh_vuc": FIELD_LABELS["field"],
    "co_quan_giai_quyet": FIELD_LABELS["agency"],
    "so_ngay_giai_quyet": FIELD_LABELS["processing_days"],
    "so_gio_giai_quyet": FIELD_LABELS["processing_hours"],
    "le_phi": FIELD_LABELS["fee"],
    "ghi_chu_le_phi": "Ghi chú về phí, lệ phí",
    "tiep_nhan_buu_chinh": "Tiếp nhận hồ sơ qua bưu chính công ích",
    "tra_ket_qua_buu_chinh": "Trả kết quả qua bưu chính công ích",
    "thanh_phan_ho_so": FIELD_LABELS["documents"],
    "hieu_luc": "Còn hiệu lực",
    "le_phi_theo_kenh": "Phí, lệ phí theo kênh tiếp nhận",
    "tiep_nhan_phi_dia_gioi_tu_ngay": "Tiếp nhận không phụ thuộc địa giới hành chính từ ngày",
}

#: What each column holds, for the "Huong_dan" sheet of an exported workbook.
COLUMN_HELP: dict[str, str] = {
    "ma_thu_tuc": (
        "Mã thủ tục hành chính trên Cơ sở dữ liệu quốc gia về TTHC, ví dụ 1.001193. Mã địa phương: "
        "chữ, số, dấu chấm, gạch ngang, tối đa 30 ký tự. Không được trùng trong tệp. Khi sửa bằng "
        "Excel, để ô ở dạng Văn bản (Text) để Excel không đổi 2.000720 thành 2.00072."
    ),
    "ten_thu_tuc": "Tên thủ tục hành chính, tối đa 500 ký tự.",
    "linh_vuc": "Lĩnh vực, ví dụ: Hộ tịch, Chứng thực, Cư trú, Đất đai, Bảo trợ xã hội, Người có công, Hộ kinh doanh.",
    "co_quan_giai_quyet": "Cơ quan có thẩm quyền giải quyết, ví dụ: UBND cấp xã, Công an cấp xã.",
    "so_ngay_giai_quyet": "Thời hạn giải quyết, số nguyên ngày làm việc (0 nếu trả trong ngày).",
    "so_gio_giai_quyet": (
        "Giờ làm việc cộng thêm, số nguyên (thủ tục trả trong ngày: 0 ngày 8 giờ; "
        "0 ngày 0 giờ nghĩa là trả ngay)."
    ),
    "le_phi": (
        "Phí, lệ phí theo đơn vị đồng, số nguyên không âm (nhận cả 20000, 20.000, \"20,000 đ\"; "
        "ghi 0 nếu miễn). Mức tính theo trang, theo bản… ghi ở cột ghi_chu_le_phi."
    ),
    "ghi_chu_le_phi": "Ghi chú về phí, lệ phí: miễn, cách tính, văn bản quy định.",
    "tiep_nhan_buu_chinh": "Có nhận hồ sơ qua dịch vụ bưu chính công ích không: có / không (để trống: có).",
    "tra_ket_qua_buu_chinh": "Có trả kết quả qua dịch vụ bưu chính công ích không: có / không (để trống: có).",
    "thanh_phan_ho_so": (
        "Mỗi giấy tờ một dòng (hoặc cách nhau bằng dấu ;), viết: Tên giấy tờ [bản chính x1]. "
        "Hình thức: bản chính, bản sao chứng thực, bản photo; số lượng sau chữ x (mặc định 1). "
        "Thêm (không bắt buộc) ở cuối nếu giấy tờ không bắt buộc; thêm (khai thác dữ liệu) nếu dữ liệu "
        "của giấy tờ đã có trên VNeID hoặc cơ sở dữ liệu quốc gia, không yêu cầu người nộp (Chỉ thị "
        "24/CT-TTg). Tên giấy tờ không chứa ; [ ]."
    ),
    "hieu_luc": "Thủ tục còn áp dụng không: có / không (để trống: có).",
    "le_phi_theo_kenh": (
        "Phí, lệ phí của những kênh có mức khác cột le_phi, mỗi kênh một mục cách nhau bằng dấu ;, "
        "ví dụ: Trực tuyến: 25.000; VNeID: 25.000. Kênh: trực tiếp, trực tuyến, bưu chính, VNeID, "
        "trực tuyến có hỗ trợ tại quầy. Kênh không ghi thu theo cột le_phi. Để trống nếu mọi kênh như nhau."
    ),
    "tiep_nhan_phi_dia_gioi_tu_ngay": (
        "Ngày thủ tục bắt đầu được tiếp nhận không phụ thuộc địa giới hành chính (theo danh mục tỉnh "
        "công bố), dạng dd/mm/yyyy, ví dụ 01/07/2025. Để trống nếu thủ tục không thuộc danh mục này."
    ),
}

CODE_MAX = 30
NAME_MAX = 500
TEXT_MAX = 500
DOCUMENT_NAME_MAX = 300
DAYS_MAX = 1000
HOURS_MAX = 1000
COUNT_MAX = 100

_CODE_RE = re.compile(r"^[0-9A-Za-z][0-9A-Za-z.\-]*$")
_FEE_RE = re.compile(r"^(\d{1,3}(?:[., ]\d{3})+|\d+)$")
_FEE_UNITS = ("vnđ", "vnd", "đồng", "dong", "đ", "d")
_FREE_WORDS = {"mien", "mien phi", "mien le phi", "khong", "khong thu", "khong thu phi", "khong thu le phi", "-"}
_TRUE_WORDS = {"co", "c", "1", "x", "yes", "y", "true", "dung", "t"}
_FALSE_WORDS = {"khong", "k", "0", "no", "n", "false", "sai", "f"}
_DOCUMENT_RE = re.compile(r"^(?P<name>[^\[\]]*?)\s*\[(?P<spec>[^\[\]]*)\]\s*(?P<rest>[^\[\]]*)$")
_SPEC_RE = re.compile(r"^(?P<form>.*?)(?:\s*[x×*]\s*(?P<count>\d+))?$", re.IGNORECASE)
_OPTIONAL_MARK = "(không bắt buộc)"
_FROM_DATA_MARK = "(khai thác dữ liệu)"
_MARK_RE = re.compile(r"\([^()]*\)")
_FORM_WORDS: dict[str, DocumentForm] = {
    "ban chinh": DocumentForm.ORIGINAL,
    "chinh": DocumentForm.ORIGINAL,
    "original": DocumentForm.ORIGINAL,
    "ban goc": DocumentForm.ORIGINAL,
    "ban sao chung thuc": DocumentForm.CERTIFIED_COPY,
    "sao chung thuc": DocumentForm.CERTIFIED_COPY,
    "chung thuc": DocumentForm.CERTIFIED_COPY,
    "ban sao co chung thuc": DocumentForm.CERTIFIED_COPY,
    "certified copy": DocumentForm.CERTIFIED_COPY,
    "ban photo": DocumentForm.PHOTOCOPY,
    "photo": DocumentForm.PHOTOCOPY,
    "ban sao": DocumentForm.PHOTOCOPY,
    "photocopy": DocumentForm.PHOTOCOPY,
    "copy": DocumentForm.PHOTOCOPY,
}


# --- results -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class RowError:
    """One problem of an imported file: spreadsheet row (header = 1), column key, message.

    >>> str(RowError(5, "le_phi", "phải là số nguyên không âm (đồng)"))
    'Dòng 5, cột le_phi (Phí, lệ phí): phải là số nguyên không âm (đồng)'
    """

    row: int
    column: str
    message: str

    @property
    def label(self) -> str:
        return COLUMN_LABELS.get(self.column, self.column)

    def __str__(self) -> str:
        if not self.column:
            return f"Dòng {self.row}: {self.message}"
        return f"Dòng {self.row}, cột {self.column} ({self.label}): {self.message}"


@dataclass(frozen=True)
class CatalogParseResult:
    procedures: tuple[Procedure, ...]
    errors: tuple[RowError, ...]

    @property
    def ok(self) -> bool:
        return not self.errors


# --- text helpers ------------------------------------------------------------------------------


def _clean(text: str) -> str:
    """NFC, whitespace collapsed to single spaces, trimmed."""
    return " ".join(unicodedata.normalize("NFC", text).split())


def _fold(text: str) -> str:
    """Accent-folded, lower-case, single-spaced key; đ/Đ map to d by hand (they don't decompose).

    >>> _fold("  Bản SAO  chứng_thực ")
    'ban sao chung thuc'
    """
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(plain.lower().replace("_", " ").replace("-", " ").split())


# --- cell parsers (each raises ValueError with the Vietnamese problem) --------------------------


def parse_fee(text: str) -> int:
    """A fee in whole đồng.

    >>> [parse_fee(t) for t in ("20.000", "20000", "20,000 đ", "1 200 000 đồng", "", "Miễn lệ phí")]
    [20000, 20000, 20000, 1200000, 0, 0]
    >>> parse_fee("-5")
    Traceback (most recent call last):
    ...
    ValueError: phải là số nguyên không âm (đồng)
    """
    value = _clean(text).lower()
    if not value:
        return 0
    if _fold(value) in _FREE_WORDS:
        return 0
    for unit in _FEE_UNITS:
        if value.endswith(unit):
            value = value[: -len(unit)].strip()
            break
    if not _FEE_RE.match(value):
        raise ValueError("phải là số nguyên không âm (đồng)")
    amount = int(re.sub(r"\D", "", value))
    if not money.in_range(amount):
        raise ValueError(f"phải từ 0 đến {money.MAX_DONG:,} đồng".replace(",", "."))
    return amount


def parse_flag(text: str, default: bool = True) -> bool:
    """Read "có"/"không" and the usual spellings; empty gives ``default``.

    >>> [parse_flag(t) for t in ("có", "Không", "x", "0", "yes", "FALSE", "c", "k", "")]
    [True, False, True, False, True, False, True, False, True]
    """
    key = _fold(text)
    if not key:
        return default
    if key in _TRUE_WORDS:
        return True
    if key in _FALSE_WORDS:
        return False
    raise ValueError(f"«{_clean(text)}» không hợp lệ: ghi «có» hoặc «không»")


def parse_channel_fees(text: str) -> tuple[tuple[Channel, int], ...]:
    """The ``le_phi_theo_kenh`` cell: ``kênh: số đồng`` entries separated by ";" or lines (or a
    JSON object ``{"online": 25000}``), in ``Channel`` order.

    >>> parse_channel_fees("Trực tuyến: 25.000; VNeID: 25000 đ")
    ((<Channel.ONLINE: 'online'>, 25000), (<Channel.VNEID: 'vneid'>, 25000))
    >>> parse_channel_fees('{"assisted": 30000}')
    ((<Channel.ASSISTED: 'assisted'>, 30000),)
    >>> parse_channel_fees("qua Zalo: 10.000")
    Traceback (most recent call last):
    ...
    ValueError: kênh «qua Zalo» không có (trực tiếp, trực tuyến, bưu chính, VNeID, trực tuyến có hỗ trợ tại quầy)
    >>> parse_channel_fees("trực tuyến: -5")
    Traceback (most recent call last):
    ...
    ValueError: kênh «trực tuyến»: phải là số nguyên không âm (đồng)
    """
    raw = text.strip()
    if not raw:
        return ()
    entries: list[tuple[str, Any]] = []
    if raw.startswith("{"):
        try:
            data = json.loads(raw)
        except ValueError:
            raise ValueError("không đọc được: ghi dạng «Trực tuyến: 25.000; VNeID: 25.000»") from None
        if not isinstance(data, dict):
            raise ValueError("không đọc được: ghi dạng «Trực tuyến: 25.000; VNeID: 25.000»")
        entries = [(str(k), v) for k, v in data.items()]
    else:
        for part in _clean(raw.replace("\n", ";")).split(";"):
            if not part.strip():
                continue
            key, sep, amount = part.rpartition(":") if ":" in part else part.rpartition("=")
            if not sep or not key.strip():
                raise ValueError(f"«{part.strip()}» không đúng dạng «kênh: số đồng» (ví dụ «Trực tuyến: 25.000»)")
            entries.append((key.strip(), amount.strip()))
    fees: dict[Channel, int] = {}
    for key, amount in entries:
        try:
            channel = Channel.parse(key)
        except ValueError:
            raise ValueError(f"kênh «{key}» không có (trực tiếp, trực tuyến, bưu chính, VNeID, "
                             "trực tuyến có hỗ trợ tại quầy)") from None
        if channel in fees:
            raise ValueError(f"kênh «{key}» ghi hai lần")
        if isinstance(amount, bool) or not isinstance(amount, (int, str)) or amount == "":
            raise ValueError(f"kênh «{key}»: phải là số nguyên không âm (đồng)")
        try:
            fees[channel] = parse_fee(str(amount)) if isinstance(amount, str) else _whole_fee(amount)
        except ValueError as exc:
            raise ValueError(f"kênh «{key}»: {exc}") from None
    return tuple((c, fees[c]) for c in Channel if c in fees)


def _whole_fee(amount: int) -> int:
    if not money.in_range(amount):
        raise ValueError("phải là số nguyên không âm (đồng)")
    return amount


def format_channel_fees(fees: Iterable[tuple[Channel, int]]) -> str:
    """The cell text of ``le_phi_theo_kenh``; :func:`parse_channel_fees` reads it back.

    >>> format_channel_fees(((Channel.ONLINE, 25000), (Channel.ASSISTED, 30000)))
    'Trực tuyến: 25000; Trực tuyến có hỗ trợ tại quầy: 30000'
    """
    return "; ".join(f"{channel.label}: {amount}" for channel, amount in fees)


_DAY_RE = re.compile(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})$")


def parse_day(text: str) -> date | None:
    """A day written dd/mm/yyyy or yyyy-mm-dd (or a spreadsheet's date); empty gives None.

    >>> parse_day("01/07/2025"), parse_day("2025-07-01"), parse_day("2025-07-01T00:00:00"), parse_day("")
    (datetime.date(2025, 7, 1), datetime.date(2025, 7, 1), datetime.date(2025, 7, 1), None)
    >>> parse_day("31/02/2025")
    Traceback (most recent call last):
    ...
    ValueError: «31/02/2025» không phải ngày: ghi dạng dd/mm/yyyy, ví dụ 01/07/2025 (để trống nếu không có)
    """
    value = _clean(text)
    if not value:
        return None
    problem = f"«{value}» không phải ngày: ghi dạng dd/mm/yyyy, ví dụ 01/07/2025 (để trống nếu không có)"
    try:
        match = _DAY_RE.match(value)
        if match:
            return date(int(match.group(3)), int(match.group(2)), int(match.group(1)))
        if value.endswith("T00:00:00"):
            value = value[: -len("T00:00:00")]
        if len(value) == 10:
            return date.fromisoformat(value)
    except ValueError:
        pass
    raise ValueError(problem)


def _parse_count(text: str, column: str) -> int:
    value = _clean(text)
    if not value:
        return 0
    if not value.isdigit() or not value.isascii():
        raise ValueError("phải là số nguyên không âm")
    number = int(value)
    limit = DAYS_MAX if column == "so_ngay_giai_quyet" else HOURS_MAX
    if number > limit:
        raise ValueError(f"quá lớn (tối đa {limit})")
    return number


def _parse_form(text: str) -> DocumentForm:
    key = _fold(text)
    for form in DocumentForm:
        if key in (_fold(form.value), _fold(form.label)):
            return form
    try:
        return _FORM_WORDS[key]
    except KeyError:
        raise ValueError(text) from None


def parse_document(entry: str) -> RequiredDocument:
    """One ``Tên giấy tờ [hình thức xN]`` entry, optionally followed by ``(không bắt buộc)``.

    >>> parse_document("Giấy chứng sinh [Bản chính x1]")
    RequiredDocument(name='Giấy chứng sinh', form=<DocumentForm.ORIGINAL: 'ban_chinh'>, count=1, mandatory=True, from_data=False)
    >>> parse_document("Giấy khai sinh [bản gốc]").form.label
    'Bản chính'
    >>> parse_document("Giấy chứng sinh [bản nháp]")
    Traceback (most recent call last):
    ...
    ValueError: giấy tờ «Giấy chứng sinh [bản nháp]»: hình thức «bản nháp» không hợp lệ (bản chính, bản sao chứng thực hoặc bản photo)
    """
    text = _clean(entry)
    match = _DOCUMENT_RE.match(text)
    if not match:
        raise ValueError(f"giấy tờ «{text}» không đúng dạng «Tên giấy tờ [bản chính x1]»")
    name, spec, rest = match.group("name").strip(), match.group("spec").strip(), match.group("rest").strip()
    if not name:
        raise ValueError(f"giấy tờ «{text}»: thiếu tên giấy tờ")
    if len(name) > DOCUMENT_NAME_MAX:
        raise ValueError(f"giấy tờ «{name[:40]}…»: tên dài quá {DOCUMENT_NAME_MAX} ký tự")
    mandatory, from_data = True, False
    if rest:
        marks = [_fold(m) for m in _MARK_RE.findall(rest)]
        if _MARK_RE.sub("", rest).strip() or not marks or len(set(marks)) != len(marks) or not set(marks) <= {
                _fold(_OPTIONAL_MARK), _fold(_FROM_DATA_MARK)}:
            raise ValueError(f"giấy tờ «{text}»: sau dấu ] chỉ được ghi «{_OPTIONAL_MARK}» "
                             f"và/hoặc «{_FROM_DATA_MARK}»")
        mandatory = _fold(_OPTIONAL_MARK) not in marks
        from_data = _fold(_FROM_DATA_MARK) in marks
    spec_match = _SPEC_RE.match(spec)
    form_text = spec_match.group("form").strip() if spec_match else spec
    try:
        form = _parse_form(form_text)
    except ValueError:
        raise ValueError(
            f"giấy tờ «{text}»: hình thức «{form_text}» không hợp lệ "
            "(bản chính, bản sao chứng thực hoặc bản photo)"
        ) from None
    count = int(spec_match.group("count")) if spec_match and spec_match.group("count") else 1
    if not 1 <= count <= COUNT_MAX:
        raise ValueError(f"giấy tờ «{text}»: số lượng phải từ 1 đến {COUNT_MAX}")
    return RequiredDocument(name=name, form=form, count=count, mandatory=mandatory, from_data=from_data)


def _split_documents(text: str) -> list[str]:
    return [part for part in re.split(r"[;\r\n]+", text) if part.strip()]


def parse_documents(text: str) -> tuple[RequiredDocument, ...]:
    """Every entry of a ``thanh_phan_ho_so`` cell; raises on the first bad entry."""
    return tuple(parse_document(part) for part in _split_documents(text))


def format_document(doc: RequiredDocument) -> str:
    """The cell text of one document; :func:`parse_document` reads it back unchanged."""
    text = f"{doc.name} [{doc.form.label.lower()} x{doc.count}]"
    if not doc.mandatory:
        text = f"{text} {_OPTIONAL_MARK}"
    return f"{text} {_FROM_DATA_MARK}" if doc.from_data else text


def format_documents(docs: Iterable[RequiredDocument]) -> str:
    return "\n".join(format_document(d) for d in docs)


# --- reading -----------------------------------------------------------------------------------


def _decode(data: bytes) -> str:
    if data.startswith(codecs.BOM_UTF8):
        return data[len(codecs.BOM_UTF8) :].decode("utf-8")
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:  # "CSV (Comma delimited)" saved by Excel on a Vietnamese Windows
        return data.decode("cp1258")
    except UnicodeDecodeError as exc:
        raise ValueError("tệp CSV không phải văn bản UTF-8; hãy lưu lại bằng «CSV UTF-8»") from exc


def _delimiter(header_line: str) -> str:
    try:
        return csv.Sniffer().sniff(header_line, delimiters=",;\t").delimiter
    except csv.Error:
        counts = {d: header_line.count(d) for d in (",", ";", "\t")}
        return max(counts, key=lambda d: counts[d]) if any(counts.values()) else ","


def _csv_rows(data: bytes) -> list[tuple[int, list[Any]]]:
    text = _decode(data)
    first_line = next((line for line in text.splitlines() if line.strip()), "")
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(first_line))
    try:
        return [(number, row) for number, row in enumerate(reader, start=1)]
    except csv.Error as exc:  # a field over csv.field_size_limit() (128 KB), a NUL byte …
        raise ValueError(f"dòng {reader.line_num}: ô quá dài (hơn 128 KB) hoặc tệp CSV hỏng ({exc})") from None


def _xlsx_rows(data: bytes) -> list[tuple[int, list[Any]]]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # zipfile.BadZipFile, InvalidFileException, KeyError on a broken package
        raise ValueError(f"không đọc được tệp Excel (.xlsx): {exc}") from exc
    try:
        sheet = workbook.worksheets[0]
        return [(number, list(row)) for number, row in enumerate(sheet.iter_rows(values_only=True), start=1)]
    except Exception as exc:  # a shared-string index out of range, a broken cell …
        raise ValueError(f"tệp Excel (.xlsx) bị hỏng: {type(exc).__name__}") from None
    finally:
        workbook.close()


def _cell_text(value: Any, column: str) -> str:
    """Turn what a spreadsheet cell holds into the text the validators read."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "có" if value else "không"
    if isinstance(value, float):
        if column == "ma_thu_tuc":
            # Excel turned "2.000720" into the number 2.00072: national codes have 6 decimals.
            return f"{value:.6f}"
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, (datetime, date, time)):
        return value.isoformat()
    text = csv_uncell(str(value))  # ="1.013960", as the export writes a code
    if text.startswith("'") and text[1:2] in FORMULA_STARTS and text[1:2]:
        return text[1:]  # the apostrophe an export put before text a spreadsheet would have run
    return text


def _header_key(text: str) -> str | None:
    """A header cell's column key: the key itself, or its Vietnamese label, any case or accent."""
    key = _fold(text).replace(" ", "_")
    if key in COLUMNS:
        return key
    if key in COLUMN_ALIASES:
        return COLUMN_ALIASES[key]
    for column, label in COLUMN_LABELS.items():
        if key == _fold(label).replace(" ", "_"):
            return column
    return None


def _is_blank(row: Sequence[Any]) -> bool:
    return all(value is None or (isinstance(value, str) and not value.strip()) for value in row)


_T = TypeVar("_T")


class _RowReader:
    """Validates one data row into a Procedure, collecting errors instead of raising."""

    def __init__(self, number: int, values: dict[str, str], missing: set[str]) -> None:
        self.number = number
        self.values = values
        self.missing = missing
        self.errors: list[RowError] = []

    def error(self, column: str, message: str) -> None:
        self.errors.append(RowError(self.number, column, message))

    def characters_allowed(self) -> bool:
        """Refuse, column by column, the characters no text field may hold (as typed fields do)."""
        ok = True
        for column, value in self.values.items():
            found = forbidden_character(value)
            if found is not None:
                self.error(column, f"có ký tự không được phép {found[0]} ({found[1]})")
                ok = False
        return ok

    def text(self, column: str, *, required: bool, limit: int) -> str:
        value = _clean(self.values.get(column, ""))
        if not value:
            if required and column not in self.missing:
                self.error(column, "không được để trống")
        elif len(value) > limit:
            self.error(column, f"dài quá {limit} ký tự ({len(value)} ký tự)")
        return value

    def parse(self, column: str, parser: Callable[[str], _T], default: _T) -> _T:
        try:
            return parser(self.values.get(column, ""))
        except ValueError as exc:
            self.error(column, str(exc))
            return default

    def procedure(self) -> Procedure | None:
        if not self.characters_allowed():
            return None
        code = self.text("ma_thu_tuc", required=True, limit=CODE_MAX)
        if code and len(code) <= CODE_MAX and not _CODE_RE.match(code):
            self.error(
                "ma_thu_tuc",
                f"«{code}» không đúng dạng mã thủ tục (ví dụ 1.001193; mã địa phương gồm chữ, số, dấu chấm, gạch ngang)",
            )
        name = self.text("ten_thu_tuc", required=True, limit=NAME_MAX)
        field = self.text("linh_vuc", required=True, limit=TEXT_MAX)
        agency = self.text("co_quan_giai_quyet", required=True, limit=TEXT_MAX)
        days = self.parse("so_ngay_giai_quyet", lambda t: _parse_count(t, "so_ngay_giai_quyet"), 0)
        hours = self.parse("so_gio_giai_quyet", lambda t: _parse_count(t, "so_gio_giai_quyet"), 0)
        fee = self.parse("le_phi", parse_fee, 0)
        fee_note = self.text("ghi_chu_le_phi", required=False, limit=TEXT_MAX)
        postal_in = self.parse("tiep_nhan_buu_chinh", parse_flag, True)
        postal_out = self.parse("tra_ket_qua_buu_chinh", parse_flag, True)
        active = self.parse("hieu_luc", parse_flag, True)
        fees = self.parse("le_phi_theo_kenh", parse_channel_fees, ())
        cross_boundary_from = self.parse("tiep_nhan_phi_dia_gioi_tu_ngay", parse_day, None)
        documents: list[RequiredDocument] = []
        entries = _split_documents(self.values.get("thanh_phan_ho_so", ""))
        for entry in entries:
            try:
                documents.append(parse_document(entry))
            except ValueError as exc:
                self.error("thanh_phan_ho_so", str(exc))
        if not entries and "thanh_phan_ho_so" not in self.missing:
            self.error("thanh_phan_ho_so", "phải có ít nhất một giấy tờ, dạng «Tên giấy tờ [bản chính x1]»")
        if self.errors or self.missing & {"ma_thu_tuc", "ten_thu_tuc", "linh_vuc", "co_quan_giai_quyet"}:
            return None
        return Procedure(
            code=code,
            name=name,
            field=field,
            agency=agency,
            processing_days=days,
            processing_hours=hours,
            fee=fee,
            fee_note=fee_note,
            documents=tuple(documents),
            postal_in=postal_in,
            postal_out=postal_out,
            active=active,
            fees=fees,
            cross_boundary_from=cross_boundary_from,
        )


def _parse_rows(rows: list[tuple[int, list[Any]]]) -> CatalogParseResult:
    rows = [(number, row) for number, row in rows if not _is_blank(row)]
    if not rows:
        return CatalogParseResult((), (RowError(1, "", "tệp không có dòng tiêu đề (mã cột) và dữ liệu"),))
    header_number, header = rows[0]
    positions: dict[str, int] = {}
    errors: list[RowError] = []
    for index, cell in enumerate(header):
        key = _header_key(_cell_text(cell, "").lstrip("\ufeff"))
        if key is not None and key not in positions:
            positions[key] = index
    missing = {c for c in COLUMNS if c not in positions}
    for column in COLUMNS:
        if column in missing and column in REQUIRED_COLUMNS:
            errors.append(RowError(header_number, column, "thiếu cột này ở dòng tiêu đề"))

    procedures: list[Procedure] = []
    seen: dict[str, int] = {}
    for number, row in rows[1:]:
        values = {
            column: _cell_text(row[index], column) if index < len(row) else ""
            for column, index in positions.items()
        }
        reader = _RowReader(number, values, missing)
        procedure = reader.procedure()
        code = _clean(values.get("ma_thu_tuc", ""))
        if code and code in seen:
            reader.error("ma_thu_tuc", f"mã {code} trùng với dòng {seen[code]}")
            procedure = None
        elif code:
            seen[code] = number
        errors.extend(reader.errors)
        if procedure is not None:
            procedures.append(procedure)
    return CatalogParseResult(tuple(procedures), tuple(errors))


def read_catalog(data: bytes, fmt: str) -> CatalogParseResult:
    """Parse a catalog file's bytes; ``fmt`` is "csv" or "xlsx" (first sheet).

    >>> result = read_catalog("ma_thu_tuc;ten_thu_tuc;linh_vuc;co_quan_giai_quyet;so_ngay_giai_quyet;le_phi;"
    ...     "thanh_phan_ho_so\\n1.000656;Đăng ký khai tử;Hộ tịch;UBND cấp xã;0;0;Tờ khai [bản chính]".encode(), "csv")
    >>> result.ok, result.procedures[0].name, result.procedures[0].documents[0].form.label
    (True, 'Đăng ký khai tử', 'Bản chính')
    """
    kind = fmt.lower().lstrip(".")
    if kind == "csv":
        rows = _csv_rows(data)
    elif kind == "xlsx":
        rows = _xlsx_rows(data)
    else:
        raise ValueError(f"định dạng «{fmt}» không được hỗ trợ (chỉ .csv hoặc .xlsx)")
    return _parse_rows(rows)


def read_catalog_file(path: str | Path) -> CatalogParseResult:
    """Read a .csv or .xlsx file; the format comes from the extension."""
    path = Path(path)
    return read_catalog(path.read_bytes(), path.suffix)


# --- writing -----------------------------------------------------------------------------------


def _row(p: Procedure) -> list[Any]:
    return [
        p.code,
        p.name,
        p.field,
        p.agency,
        p.processing_days,
        p.processing_hours,
        p.fee,
        p.fee_note,
        "có" if p.postal_in else "không",
        "có" if p.postal_out else "không",
        format_documents(p.documents),
        "có" if p.active else "không",
        format_channel_fees(p.fees),
        p.cross_boundary_from,
    ]


def write_catalog_csv(procedures: Iterable[Procedure]) -> bytes:
    """UTF-8 with BOM (so Excel opens it right), comma-separated, fees as plain integers; the
    procedure code as the formula-text ="1.013960", which Excel and LibreOffice keep as text
    (written plain, 1.013960 would open as the number 1.01396)."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    code = COLUMNS.index("ma_thu_tuc")
    for p in procedures:
        row = _row(p)
        row[-1] = row[-1].isoformat() if row[-1] else ""  # ISO: every spreadsheet reads it as that day
        cells = csv_row(row)
        cells[code] = csv_text(p.code)
        writer.writerow(cells)
    return codecs.BOM_UTF8 + buffer.getvalue().encode("utf-8")


_WIDTHS = {
    "ma_thu_tuc": 13,
    "ten_thu_tuc": 50,
    "linh_vuc": 16,
    "co_quan_giai_quyet": 22,
    "so_ngay_giai_quyet": 10,
    "so_gio_giai_quyet": 9,
    "le_phi": 11,
    "ghi_chu_le_phi": 36,
    "tiep_nhan_buu_chinh": 11,
    "tra_ket_qua_buu_chinh": 11,
    "thanh_phan_ho_so": 70,
    "hieu_luc": 9,
    "le_phi_theo_kenh": 30,
    "tiep_nhan_phi_dia_gioi_tu_ngay": 14,
}


def write_catalog_xlsx(procedures: Iterable[Procedure]) -> bytes:
    """A workbook: the catalog sheet (bold frozen header, wrapped documents) and "Huong_dan"."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Danh_muc_TTHC"
    append_row(sheet, COLUMNS)
    bold = Font(bold=True)
    for cell in sheet[1]:
        cell.font = bold
        cell.alignment = Alignment(wrap_text=True, vertical="center")
    wrap = Alignment(wrap_text=True, vertical="top")
    top = Alignment(vertical="top")
    for p in procedures:
        append_row(sheet, _row(p))
        for index, cell in enumerate(sheet[sheet.max_row]):
            column = COLUMNS[index]
            cell.alignment = wrap if column in ("ten_thu_tuc", "ghi_chu_le_phi", "thanh_phan_ho_so",
                                                "le_phi_theo_kenh") else top
            if column == "ma_thu_tuc":
                cell.number_format = "@"  # keep codes as text when edited in Excel
            elif column == "le_phi":
                cell.number_format = "#,##0"
            elif column == "tiep_nhan_phi_dia_gioi_tu_ngay":
                cell.number_format = "dd/mm/yyyy"
    for index, column in enumerate(COLUMNS, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = _WIDTHS[column]
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(COLUMNS))}{max(sheet.max_row, 1)}"
    print_setup(sheet, header_rows="1:1", landscape=True)

    guide = workbook.create_sheet("Huong_dan")
    append_row(guide, ["Cột", "Tên", "Bắt buộc", "Hướng dẫn"])
    for cell in guide[1]:
        cell.font = bold
    for column in COLUMNS:
        append_row(guide, [column, COLUMN_LABELS[column], "có" if column in REQUIRED_COLUMNS else "không", COLUMN_HELP[column]])
    append_row(guide, [])
    append_row(guide, ["", "Lưu ý", "", (
        "Dòng 1 là dòng tiêu đề, giữ nguyên mã cột. Mỗi dòng sau là một thủ tục; dòng trống được bỏ qua. "
        "Khi nhập, chương trình báo mọi lỗi kèm số dòng và tên cột; chỉ khi không còn lỗi danh mục mới được cập nhật."
    )])
    for row in guide.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    for letter, width in zip("ABCD", (24, 36, 10, 100)):
        guide.column_dimensions[letter].width = width
    guide.freeze_panes = "A2"
    print_setup(guide, header_rows="1:1", landscape=True)

    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# --- the bundled sample ------------------------------------------------------------------------

SAMPLE_CATALOG = ("catalog", "sample_procedures.csv")


def load_sample_catalog() -> tuple[Procedure, ...]:
    """The commune-level procedures shipped in ``resources/catalog/sample_procedures.csv``.

    The file ships with the program: a row error in it is a packaging bug, so this raises.
    """
    from oneStop.resources import resources_path

    result = read_catalog_file(resources_path(*SAMPLE_CATALOG))
    if not result.ok:
        raise ValueError("Danh mục mẫu bị lỗi:\n" + "\n".join(str(e) for e in result.errors))
    return result.procedures
