"""The dossier's life after reception (rules §4.1–4.3): which transitions are allowed from
which states and by whom, what each one does to the projected dossier, and whether a dossier
was early, on time or late.

Two functions keep two different promises:

* :func:`check` is asked *before* a transition is recorded: it refuses, with a Vietnamese
  reason, a transition the dossier's state does not allow.
* :func:`apply` replays a transition that *was* recorded. It never refuses: an event is a fact,
  and facts from two counters may contradict each other (both returned the same dossier); the
  projection keeps the facts and flags the contradiction for a supervisor.

>>> rule(Transition.TRANSFERRED).target
<DossierStatus.IN_PROGRESS: 'in_progress'>
>>> DossierStatus.RETURNED in rule(Transition.WITHDRAWN).sources
False
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any, Mapping

from oneStop.domain.citizen_id import validate as validate_citizen_id
from oneStop.domain.clock import to_utc
from oneStop.domain.errors import InvalidFormat, OneStopError, ValidationError
from oneStop.domain.models import (
    DocumentForm,
    Dossier,
    DossierStatus,
    FeeCollected,
    FeeStage,
    ReturnMethod,
    Role,
    evolve,
)
from oneStop.domain.permissions import Permission
from oneStop.domain.text import clean

S = DossierStatus
OPEN = frozenset({S.RECEIVED, S.IN_PROGRESS, S.SUPPLEMENT_REQUESTED, S.FINANCIAL_OBLIGATION})
TERMINAL = frozenset({S.REFUSED, S.WITHDRAWN, S.STOPPED, S.RETURNED})
#: States that end processing in the sense of §4.3 (the first one reached is the end).
ENDS_PROCESSING = frozenset({S.REFUSED, S.WITHDRAWN, S.STOPPED, S.RESULT_READY, S.RETURNED})


class Transition(StrEnum):
    """What can happen to a received dossier; the value is the event kind's suffix and the
    name the command line takes (``onestop transition CODE --to transferred``)."""

    TRANSFERRED = "transferred"
    RESULT_RECEIVED = "result_received"
    SUPPLEMENT_REQUESTED = "supplement_requested"
    SUPPLEMENT_RECEIVED = "supplement_received"
    REFUSED = "refused"
    APOLOGISED = "apologised"
    FINANCIAL_REQUESTED = "financial_requested"
    FINANCIAL_MET = "financial_met"
    STOPPED = "stopped"
    WITHDRAWN = "withdrawn"
    RESULT_READY = "result_ready"
    RETURNED = "returned"
    DELIVERED = "delivered"  # the post delivered the result (date, recipient)
    UNDELIVERABLE = "undeliverable"  # the post brought it back: ready at the counter again

    @property
    def kind(self) -> str:
        """The event kind recorded for this transition."""
        return f"dossier.{self.value}"

    @property
    def label(self) -> str:
        return rule(self).label

    @classmethod
    def of_kind(cls, kind: str) -> "Transition | None":
        if not kind.startswith("dossier."):
            return None
        try:
            return cls(kind.removeprefix("dossier."))
        except ValueError:
            return None


@dataclass(frozen=True)
class Rule:
    label: str  # the action in words: "chuyển hồ sơ đến cơ quan giải quyết"
    sources: frozenset[DossierStatus]
    target: DossierStatus | None  # None: the state does not change (apology) or is restored
    permission: Permission
    requires: tuple[str, ...] = ()  # payload fields that must not be empty


_RULES: dict[Transition, Rule] = {
    Transition.TRANSFERRED: Rule(
        "chuyển hồ sơ đến cơ quan giải quyết", frozenset({S.RECEIVED, S.IN_PROGRESS}), S.IN_PROGRESS,
        Permission.PROCESS, ("to_agency",),
    ),
    Transition.RESULT_RECEIVED: Rule(
        "nhận kết quả từ cơ quan giải quyết", frozenset({S.IN_PROGRESS}), S.RESULT_READY, Permission.PROCESS,
    ),
    Transition.SUPPLEMENT_REQUESTED: Rule(
        "yêu cầu bổ sung, hoàn thiện hồ sơ", frozenset({S.RECEIVED, S.IN_PROGRESS}), S.SUPPLEMENT_REQUESTED,
        Permission.PROCESS, ("documents", "reason"),
    ),
    Transition.SUPPLEMENT_RECEIVED: Rule(
        "nhận hồ sơ bổ sung", frozenset({S.SUPPLEMENT_REQUESTED}), None, Permission.PROCESS,
    ),
    Transition.REFUSED: Rule(
        "từ chối tiếp nhận, giải quyết hồ sơ", frozenset({S.RECEIVED, S.IN_PROGRESS, S.SUPPLEMENT_REQUESTED}),
        S.REFUSED, Permission.PROCESS, ("reason",),
    ),
    Transition.APOLOGISED: Rule(
        "xin lỗi và hẹn lại ngày trả kết quả", OPEN, None, Permission.SUPERVISE, ("reason", "new_due_at"),
    ),
    Transition.FINANCIAL_REQUESTED: Rule(
        "yêu cầu thực hiện nghĩa vụ tài chính", frozenset({S.RECEIVED, S.IN_PROGRESS}), S.FINANCIAL_OBLIGATION,
        Permission.PROCESS,
    ),
    Transition.FINANCIAL_MET: Rule(
        "ghi nhận đã thực hiện nghĩa vụ tài chính", frozenset({S.FINANCIAL_OBLIGATION}), None, Permission.PROCESS,
    ),
    Transition.STOPPED: Rule("dừng xử lý hồ sơ", OPEN, S.STOPPED, Permission.SUPERVISE, ("reason",)),
    Transition.WITHDRAWN: Rule("ghi nhận công dân rút hồ sơ", OPEN, S.WITHDRAWN, Permission.PROCESS),
    Transition.RESULT_READY: Rule(
        "ghi nhận đã có kết quả", frozenset({S.RECEIVED, S.IN_PROGRESS}), S.RESULT_READY, Permission.PROCESS,
    ),
    Transition.RETURNED: Rule(
        "trả kết quả", frozenset({S.RESULT_READY}), S.RETURNED, Permission.PROCESS, ("method",),
    ),
    Transition.DELIVERED: Rule(
        "ghi nhận bưu chính đã phát kết quả", frozenset({S.RETURNED}), None, Permission.HANDOVER, ("recipient",),
    ),
    Transition.UNDELIVERABLE: Rule(
        "ghi nhận bưu chính không phát được kết quả", frozenset({S.RETURNED}), S.RESULT_READY, Permission.HANDOVER,
        ("reason",),
    ),
}


#: The steps at which the counter may collect a fee, and the stage the national catalogue records
#: it under (rules §11.9: 2 at supplement, 4 at return; 1, at reception, is the reception's).
FEE_STAGES: dict[Transition, FeeStage] = {
    Transition.SUPPLEMENT_RECEIVED: FeeStage.SUPPLEMENT,
    Transition.RETURNED: FeeStage.RETURN,
}


def normalise_payload(transition: Transition, payload: Mapping[str, Any]) -> dict[str, Any]:
    """Clean what the user typed, per transition; raise ValidationError naming the field.

    ``fee``: whole đồng collected at this step, only when the supplement is brought or the
    result collected (:data:`FEE_STAGES`); 0 or absent is nothing collected and not written.

    >>> normalise_payload(Transition.REFUSED, {"reason": "  Không  thuộc thẩm quyền "})
    {'reason': 'Không thuộc thẩm quyền'}
    >>> normalise_payload(Transition.SUPPLEMENT_RECEIVED, {"fee": "20000"}), normalise_payload(Transition.SUPPLEMENT_RECEIVED, {"fee": 0})
    ({'fee': 20000}, {})
    >>> normalise_payload(Transition.TRANSFERRED, {"to_agency": "Phòng Tư pháp", "fee": 20000})
    Traceback (most recent call last):
    ...
    oneStop.domain.errors.InvalidFormat: Phí, lệ phí: chỉ thu khi nhận hồ sơ bổ sung hoặc khi trả kết quả
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
        from oneStop.domain import money

        amount = money.validate(payload["amount"], "amount")
        out["amount"] = amount
    if "fee" in payload and payload["fee"] not in (None, ""):
        from oneStop.domain import money

        fee = money.validate(payload["fee"], "fee")
        if fee:
            if transition not in FEE_STAGES:
                raise InvalidFormat("fee", "chỉ thu khi nhận hồ sơ bổ sung hoặc khi trả kết quả")
            out["fee"] = fee
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
    if payload.get("requested_by"):
        requested_by = str(payload["requested_by"]).strip().lower()
        if transition is not Transition.STOPPED or requested_by != APPLICANT_REQUEST:
            raise InvalidFormat("requested_by", "chỉ ghi «applicant» khi dừng giải quyết theo đề nghị của người nộp")
        out["requested_by"] = requested_by
    if transition is Transition.RETURNED and "method" not in out:
        out["method"] = "counter"
    return out


def rule(transition: Transition) -> Rule:
    return _RULES[transition]


#: ``requested_by`` of a stop the applicant asked for (TT 03/2025 Art. 7, Mẫu 05 of 2025).
APPLICANT_REQUEST = "applicant"


def permission_for(transition: Transition, payload: Mapping[str, Any]) -> "Permission":
    """The permission a transition needs with this payload. Stopping a dossier is a supervisor's
    decision, except when the applicant asks for it: then the counter that received the dossier
    records it and issues the stop notice (TT 03/2025 Art. 7).

    >>> permission_for(Transition.STOPPED, {"requested_by": "applicant"}).name, permission_for(Transition.STOPPED, {}).name
    ('PROCESS', 'SUPERVISE')
    """
    from oneStop.domain.permissions import Permission

    if transition is Transition.STOPPED and payload.get("requested_by") == APPLICANT_REQUEST:
        return Permission.PROCESS
    return rule(transition).permission


def allowed_transitions(dossier: Dossier, role: Role | None = None, *, max_extensions: int = 1) -> list[Transition]:
    """The transitions :func:`check` would accept now (for menus)."""
    from oneStop.domain.permissions import allowed

    result = []
    for transition, r in _RULES.items():
        if dossier.status not in r.sources:
            continue
        # a stop is offered to whoever may record one the applicant asked for
        needed = permission_for(transition, {"requested_by": APPLICANT_REQUEST}) if transition is Transition.STOPPED \
            else r.permission
        if role is not None and not allowed(role, needed):
            continue
        if transition is Transition.APOLOGISED and dossier.apology_count >= max_extensions:
            continue
        result.append(transition)
    return result


class TransitionRefused(OneStopError):
    """A transition the dossier's state does not allow; the message says why in Vietnamese."""

    def __init__(self, code: str, transition: Transition, message: str) -> None:
        self.code = code
        self.transition = transition
        super().__init__(message)


def _states(states: frozenset[DossierStatus]) -> str:
    ordered = [s for s in DossierStatus if s in states]
    return ", ".join(f"«{s.label}»" for s in ordered)


def check(dossier: Dossier, transition: Transition, payload: Mapping[str, Any], at: datetime, *,
          max_extensions: int = 1) -> None:
    """Refuse a transition that does not make sense now, saying why. ``at`` is when it
    happens (aware). ``max_extensions`` is how many apologies with a new appointment a dossier
    may have (a setting; one by default, rules §2.4 and §11.4)."""
    r = rule(transition)
    if dossier.status not in r.sources:
        raise TransitionRefused(
            dossier.code,
            transition,
            f"Không thể {r.label} cho hồ sơ {dossier.code}: hồ sơ đang ở trạng thái «{dossier.status.label}»; "
            f"chỉ làm được khi hồ sơ ở trạng thái {_states(r.sources)}.",
        )
    for name in r.requires:
        value = payload.get(name)
        if value in (None, "", [], ()):
            raise ValidationError(name, "không được để trống")
    received = to_utc(dossier.received_at)
    if to_utc(at) < received:
        raise ValidationError("at", "không được trước thời điểm tiếp nhận hồ sơ")
    if transition is Transition.APOLOGISED:
        if dossier.apology_count >= max_extensions:
            times = "một lần" if max_extensions == 1 else f"{max_extensions} lần"
            raise TransitionRefused(
                dossier.code,
                transition,
                f"Hồ sơ {dossier.code} đã được xin lỗi và hẹn lại {dossier.apology_count} lần; "
                f"chỉ được hẹn lại tối đa {times} (thiết lập của cơ quan).",
            )
        new_due = datetime.fromisoformat(str(payload["new_due_at"]))
        if new_due.tzinfo is None:
            raise ValidationError("new_due_at", "phải có múi giờ")
        if to_utc(new_due) <= to_utc(dossier.due_at):
            raise ValidationError("new_due_at", "phải sau ngày hẹn trả hiện tại")
    if transition is Transition.RETURNED:
        method = payload.get("method")
        if method not in ("counter", "post"):
            raise ValidationError("method", "phải là tại quầy (counter) hoặc qua bưu chính (post)")
        if method == "counter" and not str(payload.get("collected_by") or "").strip():
            raise ValidationError("collected_by", "không được để trống khi trả kết quả tại quầy")
    if transition in (Transition.DELIVERED, Transition.UNDELIVERABLE) and not dossier.returned_by_post:
        raise TransitionRefused(
            dossier.code, transition,
            f"Không thể {r.label} cho hồ sơ {dossier.code}: kết quả không được giao qua bưu chính.",
        )
    if transition is Transition.SUPPLEMENT_REQUESTED:
        for item in payload["documents"]:
            if not str(item.get("name") if isinstance(item, Mapping) else item).strip():
                raise ValidationError("documents", "mỗi giấy tờ cần bổ sung phải có tên")


def apply(state: Dossier, transition: Transition, payload: Mapping[str, Any], at: datetime) -> Dossier:
    """The dossier after a recorded transition that happened at ``at`` (aware)."""
    at = to_utc(at)
    r = rule(transition)
    changes: dict[str, Any] = {}
    conflict = state.status not in r.sources
    if transition is Transition.TRANSFERRED:
        changes["processing_agency"] = str(payload.get("to_agency", ""))
        if state.transferred_at is None:
            changes["transferred_at"] = at
    elif transition is Transition.SUPPLEMENT_REQUESTED:
        changes.update(
            supplement_count=state.supplement_count + 1,
            paused_since=at,
            resume_status=state.status if state.status in OPEN else S.IN_PROGRESS,
        )
    elif transition is Transition.SUPPLEMENT_RECEIVED:
        paused = 0
        if state.paused_since is not None:
            paused = max(0, int((at - to_utc(state.paused_since)).total_seconds()))
        changes.update(
            paused_seconds=state.paused_seconds + paused,
            paused_since=None,
            status=state.resume_status or S.IN_PROGRESS,
            resume_status=None,
        )
    elif transition is Transition.FINANCIAL_REQUESTED:
        changes["resume_status"] = state.status if state.status in OPEN else S.IN_PROGRESS
    elif transition is Transition.FINANCIAL_MET:
        changes.update(status=state.resume_status or S.IN_PROGRESS, resume_status=None)
    elif transition is Transition.APOLOGISED:
        changes.update(
            apology_count=state.apology_count + 1,
            original_due_at=state.original_due_at or state.due_at,
            due_at=to_utc(datetime.fromisoformat(str(payload["new_due_at"]))),
        )
    elif transition is Transition.RETURNED:
        changes["returned_at"] = state.returned_at or at
        changes["returned_by_post"] = payload.get("method") == "post"
    elif transition is Transition.DELIVERED:
        changes["delivered_at"] = state.delivered_at or at
    elif transition is Transition.UNDELIVERABLE:
        changes.update(returned_at=None, returned_by_post=False, delivered_at=None,
                       return_method=ReturnMethod.COUNTER)
    if transition in (Transition.RESULT_READY, Transition.RESULT_RECEIVED):
        changes["result_at"] = state.result_at or at
    if payload.get("fee") and transition in FEE_STAGES:  # collected then, through the dossier's channel
        changes["fee_collected"] = state.fee_collected + (
            FeeCollected(int(payload["fee"]), at, FEE_STAGES[transition], state.channel),)
    if r.target is not None:
        changes["status"] = r.target
    target = changes.get("status", state.status)
    if target in ENDS_PROCESSING and state.finished_at is None:
        changes["finished_at"] = at
        if state.paused_since is not None:  # refused or withdrawn while waiting: the wait ends
            changes["paused_seconds"] = state.paused_seconds + max(
                0, int((at - to_utc(state.paused_since)).total_seconds())
            )
            changes["paused_since"] = None
    if conflict:
        changes["conflicts"] = state.conflicts + 1
    return evolve(state, **changes)


# --- early, on time, late (§4.3) ---------------------------------------------------------------


class Timeliness(StrEnum):
    EARLY = "early"  # finished before the appointment by at least the threshold
    ON_TIME = "on_time"
    LATE = "late"
    IN_TIME = "in_time"  # still in progress, within the deadline
    OVERDUE = "overdue"  # still in progress, past the deadline

    @property
    def label(self) -> str:
        return {
            "early": "Trước hạn",
            "on_time": "Đúng hạn",
            "late": "Quá hạn",
            "in_time": "Đang xử lý trong hạn",
            "overdue": "Đang xử lý quá hạn",
        }[self.value]

    @property
    def finished(self) -> bool:
        return self in (Timeliness.EARLY, Timeliness.ON_TIME, Timeliness.LATE)


#: States that end a dossier without a result: a paper never calls them early, on time or late
#: (the state itself is what happened).
ENDED_WITHOUT_RESULT = frozenset({"refused", "withdrawn", "stopped"})


def timeliness_words(status: str, timeliness: Timeliness) -> str:
    """What a paper prints for a dossier's timeliness: nothing for one refused, withdrawn or
    stopped (it was never resolved early or late), else the label.

    >>> timeliness_words("stopped", Timeliness.EARLY), timeliness_words("returned", Timeliness.EARLY)
    ('', 'Trước hạn')
    """
    return "" if status in ENDED_WITHOUT_RESULT else timeliness.label


def effective_due(dossier: Dossier, now: datetime, *, apology_counts_late: bool = True) -> datetime:
    """The appointment pushed back by the time spent waiting for supplements (including a wait
    still running at ``now``). With ``apology_counts_late`` the original appointment is used: a
    new appointment after an apology does not make a late dossier on time."""
    return _effective_due(
        dossier.due_at, dossier.original_due_at, dossier.paused_seconds, dossier.paused_since, dossier.finished_at,
        now, apology_counts_late,
    )


def _effective_due(
    due_at: datetime,
    original_due_at: datetime | None,
    paused_seconds: int,
    paused_since: datetime | None,
    finished_at: datetime | None,
    now: datetime,
    apology_counts_late: bool,
) -> datetime:
    due = to_utc(original_due_at if apology_counts_late and original_due_at else due_at)
    paused = paused_seconds
    if paused_since is not None and finished_at is None:
        paused += max(0, int((to_utc(now) - to_utc(paused_since)).total_seconds()))
    return due + timedelta(seconds=paused)


def classify(
    dossier: Dossier,
    now: datetime,
    working_days_between,  # type: ignore[no-untyped-def]  # (date, date) -> int, the calendar's
    *,
    early_days: int = 1,
    apology_counts_late: bool = True,
) -> Timeliness:
    """Early / on time / late for a finished dossier; in time / overdue for one in progress.

    A dossier asked more than once for supplements counts as late (§4.3).
    """
    return classify_times(
        due_at=dossier.due_at,
        original_due_at=dossier.original_due_at,
        paused_seconds=dossier.paused_seconds,
        paused_since=dossier.paused_since,
        finished_at=dossier.finished_at,
        supplement_count=dossier.supplement_count,
        now=now,
        working_days_between=working_days_between,
        early_days=early_days,
        apology_counts_late=apology_counts_late,
    )


def classify_times(
    *,
    due_at: datetime,
    original_due_at: datetime | None,
    paused_seconds: int,
    paused_since: datetime | None,
    finished_at: datetime | None,
    supplement_count: int,
    now: datetime,
    working_days_between,  # type: ignore[no-untyped-def]
    early_days: int = 1,
    apology_counts_late: bool = True,
) -> Timeliness:
    """:func:`classify` on the bare columns (for lists and reports over many dossiers)."""
    from oneStop.domain.clock import to_local

    due = _effective_due(due_at, original_due_at, paused_seconds, paused_since, finished_at, now, apology_counts_late)
    if finished_at is None:
        if supplement_count > 1 or to_utc(now) > due:
            return Timeliness.OVERDUE
        return Timeliness.IN_TIME
    end = to_utc(finished_at)
    if supplement_count > 1 or end > due:
        return Timeliness.LATE
    if working_days_between(to_local(end).date(), to_local(due).date()) >= early_days:
        return Timeliness.EARLY
    return Timeliness.ON_TIME
