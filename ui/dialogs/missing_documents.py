"""Saving a dossier with a required document not ticked as handed in: the choices the rules give.

An official records what was actually handed over: the checklist starts unticked. When a
mandatory document is still unticked at Ctrl+S, this dialog names what is missing (with its form
and count) and offers what the rules allow (rules §4.1): receive anyway, with a note of what
is missing; give the supplement request (Mẫu 02) for exactly those documents, once and in full;
or refuse (Mẫu 03), which asks for the reason and a confirmation. Going back keeps the form.
"""

from __future__ import annotations

from typing import Sequence

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ui.widgets.common import confirm
from ui.widgets.documents import ChecklistRow, form_label

RECEIVE, SUPPLEMENT, REFUSE = "receive", "supplement", "refuse"


class MissingDocumentsDialog(QDialog):
    """Names the missing documents; :attr:`choice` is what the official chose (None: go back)."""

    def __init__(self, missing: Sequence[ChecklistRow], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Hồ sơ còn thiếu giấy tờ"))
        self.missing = list(missing)
        self.choice: str | None = None
        self.reason = ""
        lines = "".join(f"<li>{_escape(r.name)} — {_escape(form_label(r.form))} × {r.count}</li>" for r in self.missing)
        text = QLabel(self.tr("Chưa đánh dấu đã nhận các giấy tờ bắt buộc sau:") + f"<ul>{lines}</ul>"
                      + self.tr("Theo quy định, hồ sơ chưa đầy đủ thì hướng dẫn bổ sung một lần, đầy đủ, "
                                "bằng văn bản (Mẫu 02)."))
        text.setTextFormat(Qt.TextFormat.RichText)
        text.setWordWrap(True)
        text.setObjectName("missing_list")
        self.supplement_button = QPushButton(self.tr("Yêu cầu &bổ sung (Mẫu 02)"))
        self.receive_button = QPushButton(self.tr("&Vẫn tiếp nhận, ghi chú còn thiếu"))
        self.refuse_button = QPushButton(self.tr("Từ &chối tiếp nhận (Mẫu 03)…"))
        self.back_button = QPushButton(self.tr("&Quay lại sửa"))
        self.supplement_button.setDefault(True)
        self.supplement_button.clicked.connect(lambda: self._choose(SUPPLEMENT))
        self.receive_button.clicked.connect(lambda: self._choose(RECEIVE))
        self.refuse_button.clicked.connect(self._refuse)
        self.back_button.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        for button in (self.supplement_button, self.receive_button, self.refuse_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        buttons.addWidget(self.back_button)
        layout = QVBoxLayout(self)
        layout.addWidget(text)
        layout.addLayout(buttons)

    def _choose(self, choice: str) -> None:
        self.choice = choice
        self.accept()

    def _refuse(self) -> None:
        reason = RefusalDialog.ask(self, self.missing)
        if reason is not None:
            self.reason = reason
            self._choose(REFUSE)

    def note(self) -> str:
        """The note a dossier received anyway carries (data, printed on Vietnamese forms: not translated)."""
        names = "; ".join(f"{r.name} ({r.form.label} × {r.count})" for r in self.missing)
        return f"Tiếp nhận khi còn thiếu: {names}"

    @classmethod
    def ask(cls, parent: QWidget | None, missing: Sequence[ChecklistRow]) -> tuple[str, str, str] | None:
        """``(choice, reason, note)``, or None to go back to the form."""
        dialog = cls(missing, parent)
        if dialog.exec() != QDialog.DialogCode.Accepted or dialog.choice is None:
            return None
        return dialog.choice, dialog.reason, dialog.note()


class RefusalDialog(QDialog):
    """The reason of a refusal, then a confirmation: a refusal is a decision, not a slip."""

    def __init__(self, missing: Sequence[ChecklistRow], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Từ chối tiếp nhận hồ sơ"))
        self.reason = QLineEdit()
        self.reason.setObjectName("refusal_reason")
        names = ", ".join(r.name for r in missing)
        # the reason is printed on Mẫu 03, in Vietnamese whatever the interface's language
        self.reason.setText(f"Hồ sơ không đủ điều kiện tiếp nhận: thiếu {names}")
        self.reason.selectAll()
        self.error = QLabel()
        self.error.setObjectName("error")
        self.error.setVisible(False)
        ok = QPushButton(self.tr("Từ &chối và in Mẫu 03"))
        back = QPushButton(self.tr("&Quay lại"))
        ok.setDefault(True)
        ok.clicked.connect(self._confirm)
        back.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(ok)
        buttons.addWidget(back)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(self.tr("Lý do từ chối (in trên Mẫu 03):")))
        layout.addWidget(self.reason)
        layout.addWidget(self.error)
        layout.addLayout(buttons)

    def _confirm(self) -> None:
        if not self.reason.text().strip():
            self.error.setText(self.tr("Cần ghi lý do từ chối."))
            self.error.setVisible(True)
            self.reason.setFocus()
            return
        if self.confirm(self):
            self.accept()

    @staticmethod
    def confirm(parent: QWidget) -> bool:
        return confirm(parent, QCoreApplication.translate("RefusalDialog", "Xác nhận từ chối"),
                       QCoreApplication.translate(
                           "RefusalDialog", "Từ chối tiếp nhận hồ sơ này? Hồ sơ được ghi là không được tiếp nhận "
                                            "và in Phiếu từ chối (Mẫu 03) để giao người nộp."),
                       QCoreApplication.translate("RefusalDialog", "&Từ chối"),
                       QCoreApplication.translate("RefusalDialog", "&Không"))

    @classmethod
    def ask(cls, parent: QWidget | None, missing: Sequence[ChecklistRow]) -> str | None:
        dialog = cls(missing, parent)
        return dialog.reason.text().strip() if dialog.exec() == QDialog.DialogCode.Accepted else None


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
