"""Mẫu 02 (supplement request), 03 (refusal), 04 (apology and new appointment) and 05 (the
control sheet) as PDF bytes, with the receipt's header and fonts (rules §2.2–2.5).

Form numbers and titles come from the regulation profile in force on the dossier's reception
date: the caller passes them in :class:`FormHeader`, and with them what the profile adds (a
document number, the identification line, who signs); left empty, a form prints as in 2018.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from datetime import datetime

from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from oneStop.printing import fonts
from oneStop.printing.barcodes import code128_width, draw_code128
from oneStop.printing.layout import (
    SERIF,
    SERIF_BOLD,
    SERIF_ITALIC,
    PageWriter,
    fit_size,
    paper as paper_of,
    vn_date,
    vn_time,
)


@dataclass(frozen=True)
class FormHeader:
    form_number: str
    title: str
    managing_agency: str
    unit: str
    place: str
    dated: datetime  # local time: the date written in the header


@dataclass(frozen=True)
class Party:
    """The applicant as the forms name them."""

    name: str
    address: str = ""
    phone: str = ""
    email: str = ""
    organisation: bool = False
    #: The "Số định danh cá nhân/tổ chức" line: None, the form prints none; "", a dotted blank.
    identification: str | None = None


#: Side-by-side signature blocks: (title, the name printed under the signature).
#: (title, name under the signature[, note under the title]) of each signer
Signatures = tuple[tuple[str, ...], ...]


@dataclass(frozen=True)
class DocumentLine:
    name: str
    form_label: str  # "Bản chính" …
    count: int = 1


@dataclass(frozen=True)
class SupplementDocument:
    header: FormHeader
    code: str
    applicant: Party
    procedure_name: str
    documents: tuple[DocumentLine, ...]
    reason: str
    official_name: str
    official_phone: str = ""  # in the contact sentence; "" names the official alone
    lookup_url: str = ""
    number: str = ""  # "Số: …" under the header; "" prints none
    signers: Signatures = ()  # () signs as NGƯỜI HƯỚNG DẪN, the official's name under it


@dataclass(frozen=True)
class RefusalDocument:
    header: FormHeader
    code: str
    applicant: Party
    procedure_name: str
    reason: str
    official_name: str
    number: str = ""  # "Số: …" under the header; "" prints none
    code_optional: bool = False  # TT 03/2025: "Mã hồ sơ (nếu có)"
    signers: Signatures = ()  # () signs as the applicant and the receiving official


@dataclass(frozen=True)
class ApologyDocument:
    header: FormHeader
    code: str
    applicant: Party
    procedure_name: str
    received_at: datetime
    original_due_at: datetime
    new_due_at: datetime
    reason: str
    signer_name: str
    signer_title: str = "THỦ TRƯỞNG CƠ QUAN"
    signer_note: str = "(Ký và ghi rõ họ tên)"
    return_place: str = ""
    number: str = ""  # "Số: …/…" left blank for the clerk when empty
    extension: bool = False  # TT 03/2025: an apology *and a request to extend* the time


@dataclass(frozen=True)
class StopNoticeDocument:
    """Thông báo dừng giải quyết hồ sơ (Mẫu 05 of TT 03/2025): issued by the unit that received
    the dossier when it stops, before any decision on it."""

    header: FormHeader
    code: str
    applicant: Party
    procedure_name: str
    received_at: datetime
    stopped_at: datetime
    reason: str
    official_name: str
    at_applicants_request: bool = True
    number: str = ""  # "Số: …" under the header; "" prints none
    signers: Signatures = ()  # () signs as the applicant and the receiving official


@dataclass(frozen=True)
class ControlRow:
    """One handover of the dossier: who gave it, who took it, when, and the result."""

    giver: str
    taker: str
    at: datetime  # local
    result: str = ""  # "Trước hạn" / "Đúng hạn" / "Quá hạn" where the leg ends processing
    note: str = ""
    giver_name: str = ""
    taker_name: str = ""


@dataclass(frozen=True)
class ControlSheetDocument:
    header: FormHeader
    code: str
    applicant_name: str
    received_at: datetime
    due_at: datetime
    processing_agency: str
    rows: tuple[ControlRow, ...]
    cooperating_agencies: tuple[str, ...] = field(default=())
    notes: tuple[str, ...] = field(default=())  # dated steps that are not handovers (apology, financial)


def _begin(header: FormHeader, paper: str, code: str = "",
           number: str = "") -> tuple[Canvas, io.BytesIO, PageWriter]:
    """A form's first page, with its document number ("Số: …") under the header's left column
    when it has one; every further page names the form and, given, the dossier's code."""
    fonts.register()
    page = paper_of(paper)
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=(page.width, page.height), initialFontName=SERIF, initialFontSize=page.body)
    canvas.setTitle(header.title)
    canvas.setAuthor(header.unit)
    canvas.setCreator("oneStop")

    def continuation(w: PageWriter) -> None:
        w.line(f"{header.title} (tiếp theo)", font=SERIF_ITALIC, size=page.body * 0.9)
        if code:
            w.line(f"Mã hồ sơ: {code}", font=SERIF_BOLD, size=page.body * 0.95)

    w = PageWriter(canvas, page, on_new_page=continuation)
    w.header(header.managing_agency, header.unit, vn_date(header.dated, header.place), form_number=header.form_number,
             number=number)
    size = fit_size(header.title, SERIF_BOLD, page.title, w.width)
    w.line(header.title, font=SERIF_BOLD, size=size, align="center", leading=size * 1.4)
    return canvas, buffer, w


def _finish(canvas: Canvas, buffer: io.BytesIO) -> bytes:
    canvas.save()
    return buffer.getvalue()


def _party_lines(w: PageWriter, unit: str, party: Party, procedure_name: str) -> None:
    who = "tổ chức" if party.organisation else "Ông/Bà"
    w.rich([(f"{unit} tiếp nhận hồ sơ của {who}: ", SERIF), (party.name, SERIF_BOLD)])
    w.rich([("Nội dung yêu cầu giải quyết: ", SERIF), (procedure_name, SERIF_BOLD)])
    _address_lines(w, party)


def _address_lines(w: PageWriter, party: Party) -> None:
    """Address, phone and e-mail, then the identification line when the form prints it."""
    w.line(f"Địa chỉ: {party.address or '……………………………'}")
    contact = f"Số điện thoại: {party.phone or '……………'}"
    if party.email:
        contact += f"      Email: {party.email}"
    w.line(contact)
    if party.identification is not None:
        w.line(f"Số định danh cá nhân/tổ chức: {party.identification or '……………………'}")


def _signature_blocks(signers: Signatures, default: Signatures) -> Signatures:
    """The profile's signers, or the form's own; a single signer signs on the right."""
    blocks = signers or default
    return (("", ""), *blocks) if len(blocks) == 1 else blocks


def render_supplement(doc: SupplementDocument, *, paper: str = "A5") -> bytes:
    """Mẫu 02: the documents to add, the reason, who guides; given once, in full, in writing."""
    canvas, buffer, w = _begin(doc.header, paper, number=doc.number)
    w.line(f"Mã hồ sơ: {doc.code}", font=SERIF_BOLD, align="center")
    _party_lines(w, doc.header.unit, doc.applicant, doc.procedure_name)
    w.line("Yêu cầu Ông/Bà hoàn thiện hồ sơ gồm những nội dung sau:")
    rows = [[str(i), d.name, f"{d.count} {d.form_label.lower()}"] for i, d in enumerate(doc.documents, 1)]
    w.table(("TT", "Nội dung yêu cầu bổ sung, hoàn thiện", "Số lượng"), rows, (0.08, 0.67, 0.25),
            align=("center", "left", "center"))
    w.rich([("Lý do: ", SERIF_BOLD), (doc.reason, SERIF)])
    contact = f"Trong quá trình hoàn thiện hồ sơ, nếu có vướng mắc, Ông/Bà liên hệ với {doc.official_name}"
    if doc.official_phone:
        contact += f", số điện thoại {doc.official_phone}"
    contact += " để được hướng dẫn."
    w.line(contact)
    if doc.lookup_url:
        w.line(f"Tra cứu thủ tục hành chính tại: {doc.lookup_url}", font=SERIF_ITALIC)
    w.skip(w.paper.body * 0.5)
    w.signatures(_signature_blocks(doc.signers, (("NGƯỜI HƯỚNG DẪN", doc.official_name),)))
    return _finish(canvas, buffer)


def render_refusal(doc: RefusalDocument, *, paper: str = "A5") -> bytes:
    """Mẫu 03: the dossier is not accepted, with the specific reason."""
    canvas, buffer, w = _begin(doc.header, paper, number=doc.number)
    w.line(f"Mã hồ sơ{' (nếu có)' if doc.code_optional else ''}: {doc.code}", font=SERIF_BOLD, align="center")
    _party_lines(w, doc.header.unit, doc.applicant, doc.procedure_name)
    w.line(
        "Sau khi xem xét, đối chiếu các thành phần hồ sơ, "
        f"{doc.header.unit} thông báo không tiếp nhận, giải quyết hồ sơ này với lý do cụ thể như sau:"
    )
    w.line(doc.reason, font=SERIF_BOLD)
    w.line("Xin thông báo để Ông/Bà được biết và thực hiện.")
    w.skip(w.paper.body * 0.5)
    w.signatures(_signature_blocks(doc.signers, (("NGƯỜI NỘP HỒ SƠ", doc.applicant.name),
                                                 ("NGƯỜI TIẾP NHẬN HỒ SƠ", doc.official_name))))
    return _finish(canvas, buffer)


def render_apology(doc: ApologyDocument, *, paper: str = "A5") -> bytes:
    """Mẫu 04: a letter of apology with the one new appointment."""
    fonts.register()
    page = paper_of(paper)
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=(page.width, page.height), initialFontName=SERIF, initialFontSize=page.body)
    canvas.setTitle(doc.header.title)
    canvas.setCreator("oneStop")
    w = PageWriter(canvas, page)
    w.header(doc.header.managing_agency, doc.header.unit, vn_date(doc.header.dated, doc.header.place),
             form_number=doc.header.form_number, number=doc.number or "………/………")  # a blank for the clerk
    subject = ("V/v xin lỗi và đề nghị gia hạn thời gian giải quyết hồ sơ" if doc.extension
               else "V/v xin lỗi và hẹn lại thời gian trả kết quả giải quyết hồ sơ")
    w.line(subject, font=SERIF_ITALIC, size=page.body * 0.9, x=w.x, width=w.width * 0.4)
    w.skip(page.body * 0.5)
    who = "Tổ chức" if doc.applicant.organisation else "Ông/Bà"
    w.line(f"Kính gửi: {who} {doc.applicant.name}", align="center", font=SERIF_BOLD)
    w.skip(page.body * 0.3)
    w.line(
        f"Ngày {doc.received_at:%d/%m/%Y}, {doc.header.unit} tiếp nhận giải quyết hồ sơ của {who} "
        f"đề nghị giải quyết thủ tục {doc.procedure_name}, mã hồ sơ {doc.code}. Thời hạn trả kết quả giải quyết "
        f"hồ sơ theo quy định là {vn_time(doc.original_due_at)}."
    )
    w.line(f"Tuy nhiên, đến nay cơ quan chưa trả kết quả giải quyết hồ sơ cho {who}. Lý do: {doc.reason}")
    w.line(
        f"Sự chậm trễ này đã gây phiền hà, tốn kém chi phí, công sức của {who}. Cơ quan xin lỗi {who}"
        + (f", đề nghị {who} đồng ý gia hạn thời gian giải quyết hồ sơ đến {vn_time(doc.new_due_at)} và cơ quan "
           f"sẽ trả kết quả giải quyết hồ sơ cho {who} vào thời gian đó" if doc.extension
           else f" và sẽ trả kết quả giải quyết hồ sơ cho {who} vào {vn_time(doc.new_due_at)}")
        + (f", tại {doc.return_place}." if doc.return_place else ".")
    )
    w.line("Xin trân trọng cảm ơn!", font=SERIF_ITALIC)
    w.skip(page.body * 0.5)
    w.signatures((("", ""), (doc.signer_title, doc.signer_name, doc.signer_note)))
    return _finish(canvas, buffer)


def render_stop_notice(doc: StopNoticeDocument, *, paper: str = "A5") -> bytes:
    """Mẫu 05 (2025): the dossier's processing stops; what it was, since when, why, and what the
    applicant takes back."""
    canvas, buffer, w = _begin(doc.header, paper, number=doc.number)
    w.line(f"Mã hồ sơ: {doc.code}", font=SERIF_BOLD, align="center")
    who = "Tổ chức" if doc.applicant.organisation else "Ông/Bà"
    w.rich([("Kính gửi: ", SERIF), (f"{who} {doc.applicant.name}", SERIF_BOLD)])
    _address_lines(w, doc.applicant)
    w.line(
        f"Ngày {doc.received_at:%d/%m/%Y}, {doc.header.unit} tiếp nhận hồ sơ của {who} đề nghị giải quyết thủ tục "
        f"{doc.procedure_name}, mã hồ sơ {doc.code}."
    )
    if doc.at_applicants_request:
        w.line(f"Theo đề nghị của {who}, hồ sơ chưa có quyết định giải quyết, {doc.header.unit} thông báo dừng giải "
               f"quyết hồ sơ này kể từ {vn_time(doc.stopped_at)}.")
    else:
        w.line(f"{doc.header.unit} thông báo dừng giải quyết hồ sơ này kể từ {vn_time(doc.stopped_at)}.")
    if doc.reason:
        w.rich([("Lý do: ", SERIF_BOLD), (doc.reason, SERIF)])
    w.line(f"{who} nhận lại hồ sơ đã nộp tại {doc.header.unit}. Xin thông báo để {who} được biết.")
    w.skip(w.paper.body * 0.5)
    w.signatures(_signature_blocks(doc.signers, (("NGƯỜI NỘP HỒ SƠ", doc.applicant.name),
                                                 ("NGƯỜI TIẾP NHẬN HỒ SƠ", doc.official_name))))
    return _finish(canvas, buffer)


def render_control_sheet(doc: ControlSheetDocument, *, paper: str = "A5") -> bytes:
    """Mẫu 05: the dossier's history, printed. One row per handover, with room for both
    signatures; the code on every page; the steps that are not handovers under the table."""
    canvas, buffer, w = _begin(doc.header, paper, doc.code)
    body = w.paper.body
    module = 0.254 * mm
    if code128_width(doc.code, module) > w.width + 20 * module:  # a 35-character agency identifier at A5
        module = 0.2117 * mm  # 5 dots at 600 dpi
    top = w.y
    draw_code128(canvas, doc.code, w.x + (w.width - code128_width(doc.code, module)) / 2, top - 9 * mm,
                 module=module, height=8 * mm)  # centred, its quiet zones in the margins if need be
    w.y = top - 9 * mm - body * 0.4
    w.line(f"Mã hồ sơ: {doc.code}", font=SERIF_BOLD, align="center")
    w.line(f"(Kèm theo hồ sơ của: {doc.applicant_name})", font=SERIF_ITALIC, align="center")
    w.line(f"Ngày, giờ nhận: {vn_time(doc.received_at)}")
    w.line(f"Ngày, giờ hẹn trả kết quả: {vn_time(doc.due_at)}")
    w.line(f"Cơ quan (bộ phận) giải quyết hồ sơ: {doc.processing_agency or '……………………'}")
    w.line(f"Cơ quan phối hợp giải quyết hồ sơ: {', '.join(doc.cooperating_agencies) or '……………………'}")
    w.skip(body * 0.4)
    rows = []
    for row in doc.rows:
        # each signer gets a blank line to sign on, then the name printed
        people = (f"Người giao (ký):\n \n{row.giver_name or '…………………'}\n"
                  f"Người nhận (ký):\n \n{row.taker_name or '…………………'}")
        rows.append(
            [
                f"1. Giao: {row.giver}\n2. Nhận: {row.taker}",
                f"{row.at:%H} giờ {row.at:%M} phút, ngày {row.at:%d/%m/%Y}\n{people}",
                row.result,
                row.note,
            ]
        )
    w.table(
        ("TÊN CƠ QUAN", "THỜI GIAN GIAO, NHẬN HỒ SƠ", "KẾT QUẢ GIẢI QUYẾT HỒ SƠ (Trước hạn/Đúng hạn/Quá hạn)", "GHI CHÚ"),
        rows,
        (0.28, 0.31, 0.16, 0.25),
        size=body * 0.9,
        align=("left", "left", "center", "left"),
    )
    if doc.notes:
        w.skip(body * 0.3)
        w.line("Các bước khác trong quá trình giải quyết:", font=SERIF_ITALIC)
        for note in doc.notes:
            w.line(f"- {note}", size=body * 0.9)
    return _finish(canvas, buffer)
