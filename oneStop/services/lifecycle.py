"""Moving a dossier along its life after reception: transfer, supplements, refusal, apology,
financial obligation, stop, withdrawal, result, return. Each is one event, checked against the
dossier's state and the actor's role, and projected in the same transaction."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any, Mapping

from oneStop.domain import lifecycle
from oneStop.domain.citizen_id import validate as validate_citizen_id
from oneStop.domain.clock import require_aware, to_utc
from oneStop.domain.errors import InvalidFormat, ValidationError
from oneStop.domain.lifecycle import Transition
from oneStop.domain.models import DocumentForm, Dossier, User
from oneStop.domain.permissions import Permission
from oneStop.domain.text import clean
from oneStop.persistence.mapping import dossier_from_row
from oneStop.services.base import UowFactory, authorize
from oneStop.services.dossiers import DossierService

#: How far ahead of the PC clock a transition may be dated (clock drift between PCs).
FUTURE_TOLERANCE = timedelta(minutes=5)


def normalise_payload(transition: Transition, payload: Mapping[str, Any]) -> dict[str, Any]:
    """Clean what the user typed, per transition; raise ValidationError naming the field.

    >>> normalise_payload(Transition.REFUSED, {"reason": "  Không  thuộc thẩm quyền "})
    {'reason': 'Không thuộc thẩm quyền'}
    """
    out: dict[str, Any] = {}
    text_fields = {
        "reason": 1000,
        "note": 1000,
        "to_agency": 300,
        "from_agency": 300,
        "result": 500,
        "collected_by": 200,
        "recipient": 200,
        "batch": 40,
        "tracking": 40,
    }
    for name, limit in text_fields.items():
        if name in payload and payload[name] is not None:
            value = clean(str(payload[name]), name, max_len=limit, multiline=name in ("reason", "note"))
            if value:
                out[name] = value
    if payload.get("collected_id"):
        out["collected_id"] = validate_citizen_id(str(payload["collected_id"]))
    if "method" in payload and payload["method"]:
        out["method"] = str(payload["method"]).strip().lower()
    if "amount" in payload and payload["amount"] not in (None, ""):
        try:
            amount = int(payload["amount"])
        except (TypeError, ValueError):
            raise InvalidFormat("amount", "phải là số tiền nguyên (đồng)") from None
        if amount < 0:
            raise InvalidFormat("amount", "không được âm")
        out["amount"] = amount
    if payload.get("new_due_at"):
        value = payload["new_due_at"]
        try:
            when = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
        except ValueError:
            raise InvalidFormat("new_due_at", "phải có dạng ngày giờ ISO 8601, ví dụ 2026-12-01T16:00+07:00") from None
        if when.tzinfo is None:
            raise InvalidFormat("new_due_at", "phải có múi giờ, ví dụ +07:00")
        out["new_due_at"] = when.isoformat()
    if payload.get("documents"):
        documents = []
        for item in payload["documents"]:
            if isinstance(item, str):
                item = {"name": item}
            name = clean(str(item.get("name", "")), "document_name", max_len=300, required=True)
            form = item.get("form") or DocumentForm.ORIGINAL.value
            try:
                form = DocumentForm.parse(str(form)).value
            except ValueError:
                raise InvalidFormat("document_form", f"không nhận ra hình thức «{form}»") from None
            count = int(item.get("count") or 1)
            if not 1 <= count <= 99:
                raise InvalidFormat("document_count", "phải từ 1 đến 99")
            documents.append({"name": name, "form": form, "count": count})
        out["documents"] = documents
    if transition is Transition.RETURNED and "method" not in out:
        out["method"] = "counter"
    return out


class LifecycleService:
    def __init__(self, uow: UowFactory) -> None:
        self._uow = uow

    def transition(
        self,
        actor: User,
        code: str,
        transition: Transition | str,
        payload: Mapping[str, Any] | None = None,
        *,
        at: datetime | None = None,
    ) -> Dossier:
        """Record one transition of the dossier ``code`` and return the dossier after it.

        ``at`` is when it happened (default: now); it may be earlier than now (an official
        catching up), never before the reception nor in the future.
        """
        try:
            transition = Transition(transition)
        except ValueError:
            choices = ", ".join(t.value for t in Transition)
            raise InvalidFormat("transition", f"không có thao tác «{transition}»; chọn một trong: {choices}") from None
        clean_payload = normalise_payload(transition, payload or {})
        with self._uow(write=True) as uow:
            official = authorize(uow, actor, lifecycle.rule(transition).permission)
            now = uow.now()
            when = require_aware(at) if at is not None else now
            if to_utc(when) > to_utc(now) + FUTURE_TOLERANCE:
                raise ValidationError("at", "không được sau thời điểm hiện tại")
            row = DossierService._row_by_code(uow, code)
            dossier = dossier_from_row(row)
            lifecycle.check(dossier, transition, clean_payload, when)
            if transition is Transition.TRANSFERRED:
                clean_payload.setdefault("from_agency", dossier.processing_agency or "Bộ phận Một cửa")
            if transition is Transition.RESULT_RECEIVED:
                clean_payload.setdefault("from_agency", dossier.processing_agency)
            if transition is Transition.APOLOGISED:
                clean_payload["previous_due_at"] = dossier.due_at.isoformat()
            _, after = uow.record(transition.kind, official.username, dossier.id, clean_payload, business_time=when)
            uow.commit()
        return after

    def allowed(self, actor: User, code: str) -> list[Transition]:
        """The transitions the actor could make on the dossier now (for menus)."""
        with self._uow() as uow:
            user = authorize(uow, actor, Permission.VIEW_DOSSIERS)
            dossier = dossier_from_row(DossierService._row_by_code(uow, code))
        return lifecycle.allowed_transitions(dossier, user.role)
