"""The settings an official or an administrator changes from the window: paper, printer, language."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QComboBox, QDialog, QFormLayout, QLabel, QVBoxLayout, QWidget

from oneStop import settings as S
from ui.i18n import LANGUAGES
from ui.widgets.common import dialog_buttons


class SettingsDialog(QDialog):
    """Shows the current values; :meth:`changes` is what the official changed."""

    def __init__(self, values: dict[str, Any], printers: list[str], *, can_manage: bool,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Thiết lập"))
        self._values = values
        self.paper = QComboBox()
        self.paper.setObjectName("paper")
        for paper in ("A5", "A4"):
            self.paper.addItem(paper, paper)
        self.paper.setCurrentIndex(max(0, self.paper.findData(values[S.RECEIPT_PAPER.key])))
        self.paper.setEnabled(can_manage)
        self.printer = QComboBox()
        self.printer.setObjectName("printer")
        self.printer.addItem(self.tr("(chưa chọn: xem trước rồi mới in)"), "")
        current = values[S.PRINTER.key]
        for name in printers + ([current] if current and current not in printers else []):
            self.printer.addItem(name, name)
        self.printer.setCurrentIndex(max(0, self.printer.findData(current)))
        self.language = QComboBox()
        self.language.setObjectName("language")
        for code, name in LANGUAGES.items():
            self.language.addItem(name, code)
        self.language.setCurrentIndex(max(0, self.language.findData(values[S.LANGUAGE.key])))

        form = QFormLayout()
        form.addRow(self.tr("Khổ giấy phiếu tiếp nhận"), self.paper)
        form.addRow(self.tr("Máy in của quầy này"), self.printer)
        form.addRow(self.tr("Ngôn ngữ giao diện"), self.language)
        buttons = dialog_buttons(self.tr("Lưu"))
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        if not can_manage:
            note = QLabel(self.tr("Chỉ quản trị viên đổi được khổ giấy."))
            note.setWordWrap(True)
            layout.addWidget(note)
        hint = QLabel(self.tr("Ngôn ngữ mới có hiệu lực từ lần mở chương trình sau."))
        hint.setWordWrap(True)
        layout.addWidget(hint)
        layout.addWidget(buttons)

    def changes(self) -> dict[str, Any]:
        chosen = {
            S.RECEIPT_PAPER.key: self.paper.currentData(),
            S.PRINTER.key: self.printer.currentData(),
            S.LANGUAGE.key: self.language.currentData(),
        }
        return {key: value for key, value in chosen.items() if value != self._values[key]}

    @classmethod
    def ask(cls, parent: QWidget | None, values: dict[str, Any], printers: list[str], *,
            can_manage: bool) -> dict[str, Any] | None:
        """The changed settings (key → value), or None if cancelled."""
        dialog = cls(values, printers, can_manage=can_manage, parent=parent)
        return dialog.changes() if dialog.exec() == QDialog.DialogCode.Accepted else None
