"""Producing a dossier's papers. Every print is an event; a second print is a reprint and says so."""

from __future__ import annotations

from dataclasses import dataclass

from oneStop import settings as S
from oneStop.domain.clock import to_local
from oneStop.domain.errors import InvalidFormat
from oneStop.domain.events import Kind
from oneStop.domain.models import Agency, Dossier, ReturnMethod, User
from oneStop.domain.permissions import Permission
from oneStop.domain.profiles import RegulationProfile
from oneStop.persistence.mapping import agency_from_row, dossier_from_row
from oneStop.persistence.models import AgencyRow, UserRow
from oneStop.printing.receipt import ReceiptDocument, ReceiptLine, render_receipt
from oneStop.services.base import UowFactory, authorize
from oneStop.services.dossiers import DossierService
from oneStop.services.settings_store import SettingsService

PAPERS = ("A5", "A4")


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
) -> ReceiptDocument:
    form = profile.form("receipt") if profile else None
    owner = dossier.owner.name if dossier.owner and dossier.owner.name != dossier.applicant.name else ""
    all_copies = ("Liên 1: Lưu", "Liên 2: Giao người nộp", "Liên 3: Lưu bưu chính")
    return ReceiptDocument(
        **({"form_number": form.number, "title": form.title} if form else {}),
        managing_agency=agency.managing_agency,
        receiving_unit=agency.name,
        place=agency.place or agency.province,
        code=dossier.code,
        applicant_name=dossier.applicant.name,
        owner_name=owner,
        organisation=dossier.applicant.is_organisation,
        address=dossier.applicant.address,
        phone=dossier.applicant.phone,
        email=dossier.applicant.email,
        citizen_id=dossier.applicant.citizen_id,
        procedure_name=dossier.procedure.name,
        documents=tuple(ReceiptLine(d.name, d.form.value, d.count) for d in dossier.documents),
        sets=dossier.sets,
        processing_days=dossier.procedure.processing_days,
        processing_hours=dossier.procedure.processing_hours,
        received_at=to_local(dossier.received_at),
        due_at=to_local(dossier.due_at),
        return_by_post=dossier.return_method is ReturnMethod.POST,
        delivery_address=dossier.delivery_address,
        register_volume=dossier.register_volume,
        register_number=dossier.register_number,
        fee=dossier.fee,
        official_name=official_name,
        lookup_url=agency.lookup_url,
        hotline=agency.hotline,
        qr_text=dossier.code,
        priority=dossier.priority,
        printed_at=to_local(printed_at),
        reprint_at=to_local(printed_at) if reprint else None,
        copies=all_copies[: max(1, min(copies, len(all_copies)))],
    )


class PrintService:
    def __init__(self, uow: UowFactory, settings: SettingsService, profiles: tuple[RegulationProfile, ...]) -> None:
        self._uow = uow
        self._settings = settings
        self._profiles = {p.id: p for p in profiles}

    def receipt(self, actor: User, code: str, *, paper: str | None = None) -> PrintedReceipt:
        """The receipt PDF of a dossier. The first print is the original; every later one is a
        reprint, marked "BẢN IN LẠI" with its time. Either way an event is written."""
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
                self._profiles.get(dossier.profile_id),
                printed_at=now,
                reprint=reprint,
                copies=values[S.PRINT_COPIES.key],
            )
            pdf = render_receipt(document, paper=paper)
            uow.record(
                Kind.RECEIPT_REPRINTED if reprint else Kind.RECEIPT_PRINTED,
                official.username,
                dossier.id,
                {"paper": paper, "copies": len(document.copies)},
            )
            uow.commit()
        return PrintedReceipt(dossier.code, pdf, reprint, paper)
