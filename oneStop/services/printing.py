"""Producing a dossier's papers. Every print is an event; a second print is a reprint and says so."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Callable, Iterable

from oneStop import settings as S
from oneStop.domain.clock import to_local
from oneStop.domain.errors import InvalidFormat
from oneStop.domain.events import Kind
from oneStop.domain.models import Agency, Dossier, ReceivedDocument, ReturnMethod, User
from oneStop.domain.permissions import Permission
from oneStop.domain.profiles import FormSpec, RegulationProfile
from oneStop.persistence.mapping import agency_from_row, dossier_from_row
from oneStop.persistence.models import AgencyRow, UserRow
from oneStop.domain import lifecycle
from oneStop.services.base import UowFactory, authorize, user_names
from oneStop.services.dossiers import DossierService
from oneStop.services.settings_store import SettingsService

if TYPE_CHECKING:
    from oneStop.printing.receipt import ReceiptDocument
    from oneStop.services.calendar import CalendarService

PAPERS = ("A5", "A4")
FORM_KINDS = ("supplement", "refusal", "apology", "stop", "control-sheet")
_PROFILE_KEYS = {"supplement": "supplement", "refusal": "refusal", "apology": "apology", "stop": "stop_notice",
                 "control-sheet": "control_sheet"}
_DEFAULT_FORMS = {
    "supplement": ("Mẫu số 02", "PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ"),
    "refusal": ("Mẫu số 03", "PHIẾU TỪ CHỐI TIẾP NHẬN GIẢI QUYẾT HỒ SƠ"),
    "apology": ("Mẫu số 04", "PHIẾU XIN LỖI VÀ HẸN LẠI NGÀY TRẢ KẾT QUẢ"),
    # the stop notice is Thông tư 03/2025's: a profile without it prints it under that number
    "stop": ("Mẫu số 05", "THÔNG BÁO DỪNG GIẢI QUYẾT HỒ SƠ"),
    "control-sheet": ("Mẫu số 05", "PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ"),
}
#: What such a form prints of its optional contents: the 2025 stop notice names the applicant's
#: identification number (``FormSpec.fields``).
_DEFAULT_FIELDS = {"stop": ("identification",)}


@dataclass(frozen=True)
class PrintedReceipt:
    code: str
    pdf: bytes
    reprint: bool
    paper: str


def receipt_document(
    dossier: Dossier,
    agency: Agency,
    official_name: str,
    profile: RegulationProfile | None,
    *,
    printed_at,  # type: ignore[no-untyped-def]
    reprint: bool,
    copies: int = 2,
    head_name: str = "",
) -> "ReceiptDocument":
    """The receipt of a dossier as its profile's Mẫu 01 prints it: the 2018 form, or with what
    Thông tư 03/2025 adds (a document number, the identification line, the proxy block, the book
    reference as optional, the privacy notice, the signers) where the profile's form asks."""
    from oneStop.printing.receipt import ReceiptDocument, ReceiptLine  # reportlab: loaded when first needed

    form = profile.form("receipt") if profile and "receipt" in profile.forms else None
    owner = dossier.owner if dossier.owner and dossier.owner.name != dossier.applicant.name else None
    # the copy markers: the profile's, then the postal service's third copy; the setting counts them
    labels = list(form.copies if form and form.copies else ("Liên 1: Lưu", "Liên 2: Giao người nộp"))
    if len(labels) < 3:
        labels.append("Liên 3: Lưu bưu chính")
    extra: dict[str, Any] = {}
    if form is not None:
        extra = dict(
            form_number=form.number, title=form.title,
            document_number=form.document_number_for(dossier.code, to_local(dossier.received_at).date()),
            identification=form.has("identification"),
            proxy=form.has("proxy"),
            book_reference_optional=form.has("book_reference_optional"),
            privacy_notice=form.text.get("privacy_notice", "") if form.has("privacy_notice") else "",
            signers=tuple((s.title, s.name(official=official_name, applicant=dossier.applicant.name, head=head_name),
                           s.note) for s in form.signers),
        )
    # the book's reference is printed unless the receipt calls the book optional and the book in
    # force has no "Quyển số/Số thứ tự" column to find it in
    book = profile.forms.get("tracking_book") if profile else None
    register_known = not (form is not None and form.has("book_reference_optional")) or (
        book is not None and (not book.columns or "register" in book.columns))
    return ReceiptDocument(
        **extra,
        managing_agency=agency.managing_agency,
        receiving_unit=agency.name,
        place=agency.place or agency.province,
        code=dossier.code,
        applicant_name=dossier.applicant.name,
        owner_name=owner.name if owner else "",
        owner_address=owner.address if owner else "",
        owner_citizen_id=(owner.citizen_id or owner.tax_code) if owner else "",
        owner_phone=owner.phone if owner else "",
        owner_email=owner.email if owner else "",
        authorisation=dossier.authorisation,
        tax_code=dossier.applicant.tax_code,
        organisation=dossier.applicant.is_organisation,
        address=dossier.applicant.address,
        phone=dossier.applicant.phone,
        email=dossier.applicant.email,
        citizen_id=dossier.applicant.citizen_id,
        procedure_name=dossier.procedure.name,
        documents=tuple(_receipt_line(ReceiptLine, d) for d in dossier.documents),
        sets=dossier.sets,
        processing_days=dossier.procedure.processing_days,
        processing_hours=dossier.procedure.processing_hours,
        received_at=to_local(dossier.received_at),
        due_at=to_local(dossier.due_at),
        return_by_post=dossier.return_method is ReturnMethod.POST,
        delivery_address=dossier.delivery_address,
        register_volume=dossier.register_volume if register_known else "",
        register_number=dossier.register_number if register_known else 0,
        fee=dossier.fee,
        official_name=official_name,
        lookup_url=agency.lookup_url,
        hotline=agency.hotline,
        qr_text=dossier.code,
        priority=dossier.priority,
        printed_at=to_local(printed_at),
        reprint_at=to_local(printed_at) if reprint else None,
        copies=tuple(labels[: max(1, min(copies, len(labels)))]),
    )


def _receipt_line(line: type, d: ReceivedDocument) -> Any:
    """A received document as the receipt lists it: one whose data was taken from VNeID or a
    national database is named as such, never as a paper handed in (rules §11.5)."""
    return line(d.name, d.form.value, d.count, from_data=d.from_data)


@dataclass(frozen=True)
class PrintedForm:
    kind: str
    code: str
    pdf: bytes
    paper: str


class PrintService:
    def __init__(
        self,
        uow: UowFactory,
        settings: SettingsService,
        profiles: Iterable[RegulationProfile],
        calendar: "CalendarService | None" = None,
    ) -> None:
        self._uow = uow
        self._settings = settings
        self._profiles = profiles  # iterated at each use: a published profile counts at once
        self._calendar = calendar

    def form(self, actor: User, kind: str, code: str, *, paper: str | None = None) -> PrintedForm:
        """Mẫu 02 (supplement), 03 (refusal), 04 (apology), the stop notice (stop) or the
        control sheet (control-sheet) of a dossier, built from its events. Printing is recorded
        as an event. ``paper`` None: the paper the dossier's profile gives the form (A5 unless it
        says otherwise)."""
        if kind not in FORM_KINDS:
            raise InvalidFormat("paper", f"không có mẫu «{kind}»; chọn một trong: {', '.join(FORM_KINDS)}")
        if paper is not None and paper.upper() not in PAPERS:
            raise InvalidFormat("paper", "phải là A5 hoặc A4")
        with self._uow(write=True) as uow:
            official = authorize(uow, actor, Permission.PRINT)
            row = DossierService._row_by_code(uow, code)
            dossier = dossier_from_row(row)
            events = DossierService._events(uow, dossier.id)
            agency_row = uow.session.get(AgencyRow, dossier.agency_code) or uow.session.query(AgencyRow).first()
            agency = agency_from_row(agency_row)
            names = user_names(uow)
            now = uow.now()
            spec = self._form_spec(dossier, kind)
            paper = (paper or spec.paper).upper()
            from oneStop.services.form_builders import build_form  # reportlab: loaded when first needed

            pdf = build_form(kind, dossier, events, agency, names, spec, now=now, paper=paper,
                             head_name=self._settings.get(S.REPORT_HEAD_NAME),
                             classify=self._classifier(now),
                             extension=self._form_spec(dossier, "apology").has("extension"))
            uow.append(Kind.FORM_PRINTED, official.username, dossier_id=dossier.id, payload={"form": kind, "paper": paper})
            uow.commit()
        return PrintedForm(kind, dossier.code, pdf, paper)

    def _profile(self, profile_id: str) -> RegulationProfile | None:
        return next((p for p in self._profiles if p.id == profile_id), None)

    def _form_spec(self, dossier: Dossier, kind: str) -> FormSpec:
        """The form as the dossier's profile defines it (number, title, signers, document
        number …); a profile that does not name it gives the standard number and title (and,
        for the stop notice, its identification line)."""
        profile = self._profile(dossier.profile_id)
        key = _PROFILE_KEYS[kind]
        if profile is not None and key in profile.forms:
            return profile.form(key)
        return FormSpec(*_DEFAULT_FORMS[kind], fields=_DEFAULT_FIELDS.get(kind, ()))

    def _classifier(self, now):  # type: ignore[no-untyped-def]
        if self._calendar is None:
            return None
        calendar = self._calendar.calendar()
        early = self._settings.get(S.EARLY_DAYS)

        def classify(dossier: Dossier) -> str:
            timeliness = lifecycle.classify(dossier, now, calendar.working_days_between, early_days=early)
            return lifecycle.timeliness_words(dossier.status.value, timeliness)

        return classify

    def receipt(self, actor: User, code: str, *, paper: str | None = None,
                deliver: Callable[[bytes], None] | None = None) -> PrintedReceipt:
        """The receipt PDF of a dossier. The first print is the original; every later one is a
        reprint, marked "BẢN IN LẠI" with its time. Either way an event is written.

        ``deliver`` (writing the file, sending it to the printer) runs before the print is
        counted: if it raises, nothing is recorded and the next print is still the original."""
        values = self._settings.all()
        paper = (paper or values[S.RECEIPT_PAPER.key]).upper()
        if paper not in PAPERS:
            raise InvalidFormat("paper", "phải là A5 hoặc A4")
        with self._uow(write=True) as uow:
            official = authorize(uow, actor, Permission.PRINT)
            row = DossierService._row_by_code(uow, code)
            dossier = dossier_from_row(row)
            agency_row = uow.session.get(AgencyRow, dossier.agency_code)
            if agency_row is None:
                agency_row = uow.session.query(AgencyRow).first()
            receiver = uow.session.get(UserRow, dossier.received_by)
            reprint = dossier.print_count > 0
            now = uow.now()
            document = receipt_document(
                dossier,
                agency_from_row(agency_row),
                receiver.full_name if receiver else dossier.received_by,
                self._profile(dossier.profile_id),
                printed_at=now,
                reprint=reprint,
                copies=values[S.PRINT_COPIES.key],
                head_name=values[S.REPORT_HEAD_NAME.key],
            )
            from oneStop.printing.receipt import render_receipt

            pdf = render_receipt(document, paper=paper)
            if deliver is not None:
                deliver(pdf)
            uow.record(
                Kind.RECEIPT_REPRINTED if reprint else Kind.RECEIPT_PRINTED,
                official.username,
                dossier.id,
                {"paper": paper, "copies": len(document.copies)},
            )
            uow.commit()
        return PrintedReceipt(dossier.code, pdf, reprint, paper)
