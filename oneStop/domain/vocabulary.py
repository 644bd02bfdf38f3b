"""The vocabulary of events: every kind the program writes, declared once.

Each kind says what its payload must hold (checked with the same validators as the edge where
a person typed it), the permission its actor needs, and how it is applied on a counter that
receives it from another one:

* ``PROJECTION``: a fact about a dossier; it carries a ``dossier_id`` and is folded into the
  dossier's projection (``oneStop.domain.events.apply``);
* ``REFERENCE``: reference data an administrator changed (users, catalog, settings …); every
  counter of the agency writes it into its own tables (``oneStop.sync.reference``);
* ``RECORD``: an audit fact (a print, a sign-in, a backup); kept and shown, nothing else.

An event from outside (pulled from the central database, carried on a USB stick) is checked
against its kind with :func:`check` before anything of it is applied; what fails is set aside
with the reason, never half-applied, and the sync goes on.

>>> spec(Kind.DOSSIER_RECEIVED).permission
<Permission.RECEIVE: 'receive'>
>>> check(Kind.SETTING_CHANGED, {"key": "codes.block_size", "old": 1000, "new": "abc"})
Traceback (most recent call last):
...
oneStop.domain.vocabulary.InvalidEvent: Thiết lập: Khối số hồ sơ của mỗi quầy (mỗi ngày): phải là số nguyên
>>> check("dossier.teleported", {})
Traceback (most recent call last):
...
oneStop.domain.vocabulary.UnknownKind: Loại sự kiện: «dossier.teleported» không có trong danh mục sự kiện của chương trình
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from typing import Any, Callable, Mapping

from oneStop.domain.errors import ValidationError, ValidationErrors
from oneStop.domain.models import Role
from oneStop.domain.permissions import Permission, allowed

#: The actor of what the program does by itself (set-up, the automatic backup).
SYSTEM_ACTOR = "system"


class Applied(StrEnum):
    PROJECTION = "projection"
    REFERENCE = "reference"
    RECORD = "record"


class InvalidEvent(ValidationError):
    """An event that does not say what its kind must say (its payload, its dossier)."""


class UnknownKind(InvalidEvent):
    def __init__(self, kind: str) -> None:
        super().__init__("event_kind", f"«{str(kind)[:60]}» không có trong danh mục sự kiện của chương trình")


Check = Callable[[Mapping[str, Any]], None]
#: ``(role of the actor or None if the actor is unknown here, actor, payload) -> allowed``
Authorize = Callable[["Role | None", str, Mapping[str, Any]], bool]


@dataclass(frozen=True)
class EventSpec:
    kind: str
    applied: Applied
    permission: Permission | None  # None: any known user of the agency (a sign-in)
    check: Check
    dossier: bool = False  # carries a dossier_id
    system: bool = False  # the program itself (``SYSTEM_ACTOR``) writes it
    anyone: bool = False  # the actor need not be a user here (a failed sign-in)
    authorize: Authorize | None = None  # a rule finer than one permission
    max_payload: int = 256 * 1024  # characters of the payload's canonical JSON


VOCABULARY: dict[str, EventSpec] = {}


def _declare(kind: str, applied: Applied, permission: Permission | None, check: Check, **options: Any) -> str:
    if kind in VOCABULARY:
        raise ValueError(f"event kind {kind} declared twice")
    VOCABULARY[kind] = EventSpec(kind, applied, permission, check, **options)
    return kind


def spec(kind: str) -> EventSpec:
    """The declaration of ``kind``, or :class:`UnknownKind`."""
    found = VOCABULARY.get(kind) if isinstance(kind, str) else None
    if found is None:
        raise UnknownKind(kind)
    return found


def check(kind: str, payload: Any, *, dossier_id: uuid.UUID | None = None, size: int | None = None) -> EventSpec:
    """Check an event's kind, payload and dossier against the vocabulary; return its spec or
    raise :class:`InvalidEvent` naming what is wrong. ``size``: the payload's canonical text's
    length, when known."""
    found = spec(kind)
    if not isinstance(payload, Mapping):
        raise InvalidEvent("payload", "phải là một đối tượng JSON")
    if size is not None and size > found.max_payload:
        raise InvalidEvent("payload", f"lớn quá {found.max_payload} ký tự")
    if found.dossier and dossier_id is None:
        raise InvalidEvent("dossier_id", "sự kiện của hồ sơ phải mang mã hồ sơ (dossier_id)")
    try:
        found.check(payload)
    except ValidationErrors as exc:  # the edge's validators collect; one reason is enough here
        first = exc.errors[0]
        raise InvalidEvent(first.field, first.problem) from None
    except InvalidEvent:
        raise
    except ValidationError as exc:
        raise InvalidEvent(exc.field, exc.problem) from None
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise InvalidEvent("payload", f"không đúng cấu trúc ({type(exc).__name__}: {str(exc)[:120]})") from None
    return found


def may_write(kind: str, role: Role | None, actor: str, payload: Mapping[str, Any], *, active: bool = True) -> bool:
    """Whether ``actor`` (with ``role`` as it stands where the event is applied; None: not a
    user there) may have written an event of ``kind``: the check the writing service made."""
    found = spec(kind)
    if actor == SYSTEM_ACTOR:
        return found.system or found.anyone
    if found.anyone:
        return True
    if role is None or not active:
        return False
    if found.authorize is not None:
        return found.authorize(role, actor, payload)
    return found.permission is None or allowed(role, found.permission)


# --- the payload checks ----------------------------------------------------------------------------
# Each takes the payload (a JSON object) and raises ValidationError naming the field. Text must
# be what the edge stores: already cleaned (NFC, no control characters, within its length).


def _keys(p: Mapping[str, Any], required: set[str], optional: set[str] = frozenset()) -> None:  # type: ignore[assignment]
    missing = required - p.keys()
    if missing:
        raise InvalidEvent(sorted(missing)[0], "thiếu trong nội dung sự kiện")
    unknown = p.keys() - required - optional
    if unknown:
        raise InvalidEvent(str(sorted(unknown)[0])[:60], "trường lạ, không có trong danh mục sự kiện")


def _text(value: Any, field: str, max_len: int, *, required: bool = False, multiline: bool = False) -> str:
    from oneStop.domain.text import clean

    if not isinstance(value, str):
        raise InvalidEvent(field, "phải là văn bản")
    if clean(value, field, max_len=max_len, required=required, multiline=multiline) != value:
        raise InvalidEvent(field, "có ký tự không được phép hoặc chưa được chuẩn hóa")
    return value


def _int(value: Any, field: str, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise InvalidEvent(field, f"phải là số nguyên từ {low} đến {high}")
    return value


def _bool(value: Any, field: str) -> bool:
    if not isinstance(value, bool):
        raise InvalidEvent(field, "phải là đúng/sai (true/false)")
    return value


def _instant(value: Any, field: str) -> datetime:
    if not isinstance(value, str) or len(value) > 40:
        raise InvalidEvent(field, "phải là thời điểm ISO 8601")
    try:
        when = datetime.fromisoformat(value)
    except ValueError:
        raise InvalidEvent(field, "phải là thời điểm ISO 8601") from None
    if when.tzinfo is None:
        raise InvalidEvent(field, "phải có múi giờ")
    return when


def _day(value: Any, field: str) -> date:
    if not isinstance(value, str) or len(value) != 10:
        raise InvalidEvent(field, "phải là ngày dạng YYYY-MM-DD")
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise InvalidEvent(field, "phải là ngày dạng YYYY-MM-DD") from None


def _uuid(value: Any, field: str) -> str:
    if not isinstance(value, str) or len(value) > 40:
        raise InvalidEvent(field, "phải là mã định danh (UUID)")
    try:
        uuid.UUID(value)
    except ValueError:
        raise InvalidEvent(field, "phải là mã định danh (UUID)") from None
    return value


_USERNAME = re.compile(r"[a-z0-9][a-z0-9._-]{1,49}")
_ARGON2 = re.compile(r"\$argon2(id|i|d)\$v=\d+\$m=\d+,t=\d+,p=\d+\$[A-Za-z0-9+/]+\$[A-Za-z0-9+/]+")
_SHA256 = re.compile(r"[0-9a-f]{64}")
_PROCEDURE_CODE = re.compile(r"[0-9A-Za-z][0-9A-Za-z.\-]{0,29}")


def _username(value: Any, field: str = "username") -> str:
    if not isinstance(value, str) or not _USERNAME.fullmatch(value):
        raise InvalidEvent(field, "không phải tên đăng nhập hợp lệ")
    return value


def _nothing(p: Mapping[str, Any]) -> None:
    _keys(p, set())


def _json_value(value: Any, field: str, depth: int = 0) -> None:
    """Plain JSON data of bounded depth, its text cleaned (an audit fact's free details)."""
    if depth > 6:
        raise InvalidEvent(field, "lồng quá sâu")
    if value is None or isinstance(value, (bool, int, float)):
        return
    if isinstance(value, str):
        _text(value, field, 2000, multiline=True)
    elif isinstance(value, list):
        for item in value:
            _json_value(item, field, depth + 1)
    elif isinstance(value, dict):
        for key, item in value.items():
            _text(key, field, 100)
            _json_value(item, field, depth + 1)
    else:
        raise InvalidEvent(field, "không phải dữ liệu JSON")


# --- dossiers -------------------------------------------------------------------------------------------

_RECEIVED_KEYS = {
    "code", "agency_code", "counter", "procedure", "applicant", "owner", "channel", "sets", "documents", "fee",
    "return_method", "delivery_address", "priority", "priority_reason", "notes", "attachments", "received_at",
    "due_at", "received_by", "register_volume", "register_number", "profile_id",
}
_APPLICANT_KEYS = {"name", "citizen_id", "citizen_id_legacy", "phone", "email", "address", "is_organisation",
                   "tax_code"}


def _applicant(value: Any, prefix: str, today: date) -> None:
    from oneStop.domain.drafts import normalise_applicant
    from oneStop.domain.errors import ErrorCollector
    from oneStop.domain.models import Applicant

    if not isinstance(value, Mapping):
        raise InvalidEvent(prefix + "applicant", "phải là một đối tượng")
    _keys(value, {"name"}, _APPLICANT_KEYS)
    for key in ("citizen_id_legacy", "is_organisation"):
        if key in value:
            _bool(value[key], key)
    for key in _APPLICANT_KEYS - {"citizen_id_legacy", "is_organisation"}:
        if key in value and not isinstance(value[key], str):
            raise InvalidEvent(key, "phải là văn bản")
    given = Applicant(**value)
    errors = ErrorCollector()
    clean = normalise_applicant(given, prefix, errors, today=today, require_id=False)
    errors.raise_if_any()
    if clean != given:  # what the edge would have stored is not what came
        changed = next(k for k in _APPLICANT_KEYS if getattr(clean, k) != getattr(given, k))
        raise InvalidEvent(prefix + changed if changed != "name" else prefix + "name", "chưa được chuẩn hóa như khi tiếp nhận")


def _documents(value: Any, field: str = "documents") -> None:
    from oneStop.domain.models import DocumentForm

    if not isinstance(value, list) or len(value) > 200:
        raise InvalidEvent(field, "phải là danh sách (tối đa 200 giấy tờ)")
    for item in value:
        if not isinstance(item, Mapping):
            raise InvalidEvent(field, "mỗi giấy tờ phải là một đối tượng")
        _keys(item, {"name"}, {"form", "count", "mandatory", "from_data"})
        _text(item["name"], "document_name", 300, required=True)
        if "form" in item and item["form"] not in {f.value for f in DocumentForm}:
            raise InvalidEvent("document_form", f"không có hình thức «{str(item['form'])[:40]}»")
        if "count" in item:
            _int(item["count"], "document_count", 1, 100)
        if "mandatory" in item:
            _bool(item["mandatory"], "documents")
        if "from_data" in item:
            _bool(item["from_data"], "documents")


def _received(p: Mapping[str, Any]) -> None:
    from oneStop.domain import codes
    from oneStop.domain.clock import local_date
    from oneStop.domain.drafts import MAX_ADDRESS, MAX_FEE, MAX_NOTES, MAX_SETS
    from oneStop.domain.models import Channel, ReturnMethod

    _keys(p, _RECEIVED_KEYS, {"postal_tracking", "cross_boundary", "fee_collected", "authorisation"})
    agency, day, _ = codes.parse_dossier_code(_text(p["code"], "dossier_code", 60, required=True))
    if _text(p["agency_code"], "agency_code", 40) != agency:
        raise InvalidEvent("agency_code", "không khớp với mã cơ quan trong mã hồ sơ")
    _int(p["counter"], "counter", 1, 999)
    received = _instant(p["received_at"], "received_at")
    _instant(p["due_at"], "due_at")
    if local_date(received) != day:
        raise InvalidEvent("dossier_code", "ngày trong mã hồ sơ khác ngày tiếp nhận")
    procedure = p["procedure"]
    if not isinstance(procedure, Mapping):
        raise InvalidEvent("procedure", "phải là một đối tượng")
    _keys(procedure, {"code", "name", "field", "agency", "processing_days"}, {"processing_hours"})
    _procedure_code(procedure["code"])
    _text(procedure["name"], "procedure_name", 500, required=True)
    _text(procedure["field"], "field", 500)
    _text(procedure["agency"], "agency", 500)
    _int(procedure["processing_days"], "processing_days", 0, 1000)
    _int(procedure.get("processing_hours", 0), "processing_hours", 0, 1000)
    _applicant(p["applicant"], "", local_date(received))
    if p["owner"] is not None:
        _applicant(p["owner"], "owner_", local_date(received))
    if p["channel"] not in {c.value for c in Channel}:
        raise InvalidEvent("channel", "không có kênh tiếp nhận này")
    if p["return_method"] not in {m.value for m in ReturnMethod}:
        raise InvalidEvent("return_method", "không có hình thức nhận kết quả này")
    _int(p["sets"], "sets", 1, MAX_SETS)
    _documents(p["documents"])
    _int(p["fee"], "fee", 0, MAX_FEE)
    _text(p["delivery_address"], "delivery_address", MAX_ADDRESS)
    _bool(p["priority"], "notes")
    _text(p["priority_reason"], "notes", 200)
    _text(p["notes"], "notes", MAX_NOTES, multiline=True)
    attachments = p["attachments"]
    if not isinstance(attachments, list) or len(attachments) > 100:
        raise InvalidEvent("attachment", "phải là danh sách (tối đa 100 tệp)")
    for a in attachments:
        if not isinstance(a, Mapping):
            raise InvalidEvent("attachment", "mỗi tệp phải là một đối tượng")
        _keys(a, {"sha256", "filename", "size", "mime"})
        if not isinstance(a["sha256"], str) or not _SHA256.fullmatch(a["sha256"]):
            raise InvalidEvent("attachment", "mã băm SHA-256 không hợp lệ")
        _text(a["filename"], "attachment", 255, required=True)
        _int(a["size"], "attachment", 1, 1 << 40)
        _text(a["mime"], "attachment", 100)
    _username(p["received_by"], "received_by")
    _text(p["register_volume"], "register_volume", 20)
    _int(p["register_number"], "register_number", 0, 10**9)
    _text(p["profile_id"], "profile", 40)
    _text(p.get("postal_tracking", ""), "tracking", 40)
    if "cross_boundary" in p:
        _bool(p["cross_boundary"], "cross_boundary")
    if "fee_collected" in p:
        _fees_collected(p["fee_collected"])
    if "authorisation" in p:
        if p["owner"] is None:
            raise InvalidEvent("authorisation", "chỉ có khi hồ sơ có chủ hồ sơ khác người nộp")
        _text(p["authorisation"], "authorisation", 200, required=True)


def _fees_collected(value: Any) -> None:
    """What was collected for a dossier at its reception (rules §11.9); a fee collected later
    travels with its own step (``dossier.supplement_received``, ``dossier.returned``)."""
    from oneStop.domain.drafts import MAX_FEE
    from oneStop.domain.models import Channel, FeeStage

    if not isinstance(value, list) or len(value) > 50:
        raise InvalidEvent("fee", "phải là danh sách các lần thu (tối đa 50)")
    for item in value:
        if not isinstance(item, Mapping):
            raise InvalidEvent("fee", "mỗi lần thu phải là một đối tượng")
        _keys(item, {"amount", "at", "stage", "channel"})
        _int(item["amount"], "fee", 0, MAX_FEE)
        _instant(item["at"], "fee")
        if item["stage"] not in {s.value for s in FeeStage}:
            raise InvalidEvent("fee", f"không có giai đoạn thu «{str(item['stage'])[:20]}»")
        if item["stage"] != FeeStage.RECEPTION.value:
            raise InvalidEvent("fee", "khi tiếp nhận chỉ ghi phí, lệ phí thu khi tiếp nhận")
        if item["channel"] not in {c.value for c in Channel}:
            raise InvalidEvent("channel", "không có kênh tiếp nhận này")


def _procedure_code(value: Any) -> str:
    if not isinstance(value, str) or not _PROCEDURE_CODE.fullmatch(value):
        raise InvalidEvent("procedure_code", "không đúng dạng mã thủ tục")
    return value


def _printed(p: Mapping[str, Any]) -> None:
    _keys(p, set(), {"paper", "copies"})
    if "paper" in p and p["paper"] not in ("A4", "A5"):
        raise InvalidEvent("paper", "phải là A4 hoặc A5")
    if "copies" in p:
        _int(p["copies"], "copies", 1, 10)


def _form_printed(p: Mapping[str, Any]) -> None:
    _keys(p, {"form"}, {"paper"})
    _text(p["form"], "form", 40, required=True)
    if "paper" in p and p["paper"] not in ("A4", "A5"):
        raise InvalidEvent("paper", "phải là A4 hoặc A5")


def _note(p: Mapping[str, Any]) -> None:
    _keys(p, set(), {"note"})
    _text(p.get("note", ""), "notes", 2000, multiline=True)


def _attachment_added(p: Mapping[str, Any]) -> None:
    _keys(p, {"attachment"})
    _received_attachments = {"sha256", "filename", "size", "mime"}
    a = p["attachment"]
    if not isinstance(a, Mapping):
        raise InvalidEvent("attachment", "phải là một đối tượng")
    _keys(a, _received_attachments)
    if not isinstance(a["sha256"], str) or not _SHA256.fullmatch(a["sha256"]):
        raise InvalidEvent("attachment", "mã băm SHA-256 không hợp lệ")
    _text(a["filename"], "attachment", 255, required=True)
    _int(a["size"], "attachment", 1, 1 << 40)
    _text(a["mime"], "attachment", 100)


def _viewed(p: Mapping[str, Any]) -> None:
    _keys(p, {"dossier_id", "code"})
    _uuid(p["dossier_id"], "dossier_id")
    _text(p["code"], "dossier_code", 60)


def _transition_by(transition: Any) -> Authorize:
    """Who may have written a transition: its permission as the payload makes it (a stop the
    applicant asked for is the counter's, any other stop a supervisor's)."""
    from oneStop.domain.lifecycle import permission_for

    return lambda role, actor, p: allowed(role, permission_for(transition, p))


def _transition_check(transition: Any) -> Check:
    from oneStop.domain.lifecycle import normalise_payload

    def check_(p: Mapping[str, Any]) -> None:
        from oneStop.domain.drafts import MAX_FEE

        for key in ("fee", "amount"):  # money as the edge writes it: whole đồng, never 2.0e4 nor "20000"
            if key in p:
                _int(p[key], key, 0, MAX_FEE)
        extra = {k: p[k] for k in ("from_agency", "previous_due_at") if k in p}
        clean = normalise_payload(transition, {k: v for k, v in p.items() if k not in extra})
        if "previous_due_at" in extra:
            _instant(extra["previous_due_at"], "previous_due_at")
        if "from_agency" in extra:
            _text(extra["from_agency"], "from_agency", 300)
        given = {k: v for k, v in p.items() if k not in extra}
        if clean != given:
            unknown = given.keys() - clean.keys()
            field = sorted(unknown)[0] if unknown else next(k for k in clean if clean.get(k) != given.get(k))
            raise InvalidEvent(str(field)[:60], "không phải nội dung mà thao tác này ghi")

    return check_


# --- reference data ------------------------------------------------------------------------------------


def _user(p: Mapping[str, Any], *, created: bool) -> None:
    if created:
        _keys(p, {"username", "full_name", "role", "password_hash"}, {"active"})
    else:
        _keys(p, {"username"}, {"full_name", "role", "password_hash", "password", "active"})
    _username(p["username"])
    if "full_name" in p:
        _text(p["full_name"], "full_name", 100, required=True)
    if "role" in p and p["role"] not in {r.value for r in Role}:
        raise InvalidEvent("role", f"không có vai trò «{str(p['role'])[:20]}»")
    if "password_hash" in p and (not isinstance(p["password_hash"], str) or len(p["password_hash"]) > 200
                                 or not _ARGON2.fullmatch(p["password_hash"])):
        raise InvalidEvent("password", "mã băm mật khẩu không phải Argon2")
    if "password" in p and p["password"] != "changed":
        raise InvalidEvent("password", "không được mang mật khẩu")
    if "active" in p:
        _bool(p["active"], "active")


def _user_updated_by(role: Role | None, actor: str, p: Mapping[str, Any]) -> bool:
    """An administrator changes anyone; a user changes only their own password."""
    if role is not None and allowed(role, Permission.MANAGE_USERS):
        return True
    return role is not None and actor == p.get("username") and p.keys() <= {"username", "password", "password_hash"}


def _setting(p: Mapping[str, Any]) -> None:
    from oneStop import settings as S

    _keys(p, {"key", "new"}, {"old", "from"})
    found = S.REGISTRY.get(p["key"]) if isinstance(p["key"], str) else None
    if found is None:
        raise InvalidEvent("setting", f"không có thiết lập «{str(p['key'])[:60]}»")
    try:
        parsed = found.parse(p["new"])
    except ValidationError as exc:
        raise InvalidEvent(exc.field, exc.problem) from None
    if parsed != p["new"]:
        raise InvalidEvent("setting", f"{found.help}: giá trị chưa được chuẩn hóa")
    if "from" in p:
        _day(p["from"], "date")
    if "old" in p:
        _json_value(p["old"], "setting")


def _setting_by(role: Role | None, actor: str, p: Mapping[str, Any]) -> bool:
    from oneStop import settings as S

    found = S.REGISTRY.get(p.get("key", ""))
    if role is None or found is None:
        return False
    if found.scope == "device" and not found.admin_only and allowed(role, Permission.PRINT):
        return True
    return allowed(role, Permission.MANAGE_SETTINGS)


def _override_set(p: Mapping[str, Any]) -> None:
    _keys(p, {"day", "kind"}, {"note"})
    _day(p["day"], "date")
    if p["kind"] not in ("off", "work"):
        raise InvalidEvent("date", "loại ngày phải là off hoặc work")
    _text(p.get("note", ""), "notes", 200)


def _override_removed(p: Mapping[str, Any]) -> None:
    _keys(p, {"day"})
    _day(p["day"], "date")


def check_procedure(values: Any) -> None:
    """A procedure as a catalog import stores it (and ``catalog.imported`` carries it)."""
    if not isinstance(values, Mapping):
        raise InvalidEvent("procedure", "phải là một đối tượng")
    _keys(values, {"code", "name", "field", "agency", "processing_days"},
          {"processing_hours", "fee", "fee_note", "documents", "postal_in", "postal_out", "active", "fees",
           "cross_boundary_from"})
    _procedure_code(values["code"])
    _text(values["name"], "procedure_name", 500, required=True)
    _text(values["field"], "field", 500, required=True)
    _text(values["agency"], "agency", 500, required=True)
    _int(values["processing_days"], "processing_days", 0, 1000)
    _int(values.get("processing_hours", 0), "processing_hours", 0, 1000)
    from oneStop.domain.drafts import MAX_FEE

    _int(values.get("fee", 0), "fee", 0, MAX_FEE)
    _text(values.get("fee_note", ""), "fee", 500)
    _documents(values.get("documents", []))
    if "fees" in values:
        from oneStop.domain.models import Channel

        fees = values["fees"]
        if not isinstance(fees, Mapping) or len(fees) > len(Channel):
            raise InvalidEvent("fee", "phí theo kênh phải là một đối tượng {kênh: số đồng}")
        for channel, amount in fees.items():
            if channel not in {c.value for c in Channel}:
                raise InvalidEvent("channel", f"không có kênh tiếp nhận «{str(channel)[:20]}»")
            _int(amount, "fee", 0, MAX_FEE)
    if values.get("cross_boundary_from") is not None:
        _day(values["cross_boundary_from"], "cross_boundary")
    for key in ("postal_in", "postal_out", "active"):
        if key in values:
            _bool(values[key], key)


def _catalog(p: Mapping[str, Any]) -> None:
    _keys(p, {"procedures"}, {"source", "added", "updated", "unchanged", "codes"})
    procedures = p["procedures"]
    if not isinstance(procedures, list):
        raise InvalidEvent("procedure", "phải là danh sách thủ tục")
    seen: set[str] = set()
    for values in procedures:
        check_procedure(values)
        if values["code"] in seen:
            raise InvalidEvent("procedure_code", f"mã {values['code']} có hai lần")
        seen.add(values["code"])
    for key in ("added", "updated", "unchanged"):
        if key in p:
            _int(p[key], "procedure", 0, 10**7)
    if "source" in p:
        _text(p["source"], "attachment", 300)
    if "codes" in p:
        if not isinstance(p["codes"], list):
            raise InvalidEvent("procedure_code", "phải là danh sách")
        for code in p["codes"]:
            _procedure_code(code)


def _postal_unit(p: Mapping[str, Any]) -> None:
    _keys(p, {"code", "name"}, {"address", "phone", "active"})
    code = _text(p["code"], "postal_unit", 20, required=True)
    if code != code.upper():
        raise InvalidEvent("postal_unit", "mã phải viết hoa")
    _text(p["name"], "postal_unit", 200, required=True)
    _text(p.get("address", ""), "address", 500)
    _text(p.get("phone", ""), "phone", 15)
    if "active" in p:
        _bool(p["active"], "active")


def _profile(p: Mapping[str, Any]) -> None:
    from oneStop.domain.profiles import parse_profile

    _keys(p, {"profile"})
    parse_profile(p["profile"])
    _json_value(p["profile"], "profile")


# --- audit facts -------------------------------------------------------------------------------------


def _agency_set_up(p: Mapping[str, Any]) -> None:
    from oneStop.domain.codes import validate_agency_code

    _keys(p, {"agency", "counter"})
    agency = p["agency"]
    if not isinstance(agency, Mapping):
        raise InvalidEvent("agency", "phải là một đối tượng")
    _keys(agency, {"code", "name", "managing_agency", "province"}, {"place"})
    if validate_agency_code(agency["code"]) != agency["code"]:
        raise InvalidEvent("agency_code", "chưa được chuẩn hóa")
    _text(agency["name"], "agency_name", 300, required=True)
    _text(agency["managing_agency"], "managing_agency", 300, required=True)
    _text(agency["province"], "province", 100, required=True)
    _text(agency.get("place", ""), "address", 100)
    _int(p["counter"], "counter", 1, 999)


def _agency_contact(p: Mapping[str, Any]) -> None:
    """The agency's look-up website and hotline, as an administrator set them (each may be "",
    printed as nothing)."""
    from oneStop.domain import agency_contact
    from oneStop.domain.codes import validate_agency_code

    _keys(p, {"code"}, {"lookup_url", "hotline"})
    if not isinstance(p["code"], str) or validate_agency_code(p["code"]) != p["code"]:
        raise InvalidEvent("agency_code", "chưa được chuẩn hóa")
    for key, check in (("lookup_url", agency_contact.lookup_url), ("hotline", agency_contact.hotline)):
        if key in p:
            if not isinstance(p[key], str) or check(p[key]) != p[key]:
                raise InvalidEvent(key, "chưa được chuẩn hóa")


def _login_failed(p: Mapping[str, Any]) -> None:
    """A failed sign-in: a known user's name (and the failures in a row), or ``unknown_user``
    and no name at all: what was typed for a name not known here may be a password."""
    _keys(p, set(), {"username", "unknown_user", "attempts"})
    if "username" in p:
        _username(p["username"])
    if "unknown_user" in p:
        if _bool(p["unknown_user"], "username") and "username" in p:
            raise InvalidEvent("username", "không ghi tên đã gõ của người dùng không có thật")
    if "attempts" in p:
        _int(p["attempts"], "username", 0, 10**6)


def _free(required: set[str], optional: set[str] = frozenset()) -> Check:  # type: ignore[assignment]
    """An audit fact with the given keys, of bounded plain JSON."""

    def check_(p: Mapping[str, Any]) -> None:
        _keys(p, required, optional)
        for key, value in p.items():
            _json_value(value, key)

    return check_


def _day_signed_off(p: Mapping[str, Any]) -> None:
    _keys(p, {"day"}, {"counter", "comment", "seq_through"})
    _day(p["day"], "date")
    if p.get("counter") is not None:
        _int(p["counter"], "counter", 1, 999)
    _text(p.get("comment") or "", "notes", 2000, multiline=True)
    if "seq_through" in p:
        _int(p["seq_through"], "seq_through", 0, 1 << 62)


def _handover(required: set[str], optional: set[str] = frozenset()) -> Check:  # type: ignore[assignment]
    def check_(p: Mapping[str, Any]) -> None:
        _keys(p, required, optional)
        for key in ("batch_id", "item_id"):
            if key in p:
                _uuid(p[key], "batch")
        if p.get("dossier_id"):
            _uuid(p["dossier_id"], "dossier_id")
        for key, value in p.items():
            _json_value(value, "batch")

    return check_


def _settled(p: Mapping[str, Any]) -> None:
    _keys(p, {"event_id", "decision"}, {"note"})
    _uuid(p["event_id"], "event_id")
    if p["decision"] not in ("applied", "dismissed"):
        raise InvalidEvent("decision", "phải là applied hoặc dismissed")
    _text(p.get("note", ""), "notes", 2000, multiline=True)


def _settled_by(role: Role | None, actor: str, p: Mapping[str, Any]) -> bool:
    return role is not None and (allowed(role, Permission.SUPERVISE) or allowed(role, Permission.MANAGE_SETTINGS))


P, R, A = Applied.PROJECTION, Applied.REFERENCE, Applied.RECORD


class Kind:
    """Every event kind, by name (the values are what is stored and synced)."""

    # dossiers
    DOSSIER_RECEIVED = _declare("dossier.received", P, Permission.RECEIVE, _received, dossier=True)
    RECEIPT_PRINTED = _declare("receipt.printed", P, Permission.PRINT, _printed, dossier=True)
    RECEIPT_REPRINTED = _declare("receipt.reprinted", P, Permission.PRINT, _printed, dossier=True)
    CONFLICT_RESOLVED = _declare("dossier.conflict_resolved", P, Permission.SUPERVISE, _note, dossier=True)
    ATTACHMENT_ADDED = _declare("dossier.attachment_added", P, Permission.RECEIVE, _attachment_added, dossier=True)
    FORM_PRINTED = _declare("form.printed", A, Permission.PRINT, _form_printed, dossier=True)  # Mẫu 02–05
    PERSONAL_DATA_VIEWED = _declare("dossier.viewed", A, Permission.VIEW_DOSSIERS, _viewed)
    # supervision
    LOG_EXPORTED = _declare("log.exported", A, Permission.VIEW_DOSSIERS, _free(set(), {
        "format", "date_from", "date_to", "rows", "masked"}))  # the tracking book printed or exported
    REPORT_EXPORTED = _declare("report.exported", A, Permission.SUPERVISE,
                               _free({"period"}, {"format", "received"}))  # Biểu II.06a
    DAY_SIGNED_OFF = _declare("day.signed_off", A, Permission.SUPERVISE, _day_signed_off)
    # the agency, users and reference data
    AGENCY_SET_UP = _declare("agency.set_up", A, None, _agency_set_up, system=True,
                             authorize=lambda role, actor, p: False)
    AGENCY_CONTACT_SET = _declare("agency.contact_set", R, Permission.MANAGE_SETTINGS, _agency_contact)
    USER_CREATED = _declare("user.created", R, Permission.MANAGE_USERS, lambda p: _user(p, created=True),
                            system=True)  # the first administrator, at set-up
    USER_UPDATED = _declare("user.updated", R, Permission.MANAGE_USERS, lambda p: _user(p, created=False),
                            authorize=_user_updated_by)
    USER_LOGGED_IN = _declare("user.logged_in", A, None, _nothing)
    USER_LOGGED_OUT = _declare("user.logged_out", A, None, _nothing)  # signed out to let another sign in
    USER_LOGIN_FAILED = _declare("user.login_failed", A, None, _login_failed, anyone=True)
    CATALOG_IMPORTED = _declare("catalog.imported", R, Permission.MANAGE_CATALOG, _catalog, system=True,
                                max_payload=256 * 1024 * 1024)  # the sample catalog at set-up
    CATALOG_EXPORTED = _declare("catalog.exported", A, Permission.MANAGE_CATALOG, _free({"file"}, {"count"}))
    SETTING_CHANGED = _declare("setting.changed", R, Permission.MANAGE_SETTINGS, _setting, authorize=_setting_by)
    CALENDAR_OVERRIDE_SET = _declare("calendar.override_set", R, Permission.MANAGE_SETTINGS, _override_set)
    CALENDAR_OVERRIDE_REMOVED = _declare("calendar.override_removed", R, Permission.MANAGE_SETTINGS,
                                         _override_removed)
    POSTAL_UNIT_SAVED = _declare("postal_unit.saved", R, Permission.MANAGE_SETTINGS, _postal_unit)
    PROFILE_PUBLISHED = _declare("profile.published", R, Permission.MANAGE_SETTINGS, _profile,
                                 max_payload=1024 * 1024)
    # this PC's data
    DATA_BACKED_UP = _declare("data.backed_up", A, Permission.BACKUP,
                              _free({"file"}, {"size", "automatic", "sealed", "scans"}), system=True)
    DATA_RESTORED = _declare("data.restored", A, Permission.BACKUP,
                             _free({"file"}, {"kept", "damaged", "moved_from", "sealed"}), system=True)
    SYNC_RESEND = _declare("sync.resend", A, Permission.MANAGE_SETTINGS, _free({"events"}))
    SET_ASIDE_SETTLED = _declare("sync.set_aside_settled", R, Permission.SUPERVISE, _settled,
                                 authorize=_settled_by)  # every counter holding that event follows
    # the postal service (the batch id is in the payload)
    HANDOVER_OPENED = _declare("handover.opened", A, Permission.HANDOVER, _handover(
        {"batch_id", "number", "direction", "postal_unit"}, {"staff_name", "staff_id"}))
    HANDOVER_ITEM_ADDED = _declare("handover.item_added", A, Permission.HANDOVER, _handover(
        {"batch_id", "item_id"}, {"dossier_id", "code", "tracking", "reason"}))
    HANDOVER_TRACKING_SET = _declare("handover.tracking_set", A, Permission.HANDOVER, _handover(
        {"batch_id", "item_id", "tracking"}))
    HANDOVER_ITEM_RECEIVED = _declare("handover.item_received", A, Permission.HANDOVER, _handover(
        {"batch_id", "item_id", "dossier_id", "code"}, {"postal_fee", "note", "slip", "counted"}))
    HANDOVER_ITEM_REMOVED = _declare("handover.item_removed", A, Permission.HANDOVER, _handover(
        {"batch_id", "item_id"}, {"reason"}))
    HANDOVER_CLOSED = _declare("handover.closed", A, Permission.HANDOVER, _handover(
        {"batch_id"}, {"staff_name", "staff_id", "items", "closed_by_name"}))
    HANDOVER_CORRECTED = _declare("handover.corrected", A, Permission.HANDOVER, _handover(
        {"batch_id"}, {"reason", "item_id"}))
    HANDOVER_SCAN_REFUSED = _declare("handover.scan_refused", A, Permission.HANDOVER, _handover(
        {"batch_id"}, {"text", "outcome", "reason", "code"}))
    HANDOVER_PRINTED = _declare("handover.printed", A, Permission.HANDOVER, _handover({"batch_id"}, {"items"}))


def _declare_transitions() -> None:
    from oneStop.domain.lifecycle import Transition, rule

    for transition in Transition:
        _declare(transition.kind, P, rule(transition).permission, _transition_check(transition), dossier=True,
                 authorize=_transition_by(transition))


_declare_transitions()

#: Kinds another agency's counters may write into this agency's stream: steps on the dossiers
#: this agency received and shares (never a reception, never reference data).
SHARED_STEP_KINDS = frozenset(
    k for k, s in VOCABULARY.items() if s.dossier and k != Kind.DOSSIER_RECEIVED
)
