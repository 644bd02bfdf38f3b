"""Small builders for core tests."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select

from oneStop.domain.models import Applicant, Channel, DocumentForm, DossierDraft, Procedure, RequiredDocument
from oneStop.persistence.models import DailySequenceRow, DossierRow, EventRow

TEST_PROCEDURE = Procedure(
    code="9.999001",
    name="Thủ tục thử nghiệm năm ngày",
    field="Hộ tịch",
    agency="UBND cấp xã",
    processing_days=5,
    fee=20_000,
    documents=(
        RequiredDocument("Tờ khai theo mẫu", DocumentForm.ORIGINAL, 1),
        RequiredDocument("Giấy tờ tùy thân", DocumentForm.PHOTOCOPY, 2),
    ),
)

#: A procedure with what the 2025 catalog adds (issue 15): a fee per channel, a document taken
#: from data, an optional one, and reception regardless of boundary since 01/07/2025.
PROCEDURE_2025 = Procedure(
    code="9.999002",
    name="Cấp bản sao trích lục hộ tịch",
    field="Hộ tịch",
    agency="UBND cấp xã",
    processing_days=2,
    fee=50_000,
    fees=((Channel.ONLINE, 25_000), (Channel.VNEID, 20_000), (Channel.ASSISTED, 25_000)),
    documents=(
        RequiredDocument("Tờ khai theo mẫu", DocumentForm.ORIGINAL, 1),
        RequiredDocument("Giấy xác nhận thông tin về cư trú", DocumentForm.ORIGINAL, 1, from_data=True),
        RequiredDocument("Văn bản ủy quyền", DocumentForm.CERTIFIED_COPY, 1, mandatory=False),
    ),
    cross_boundary_from=date(2025, 7, 1),
)


def publish_2018_forms(app, admin, *, since: str = "2026-01-01") -> None:  # type: ignore[no-untyped-def]
    """Put the bundled 2018 forms (Thông tư 01/2018) back in force from ``since``, under another
    id: a test about the 2018 papers receives its dossiers under them while the clock says 2026,
    when Thông tư 03/2025's forms are in force."""
    import json

    from oneStop.resources import resources_path

    profile = json.loads((resources_path("profiles") / "tt01-2018.json").read_text(encoding="utf-8"))
    app.profiles.publish(admin, {**profile, "id": "tt01-2018-thu", "effective_from": since, "effective_to": None})


def publish_code_form(app, admin, *, date_format: str = "yyyymmdd", min_digits: int = 7,  # type: ignore[no-untyped-def]
                      since: str = "2026-11-23") -> str:
    """Put the bundled 2025 profile (Thông tư 03/2025) back in force from ``since``, under
    another id, with the dossier code of a 2026 ministry system (rules §11.3): the date
    ``yyyymmdd`` and a daily number of 7 digits (``G09.20-20260609-0092637``). Return its id."""
    import json

    from oneStop.resources import resources_path

    profile = json.loads((resources_path("profiles") / "tt03-2025.json").read_text(encoding="utf-8"))
    profile_id = f"tt03-2025-{date_format}"
    app.profiles.publish(admin, {**profile, "id": profile_id, "effective_from": since, "effective_to": None,
                                 "dossier_code": {"date_format": date_format, "min_digits": min_digits}})
    return profile_id


def add_procedure(app, procedure: Procedure = TEST_PROCEDURE) -> Procedure:  # type: ignore[no-untyped-def]
    with app.uow(write=True) as uow:
        app.catalog.store(uow, [procedure], actor="admin", source="test")
        uow.commit()
    return procedure


def draft(**overrides) -> DossierDraft:  # type: ignore[no-untyped-def]
    applicant = overrides.pop(
        "applicant",
        Applicant(
            name="Nguyễn Thị Hường",
            citizen_id="038190012345",
            phone="0912 345 678",
            address="Thôn 3, xã Quảng Phú, tỉnh Thanh Hóa",
        ),
    )
    values = dict(procedure_code=TEST_PROCEDURE.code, applicant=applicant)
    values.update(overrides)
    return DossierDraft(**values)


def counts(app) -> dict[str, int]:  # type: ignore[no-untyped-def]
    with app.uow() as uow:
        return {
            "events": uow.session.scalar(select(func.count()).select_from(EventRow)),
            "dossiers": uow.session.scalar(select(func.count()).select_from(DossierRow)),
            "sequences": uow.session.scalar(select(func.coalesce(func.sum(DailySequenceRow.last_number), 0))),
        }
