"""Small widgets the record forms share, and the checks they run as the worker types.

A date defaults to today and refuses a future day beside the field; an enum picker lists a LabelledEnum's
labels in the user's language; an amount keeps two decimals. Each widget says what is wrong with its
value (``problem()``) in the same words the service would use, so an error reads the same whether the
form or the store caught it.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable, Sequence
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from PySide6.QtCore import QDate, QRegularExpression, Qt, Signal, SignalInstance
from PySide6.QtGui import QKeyEvent, QRegularExpressionValidator
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QHBoxLayout,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QWidget,
)

from app.services.facts import NEGATIVE_AMOUNT
from models.enums import LabelledEnum
from models.labels import FIELD_LABELS
from models.text import Text
from models.values import ValueRuleError, check_not_future

CENT = Decimal("0.01")


class DateEdit(QDateEdit):
    """A date with a calendar popup, today unless told otherwise; a future day is a problem unless allowed."""

    changed = Signal()

    def __init__(
        self,
        today: Callable[[], date],
        field: str,
        *,
        value: date | None = None,
        allow_future: bool = False,
        label: str = "",
    ) -> None:
        super().__init__()
        self._today = today
        self.field = field
        self.allow_future = allow_future
        self.label = label  # for messages when the core has no label for ``field``
        self.setCalendarPopup(True)
        self.setDisplayFormat("yyyy-MM-dd")
        self.set_value(value or today())
        self.dateChanged.connect(self.changed)

    def value(self) -> date:
        return self.date().toPython()  # type: ignore[return-value]

    def set_value(self, value: date) -> None:
        self.setDate(QDate(value.year, value.month, value.day))

    def problem(self) -> str:
        if self.allow_future:
            return ""
        try:
            label = FIELD_LABELS.get(self.field) or Text(self.label or self.field, self.label or self.field)
            check_not_future(self.value(), today=self._today(), field=self.field, label=label)
        except ValueRuleError as error:
            return error.message.render()
        return ""


class OptionalDateEdit(QWidget):
    """A date that may be left out: a tick box turns the date on."""

    changed = Signal()

    def __init__(
        self,
        today: Callable[[], date],
        field: str,
        *,
        value: date | None = None,
        allow_future: bool = False,
        label: str = "",
    ) -> None:
        super().__init__()
        self.given = QCheckBox()
        self.given.setAccessibleName(self.tr("Give a date"))
        self.date = DateEdit(today, field, value=value, allow_future=allow_future, label=label)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.given)
        layout.addWidget(self.date, 1)
        self.setFocusProxy(self.given)
        self.given.toggled.connect(self.date.setEnabled)
        self.given.toggled.connect(self.changed)
        self.date.changed.connect(self.changed)
        self.set_value(value)

    def value(self) -> date | None:
        return self.date.value() if self.given.isChecked() else None

    def set_value(self, value: date | None) -> None:
        if value is not None:
            self.date.set_value(value)
        self.given.setChecked(value is not None)
        self.date.setEnabled(value is not None)

    def problem(self) -> str:
        return self.date.problem() if self.given.isChecked() else ""

    def focus_widgets(self) -> list[QWidget]:
        return [self.given, self.date]


class EnumCombo(QComboBox):
    """Picks one member of a LabelledEnum (or of the ``members`` given), shown by its label.

    Items keep the member's code: Qt hands a str enum back as a plain str, so it is turned back here.
    """

    def __init__(self, enum_type: type[LabelledEnum], members: Iterable[LabelledEnum] | None = None) -> None:
        super().__init__()
        self.enum_type = enum_type
        self.set_members(enum_type if members is None else members)

    def set_members(self, members: Iterable[LabelledEnum]) -> None:
        current = self.value()
        self.clear()
        for member in members:
            self.addItem(member.label.render(), member.value)
        if current is not None:
            self.set_value(current)

    def members(self) -> list[Any]:
        return [self.enum_type(self.itemData(i)) for i in range(self.count())]

    def value(self) -> Any:
        return self.enum_type(self.currentData()) if self.currentIndex() >= 0 else None

    def set_value(self, member: LabelledEnum) -> None:
        index = self.findData(member.value)
        if index >= 0:
            self.setCurrentIndex(index)


class EnumChecks(QListWidget):
    """Picks any number of a LabelledEnum's members with tick boxes (Space ticks the current one)."""

    changed = Signal()

    def __init__(self, enum_type: type[LabelledEnum], visible_rows: int = 5) -> None:
        super().__init__()
        self.enum_type = enum_type
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        for member in enum_type:
            item = QListWidgetItem(member.label.render())
            item.setData(Qt.ItemDataRole.UserRole, member.value)
            item.setFlags(
                Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsUserCheckable | Qt.ItemFlag.ItemIsSelectable
            )
            item.setCheckState(Qt.CheckState.Unchecked)
            self.addItem(item)
        self.setFixedHeight(self.sizeHintForRow(0) * visible_rows + 2 * self.frameWidth() + 2)
        self.itemChanged.connect(lambda _item: self.changed.emit())

    def values(self) -> list[Any]:
        return [
            self.enum_type(self.item(i).data(Qt.ItemDataRole.UserRole))
            for i in range(self.count())
            if self.item(i).checkState() == Qt.CheckState.Checked
        ]

    def set_values(self, members: Iterable[LabelledEnum]) -> None:
        wanted = set(members)
        for i in range(self.count()):
            item = self.item(i)
            checked = self.enum_type(item.data(Qt.ItemDataRole.UserRole)) in wanted
            item.setCheckState(Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked)


class AmountEdit(QLineEdit):
    """Money in yuan with at most two decimals; empty means no amount."""

    changed = Signal()

    def __init__(self) -> None:
        super().__init__()
        pattern = QRegularExpression(r"^-?\d{0,9}([.]\d{0,2})?$")
        self.setValidator(QRegularExpressionValidator(pattern, self))
        self.setPlaceholderText(self.tr("e.g. 500.00"))
        self.setAlignment(Qt.AlignmentFlag.AlignRight)
        self.textChanged.connect(self.changed)

    def value(self) -> Decimal | None:
        """The amount rounded to cents; None when empty or unreadable (``problem()`` says which)."""
        text = self.text().strip()
        if not text:
            return None
        try:
            return Decimal(text).quantize(CENT)
        except InvalidOperation:
            return None

    def set_value(self, amount: Decimal | None) -> None:
        self.setText("" if amount is None else str(amount.quantize(CENT)))

    def problem(self) -> str:
        text = self.text().strip()
        if not text:
            return ""
        amount = self.value()
        if amount is None:
            return self.tr("Enter an amount in yuan, such as 500 or 500.50.")
        if amount < 0:
            return NEGATIVE_AMOUNT().render()
        return ""


class NotesEdit(QPlainTextEdit):
    """A few lines of notes. Enter saves the form like everywhere else; Shift+Enter starts a new line."""

    def __init__(self, lines: int = 3) -> None:
        super().__init__()
        self.setTabChangesFocus(True)
        height = self.fontMetrics().lineSpacing() * lines
        self.setFixedHeight(height + 2 * self.frameWidth() + int(self.document().documentMargin() * 2))

    def text(self) -> str:
        return self.toPlainText()

    def setText(self, text: str) -> None:  # the QLineEdit spelling, so forms read both alike
        self.setPlainText(text)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        enter = event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
        if enter and not event.modifiers() & Qt.KeyboardModifier.ShiftModifier:
            event.ignore()  # the dialog takes it: Enter saves
            return
        super().keyPressEvent(event)


class LiveChecks:
    """Checks that need no store: run as the worker types, and all together before saving.

    ``show(field, text)`` puts a message beside the field (an empty text clears it).
    """

    def __init__(self, show: Callable[[str, str], None]) -> None:
        self._show = show
        self._checks: list[tuple[str, Callable[[], str]]] = []

    def add(self, field: str, problem: Callable[[], str], *signals: SignalInstance) -> None:
        self._checks.append((field, problem))
        for signal in signals:
            signal.connect(self.run)

    def run(self) -> bool:
        """Show what is wrong beside each field; True when nothing is."""
        found: dict[str, str] = {}
        for field, problem in self._checks:
            if not found.get(field):
                found[field] = problem()
        for field, text in found.items():
            self._show(field, text)
        return not any(found.values())


def chain_tabs(widgets: Sequence[QWidget]) -> None:
    """Tab from each widget to the next, top to bottom (a compound widget lends its parts)."""
    flat: list[QWidget] = []
    for widget in widgets:
        parts = getattr(widget, "focus_widgets", None)
        flat.extend(parts() if callable(parts) else [widget])
    for first, second in itertools.pairwise(flat):
        QWidget.setTabOrder(first, second)


def split_names(text: str) -> list[str]:
    """Names typed in one line, separated by 、 , ， ; or ；."""
    for separator in "，,;；":
        text = text.replace(separator, "、")
    return [name.strip() for name in text.split("、") if name.strip()]
