"""The document checklist of the reception form: what the procedure asks for, in which form and
how many, and whether the applicant handed it in. A document whose data the state already holds
(VNeID, a national database: Chỉ thị 24/CT-TTg) is listed as "khai thác dữ liệu" and cannot be
ticked as handed in: the core records it as taken from data."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from PySide6.QtCore import (
    QT_TRANSLATE_NOOP,
    QAbstractTableModel,
    QCoreApplication,
    QEvent,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
)
from PySide6.QtGui import QBrush, QColor, QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHeaderView,
    QSpinBox,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QWidget,
)

from oneStop.domain.drafts import MAX_DOCUMENT_COUNT
from oneStop.domain.models import DocumentForm, ReceivedDocument, RequiredDocument

Index = QModelIndex | QPersistentModelIndex

#: The forms as the screen names them; the core's labels (``DocumentForm.label``) are the
#: Vietnamese printed on the forms, these follow the interface's language.
_FORM_LABELS = {
    DocumentForm.ORIGINAL: QT_TRANSLATE_NOOP("DocumentChecklistModel", "Bản chính"),
    DocumentForm.CERTIFIED_COPY: QT_TRANSLATE_NOOP("DocumentChecklistModel", "Bản sao chứng thực"),
    DocumentForm.PHOTOCOPY: QT_TRANSLATE_NOOP("DocumentChecklistModel", "Bản photo"),
}


def form_label(form: DocumentForm) -> str:
    """The form's name in the interface's language (Vietnamese: the core's own label).

    >>> form_label(DocumentForm.CERTIFIED_COPY)
    'Bản sao chứng thực'
    """
    return QCoreApplication.translate("DocumentChecklistModel", _FORM_LABELS[form])


def from_data_reason() -> str:
    """Why a document taken from data is not asked for, in the interface's language."""
    return QCoreApplication.translate(
        "DocumentChecklistModel",
        "Không yêu cầu nộp: dữ liệu của giấy tờ này đã có trên VNeID hoặc cơ sở dữ liệu quốc gia "
        "(Chỉ thị 24/CT-TTg); hồ sơ ghi nhận là khai thác dữ liệu, không phải bản giấy.")


@dataclass(frozen=True)
class ChecklistRow:
    name: str
    form: DocumentForm = DocumentForm.ORIGINAL
    count: int = 1
    received: bool = True
    mandatory: bool = True
    from_data: bool = False  # not asked for: its data is taken from VNeID or a national database


class DocumentChecklistModel(QAbstractTableModel):
    """Rows of :class:`ChecklistRow`; the last column is the "received" check box."""

    NAME, FORM, COUNT, RECEIVED = range(4)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: list[ChecklistRow] = []
        self._headers = (self.tr("Giấy tờ"), self.tr("Hình thức"), self.tr("Số lượng"), self.tr("Đã nhận"))

    # --- filling and reading --------------------------------------------------------------------------

    def set_required(self, documents: tuple[RequiredDocument, ...]) -> None:
        """The procedure's list, nothing ticked: the official ticks what is handed over."""
        self.beginResetModel()
        self._rows = [ChecklistRow(d.name, d.form, d.count, False, d.mandatory, d.from_data) for d in documents]
        self.endResetModel()

    def clear(self) -> None:
        self.set_required(())

    def add_row(self, name: str = "") -> QModelIndex:
        """An extra document the procedure does not list (the name is typed in)."""
        row = len(self._rows)
        self.beginInsertRows(QModelIndex(), row, row)
        self._rows.append(ChecklistRow(name or self.tr("Giấy tờ khác"), DocumentForm.ORIGINAL, 1, True, False))
        self.endInsertRows()
        return self.index(row, self.NAME)

    def rows(self) -> list[ChecklistRow]:
        return list(self._rows)

    def received(self) -> tuple[ReceivedDocument, ...]:
        """The ticked documents, as the draft wants them (those taken from data the core adds)."""
        return tuple(ReceivedDocument(r.name, r.form, r.count) for r in self._rows if r.received and not r.from_data)

    def missing_rows(self) -> list[ChecklistRow]:
        """Mandatory documents not ticked as handed over (never one taken from data)."""
        return [r for r in self._rows if r.mandatory and not r.received and not r.from_data]

    def missing(self) -> list[str]:
        """Mandatory documents not ticked."""
        return [r.name for r in self.missing_rows()]

    def toggle(self, row: int) -> None:
        if 0 <= row < len(self._rows) and not self._rows[row].from_data:
            self._set(row, replace(self._rows[row], received=not self._rows[row].received))

    def from_data_reason(self) -> str:
        return from_data_reason()

    def _set(self, row: int, value: ChecklistRow) -> None:
        self._rows[row] = value
        self.dataChanged.emit(self.index(row, 0), self.index(row, self.RECEIVED))

    # --- Qt model -----------------------------------------------------------------------------------

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802 (Qt name)
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802 (Qt name)
        return 0 if parent.isValid() else 4

    def headerData(  # noqa: N802 (Qt name)
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self._headers[section]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row, column = self._rows[index.row()], index.column()
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
            if column == self.NAME:
                return row.name
            if column == self.FORM:
                return form_label(row.form) if role == Qt.ItemDataRole.DisplayRole else row.form.value
            if column == self.COUNT:
                return row.count
        if row.from_data:
            if role == Qt.ItemDataRole.DisplayRole and column == self.RECEIVED:
                return self.tr("Khai thác dữ liệu")
            if role == Qt.ItemDataRole.ToolTipRole:  # the name first: a long one is cut short in its cell
                return f"{row.name}\n{self.from_data_reason()}" if column == self.NAME else self.from_data_reason()
            if role == Qt.ItemDataRole.ForegroundRole:
                return QBrush(QColor("#555555"))
        if role == Qt.ItemDataRole.CheckStateRole and column == self.RECEIVED and not row.from_data:
            return Qt.CheckState.Checked if row.received else Qt.CheckState.Unchecked
        if role == Qt.ItemDataRole.ToolTipRole and column == self.NAME:
            return row.name if row.mandatory else self.tr("%1 (không bắt buộc)").replace("%1", row.name)
        if role == Qt.ItemDataRole.FontRole and column == self.NAME and not row.mandatory:
            font = QFont()
            font.setItalic(True)
            return font
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if self._rows[index.row()].from_data:
            # shown, never ticked nor edited: the "handed in" cell is disabled (its tooltip says why)
            return Qt.ItemFlag.ItemIsSelectable if index.column() == self.RECEIVED else flags
        if index.column() == self.RECEIVED:
            return flags | Qt.ItemFlag.ItemIsUserCheckable
        if index.column() in (self.FORM, self.COUNT) or not self._rows[index.row()].mandatory:
            flags |= Qt.ItemFlag.ItemIsEditable
        return flags

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:  # noqa: N802
        if not index.isValid():
            return False
        row, column = self._rows[index.row()], index.column()
        if row.from_data:
            return False
        if role == Qt.ItemDataRole.CheckStateRole and column == self.RECEIVED:
            self._set(index.row(), replace(row, received=Qt.CheckState(value) == Qt.CheckState.Checked))
            return True
        if role != Qt.ItemDataRole.EditRole:
            return False
        if column == self.NAME and str(value).strip():
            self._set(index.row(), replace(row, name=str(value).strip()))
        elif column == self.FORM:
            self._set(index.row(), replace(row, form=DocumentForm.parse(str(value))))
        elif column == self.COUNT:
            self._set(index.row(), replace(row, count=max(1, min(MAX_DOCUMENT_COUNT, int(value)))))
        else:
            return False
        return True


class _FormDelegate(QStyledItemDelegate):
    """Bản chính / Bản sao chứng thực / Bản photo in a combo box."""

    def createEditor(self, parent: QWidget, option: QStyleOptionViewItem, index: Index) -> QWidget:  # noqa: N802
        editor = QComboBox(parent)
        for form in DocumentForm:
            editor.addItem(form_label(form), form.value)
        return editor

    def setEditorData(self, editor: QWidget, index: Index) -> None:  # noqa: N802
        assert isinstance(editor, QComboBox)
        editor.setCurrentIndex(max(0, editor.findData(index.data(Qt.ItemDataRole.EditRole))))

    def setModelData(self, editor: QWidget, model: Any, index: Index) -> None:  # noqa: N802
        assert isinstance(editor, QComboBox)
        model.setData(index, editor.currentData(), Qt.ItemDataRole.EditRole)


class _CountDelegate(QStyledItemDelegate):
    def createEditor(self, parent: QWidget, option: QStyleOptionViewItem, index: Index) -> QWidget:  # noqa: N802
        editor = QSpinBox(parent)
        editor.setRange(1, MAX_DOCUMENT_COUNT)
        return editor


class DocumentChecklistView(QTableView):
    """The checklist table; Space ticks or unticks the current row wherever the cursor is."""

    def __init__(self, model: DocumentChecklistModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("documents")
        self.setModel(model)
        self._form_delegate = _FormDelegate(self)
        self._count_delegate = _CountDelegate(self)
        self.setItemDelegateForColumn(DocumentChecklistModel.FORM, self._form_delegate)
        self.setItemDelegateForColumn(DocumentChecklistModel.COUNT, self._count_delegate)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setEditTriggers(QAbstractItemView.EditTrigger.DoubleClicked | QAbstractItemView.EditTrigger.EditKeyPressed
                             | QAbstractItemView.EditTrigger.AnyKeyPressed)
        self.setTabKeyNavigation(False)  # Tab leaves the table: the form goes on
        self.verticalHeader().setVisible(False)
        header = self.horizontalHeader()
        header.setSectionResizeMode(DocumentChecklistModel.NAME, QHeaderView.ResizeMode.Stretch)
        for column in (DocumentChecklistModel.FORM, DocumentChecklistModel.COUNT, DocumentChecklistModel.RECEIVED):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        self.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt name)
        space = event.type() == QEvent.Type.KeyPress and event.key() == Qt.Key.Key_Space  # type: ignore[attr-defined]
        if watched is self and space and self.state() != QAbstractItemView.State.EditingState:
            index = self.currentIndex()
            model = self.model()
            if index.isValid() and isinstance(model, DocumentChecklistModel):
                model.toggle(index.row())
                return True
        return False
