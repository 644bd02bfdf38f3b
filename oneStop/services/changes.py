"""What changed in the record since a view last looked: the one change notification.

Every change of the record is an event (a reception, a step, a print, a scan, a setting, an event
pulled from another counter or written by the command line in another process). So "did anything
change, and of which kind" is one cheap question to the events table, by its row order: the
desktop program asks it after each job and every few seconds (``ui/changes.py``), and each view
refreshes only when a kind it shows has changed. Anki's ``OpChanges`` is the model; here the
changes come from the record itself, so nothing has to be wired by hand.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import text

from oneStop.services.base import UowFactory

#: At most this many new events are read at once (their kinds only); more simply means "much".
MAX_KINDS_READ = 5000


@dataclass(frozen=True)
class Changes:
    """The events added after a cursor: the new cursor and their kinds (by prefix: ``dossier``,
    ``handover``, ``receipt``, ``setting``, ``catalog``, ``user`` …)."""

    cursor: int
    kinds: frozenset[str] = frozenset()

    def touches(self, *prefixes: str) -> bool:
        """Some new event's kind starts with one of ``prefixes`` (``"dossier."``, ``"handover."``)."""
        return any(kind.startswith(prefixes) for kind in self.kinds)

    @property
    def any(self) -> bool:
        return bool(self.kinds)


class ChangesService:
    def __init__(self, uow: UowFactory) -> None:
        self._uow = uow

    def since(self, cursor: int | None) -> Changes:
        """The events added after ``cursor`` (None: just where the record stands now)."""
        with self._uow() as uow:
            if cursor is None:
                top = uow.session.execute(text("SELECT max(rowid) FROM events")).scalar()
                return Changes(int(top or 0))
            rows = uow.session.execute(
                text("SELECT rowid, kind FROM events WHERE rowid > :cursor ORDER BY rowid LIMIT :limit"),
                {"cursor": cursor, "limit": MAX_KINDS_READ}).all()
        if not rows:
            return Changes(cursor)
        return Changes(int(rows[-1][0]), frozenset(str(kind) for _, kind in rows))
