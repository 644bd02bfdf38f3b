"""Validation at the edge: a draft dossier in, a normalised draft out, or every problem at once.

All text is NFC with whitespace collapsed; ID numbers and phones are compacted; every error
names its field in Vietnamese.
"""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date
from typing import Iterable

from oneStop.domain import citizen_id as cid
from oneStop.domain import email as email_
from oneStop.domain import money
from oneStop.domain import phone as phone_
from oneStop.domain import tracking as tracking_
from oneStop.domain.errors import ErrorCollector, InvalidFormat, InvalidLength
from oneStop.domain.models import (
    Applicant,
    DossierDraft,
    Procedure,
    ReceivedDocument,
    ReturnMethod,
    Channel,
)
from oneStop.domain.clock import local_date
from oneStop.domain.text import clean, search_key

MAX_NAME = 100
MAX_ADDRESS = 300
MAX_NOTES = 2000
MAX_DOCUMENT_NAME = 300
MAX_SETS = 99
MAX_DOCUMENT_COUNT = 99
MAX_FEE = money.MAX_DONG
MAX_AUTHORISATION = 200
MAX_ATTACHMENT_BYTES = 50 * 1024 * 1024

_TAX_CODE = re.compile(r"\d{10}(-?\d{3})?")


def normalise_applicant(
    a: Applicant, prefix: str, errors: ErrorCollector, *, today: date | None, require_id: bool
) -> Applicant:
    """Clean one applicant; ``prefix`` is "" for the applicant, "owner_" for the owner."""
    name_field = "organisation" if a.is_organisation else ("owner_name" if prefix else "applicant_name")
    name = errors.run(clean, a.name, name_field, max_len=MAX_NAME, required=True) or ""
    id_field = "owner_citizen_id" if prefix else "citizen_id"
    raw_id = (a.citizen_id or "").strip()
    number, legacy = "", False
    if raw_id:
        number = errors.run(cid.validate, raw_id, id_field, today=today) or ""
        legacy = bool(number) and cid.is_legacy(number)
    elif require_id and not a.is_organisation:
        errors.add(InvalidLength(id_field, "không được để trống"))
    phone = ""
    if (a.phone or "").strip():
        phone = errors.run(phone_.validate, a.phone, prefix + "phone") or ""
    mail = ""
    if (a.email or "").strip():
        mail = errors.run(email_.validate, a.email, prefix + "email") or ""
    address = errors.run(clean, a.address, prefix + "address", max_len=MAX_ADDRESS, required=not prefix) or ""
    tax = ""
    if a.is_organisation and (a.tax_code or "").strip():
        tax = re.sub(r"\s", "", a.tax_code)
        if not _TAX_CODE.fullmatch(tax):
            errors.add(InvalidFormat("organisation", "mã số thuế phải gồm 10 hoặc 13 chữ số"))
            tax = ""
    return Applicant(
        name=name,
        citizen_id=number,
        citizen_id_legacy=legacy,
        phone=phone,
        email=mail,
        address=address,
        is_organisation=a.is_organisation,
        tax_code=tax,
    )


def normalise_draft(draft: DossierDraft, procedure: Procedure, *, today: date | None = None,
                    tracking_formats: Iterable[str] = ()) -> DossierDraft:
    """Return the draft cleaned and completed from the procedure, or raise
    :class:`ValidationErrors` listing every problem, in form order."""
    errors = ErrorCollector()
    applicant = normalise_applicant(draft.applicant, "", errors, today=today, require_id=True)
    owner = None
    if draft.owner is not None and (draft.owner.name or draft.owner.citizen_id):
        owner = normalise_applicant(draft.owner, "owner_", errors, today=today, require_id=False)
    # the paper by which the applicant files for the owner (the receipt's proxy block, TT 03/2025)
    authorisation = errors.run(clean, draft.authorisation, "authorisation", max_len=MAX_AUTHORISATION) or ""
    if authorisation and owner is None:
        errors.add(InvalidFormat("authorisation", "chỉ ghi khi nộp hồ sơ thay chủ hồ sơ (nhập chủ hồ sơ)"))

    if not isinstance(draft.channel, Channel):
        errors.add(InvalidFormat("channel", "không hợp lệ"))
    elif draft.channel is Channel.POSTAL and not procedure.postal_in:
        errors.add(
            InvalidFormat("channel", "thủ tục này không tiếp nhận hồ sơ qua dịch vụ bưu chính công ích")
        )

    if not isinstance(draft.sets, int) or not 1 <= draft.sets <= MAX_SETS:
        errors.add(InvalidFormat("sets", f"phải từ 1 đến {MAX_SETS}"))

    documents = _documents(draft.documents, procedure, errors)

    fee = procedure.fee_for(draft.channel) if draft.fee is None and isinstance(draft.channel, Channel) else draft.fee
    if fee is None:
        fee = procedure.fee
    if not isinstance(fee, int) or isinstance(fee, bool):
        errors.add(InvalidFormat("fee", "phải là số đồng nguyên, không âm"))
        fee = 0
    fee = errors.run(money.validate, fee, "fee") or 0

    delivery = errors.run(clean, draft.delivery_address, "delivery_address", max_len=MAX_ADDRESS) or ""
    if draft.return_method is ReturnMethod.POST:
        if not procedure.postal_out:
            errors.add(
                InvalidFormat("return_method", "thủ tục này không trả kết quả qua dịch vụ bưu chính công ích")
            )
        if not delivery:
            delivery = applicant.address
        if not delivery:
            errors.add(InvalidLength("delivery_address", "không được để trống khi nhận kết quả qua bưu chính"))
        if not applicant.phone:
            errors.add(InvalidLength("phone", "cần có số điện thoại để bưu chính liên hệ khi trả kết quả"))
    else:
        delivery = ""

    reason = errors.run(clean, draft.priority_reason, "notes", max_len=200) or ""
    notes = errors.run(clean, draft.notes, "notes", max_len=MAX_NOTES, multiline=True) or ""
    tracking = errors.run(clean, draft.postal_tracking, "tracking", max_len=40) or ""
    if tracking:  # the handover scanner's rule: S10 with its check digit, or a format the administrator allows
        tracking = errors.run(tracking_.validate, tracking, tracking_formats) or ""

    for att in draft.attachments:
        if len(att.content) > MAX_ATTACHMENT_BYTES:
            errors.add(
                InvalidFormat("attachment", f"“{att.filename}” lớn quá {MAX_ATTACHMENT_BYTES // (1024 * 1024)} MB")
            )
        if not att.content:
            errors.add(InvalidFormat("attachment", f"“{att.filename}” rỗng"))

    if draft.received_at is not None and draft.received_at.tzinfo is None:
        errors.add(InvalidFormat("received_at", "phải có múi giờ"))
    elif draft.cross_boundary:
        day = local_date(draft.received_at) if draft.received_at is not None else today
        if day is not None and not procedure.open_cross_boundary(day):
            since = procedure.cross_boundary_from
            errors.add(InvalidFormat("cross_boundary", (
                f"thủ tục {procedure.code} chỉ tiếp nhận không phụ thuộc địa giới hành chính từ ngày "
                f"{since:%d/%m/%Y}") if since else (
                f"thủ tục {procedure.code} không thuộc danh mục tiếp nhận không phụ thuộc địa giới hành chính")))

    errors.raise_if_any()
    return replace(
        draft,
        procedure_code=procedure.code,
        applicant=applicant,
        owner=owner,
        authorisation=authorisation if owner is not None else "",
        documents=tuple(documents),
        fee=fee,
        delivery_address=delivery,
        priority_reason=reason if draft.priority else "",
        notes=notes,
        postal_tracking=tracking,
        cross_boundary=bool(draft.cross_boundary),
    )


def _same_name(a: str, b: str) -> bool:
    return search_key(a) == search_key(b)


def _documents(given: tuple[ReceivedDocument, ...] | None, procedure: Procedure,
               errors: ErrorCollector) -> tuple[ReceivedDocument, ...]:
    """The documents recorded with the dossier: those handed in, then the procedure's documents
    whose data is taken from VNeID or a national database (``from_data``, rules §11.5).

    Without a list (None) the procedure's mandatory papers are taken as handed in: an optional
    one is recorded only when it is given. A paper claimed as handed in for a document the
    state already holds is refused: the applicant is not to be asked for it."""
    from_data = [d for d in procedure.documents if d.from_data]
    if given is None:
        given = tuple(ReceivedDocument(d.name, d.form, d.count) for d in procedure.documents
                      if d.mandatory and not d.from_data)
    documents: list[ReceivedDocument] = []
    for doc in given:
        name = errors.run(clean, doc.name, "document_name", max_len=MAX_DOCUMENT_NAME, required=True)
        if not isinstance(doc.count, int) or isinstance(doc.count, bool) or not 1 <= doc.count <= MAX_DOCUMENT_COUNT:
            errors.add(
                InvalidFormat("document_count", f"“{doc.name}”: phải từ 1 đến {MAX_DOCUMENT_COUNT}")
            )
            continue
        if not name:
            continue
        held = next((d for d in from_data if _same_name(d.name, name)), None)
        if doc.from_data:
            if held is None:
                errors.add(InvalidFormat("documents", f"“{name}” không phải giấy tờ khai thác dữ liệu của thủ tục "
                                                      f"{procedure.code}"))
            continue  # recorded below, as the catalog names it
        if held is not None:
            errors.add(InvalidFormat("documents", f"“{name}” được khai thác từ dữ liệu (VNeID, cơ sở dữ liệu quốc "
                                                  "gia): không yêu cầu, không ghi nhận bản giấy"))
            continue
        documents.append(ReceivedDocument(name, doc.form, doc.count))
    documents.extend(ReceivedDocument(d.name, d.form, d.count, from_data=True) for d in from_data)
    return tuple(documents)
