"""Value objects shared by the core, the UI and the command line: frozen dataclasses.

The UI never holds an ORM row; it receives these.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from datetime import datetime
from enum import StrEnum
from typing import Any, Mapping
from uuid import UUID


class DocumentForm(StrEnum):
    """The form a document must be given in (rules §2.1 item 8)."""

    ORIGINAL = "ban_chinh"
    CERTIFIED_COPY = "ban_sao_chung_thuc"
    PHOTOCOPY = "ban_photo"

    @property
    def label(self) -> str:
        return _FORM_LABELS[self]

    @classmethod
    def parse(cls, text: str) -> "DocumentForm":
        """Accept the code or the Vietnamese label, with or without accents.

        >>> DocumentForm.parse("Bản sao chứng thực")
        <DocumentForm.CERTIFIED_COPY: 'ban_sao_chung_thuc'>
        >>> DocumentForm.parse("ban chinh")
        <DocumentForm.ORIGINAL: 'ban_chinh'>
        """
        from oneStop.domain.text import fold

        key = fold(text).strip().lower().replace(" ", "_").replace("-", "_")
        for form in cls:
            if key in (form.value, fold(form.label).lower().replace(" ", "_")):
                return form
        if key in ("photo", "ban_sao", "copy", "photocopy"):
            return cls.PHOTOCOPY
        if key in ("original", "chinh"):
            return cls.ORIGINAL
        if key in ("certified_copy", "sao_chung_thuc", "chung_thuc"):
            return cls.CERTIFIED_COPY
        raise ValueError(text)


_FORM_LABELS = {
    DocumentForm.ORIGINAL: "Bản chính",
    DocumentForm.CERTIFIED_COPY: "Bản sao chứng thực",
    DocumentForm.PHOTOCOPY: "Bản photo",
}


class Channel(StrEnum):
    """How the dossier reached the agency; ``national_code`` per rules §4.2."""

    DIRECT = "direct"
    ONLINE = "online"
    POSTAL = "postal"

    @property
    def national_code(self) -> int:
        return {Channel.DIRECT: 1, Channel.ONLINE: 2, Channel.POSTAL: 3}[self]

    @property
    def label(self) -> str:
        return {
            Channel.DIRECT: "Trực tiếp",
            Channel.ONLINE: "Trực tuyến",
            Channel.POSTAL: "Qua dịch vụ bưu chính công ích",
        }[self]


class ReturnMethod(StrEnum):
    COUNTER = "counter"
    POST = "post"
    ONLINE = "online"

    @property
    def label(self) -> str:
        return {
            ReturnMethod.COUNTER: "Tại Bộ phận Một cửa",
            ReturnMethod.POST: "Qua dịch vụ bưu chính công ích",
            ReturnMethod.ONLINE: "Trực tuyến",
        }[self]


class DossierStatus(StrEnum):
    """Projected state of a dossier; ``national_code`` per rules §4.2."""

    RECEIVED = "received"
    REFUSED = "refused"
    IN_PROGRESS = "in_progress"
    SUPPLEMENT_REQUESTED = "supplement_requested"
    FINANCIAL_OBLIGATION = "financial_obligation"
    WITHDRAWN = "withdrawn"
    STOPPED = "stopped"
    RESULT_READY = "result_ready"
    RETURNED = "returned"

    @property
    def national_code(self) -> int:
        return _STATUS_CODES[self]

    @property
    def label(self) -> str:
        return _STATUS_LABELS[self]


_STATUS_CODES = {
    DossierStatus.RECEIVED: 2,
    DossierStatus.REFUSED: 3,
    DossierStatus.IN_PROGRESS: 4,
    DossierStatus.SUPPLEMENT_REQUESTED: 5,
    DossierStatus.FINANCIAL_OBLIGATION: 6,
    DossierStatus.WITHDRAWN: 7,
    DossierStatus.STOPPED: 8,
    DossierStatus.RESULT_READY: 9,
    DossierStatus.RETURNED: 10,
}
_STATUS_LABELS = {
    DossierStatus.RECEIVED: "Được tiếp nhận",
    DossierStatus.REFUSED: "Không được tiếp nhận",
    DossierStatus.IN_PROGRESS: "Đang xử lý",
    DossierStatus.SUPPLEMENT_REQUESTED: "Yêu cầu bổ sung giấy tờ",
    DossierStatus.FINANCIAL_OBLIGATION: "Yêu cầu thực hiện nghĩa vụ tài chính",
    DossierStatus.WITHDRAWN: "Công dân yêu cầu rút hồ sơ",
    DossierStatus.STOPPED: "Dừng xử lý",
    DossierStatus.RESULT_READY: "Đã xử lý xong",
    DossierStatus.RETURNED: "Đã trả kết quả",
}


class Role(StrEnum):
    OFFICIAL = "official"
    SUPERVISOR = "supervisor"
    POSTAL = "postal"
    ADMIN = "admin"

    @property
    def label(self) -> str:
        return {
            Role.OFFICIAL: "Cán bộ tiếp nhận",
            Role.SUPERVISOR: "Lãnh đạo, giám sát",
            Role.POSTAL: "Nhân viên bưu chính",
            Role.ADMIN: "Quản trị viên",
        }[self]


# --- catalog -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class RequiredDocument:
    """One line of a procedure's dossier composition (thành phần hồ sơ)."""

    name: str
    form: DocumentForm = DocumentForm.ORIGINAL
    count: int = 1
    mandatory: bool = True


@dataclass(frozen=True)
class Procedure:
    """An administrative procedure of the catalog. Fees are whole đồng."""

    code: str
    name: str
    field: str
    agency: str
    processing_days: int
    processing_hours: int = 0
    fee: int = 0
    fee_note: str = ""
    documents: tuple[RequiredDocument, ...] = ()
    postal_in: bool = True
    postal_out: bool = True
    active: bool = True


# --- people and places -----------------------------------------------------------------------


@dataclass(frozen=True)
class Agency:
    code: str  # electronic agency identifier, e.g. 000.17.22.H56
    name: str  # the receiving unit, e.g. "BỘ PHẬN TIẾP NHẬN VÀ TRẢ KẾT QUẢ UBND XÃ ..."
    managing_agency: str  # cơ quan chủ quản, e.g. "UBND XÃ QUẢNG PHÚ"
    province: str
    place: str = ""  # the place written before the date ("Quảng Phú, ngày …")
    address: str = ""
    hotline: str = ""
    lookup_url: str = ""


@dataclass(frozen=True)
class CounterIdentity:
    """This PC's place in the agency: the counter number issues a block of dossier numbers."""

    agency_code: str
    number: int

    @property
    def id(self) -> str:
        """Globally unique counter identity, e.g. ``000.17.22.H56#1``."""
        return f"{self.agency_code}#{self.number}"


@dataclass(frozen=True)
class User:
    username: str
    full_name: str
    role: Role
    active: bool = True


@dataclass(frozen=True)
class Applicant:
    """A person or an organisation submitting (or owning) a dossier. Text is NFC."""

    name: str
    citizen_id: str = ""  # 12 digits, or a legacy 9-digit CMND
    citizen_id_legacy: bool = False
    phone: str = ""  # normalised, 10 digits starting with 0
    email: str = ""
    address: str = ""
    is_organisation: bool = False
    tax_code: str = ""  # organisations only


# --- dossiers ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ReceivedDocument:
    name: str
    form: DocumentForm
    count: int = 1


@dataclass(frozen=True)
class AttachmentDraft:
    """A scanned paper to keep with the dossier: its bytes and the name it had."""

    filename: str
    content: bytes
    mime: str = "application/octet-stream"


@dataclass(frozen=True)
class AttachmentRef:
    sha256: str
    filename: str
    size: int
    mime: str


@dataclass(frozen=True)
class DossierDraft:
    """What the counter official typed: validated and normalised by the reception service."""

    procedure_code: str
    applicant: Applicant
    owner: Applicant | None = None
    channel: Channel = Channel.DIRECT
    sets: int = 1
    documents: tuple[ReceivedDocument, ...] | None = None  # None: the procedure's list
    fee: int | None = None  # None: the procedure's fee
    return_method: ReturnMethod = ReturnMethod.COUNTER
    delivery_address: str = ""
    priority: bool = False
    priority_reason: str = ""
    notes: str = ""
    attachments: tuple[AttachmentDraft, ...] = ()
    received_at: datetime | None = None  # None: now
    postal_tracking: str = ""


@dataclass(frozen=True)
class ProcedureSnapshot:
    """The procedure as it stood when the dossier was received (the catalog may change)."""

    code: str
    name: str
    field: str
    agency: str
    processing_days: int
    processing_hours: int = 0


@dataclass(frozen=True)
class Dossier:
    id: UUID
    code: str
    agency_code: str
    counter: int
    procedure: ProcedureSnapshot
    applicant: Applicant
    owner: Applicant | None
    channel: Channel
    sets: int
    documents: tuple[ReceivedDocument, ...]
    fee: int
    return_method: ReturnMethod
    delivery_address: str
    priority: bool
    priority_reason: str
    notes: str
    attachments: tuple[AttachmentRef, ...]
    received_at: datetime  # aware, UTC
    due_at: datetime  # aware, UTC
    status: DossierStatus
    received_by: str
    register_volume: str
    register_number: int
    profile_id: str
    postal_tracking: str = ""
    print_count: int = 0
    reprint_count: int = 0
    synced: bool = False
    # after reception (oneStop.domain.lifecycle)
    processing_agency: str = ""
    transferred_at: datetime | None = None
    result_at: datetime | None = None  # the result became ready (first time)
    returned_at: datetime | None = None
    finished_at: datetime | None = None  # end of processing in the sense of rules §4.3
    supplement_count: int = 0
    paused_seconds: int = 0  # time spent waiting for supplements, finished waits
    paused_since: datetime | None = None  # a supplement wait running now
    resume_status: "DossierStatus | None" = None  # the state to go back to after a wait
    apology_count: int = 0
    original_due_at: datetime | None = None  # the appointment before an apology moved it
    conflicts: int = 0  # recorded transitions that contradicted the state (sync); see lifecycle
    returned_by_post: bool = False  # the result left with the postal service
    delivered_at: datetime | None = None  # the post delivered it


@dataclass(frozen=True)
class Event:
    """One immutable fact. ``seq`` is gapless per counter; ``id`` is a UUID v7."""

    id: UUID
    counter_id: str
    seq: int
    kind: str
    actor: str
    device_time: datetime  # aware UTC: the PC clock when it was written
    business_time: datetime  # aware, Asia/Ho_Chi_Minh: when it happened in business terms
    dossier_id: UUID | None = None
    payload: Mapping[str, Any] = field(default_factory=dict)
    schema: int = 1


def evolve(state: Dossier, **changes: Any) -> Dossier:
    """``dataclasses.replace`` for a dossier, without running ``__init__`` again (which checks
    nothing for it): projections evolve a dossier once per event, hundreds of thousands of
    times in a large pull. Unknown field names are refused as ``replace`` refuses them."""
    unknown = changes.keys() - _DOSSIER_FIELDS
    if unknown:
        raise TypeError(f"Dossier has no field {sorted(unknown)}")
    new = object.__new__(Dossier)
    new.__dict__.update(state.__dict__)
    new.__dict__.update(changes)
    return new


_DOSSIER_FIELDS = frozenset(f.name for f in fields(Dossier))
assert not hasattr(Dossier, "__post_init__") and not hasattr(Dossier, "__slots__"), "evolve() relies on both"
