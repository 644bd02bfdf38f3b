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
