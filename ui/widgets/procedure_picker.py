"""Search-as-you-type for the procedure: a few words without accents find it.

The whole catalog is held in memory with a precomputed accent-folded key per procedure
(:func:`oneStop.domain.text.search_key`), so typing never touches the database: a catalog of a
few thousand procedures filters in well under a millisecond per key.
"""

from __future__ import annotations

from typing import Iterable

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtWidgets import QLineEdit, QListWidget, QListWidgetItem, QVBoxLayout, QWidget

from oneStop.domain.models import Procedure
from oneStop.domain.text import search_key

#: Rows of results shown under the field.
VISIBLE_RESULTS = 8


class ProcedureIndex:
    """The active procedures with their search keys; ``search`` ranks the matches.

    >>> from oneStop.domain.models import Procedure
    >>> index = ProcedureIndex([Procedure("1.001193", "Đăng ký khai sinh", "Hộ tịch", "UBND cấp xã", 0, 8),
    ...                         Procedure("1.000894", "Đăng ký kết hôn", "Hộ tịch", "UBND cấp xã", 5)])
    >>> [p.code for p in index.search("dang ky khai sinh")]
    ['1.001193']
    >>> [p.code for p in index.search("ho tich dang")]
    ['1.000894', '1.001193']
    >>> [p.code for p in index.search("1.000894")]
    ['1.000894']
    """

    def __init__(self, procedures: Iterable[Procedure]) -> None:
        self._items = [
            (search_key(f"{p.code} {p.name} {p.field}"), search_key(p.name), p)
            for p in procedures
            if p.active
        ]

    def __len__(self) -> int:
        return len(self._items)

    def search(self, text: str, limit: int = 50) -> list[Procedure]:
        query = search_key(text)
        tokens = query.split()
        if not tokens:
            return []
        found = []
        for key, name_key, procedure in self._items:
            if all(token in key for token in tokens):
                if procedure.code.lower() == query:
                    rank = 0
                elif name_key.startswith(query):
                    rank = 1
                elif query in name_key:
                    rank = 2
                else:
                    rank = 3
                found.append((rank, name_key, procedure))
        found.sort(key=lambda item: (item[0], item[1]))
        return [procedure for _, _, procedure in found[:limit]]


class ProcedurePicker(QWidget):
    """A line to type in and the matching procedures under it.

    Down/Up move in the results, Enter picks (the first match if none is selected) and moves
    on to the next field, Escape closes the results. :attr:`chosen` is the picked procedure;
    typing again clears it.
    """

    procedure_chosen = Signal(object)  # Procedure | None

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._index = ProcedureIndex(())
        self.chosen: Procedure | None = None
        self.edit = QLineEdit()
        self.edit.setObjectName("procedure")
        self.edit.setPlaceholderText(self.tr("Gõ vài chữ của tên thủ tục, không cần dấu (ví dụ: dang ky khai sinh)"))
        self.edit.setClearButtonEnabled(True)
        self.results = QListWidget()
        self.results.setObjectName("procedure_results")
        self.results.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.results.setVisible(False)
        self.results.itemActivated.connect(self._on_item_activated)
        self.results.itemClicked.connect(self._on_item_activated)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.edit)
        layout.addWidget(self.results)
        self.setFocusProxy(self.edit)
        self.edit.textEdited.connect(self._on_text_edited)
        self.edit.installEventFilter(self)

    def set_procedures(self, procedures: Iterable[Procedure]) -> None:
        self._index = ProcedureIndex(procedures)
        if self.edit.text() and self.chosen is None:
            self._on_text_edited(self.edit.text())

    @property
    def procedure_count(self) -> int:
        return len(self._index)

    def search(self, text: str) -> list[Procedure]:
        return self._index.search(text)

    def choose(self, procedure: Procedure | None) -> None:
        """Pick ``procedure`` (or clear the choice) as if the official had."""
        self.chosen = procedure
        self.results.setVisible(False)
        self.edit.setText(f"{procedure.name} ({procedure.code})" if procedure else "")
        self.edit.setCursorPosition(0)
        self.procedure_chosen.emit(procedure)

    def clear(self) -> None:
        self.choose(None)

    # --- typing -----------------------------------------------------------------------------------

    def _on_text_edited(self, text: str) -> None:
        if self.chosen is not None:
            self.chosen = None
            self.procedure_chosen.emit(None)
        self.results.clear()
        for procedure in self._index.search(text):
            item = QListWidgetItem(f"{procedure.name}  —  {procedure.field} · {procedure.code}")
            item.setData(Qt.ItemDataRole.UserRole, procedure)
            item.setToolTip(procedure.name)
            self.results.addItem(item)
        has_results = self.results.count() > 0
        if has_results:
            self.results.setCurrentRow(0)
            row = self.results.sizeHintForRow(0)
            rows = min(self.results.count(), VISIBLE_RESULTS)
            self.results.setFixedHeight(row * rows + 2 * self.results.frameWidth())
        self.results.setVisible(has_results)

    def _on_item_activated(self, item: QListWidgetItem) -> None:
        self.choose(item.data(Qt.ItemDataRole.UserRole))
        self.edit.setFocus()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt name)
        if watched is self.edit and event.type() == QEvent.Type.KeyPress:
            key = event.key()  # type: ignore[attr-defined]
            steps = {Qt.Key.Key_Down: 1, Qt.Key.Key_Up: -1, Qt.Key.Key_PageDown: VISIBLE_RESULTS,
                     Qt.Key.Key_PageUp: -VISIBLE_RESULTS}
            if self.results.isVisible() and key in steps:
                step = steps[key]
                row = max(0, min(self.results.count() - 1, self.results.currentRow() + step))
                self.results.setCurrentRow(row)
                return True
            if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                if self.results.isVisible() and self.results.currentItem() is not None:
                    self.choose(self.results.currentItem().data(Qt.ItemDataRole.UserRole))
                if self.chosen is not None:
                    self.edit.focusNextChild()
                return True
            if key == Qt.Key.Key_Escape and self.results.isVisible():
                self.results.setVisible(False)
                return True
        return False
