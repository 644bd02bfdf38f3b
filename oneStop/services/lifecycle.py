"""Moving a dossier along its life after reception: transfer, supplements, refusal, apology,
financial obligation, stop, withdrawal, result, return. Each is one event, checked against the
dossier's state and the actor's role, and projected in the same transaction."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, Mapping

from oneStop.domain import lifecycle
from oneStop.domain.clock import require_aware, to_utc
from oneStop.domain.errors import InvalidFormat, ValidationError
from oneStop.domain.lifecycle import Transition, normalise_payload  # noqa: F401 (the handover service takes it from here)
from oneStop.domain.models import Dossier, User
from oneStop.domain.permissions import Permission
from oneStop.persistence.mapping import dossier_from_row
from oneStop.services.base import UowFactory, authorize
from oneStop.services.dossiers import DossierService

if TYPE_CHECKING:
    from oneStop.services.settings_store import SettingsService

#: How far ahead of the PC clock a transition may be dated (clock drift between PCs).
FUTURE_TOLERANCE = timedelta(minutes=5)


class LifecycleService:
    def __init__(self, uow: UowFactory, settings: "SettingsService | None" = None) -> None:
        self._uow = uow
        self._settings = settings

    def _max_extensions(self) -> int:
        from oneStop import settings as S

        return self._settings.get(S.MAX_EXTENSIONS) if self._settings is not None else S.MAX_EXTENSIONS.default

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
        catching up), never before the reception nor in the future. The payload's ``fee`` (whole
        đồng, on ``supplement_received`` and ``returned`` only) is what was collected then: the
        dossier keeps it with that stage, at ``at``, through the dossier's channel.
        """
        try:
            transition = Transition(transition)
        except ValueError:
            choices = ", ".join(t.value for t in Transition)
            raise InvalidFormat("transition", f"không có thao tác «{transition}»; chọn một trong: {choices}") from None
        clean_payload = normalise_payload(transition, payload or {})
        max_extensions = self._max_extensions()  # read before the write transaction opens
        with self._uow(write=True) as uow:
            official = authorize(uow, actor, lifecycle.permission_for(transition, clean_payload))
            now = uow.now()
            when = require_aware(at) if at is not None else now
            if to_utc(when) > to_utc(now) + FUTURE_TOLERANCE:
                raise ValidationError("at", "không được sau thời điểm hiện tại")
            row = DossierService._row_by_code(uow, code)
            dossier = dossier_from_row(row)
            lifecycle.check(dossier, transition, clean_payload, when, max_extensions=max_extensions)
            if clean_payload.get("requested_by") == lifecycle.APPLICANT_REQUEST and dossier.agency_code != uow.agency_code:
                raise ValidationError("requested_by", f"hồ sơ {dossier.code} do cơ quan khác tiếp nhận; chỉ nơi tiếp nhận "
                                                      "hồ sơ mới ghi dừng giải quyết theo đề nghị của người nộp")
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
        max_extensions = self._max_extensions()
        with self._uow() as uow:
            user = authorize(uow, actor, Permission.VIEW_DOSSIERS)
            dossier = dossier_from_row(DossierService._row_by_code(uow, code))
        return lifecycle.allowed_transitions(dossier, user.role, max_extensions=max_extensions)
