"""From a dossier and its events to the printable documents of Mẫu 02–05.

The control sheet (Mẫu 05) *is* the dossier's history: one row per handover event.
"""

from __future__ import annotations

from datetime import datetime
from typing import Callable, Mapping, Sequence

from oneStop.domain.clock import to_local
from oneStop.domain.errors import OneStopError
from oneStop.domain.events import Kind
from oneStop.domain.lifecycle import FEE_STAGES, Transition
from oneStop.domain.models import Agency, DocumentForm, Dossier, Event
from oneStop.domain.profiles import FormSpec
from oneStop.printing.layout import money
from oneStop.printing.forms import (
    ApologyDocument,
    ControlRow,
    ControlSheetDocument,
    DocumentLine,
    FormHeader,
    Party,
    RefusalDocument,
    Signatures,
    StopNoticeDocument,
    SupplementDocument,
    render_apology,
    render_control_sheet,
    render_refusal,
    render_stop_notice,
    render_supplement,
)

APPLICANT = "Người nộp hồ sơ"
UNIT = "Bộ phận tiếp nhận và trả kết quả"


class NothingToPrint(OneStopError):
    """The form needs an event the dossier does not have (e.g. a refusal slip for a dossier
    that was never refused)."""


def _last(events: Sequence[Event], transition: Transition) -> Event | None:
    found = [e for e in events if e.kind == transition.kind]
    return found[-1] if found else None


def _party(d: Dossier, spec: FormSpec) -> Party:
    """The applicant as the form names them, with the identification line when ``spec`` has it:
    a person's citizen ID, an organisation's tax code, "" (a dotted blank) when neither is known."""
    a = d.applicant
    identification = None
    if spec.has("identification"):
        identification = (a.tax_code or a.citizen_id) if a.is_organisation else a.citizen_id
    return Party(a.name, a.address, a.phone, a.email, a.is_organisation, identification)


def build_form(
    kind: str,
    dossier: Dossier,
    events: Sequence[Event],
    agency: Agency,
    names: Mapping[str, str],
    spec: FormSpec,
    *,
    now: datetime,
    paper: str,
    classify: Callable[[Dossier], str] | None,
    head_name: str = "",
    extension: bool = False,
) -> bytes:
    """Form ``kind`` of the dossier as its profile's ``spec`` says (number, title, who signs,
    its document number, the optional contents of its ``fields``); ``head_name`` is the head of
    the agency, for a form he signs. What the spec leaves out prints as the 2018 form does."""
    party = _party(dossier, spec)

    def header(dated: datetime) -> FormHeader:
        return FormHeader(spec.number, spec.title, agency.managing_agency, agency.name, agency.place or agency.province,
                          to_local(dated))

    def number(event: Event) -> str:  # "Số: …" from the dossier's daily number and the event's local date
        return spec.document_number_for(dossier.code, to_local(event.business_time).date())

    def signers(event: Event) -> Signatures:  # () when the profile names none
        actor = names.get(event.actor, event.actor)
        return tuple((s.title, s.name(official=actor, applicant=dossier.applicant.name, head=head_name), s.note)
                     for s in spec.signers)

    if kind == "supplement":
        event = _last(events, Transition.SUPPLEMENT_REQUESTED)
        if event is None:
            raise NothingToPrint(f"Hồ sơ {dossier.code} chưa có yêu cầu bổ sung nào để in Phiếu yêu cầu bổ sung.")
        documents = tuple(
            DocumentLine(d["name"], DocumentForm(d.get("form", "ban_chinh")).label, int(d.get("count", 1)))
            for d in event.payload.get("documents", [])
        )
        return render_supplement(
            SupplementDocument(header(event.business_time), dossier.code, party, dossier.procedure.name,
                               documents, event.payload.get("reason", ""), names.get(event.actor, event.actor),
                               # the official's own phone is not kept: the agency's hotline, else a blank to fill in
                               official_phone=(agency.hotline or "……………") if spec.has("contact") else "",
                               lookup_url=agency.lookup_url, number=number(event), signers=signers(event)),
            paper=paper,
        )
    if kind == "refusal":
        event = _last(events, Transition.REFUSED)
        if event is None:
            raise NothingToPrint(f"Hồ sơ {dossier.code} không bị từ chối: không có Phiếu từ chối để in.")
        return render_refusal(
            RefusalDocument(header(event.business_time), dossier.code, party, dossier.procedure.name,
                            event.payload.get("reason", ""), names.get(event.actor, event.actor),
                            number=number(event), code_optional=spec.has("dossier_code_optional"),
                            signers=signers(event)),
            paper=paper,
        )
    if kind == "apology":
        event = _last(events, Transition.APOLOGISED)
        if event is None:
            raise NothingToPrint(f"Hồ sơ {dossier.code} chưa có văn bản xin lỗi và hẹn lại.")
        previous = datetime.fromisoformat(event.payload.get("previous_due_at") or dossier.original_due_at.isoformat())
        signed = signers(event)[:1]  # the letter has one signer: the profile's first, else the official
        return render_apology(
            ApologyDocument(
                header(event.business_time), dossier.code, party, dossier.procedure.name,
                received_at=to_local(dossier.received_at), original_due_at=to_local(previous),
                new_due_at=to_local(datetime.fromisoformat(event.payload["new_due_at"])),
                reason=event.payload.get("reason", ""),
                signer_name=signed[0][1] if signed else names.get(event.actor, event.actor),
                **({"signer_title": signed[0][0], "signer_note": signed[0][2]} if signed else {}),
                return_place=agency.name,
                number=number(event),
                extension=spec.has("extension"),
            ),
            paper=paper,
        )
    if kind == "stop":
        event = _last(events, Transition.STOPPED)
        if event is None:
            raise NothingToPrint(f"Hồ sơ {dossier.code} không bị dừng giải quyết: không có Thông báo dừng để in.")
        return render_stop_notice(
            StopNoticeDocument(
                header(event.business_time), dossier.code, party, dossier.procedure.name,
                received_at=to_local(dossier.received_at), stopped_at=to_local(event.business_time),
                reason=event.payload.get("reason", ""), official_name=names.get(event.actor, event.actor),
                at_applicants_request=event.payload.get("requested_by") == "applicant",
                number=number(event), signers=signers(event),
            ),
            paper=paper,
        )
    if kind == "control-sheet":
        return render_control_sheet(control_sheet(dossier, events, agency, names, header(now), classify,
                                                  extension=extension), paper=paper)
    raise ValueError(kind)


def control_sheet(
    dossier: Dossier,
    events: Sequence[Event],
    agency: Agency,
    names: Mapping[str, str],
    header: FormHeader,
    classify: Callable[[Dossier], str] | None,
    *,
    extension: bool = False,
) -> ControlSheetDocument:
    """The rows of the control sheet from the events, in the order they happened: one row per
    handover of the dossier; what is not a handover (an apology, a financial obligation, a fee
    collected when the supplement is brought or the result collected) is a dated line under the
    table. The receiving unit is named as its header names it. ``extension``: the dossier's
    profile writes the apology as a request to extend the time (Thông tư 03/2025, Mẫu 04)."""
    unit = agency.name or UNIT
    post = "Bưu chính công ích"

    def place(name: str) -> str:  # the unit by its own name, however an event wrote it
        return unit if name in ("", UNIT, "Bộ phận Một cửa") else name

    rows: list[ControlRow] = []
    notes: list[str] = []
    holder = unit  # who has the dossier now
    cooperating: list[str] = []
    result = classify(dossier) if classify and dossier.finished_at else ""
    finished_at = dossier.finished_at
    for e in events:
        at = to_local(e.business_time)
        who = names.get(e.actor, e.actor)
        p = e.payload
        ends = finished_at is not None and abs((e.business_time - finished_at).total_seconds()) < 1
        if e.kind == Kind.DOSSIER_RECEIVED:
            by_post = dossier.channel.value == "postal"
            note = "Tiếp nhận hồ sơ" + (f" qua bưu chính công ích, số hiệu bưu gửi {dossier.postal_tracking}"
                                        if by_post and dossier.postal_tracking else "")
            rows.append(ControlRow(post if by_post else APPLICANT, unit, at, note=note,
                                   giver_name="" if by_post else dossier.applicant.name, taker_name=who))
            continue
        transition = Transition.of_kind(e.kind)
        if transition is None:
            continue
        if transition is Transition.TRANSFERRED:
            to = p.get("to_agency", "")
            rows.append(ControlRow(place(p.get("from_agency") or holder), to, at, note=p.get("note", ""),
                                   giver_name=who))
            if holder != unit and to != unit and to not in cooperating:
                cooperating.append(to)
            holder = to
        elif transition is Transition.RESULT_RECEIVED:
            rows.append(ControlRow(place(p.get("from_agency") or holder), unit, at, result if ends else "",
                                   note="Nhận kết quả", taker_name=who))
            holder = unit
        elif transition is Transition.RESULT_READY:
            rows.append(ControlRow(holder, unit, at, result if ends else "", note="Đã có kết quả", taker_name=who))
            holder = unit
        elif transition is Transition.SUPPLEMENT_REQUESTED:
            rows.append(ControlRow(holder, APPLICANT, at, note=f"Yêu cầu bổ sung: {p.get('reason', '')}",
                                   giver_name=who))
        elif transition is Transition.SUPPLEMENT_RECEIVED:
            rows.append(ControlRow(APPLICANT, holder, at, note="Nhận hồ sơ bổ sung", taker_name=who))
        elif transition is Transition.RETURNED:
            by_post = p.get("method") == "post"
            taker = p.get("collected_by") or (post if by_post else APPLICANT)
            note = "Trả kết quả"
            if by_post:
                note += " qua bưu chính công ích" + (f", số hiệu bưu gửi {p['tracking']}" if p.get("tracking") else "")
            rows.append(ControlRow(unit, taker, at, result if ends else "", note=note, giver_name=who,
                                   taker_name=p.get("collected_by", "")))
        elif transition in (Transition.REFUSED, Transition.STOPPED, Transition.WITHDRAWN):
            rows.append(ControlRow(holder, APPLICANT, at, result if ends else "",
                                   note=f"{transition.label.capitalize()}: {p.get('reason', '')}".rstrip(": "),
                                   giver_name=who))
        elif transition is Transition.APOLOGISED:  # a letter to the applicant, not a handover
            new_due = to_local(datetime.fromisoformat(p["new_due_at"]))
            step = "xin lỗi, đề nghị gia hạn thời gian giải quyết đến" if extension else \
                "xin lỗi, hẹn lại ngày trả kết quả"
            notes.append(f"{at:%H:%M %d/%m/%Y}: {step} {new_due:%H:%M %d/%m/%Y} ({who}). Lý do: {p.get('reason', '')}")
        elif transition is Transition.FINANCIAL_REQUESTED:
            amount = f" {money(int(p['amount']))}" if p.get("amount") else ""
            notes.append(f"{at:%H:%M %d/%m/%Y}: yêu cầu thực hiện nghĩa vụ tài chính{amount} ({who}).")
        elif transition is Transition.FINANCIAL_MET:
            notes.append(f"{at:%H:%M %d/%m/%Y}: người nộp đã thực hiện nghĩa vụ tài chính ({who}).")
        if transition in FEE_STAGES and p.get("fee"):  # money collected then (rules §11.9)
            notes.append(f"{at:%H:%M %d/%m/%Y}: thu phí, lệ phí {money(int(p['fee']))} "
                         f"{FEE_STAGES[transition].label.lower()} ({who}).")
    return ControlSheetDocument(
        header, dossier.code, dossier.applicant.name, to_local(dossier.received_at), to_local(dossier.due_at),
        dossier.processing_agency or dossier.procedure.agency, tuple(rows), tuple(cooperating), tuple(notes),
    )
