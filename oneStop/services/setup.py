"""First start: the agency, this PC's counter number and the first administrator."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from oneStop.domain import agency_contact, codes, signing
from oneStop.domain.errors import AlreadySetUp, ErrorCollector, InvalidFormat, NotSetUp
from oneStop.domain.events import Kind
from oneStop.domain.models import Agency, CounterIdentity, Role, User
from oneStop.domain.permissions import Permission
from oneStop.domain.text import clean
from oneStop.persistence.mapping import agency_from_row, user_from_row
from oneStop.persistence.models import AgencyRow, CounterRow
from oneStop.services.auth import AuthService, new_user_row
from oneStop.services.base import UowFactory, authorize
from oneStop.services.catalog import CatalogService
from oneStop import settings as S

SYSTEM_ACTOR = "system"


@dataclass(frozen=True)
class SetupRequest:
    agency_code: str
    agency_name: str  # the receiving unit
    managing_agency: str
    province: str
    counter: int
    admin_username: str
    admin_full_name: str
    admin_password: str
    place: str = ""
    address: str = ""
    hotline: str = ""
    lookup_url: str = ""
    load_sample_catalog: bool = True


class SetupService:
    def __init__(self, uow: UowFactory, catalog: CatalogService) -> None:
        self._uow = uow
        self._catalog = catalog

    def is_set_up(self) -> bool:
        with self._uow() as uow:
            return uow.session.scalar(select(CounterRow.id).where(CounterRow.is_local.is_(True))) is not None

    def agency(self) -> Agency:
        with self._uow() as uow:
            counter = self._local_counter(uow)
            row = uow.session.get(AgencyRow, counter.agency_code)
            assert row is not None
            return agency_from_row(row)

    def counter(self) -> CounterIdentity:
        with self._uow() as uow:
            row = self._local_counter(uow)
            return CounterIdentity(row.agency_code, row.number)

    def set_contact(self, actor: User, *, lookup_url: str | None = None, hotline: str | None = None) -> Agency:
        """Set the agency's look-up website and/or hotline (``None``: unchanged; "": none printed).
        An administrator's change, written as an event that reaches the agency's other counters.
        Both are checked before anything is written."""
        errors = ErrorCollector()
        changes: dict[str, str] = {}
        if lookup_url is not None:
            changes["lookup_url"] = errors.run(agency_contact.lookup_url, lookup_url) or ""
        if hotline is not None:
            changes["hotline"] = errors.run(agency_contact.hotline, hotline) or ""
        errors.raise_if_any()
        with self._uow(write=True) as uow:
            admin = authorize(uow, actor, Permission.MANAGE_SETTINGS)
            counter = self._local_counter(uow)
            row = uow.session.get(AgencyRow, counter.agency_code)
            assert row is not None
            changed = {key: value for key, value in changes.items() if getattr(row, key) != value}
            if changed:
                for key, value in changed.items():
                    setattr(row, key, value)
                uow.append(Kind.AGENCY_CONTACT_SET, admin.username, payload={"code": row.code, **changed})
                uow.commit()
            return agency_from_row(row)

    @staticmethod
    def _local_counter(uow) -> CounterRow:  # type: ignore[no-untyped-def]
        row = uow.session.scalar(select(CounterRow).where(CounterRow.is_local.is_(True)))
        if row is None:
            raise NotSetUp()
        return row

    def set_up(self, request: SetupRequest) -> User:
        """Create the agency, the counter and the administrator, and load the sample catalog,
        all in one transaction. Returns the administrator."""
        errors = ErrorCollector()
        code = errors.run(codes.validate_agency_code, request.agency_code)
        name = errors.run(clean, request.agency_name, "agency_name", max_len=300, required=True)
        managing = errors.run(clean, request.managing_agency, "managing_agency", max_len=300, required=True)
        province = errors.run(clean, request.province, "province", max_len=100, required=True)
        place = errors.run(clean, request.place, "address", max_len=100) or ""
        address = errors.run(clean, request.address, "address", max_len=500) or ""
        hotline = errors.run(agency_contact.hotline, request.hotline) or ""
        lookup = errors.run(agency_contact.lookup_url, request.lookup_url) or ""
        block = int(S.CODE_BLOCK_SIZE.default)
        if not isinstance(request.counter, int) or not 1 <= request.counter <= codes.max_counters(block):
            errors.add(InvalidFormat("counter", f"phải từ 1 đến {codes.max_counters(block)}"))
        admin = errors.run(
            new_user_row,
            request.admin_username,
            request.admin_full_name,
            Role.ADMIN,
            request.admin_password,
            None,
        )
        errors.raise_if_any()
        procedures = self._catalog.sample() if request.load_sample_catalog else ()

        with self._uow(write=True) as uow:
            if uow.session.scalar(select(CounterRow.id).where(CounterRow.is_local.is_(True))):
                raise AlreadySetUp()
            agency = AgencyRow(
                code=code,
                name=name,  # as typed: the printed header capitalises where the form wants capitals
                managing_agency=managing,
                province=province,
                place=place or province,
                address=address,
                hotline=hotline,
                lookup_url=lookup,
            )
            uow.session.add(agency)
            identity = CounterIdentity(code, request.counter)
            private, public = signing.new_key()  # its events are signed with it from the first one
            uow.session.add(
                CounterRow(id=identity.id, agency_code=code, number=request.counter, is_local=True, last_seq=0,
                           signing_key=private, public_key=public)
            )
            uow.session.flush()
            admin.created_at = uow.now()
            uow.append(
                Kind.AGENCY_SET_UP,
                SYSTEM_ACTOR,
                payload={
                    "agency": {
                        "code": code,
                        "name": agency.name,
                        "managing_agency": agency.managing_agency,
                        "province": province,
                        "place": agency.place,
                    },
                    "counter": request.counter,
                },
            )
            AuthService._insert(uow, admin, SYSTEM_ACTOR)
            contact = {key: value for key, value in (("lookup_url", lookup), ("hotline", hotline)) if value}
            if contact:  # the agency's other counters print them too
                uow.append(Kind.AGENCY_CONTACT_SET, admin.username, payload={"code": code, **contact})
            if procedures:
                self._catalog.store(uow, procedures, actor=admin.username, source="sample")
            uow.commit()
            return user_from_row(admin)
