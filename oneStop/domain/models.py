"""Value objects shared by the core, the UI and the command line: frozen dataclasses.

The UI never holds an ORM row; it receives these.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from datetime import date, datetime
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
    """How the dossier reached the agency (rules §11.1: Nghị định 118 Art. 15, 367).

    ``national_code`` is the national status list's channel (rules §4.2: 1 direct, 2 online,
    3 postal): filing through VNeID and filing online with the counter's help are online filings.
    The values fit ``dossiers.channel`` (10 characters).

    >>> [(c.value, c.national_code) for c in Channel]
    [('direct', 1), ('online', 2), ('postal', 3), ('vneid', 2), ('assisted', 2)]
    >>> Channel.ASSISTED.national is Channel.ONLINE
    True
    """

    DIRECT = "direct"
    ONLINE = "online"
    POSTAL = "postal"
    VNEID = "vneid"
    ASSISTED = "assisted"  # trực tuyến có hỗ trợ tại quầy

    @property
    def national(self) -> "Channel":
        """The national list's channel this one is counted under (direct, online or postal)."""
        return _NATIONAL_CHANNEL[self]

    @property
    def national_code(self) -> int:
        return {Channel.DIRECT: 1, Channel.ONLINE: 2, Channel.POSTAL: 3}[self.national]

    @property
    def online(self) -> bool:
        """Filed online (the national portal, VNeID, or online with the counter's help)."""
        return self.national is Channel.ONLINE

    @property
    def label(self) -> str:
        return {
            Channel.DIRECT: "Trực tiếp",
            Channel.ONLINE: "Trực tuyến",
            Channel.POSTAL: "Qua dịch vụ bưu chính công ích",
            Channel.VNEID: "Trực tuyến qua VNeID",
            Channel.ASSISTED: "Trực tuyến có hỗ trợ tại quầy",
        }[self]

    @classmethod
    def parse(cls, text: str) -> "Channel":
        """The code or the Vietnamese label, any case, with or without accents.

        >>> Channel.parse("Trực tuyến có hỗ trợ tại quầy"), Channel.parse("VNeID"), Channel.parse("truc tiep")
        (<Channel.ASSISTED: 'assisted'>, <Channel.VNEID: 'vneid'>, <Channel.DIRECT: 'direct'>)
        """
        from oneStop.domain.text import fold

        key = " ".join(fold(text).lower().replace("_", " ").split())
        for channel in cls:
            if key in (channel.value, " ".join(fold(channel.label).lower().split())):
                return channel
        aliases = {"truc tuyen qua vneid": cls.VNEID, "buu chinh": cls.POSTAL, "buu chinh cong ich": cls.POSTAL,
                   "qua buu chinh": cls.POSTAL, "truc tuyen co ho tro": cls.ASSISTED, "ho tro tai quay": cls.ASSISTED}
        if key in aliases:
            return aliases[key]
        raise ValueError(text)


_NATIONAL_CHANNEL = {
    Channel.DIRECT: Channel.DIRECT,
    Channel.ONLINE: Channel.ONLINE,
    Channel.POSTAL: Channel.POSTAL,
    Channel.VNEID: Channel.ONLINE,
    Channel.ASSISTED: Channel.ONLINE,
}


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
    #: "khai thác dữ liệu" (Chỉ thị 24/CT-TTg, rules §11.5): its data is on VNeID or in a
    #: connected national database; the applicant is not asked for the paper
    from_data: bool = False


@dataclass(frozen=True)
class Procedure:
    """An administrative procedure of the catalog. Fees are whole đồng.

    ``fees`` holds the fee of the channels whose fee differs from ``fee`` (in ``Channel``
    order); ``cross_boundary_from``: the day from which a dossier of it is received regardless
    of the administrative boundary (rules §11.7), None if never.

    >>> p = Procedure("1.1", "Thủ tục", "Hộ tịch", "UBND cấp xã", 3, fee=50_000, fees=((Channel.ONLINE, 25_000),))
    >>> p.fee_for(Channel.ONLINE), p.fee_for(Channel.VNEID), p.fee_for(Channel.DIRECT)
    (25000, 50000, 50000)
    """

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
    fees: tuple[tuple[Channel, int], ...] = ()
    cross_boundary_from: date | None = None

    def fee_for(self, channel: Channel) -> int:
        """The fee of a dossier filed through ``channel``: its own, else the base fee."""
        return dict(self.fees).get(channel, self.fee)

    def open_cross_boundary(self, day: date) -> bool:
        """Whether a dossier received on ``day`` may be received regardless of the boundary."""
        return self.cross_boundary_from is not None and day >= self.cross_boundary_from


# --- people and places -----------------------------------------------------------------------


@dataclass(frozen=True)
class Agency:
    code: str  # electronic agency identifier, e.g. 000.17.22.H56
    name: str  # the receiving unit as typed, e.g. "Bộ phận tiếp nhận và trả kết quả UBND xã ..."
    managing_agency: str  # cơ quan chủ quản as typed, e.g. "UBND xã Quảng Phú" (the header capitalises)
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
    """A document of a received dossier. ``from_data``: not handed in, its data taken from
    VNeID or a national database (rules §11.5); never a paper."""

    name: str
    form: DocumentForm
    count: int = 1
    from_data: bool = False


class FeeStage(StrEnum):
    """When a fee was collected: the national catalogue's codes (rules §11.9)."""

    RECEPTION = "reception"
    SUPPLEMENT = "supplement"
    RETURN = "return"

    @property
    def national_code(self) -> int:
        return {FeeStage.RECEPTION: 1, FeeStage.SUPPLEMENT: 2, FeeStage.RETURN: 4}[self]

    @property
    def label(self) -> str:
        return {FeeStage.RECEPTION: "Khi tiếp nhận", FeeStage.SUPPLEMENT: "Khi bổ sung hồ sơ",
                FeeStage.RETURN: "Khi trả kết quả"}[self]


@dataclass(frozen=True)
class FeeCollected:
    """An amount collected for a dossier: how much, when, at which stage and through which
    channel. Kept with the dossier: later catalog changes never alter it."""

    amount: int
    at: datetime  # aware
    stage: FeeStage = FeeStage.RECEPTION
    channel: Channel = Channel.DIRECT


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
    #: the paper by which the applicant files for the owner ("Giấy ủy quyền số 12/UQ ngày …")
    authorisation: str = ""
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
    #: received regardless of the administrative boundary (rules §11.7): the applicant is from
    #: outside the centre's area, or the dossier is for another area's agency
    cross_boundary: bool = False


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
    cross_boundary: bool = False  # received regardless of the administrative boundary (§11.7)
    authorisation: str = ""  # the paper by which the applicant files for the owner
    fee_collected: tuple[FeeCollected, ...] = ()  # what was collected, when (§11.9)


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
