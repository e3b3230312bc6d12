"""Correcting or voiding a record needs a reason; and the form every kind of record builds on.

A record is never edited in place: a correction is a new version and a void a tombstone, each with the
reason the worker gives here. ``FactForm`` records a new fact, or, opened on an existing one, shows it
prefilled and asks the reason when the worker saves, once they know what they changed.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar
from uuid import UUID

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import QDialogButtonBox, QLabel, QLineEdit, QWidget

from app.errors import Refused, UserError
from app.services import facts
from app.services.facts import REASON_REQUIRED, FactVersionView
from app.store.store import Changes, Store
from models.enums import FactKind
from ui.context import UiContext
from ui.forms.base import FormDialog
from ui.forms.fields import LiveChecks, chain_tabs
from ui.ops import OpRunner

Work = Callable[[Store], Changes]
# The base class's own strings keep one context, whichever form shows them (lupdate reads these calls).
translate = QCoreApplication.translate


class ReasonDialog(FormDialog):
    """Asks why. With ``work`` it also saves (``work(reason)`` is the op); without, it only asks."""

    def __init__(
        self,
        runner: OpRunner,
        title: str,
        about: str = "",
        *,
        work: Callable[[str], Work] | None = None,
        action_text: str = "",
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(runner, title, parent)
        self._work = work
        self._reason = ""
        if about:
            record = QLabel(about)
            record.setWordWrap(True)
            record.setAccessibleName(self.tr("Record"))
            self.form.addRow(record)
        self.reason_edit = QLineEdit()
        self.reason_edit.setPlaceholderText(self.tr("e.g. wrong date entered"))
        self.add_field("reason", self.tr("&Reason"), self.reason_edit)
        save = self.buttons.button(QDialogButtonBox.StandardButton.Save)
        if action_text:
            save.setText(action_text)
        chain_tabs([self.reason_edit, save, self.buttons.button(QDialogButtonBox.StandardButton.Cancel)])

    def reason(self) -> str:
        return self._reason

    def collect(self) -> str:
        reason = self.reason_edit.text().strip()
        if not reason:
            raise Refused(REASON_REQUIRED(), "reason")
        self._reason = reason
        return reason

    def submit_work(self, data: Any) -> Work:
        assert self._work is not None
        return self._work(data)

    def submit(self) -> None:
        if self._work is not None:
            super().submit()
            return
        self.clear_errors()
        try:
            self.collect()
        except UserError as error:
            self.set_error(error.field, error.render())
            return
        self.accept()


class FactForm(FormDialog):
    """Records a fact of one kind, or corrects one: ``correcting`` is the version shown, prefilled.

    Subclasses lay out their fields in ``build`` (returning them in tab order), fill them from an
    input object in ``load``, and make the input object in ``collect``. Checks that need no store are
    added to ``self.checks``; they run as the worker types and again before saving.
    """

    kind: ClassVar[FactKind]

    def __init__(
        self,
        ctx: UiContext,
        person_id: UUID,
        *,
        correcting: FactVersionView | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(ctx.runner, "", parent)
        self.ctx = ctx
        self.person_id = person_id
        self.correcting = correcting
        self.checks = LiveChecks(self.set_error)
        self.reason_dialog: ReasonDialog | None = None
        self._reason: str | None = None
        self.setWindowTitle(self.record_title() if correcting is None else self.correct_title())
        order = self.build()
        save = self.buttons.button(QDialogButtonBox.StandardButton.Save)
        if correcting is not None:
            self.load(correcting.data)
            save.setText(translate("FactForm", "Save correction…"))
        chain_tabs([*order, save, self.buttons.button(QDialogButtonBox.StandardButton.Cancel)])
        if order:
            order[0].setFocus()
        self.checks.run()

    # ---- what a kind provides ----------------------------------------------------------------------------
    def record_title(self) -> str:
        raise NotImplementedError

    def correct_title(self) -> str:
        raise NotImplementedError

    def build(self) -> list[QWidget]:
        raise NotImplementedError

    def load(self, data: Any) -> None:
        raise NotImplementedError

    # ---- saving ------------------------------------------------------------------------------------------
    def submit_work(self, data: Any) -> Work:
        if self.correcting is None:
            return lambda store: facts.record(store, data)
        fact_id, reason = self.correcting.fact_id, self._reason or ""
        return lambda store: facts.correct(store, fact_id, data, reason)

    def submit(self) -> None:
        if not self.checks.run():
            return
        if self.correcting is None:
            super().submit()
            return
        self.clear_errors()
        try:
            data = self.collect()
        except UserError as error:
            self.set_error(error.field, error.render())
            return
        if data == self.correcting.data:
            self.set_error("", translate("FactForm", "Nothing was changed. Change the record, or cancel."))
            return
        dialog = ReasonDialog(
            self.runner,
            translate("FactForm", "Why is it corrected?"),
            translate("FactForm", "The record keeps its earlier version; say why it changes."),
            action_text=translate("FactForm", "Save correction"),
            parent=self,
        )
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.accepted.connect(lambda: self._save_correction(dialog.reason()))
        self.reason_dialog = dialog
        dialog.open()

    def _save_correction(self, reason: str) -> None:
        self._reason = reason
        try:
            super().submit()  # submit_work takes the reason now
        finally:
            self._reason = None
