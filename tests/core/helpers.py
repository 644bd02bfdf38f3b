"""Small builders for core tests."""

from __future__ import annotations

from sqlalchemy import func, select

from oneStop.domain.models import Applicant, DocumentForm, DossierDraft, Procedure, RequiredDocument
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
