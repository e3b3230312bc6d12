"""The form dialog every record form builds on.

A form lays out labelled fields, submits a plain input object through the op runner, and shows a
refusal beside the field it concerns (or above the buttons when it concerns the whole form), in the
user's language. Enter saves, Esc cancels. Validation that needs no store runs as the user types.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from app.errors import UserError
from app.store.store import Changes, Store
from ui.errors import message_for
from ui.ops import OpRunner

ERROR_STYLE = "color: #b3261e;"


class FieldError(QLabel):
    """The red line under a field; empty and hidden while the field is fine."""

    def __init__(self) -> None:
        super().__init__()
        self.setStyleSheet(ERROR_STYLE)
        self.setWordWrap(True)
        self.hide()

    def show_message(self, text: str) -> None:
        self.setText(text)
        self.setVisible(bool(text))


class FormDialog(QDialog):
    """Subclasses add fields with ``add_field`` and implement ``collect`` and ``submit_work``."""

    saved = Signal(object)  # Changes

    def __init__(self, runner: OpRunner, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.runner = runner
        self.setWindowTitle(title)
        self.setMinimumWidth(520)
        self.form = QFormLayout()
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.errors: dict[str, FieldError] = {}
        self.form_error = FieldError()
        self.form_error.setAccessibleName(self.tr("Form error"))
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.button(QDialogButtonBox.StandardButton.Save).setText(self.tr("Save"))
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("Cancel"))
        self.buttons.accepted.connect(self.submit)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(self.form)
        layout.addWidget(self.form_error)
        layout.addWidget(self.buttons)

    def add_field(self, name: str, label: str, widget: QWidget) -> QWidget:
        """Add a labelled field; ``name`` is the input field a refusal may point at."""
        spoken = label.replace("&", "")
        widget.setAccessibleName(spoken)
        # A compound field (a date with an "unknown" box, say): its inner editors speak for it too.
        for inner in widget.findChildren(QWidget):
            if not inner.accessibleName():
                inner.setAccessibleName(spoken)
        error = FieldError()
        error.setAccessibleName(self.tr("Error: %1").replace("%1", label.replace("&", "")))
        holder = QWidget()
        box = QVBoxLayout(holder)
        box.setContentsMargins(0, 0, 0, 0)
        box.setSpacing(2)
        box.addWidget(widget)
        box.addWidget(error)
        self.form.addRow(label, holder)
        label_widget = self.form.labelForField(holder)
        if isinstance(label_widget, QLabel):
            label_widget.setBuddy(widget)
        self.errors[name] = error
        return widget

    def set_error(self, name: str, text: str) -> None:
        target = self.errors.get(name)
        if target is None:
            self.form_error.show_message(text)
        else:
            target.show_message(text)

    def clear_errors(self) -> None:
        for error in self.errors.values():
            error.show_message("")
        self.form_error.show_message("")

    # ---- submitting ------------------------------------------------------------------------------------
    def collect(self) -> Any:
        """The input object from the fields; raise UserError(field=...) for what can be checked here."""
        raise NotImplementedError

    def submit_work(self, data: Any) -> Callable[[Store], Changes]:
        raise NotImplementedError

    def submit(self) -> None:
        self.clear_errors()
        try:
            data = self.collect()
        except UserError as error:
            self.set_error(error.field, error.render())
            return
        self.buttons.setEnabled(False)
        self.runner.run(
            self.submit_work(data),
            on_done=self._saved,
            on_error=self._refused,
            parent=self,
            label=self.tr("Saving…"),
        )

    def _saved(self, changes: Changes) -> None:
        self.buttons.setEnabled(True)
        self.saved.emit(changes)
        self.accept()

    def _refused(self, error: BaseException) -> None:
        self.buttons.setEnabled(True)
        field = getattr(error, "field", "")
        self.set_error(field, message_for(error))
        widget = self.errors.get(field)
        if widget is not None:
            widget.parentWidget().setFocus(Qt.FocusReason.OtherFocusReason)
