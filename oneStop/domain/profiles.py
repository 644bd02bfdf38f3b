"""Regulation profiles: which forms, numbers and titles are in force on a date (rules §1, §2.8, §11).

A profile is data (``resources/profiles/*.json``); each dossier records the one it was
received under, so a later profile never changes an old dossier's papers.

A form in a profile holds more than its number and title (all optional, with the 2018 practice
as the default): its ``paper`` (A5 or A4), its ``copies`` (the copy markers, one printed copy
each), its ``document_number`` pattern ("Số: {seq}/GTN": ``{seq}`` the dossier's daily number,
``{yyyy}``/``{yy}`` the year, ``{code}`` the dossier code; "" prints none), the optional
contents it prints (``fields``, from :data:`FORM_FIELDS`), who signs it (``signers``: a title
and whose name goes under it, from :data:`SIGNER_ROLES`) and wording (``text``: a few named
sentences such as the privacy notice). The profile's ``dossier_code`` says how the code's date is
written and the least number of digits of its daily number (rules §3, §11.3).

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

from oneStop.domain.codes import DATE_FORMATS
from oneStop.domain.glyphs import unprintable


#: The forms a profile may name (the keys of ``forms``).
FORM_KEYS = ("receipt", "supplement", "refusal", "apology", "stop_notice", "control_sheet", "tracking_book")

#: The optional contents a form may print, by form.
FORM_FIELDS: Mapping[str, tuple[str, ...]] = {
    # identification: the "Số định danh cá nhân/tổ chức" line, printed (dotted when unknown)
    # even without a number; proxy: the principal's block when someone files for another;
    # book_reference_optional: "Vào Sổ theo dõi hồ sơ (nếu có)"; privacy_notice: text["privacy_notice"]
    "receipt": ("identification", "proxy", "book_reference_optional", "privacy_notice"),
    "supplement": ("identification", "contact"),
    "refusal": ("identification", "dossier_code_optional"),
    "apology": ("extension",),
    "stop_notice": ("identification",),
    "control_sheet": (),
    "tracking_book": ("per_field",),
}

#: The columns the tracking book may have, in the order the 2018 book prints them (rules §2.6, §11.4);
#: ``register`` is the "Quyển số / Số thứ tự" the receipt cites, so that a receipt can be found
#: in the book (its rows are numbered 1, 2, 3 … per printing).
TRACKING_COLUMNS = (
    "number", "register", "code", "procedure", "sets", "applicant", "contact", "agency", "received", "due", "transferred",
    "result_received", "returned", "return_method", "status", "signature", "note",
)

#: Whose name is printed under a signature title: the applicant, the receiving official, the
#: official who acted (guided, refused …), the head of the agency (a setting), or nobody
#: (the signer writes it by hand).
SIGNER_ROLES = ("applicant", "official", "actor", "head", "none")

#: The ways a dossier code's date may be written (rules §3: yymmdd; a 2026 ministry system: yyyymmdd).
CODE_DATE_FORMATS = DATE_FORMATS

_DEFAULT_PAPER = {"tracking_book": "A4"}
_DEFAULT_COPIES = {"receipt": ("Liên 1: Lưu", "Liên 2: Giao người nộp")}


@dataclass(frozen=True)
class Signer:
    title: str  # "NGƯỜI TIẾP NHẬN HỒ SƠ"
    who: str = "none"  # one of SIGNER_ROLES
    note: str = "(Ký và ghi rõ họ tên)"

    def name(self, *, official: str, applicant: str, head: str) -> str:
        """The name printed under the title: the official who acted (``official`` and ``actor``),
        the applicant, the head of the agency, or none (written by hand).

        >>> Signer("THỦ TRƯỞNG CƠ QUAN", "head").name(official="Hoa", applicant="Hường", head="Thủ")
        'Thủ'
        """
        return {"actor": official, "official": official, "applicant": applicant, "head": head}.get(self.who, "")


@dataclass(frozen=True)
class FormSpec:
    number: str
    title: str
    paper: str = "A5"
    copies: tuple[str, ...] = ()
    document_number: str = ""
    fields: tuple[str, ...] = ()
    signers: tuple[Signer, ...] = ()
    text: Mapping[str, str] = field(default_factory=dict)
    columns: tuple[str, ...] = ()  # the tracking book's columns (TRACKING_COLUMNS); () = all

    def has(self, name: str) -> bool:
        """Whether the form prints the optional content ``name`` (one of :data:`FORM_FIELDS`)."""
        return name in self.fields

    def document_number_for(self, code: str, day: date) -> str:
        """The "Số: …" of this form for a dossier, or "" when the form has none; ``{seq}`` is the
        daily number at the end of the dossier's code.

        >>> FormSpec("Mẫu số 01", "X", document_number="{seq}/GTN-{yyyy}").document_number_for("H56-260101-0012", date(2026, 1, 1))
        '12/GTN-2026'
        """
        if not self.document_number:
            return ""
        tail = code.rsplit("-", 1)[-1]
        seq = int(tail) if tail.isdigit() else 0
        return self.document_number.format(seq=seq, code=code, yyyy=f"{day:%Y}", yy=f"{day:%y}")

    @classmethod
    def from_dict(cls, kind: str, data: Mapping[str, Any]) -> "FormSpec":
        return cls(
            number=data["number"],
            title=data["title"],
            paper=data.get("paper") or _DEFAULT_PAPER.get(kind, "A5"),
            copies=tuple(data["copies"]) if "copies" in data else _DEFAULT_COPIES.get(kind, ()),
            document_number=data.get("document_number") or "",
            fields=tuple(data.get("fields") or ()),
            signers=tuple(Signer(s["title"], s.get("who", "none"), s.get("note", "(Ký và ghi rõ họ tên)"))
                          for s in data.get("signers") or ()),
            text=dict(data.get("text") or {}),
            columns=tuple(data.get("columns") or ()),
        )


@dataclass(frozen=True)
class DossierCodeSpec:
    """How a profile writes the dossier code ``<agency>-<date>-<number>`` (rules §3, §11.3)."""

    date_format: str = "yymmdd"  # a key of CODE_DATE_FORMATS
    min_digits: int = 4

    def date_text(self, day: date) -> str:
        return day.strftime(CODE_DATE_FORMATS[self.date_format])


@dataclass(frozen=True)
class RegulationProfile:
    id: str
    name: str
    effective_from: date
    effective_to: date | None = None
    forms: Mapping[str, FormSpec] = field(default_factory=dict)
    dossier_code: DossierCodeSpec = DossierCodeSpec()
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
            forms={k: FormSpec.from_dict(k, v) for k, v in data.get("forms", {}).items()},
            dossier_code=DossierCodeSpec(**data["dossier_code"]) if data.get("dossier_code") else DossierCodeSpec(),
            report_excluded_states=tuple(data.get("report", {}).get("excluded_states", ())),
        )

    def form(self, kind: str) -> FormSpec:
        """The form that serves ``kind`` (receipt, supplement, refusal, apology, …)."""
        return self.forms[kind]

    def in_force(self, day: date) -> bool:
        return self.effective_from <= day and (self.effective_to is None or day <= self.effective_to)


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
        _check_form(key, spec, fail)
    code = data.get("dossier_code")
    if code is not None:
        if not isinstance(code, Mapping) or set(code) - {"date_format", "min_digits"}:
            raise fail("dossier_code chỉ gồm date_format và min_digits")
        if code.get("date_format", "yymmdd") not in CODE_DATE_FORMATS:
            raise fail(f"dossier_code.date_format phải là một trong: {', '.join(CODE_DATE_FORMATS)}")
        digits = code.get("min_digits", 4)
        if not isinstance(digits, int) or isinstance(digits, bool) or not 4 <= digits <= 7:
            raise fail("dossier_code.min_digits phải là số nguyên từ 4 đến 7")
    states = data.get("report", {}).get("excluded_states", ()) if isinstance(data.get("report"), Mapping) else ()
    for state in states:
        if state not in {s.value for s in DossierStatus}:
            raise fail(f"report.excluded_states có trạng thái lạ «{state}»")
    return RegulationProfile.from_dict(data)


_FORM_KEYS_ALLOWED = {"number", "title", "paper", "copies", "document_number", "fields", "signers", "text",
                      "columns"}


def _check_form(key: str, spec: Any, fail: Any) -> None:
    """One form of a profile, checked; ``fail(message)`` makes the error to raise."""
    where = f"forms.{key}"
    if not isinstance(spec, Mapping) or not all(isinstance(spec.get(k), str) and spec[k].strip()
                                                for k in ("number", "title")):
        raise fail(f"{where} phải có number và title")
    unknown = set(spec) - _FORM_KEYS_ALLOWED
    if unknown:
        raise fail(f"{where} có mục lạ «{sorted(unknown)[0]}»; dùng: {', '.join(sorted(_FORM_KEYS_ALLOWED))}")
    if spec.get("paper", "A5") not in ("A5", "A4"):
        raise fail(f"{where}.paper phải là A5 hoặc A4")
    copies = spec.get("copies", [])
    if not isinstance(copies, list) or len(copies) > 3 or not all(isinstance(c, str) and 0 < len(c) <= 40 for c in copies):
        raise fail(f"{where}.copies phải là danh sách tối đa 3 dòng ghi liên (mỗi dòng ≤ 40 ký tự)")
    pattern = spec.get("document_number", "")
    if not isinstance(pattern, str) or len(pattern) > 40:
        raise fail(f"{where}.document_number phải là chuỗi ≤ 40 ký tự")
    try:
        pattern.format(seq=1, code="X", yyyy="2026", yy="26")
    except (KeyError, IndexError, ValueError):
        raise fail(f"{where}.document_number chỉ dùng {{seq}}, {{yyyy}}, {{yy}}, {{code}}") from None
    fields = spec.get("fields", [])
    allowed = FORM_FIELDS.get(key, ())
    if not isinstance(fields, list) or any(f not in allowed for f in fields):
        raise fail(f"{where}.fields chỉ gồm: {', '.join(allowed) or '(không có)'}")
    signers = spec.get("signers", [])
    if not isinstance(signers, list) or len(signers) > 3:
        raise fail(f"{where}.signers phải là danh sách tối đa 3 người ký")
    for n, signer in enumerate(signers, 1):
        if not isinstance(signer, Mapping) or not isinstance(signer.get("title"), str) \
                or not signer["title"].strip() or len(signer["title"]) > 60:
            raise fail(f"{where}.signers[{n}] phải có title (≤ 60 ký tự)")
        if signer.get("who", "none") not in SIGNER_ROLES:
            raise fail(f"{where}.signers[{n}].who phải là một trong: {', '.join(SIGNER_ROLES)}")
        if not isinstance(signer.get("note", ""), str) or len(signer.get("note", "")) > 60:
            raise fail(f"{where}.signers[{n}].note phải là chuỗi ≤ 60 ký tự")
    text = spec.get("text", {})
    if not isinstance(text, Mapping) or not all(isinstance(k, str) and isinstance(v, str) and len(v) <= 600
                                                for k, v in text.items()):
        raise fail(f"{where}.text phải là {{tên: câu}} (mỗi câu ≤ 600 ký tự)")
    columns = spec.get("columns", [])
    if columns and (key != "tracking_book" or not isinstance(columns, list)
                    or any(c not in TRACKING_COLUMNS for c in columns) or len(set(columns)) != len(columns)):
        raise fail(f"{where}.columns chỉ có ở tracking_book, mỗi cột một lần, trong: {', '.join(TRACKING_COLUMNS)}")
    words = [spec["number"], spec["title"], *copies, pattern, *text.values()]
    words += [s.get(k, "") for s in signers for k in ("title", "note")]
    for word in words:
        bad = unprintable(word)
        if bad:
            raise fail(f"{where} có ký tự «{bad}» (U+{ord(bad):04X}) mà phông chữ của biểu mẫu không in được")


def load_profiles(folder: Path) -> tuple[RegulationProfile, ...]:
    profiles = [
        parse_profile(json.loads(p.read_text(encoding="utf-8")))
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
