"""Regulation profiles: which forms, numbers and titles are in force on a date (rules §1, §2.8).

A profile is data (``resources/profiles/*.json``); each dossier records the one it was
received under, so a later profile never changes an old dossier's papers.

>>> p = RegulationProfile.from_dict({"id": "x", "name": "X", "effective_from": "2019-01-06",
...     "forms": {"receipt": {"number": "Mẫu số 01", "title": "GIẤY TIẾP NHẬN"}}})
>>> p.form("receipt").number
'Mẫu số 01'
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, Iterable, Mapping


@dataclass(frozen=True)
class FormSpec:
    number: str
    title: str


@dataclass(frozen=True)
class RegulationProfile:
    id: str
    name: str
    effective_from: date
    effective_to: date | None = None
    forms: Mapping[str, FormSpec] = field(default_factory=dict)
    #: States whose dossiers Biểu II.06a leaves out once they end (e.g. "withdrawn"); by
    #: default every ended dossier counts as resolved.
    report_excluded_states: tuple[str, ...] = ()

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> "RegulationProfile":
        return cls(
            id=data["id"],
            name=data["name"],
            effective_from=date.fromisoformat(data["effective_from"]),
            effective_to=date.fromisoformat(data["effective_to"]) if data.get("effective_to") else None,
            forms={k: FormSpec(v["number"], v["title"]) for k, v in data.get("forms", {}).items()},
            report_excluded_states=tuple(data.get("report", {}).get("excluded_states", ())),
        )

    def form(self, kind: str) -> FormSpec:
        """The form that serves ``kind`` (receipt, supplement, refusal, apology, …)."""
        return self.forms[kind]

    def in_force(self, day: date) -> bool:
        return self.effective_from <= day and (self.effective_to is None or day <= self.effective_to)


#: The forms a profile may name (the keys of ``forms``).
FORM_KEYS = ("receipt", "supplement", "refusal", "apology", "control_sheet", "tracking_book")


def parse_profile(data: Any) -> RegulationProfile:
    """A profile an administrator publishes, checked field by field; a Vietnamese message names
    what is wrong.

    >>> parse_profile({"id": "nd118-2025", "name": "NĐ 118", "effective_from": "2025-07-01",
    ...                "forms": {"receipt": {"number": "Mẫu số 01", "title": "GIẤY TIẾP NHẬN"}}}).id
    'nd118-2025'
    >>> parse_profile({"id": "nd1", "name": "X", "effective_from": "1/7/2025", "forms": {}})
    Traceback (most recent call last):
    ...
    oneStop.domain.errors.ValidationError: Bộ quy định (biểu mẫu): effective_from phải là ngày dạng YYYY-MM-DD
    """
    import re

    from oneStop.domain.errors import ValidationError
    from oneStop.domain.models import DossierStatus

    def fail(message: str) -> ValidationError:
        return ValidationError("profile", message)

    if not isinstance(data, Mapping):
        raise fail("phải là một đối tượng JSON")
    pid = str(data.get("id") or "")
    if not re.fullmatch(r"[a-z0-9][a-z0-9._-]{1,59}", pid):
        raise fail("id chỉ gồm chữ thường không dấu, số, dấu chấm, gạch (2–60 ký tự)")
    if not str(data.get("name") or "").strip():
        raise fail("thiếu name (tên văn bản quy định)")
    days = {}
    for key in ("effective_from", "effective_to"):
        value = data.get(key)
        if value in (None, "") and key == "effective_to":
            continue
        try:
            days[key] = date.fromisoformat(str(value))
        except ValueError:
            raise fail(f"{key} phải là ngày dạng YYYY-MM-DD") from None
    if "effective_to" in days and days["effective_to"] < days["effective_from"]:
        raise fail("effective_to trước effective_from")
    forms = data.get("forms")
    if not isinstance(forms, Mapping):
        raise fail("forms phải là một đối tượng {loại mẫu: {number, title}}")
    for key, spec in forms.items():
        if key not in FORM_KEYS:
            raise fail(f"forms có loại mẫu lạ «{key}»; dùng: {', '.join(FORM_KEYS)}")
        if not isinstance(spec, Mapping) or not str(spec.get("number") or "").strip() \
                or not str(spec.get("title") or "").strip():
            raise fail(f"forms.{key} phải có number và title")
    states = data.get("report", {}).get("excluded_states", ()) if isinstance(data.get("report"), Mapping) else ()
    for state in states:
        if state not in {s.value for s in DossierStatus}:
            raise fail(f"report.excluded_states có trạng thái lạ «{state}»")
    return RegulationProfile.from_dict(data)


def load_profiles(folder: Path) -> tuple[RegulationProfile, ...]:
    profiles = [
        RegulationProfile.from_dict(json.loads(p.read_text(encoding="utf-8")))
        for p in sorted(Path(folder).glob("*.json"))
    ]
    return tuple(sorted(profiles, key=lambda p: p.effective_from))


def profile_for(profiles: Iterable[RegulationProfile], day: date) -> RegulationProfile:
    """The newest profile in force on ``day`` (the oldest one for dates before all of them)."""
    ordered = sorted(profiles, key=lambda p: p.effective_from)
    if not ordered:
        raise LookupError("no regulation profile")
    chosen = ordered[0]
    for p in ordered:
        if p.in_force(day):
            chosen = p
    return chosen
