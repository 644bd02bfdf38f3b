"""Regulation profiles in force: the bundled ones and those an administrator publishes.

A published profile (a 2025 decree's form numbers and titles, say) is an event
(``profile.published``), so it travels through the central database to every counter of the
agency like the rest of the reference data, and a later publication of the same id replaces
the earlier one on every counter alike (central order first, then the events still waiting
here). Each dossier keeps the id of the profile it was received under.
"""

from __future__ import annotations

import json
import threading
from datetime import date
from pathlib import Path
from typing import Any, Iterator, Mapping

from sqlalchemy import select

from oneStop.domain.errors import NotFound
from oneStop.domain.models import User
from oneStop.domain.vocabulary import Kind
from oneStop.domain.permissions import Permission
from oneStop.domain.profiles import RegulationProfile, parse_profile, profile_for
from oneStop.persistence.models import EventRow
from oneStop.services.base import UowFactory, authorize

PROFILE_PUBLISHED = Kind.PROFILE_PUBLISHED
#: The largest profile file read (a profile is a few kilobytes).
PROFILE_MAX_BYTES = 1024 * 1024


class ProfileService:
    """Iterable over the profiles in force (oldest first), so ``profile_for(service, day)`` works."""

    def __init__(self, uow: UowFactory, bundled: tuple[RegulationProfile, ...]) -> None:
        self._uow = uow
        self._bundled = bundled
        self._cache: tuple[RegulationProfile, ...] | None = None
        self._lock = threading.Lock()

    def invalidate(self) -> None:
        """Forget what was read (a sync brought a publication from another counter)."""
        self._cache = None

    def all(self) -> tuple[RegulationProfile, ...]:
        cache = self._cache
        if cache is None:
            with self._lock:
                by_id = {p.id: p for p in self._bundled}
                with self._uow() as uow:
                    # the index on (dossier_id, …) holds the few events that belong to no dossier
                    rows = uow.session.execute(
                        select(EventRow.payload, EventRow.central_seq, EventRow.device_time)
                        .where(EventRow.dossier_id.is_(None), EventRow.kind == PROFILE_PUBLISHED)
                    ).all()
                ordered = sorted(rows, key=lambda r: (r.central_seq is None, r.central_seq or 0, r.device_time))
                for row in ordered:
                    profile = RegulationProfile.from_dict(row.payload["profile"])
                    by_id[profile.id] = profile
                cache = self._cache = tuple(sorted(by_id.values(), key=lambda p: p.effective_from))
        return cache

    def __iter__(self) -> Iterator[RegulationProfile]:
        return iter(self.all())

    def __len__(self) -> int:
        return len(self.all())

    def get(self, profile_id: str) -> RegulationProfile | None:
        return next((p for p in self.all() if p.id == profile_id), None)

    def for_day(self, day: date) -> RegulationProfile:
        return profile_for(self.all(), day)

    def publish(self, actor: User, data: Mapping[str, Any] | str) -> RegulationProfile:
        """Check and publish a profile (JSON text or its dictionary); an administrator's act."""
        if isinstance(data, str):
            try:
                data = json.loads(data)
            except ValueError as exc:
                from oneStop.domain.errors import ValidationError

                raise ValidationError("profile", f"không phải JSON hợp lệ: {exc}") from None
        profile = parse_profile(data)
        with self._uow(write=True) as uow:
            admin = authorize(uow, actor, Permission.MANAGE_SETTINGS)
            uow.append(PROFILE_PUBLISHED, admin.username, payload={"profile": dict(data)})
            uow.commit()
        self.invalidate()
        return profile

    def publish_file(self, actor: User, path: Path) -> RegulationProfile:
        """Publish the profile in the JSON file ``path`` (UTF-8, at most :data:`PROFILE_MAX_BYTES`)."""
        from oneStop.domain.errors import ValidationError
        from oneStop.persistence.files import read_bounded

        path = Path(path)
        try:
            text = read_bounded(path, PROFILE_MAX_BYTES, "profile").decode("utf-8")
        except UnicodeDecodeError as exc:
            raise ValidationError("profile", f"{path.name} không phải văn bản UTF-8 (byte thứ {exc.start + 1})") from None
        return self.publish(actor, text)

    def require(self, profile_id: str) -> RegulationProfile:
        profile = self.get(profile_id)
        if profile is None:
            raise NotFound(f"không có bộ quy định «{profile_id}»")
        return profile
