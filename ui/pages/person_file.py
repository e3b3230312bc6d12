"""A person's file: who they are, their measures and status, and one timeline of everything recorded.

Opening a file is one op (the audited open, the facts and the users' names), so the GUI thread never
waits on the store. Quick actions open the record forms as dialogs of the main window: they are not
closed when the app locks, only hidden with it, so a half-filled form is there again after unlocking.
The file is read again when an op says this person changed; that re-read is part of the same
viewing, already audited when the file was opened.
"""

from __future__ import annotations

import importlib
import importlib.util
from dataclasses import dataclass
from uuid import UUID

from PySide6.QtCore import QModelIndex, QPoint, Qt, Signal
from PySide6.QtGui import QFont, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMenu,
    QPushButton,
    QScrollArea,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.services import facts, persons, users
from app.services.facts import FactHistory
from app.services.persons import MeasureView, PersonFile
from app.store.store import Changes, Store
from models.enums import FactKind, PersonStatus, ReviewState
from ui.context import UiContext
from ui.errors import message_for
from ui.forms.assistance_form import AssistanceForm
from ui.forms.drug_test_form import DrugTestForm
from ui.forms.leave_form import LeaveForm
from ui.forms.measure_form import MeasureForm, ReportForm
from ui.forms.police_report_form import PoliceReportForm
from ui.forms.reason_dialog import FactForm, ReasonDialog
from ui.forms.status_form import StatusForm, status_options
from ui.forms.violation_form import ViolationForm
from ui.forms.visit_form import VisitForm
from ui.pages.base import Navigator, Page
from ui.people_model import risk_dot
from ui.timeline import TimelineModel, TimelineView, summarize

FACT_FORMS: dict[FactKind, type[FactForm]] = {
    FactKind.VISIT: VisitForm,
    FactKind.DRUG_TEST: DrugTestForm,
    FactKind.ASSISTANCE: AssistanceForm,
    FactKind.LEAVE: LeaveForm,
    FactKind.VIOLATION: ViolationForm,
    FactKind.POLICE_REPORT: PoliceReportForm,
}
ACTION_KINDS = {
    "visit": FactKind.VISIT,
    "test": FactKind.DRUG_TEST,
    "assistance": FactKind.ASSISTANCE,
    "leave": FactKind.LEAVE,
    "violation": FactKind.VIOLATION,
    "police_report": FactKind.POLICE_REPORT,
}
ACTIONS = (*ACTION_KINDS, "status", "transfer", "measure")
CORRECT = "correct:"  # + a fact id: that record's correction form (see correct_action)
SHORTCUTS = {
    "visit": "Ctrl+1",
    "test": "Ctrl+2",
    "assistance": "Ctrl+3",
    "leave": "Ctrl+4",
    "status": "Ctrl+5",
    "violation": "Ctrl+6",
}


def correct_action(fact_id: UUID) -> str:
    """The ``start`` action that opens one record's correction form, prefilled (Today's returned records)."""
    return f"{CORRECT}{fact_id}"


@dataclass(frozen=True)
class LoadedFile:
    file: PersonFile
    histories: list[FactHistory]
    names: dict[str, str]  # login → display name


def load_file(store: Store, person_id: UUID, *, audited: bool) -> LoadedFile:
    """The whole file in one op; ``audited`` when the worker opens it (not when it is re-read)."""
    file = persons.open_file(store, person_id) if audited else persons.read_file(store, person_id)
    names = {user.login: user.display_name for user in users.list_users(store)}
    return LoadedFile(file, facts.history(store, person_id), names)


def _value_label(text: str = "") -> QLabel:
    label = QLabel(text)
    label.setWordWrap(True)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label


def _table(headers: list[str]) -> QTableWidget:
    table = QTableWidget(0, len(headers))
    table.setHorizontalHeaderLabels(headers)
    table.verticalHeader().hide()
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    table.horizontalHeader().setStretchLastSection(True)
    return table


def _fill_row(table: QTableWidget, row: int, values: list[str]) -> None:
    for column, value in enumerate(values):
        table.setItem(row, column, QTableWidgetItem(value))


class PersonFilePage(Page):
    key = "person"
    loaded = Signal()  # the file on screen is up to date

    def __init__(self, ctx: UiContext, nav: Navigator) -> None:
        super().__init__(ctx, nav)
        self.person_id: UUID | None = None
        self.file: PersonFile | None = None
        self.active_form: QDialog | None = None
        self._names: dict[str, str] = {}
        self._pending_action: str | None = None
        self._load_seq = 0

        layout = QVBoxLayout(self)
        layout.addLayout(self._build_header())
        layout.addLayout(self._build_actions())
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(self._build_tabs())
        splitter.addWidget(self._build_timeline())
        splitter.setStretchFactor(0, 2)
        splitter.setStretchFactor(1, 3)
        layout.addWidget(splitter, 1)
        self._show_file(None)

    def title(self) -> str:
        return self.tr("Person file")

    # ---- layout ------------------------------------------------------------------------------------------
    def _build_header(self) -> QVBoxLayout:
        self.name_label = QLabel()
        font = QFont(self.name_label.font())
        font.setPointSizeF(font.pointSizeF() * 1.5)
        font.setBold(True)
        self.name_label.setFont(font)
        self.name_label.setAccessibleName(self.tr("Name"))
        self.record_label = QLabel()
        self.record_label.setAccessibleName(self.tr("Record number"))
        self.status_label = QLabel()
        self.status_label.setAccessibleName(self.tr("Status"))
        self.risk_icon = QLabel()
        self.risk_label = QLabel()
        self.risk_label.setAccessibleName(self.tr("Risk colour"))
        self.measure_label = QLabel()
        self.measure_label.setAccessibleName(self.tr("Measure"))
        self.worker_label = QLabel()
        self.worker_label.setAccessibleName(self.tr("Assigned worker"))
        self.message = QLabel()
        self.message.setStyleSheet("color: #b3261e;")
        self.message.setWordWrap(True)
        self.message.hide()
        self.edit_button = QPushButton(self.tr("&Edit profile…"))
        self.edit_button.clicked.connect(self.edit_profile)
        self.edit_button.setVisible(importlib.util.find_spec("ui.forms.person_form") is not None)

        top = QHBoxLayout()
        top.addWidget(self.name_label)
        top.addWidget(self.record_label)
        top.addStretch(1)
        top.addWidget(self.edit_button)
        facts_row = QHBoxLayout()
        facts_row.setSpacing(12)
        facts_row.addWidget(self.status_label)
        risk = QHBoxLayout()
        risk.setSpacing(4)
        risk.addWidget(self.risk_icon)
        risk.addWidget(self.risk_label)
        facts_row.addLayout(risk)
        facts_row.addWidget(self.measure_label)
        facts_row.addWidget(self.worker_label)
        facts_row.addStretch(1)
        header = QVBoxLayout()
        header.addLayout(top)
        header.addLayout(facts_row)
        header.addWidget(self.message)
        return header

    def _build_actions(self) -> QHBoxLayout:
        texts = {
            "visit": self.tr("Visit"),
            "test": self.tr("Drug test"),
            "assistance": self.tr("Assistance"),
            "leave": self.tr("Leave"),
            "status": self.tr("Change status"),
            "violation": self.tr("Violation"),
            "police_report": self.tr("Reported to police"),
            "transfer": self.tr("Transfer out…"),
        }
        row = QHBoxLayout()
        self.action_buttons: dict[str, QPushButton] = {}
        for action, text in texts.items():
            button = QPushButton()
            shortcut = SHORTCUTS.get(action)
            if shortcut:
                sequence = QKeySequence(shortcut)
                native = sequence.toString(QKeySequence.SequenceFormat.NativeText)
                button.setText(f"{text}  {native}")
                button.setShortcut(sequence)
            else:
                button.setText(text)
            button.setAccessibleName(text)
            button.clicked.connect(lambda _checked=False, a=action: self.start(a))
            self.action_buttons[action] = button
            row.addWidget(button)
        row.addStretch(1)
        return row

    def _build_tabs(self) -> QTabWidget:
        self.tabs = QTabWidget()
        profile = QWidget()
        self.profile_form = QFormLayout(profile)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(profile)
        self.tabs.addTab(scroll, self.tr("Profile"))

        measures_tab = QWidget()
        self.measures_table = _table(
            [
                self.tr("Measure"),
                self.tr("Ordered"),
                self.tr("Reported"),
                self.tr("Ends"),
                self.tr("Ordered by"),
                self.tr("Document no."),
            ]
        )
        self.measures_table.setAccessibleName(self.tr("Measures"))
        self.measures_table.itemSelectionChanged.connect(self._update_measure_buttons)
        self.order_button = QPushButton(self.tr("&Order a measure…"))
        self.order_button.clicked.connect(lambda: self.start("measure"))
        self.report_button = QPushButton(self.tr("Record the &report…"))
        self.report_button.clicked.connect(self.record_report)
        buttons = QHBoxLayout()
        buttons.addWidget(self.order_button)
        buttons.addWidget(self.report_button)
        buttons.addStretch(1)
        box = QVBoxLayout(measures_tab)
        box.addWidget(self.measures_table)
        box.addLayout(buttons)
        self.tabs.addTab(measures_tab, self.tr("Measures"))

        self.status_table = _table(
            [self.tr("Date"), self.tr("From"), self.tr("To"), self.tr("Reason"), self.tr("Recorded by")]
        )
        self.status_table.setAccessibleName(self.tr("Status history"))
        self.tabs.addTab(self.status_table, self.tr("Status history"))
        return self.tabs

    def _build_timeline(self) -> QWidget:
        panel = QWidget()
        self.kind_filter = QComboBox()
        self.kind_filter.addItem(self.tr("All records"), "")
        for kind in FactKind:
            self.kind_filter.addItem(kind.label.render(), kind.value)
        self.kind_filter.setAccessibleName(self.tr("Show"))
        self.kind_filter.currentIndexChanged.connect(self._filter_changed)
        self.count_label = QLabel()
        self.timeline_model = TimelineModel(self)
        self.timeline = TimelineView(self.timeline_model)
        self.timeline.customContextMenuRequested.connect(self._timeline_menu)
        self.timeline.selectionModel().currentChanged.connect(lambda *_: self._update_row_buttons())
        self.timeline_model.modelReset.connect(self._update_row_buttons)
        self.correct_button = QPushButton(self.tr("&Correct…"))
        self.correct_button.clicked.connect(lambda: self.correct(self.timeline.current_history()))
        self.void_button = QPushButton(self.tr("&Void…"))
        self.void_button.clicked.connect(lambda: self.void(self.timeline.current_history()))

        top = QHBoxLayout()
        top.addWidget(QLabel(self.tr("Timeline")))
        top.addWidget(self.kind_filter)
        top.addWidget(self.count_label)
        top.addStretch(1)
        top.addWidget(self.correct_button)
        top.addWidget(self.void_button)
        box = QVBoxLayout(panel)
        box.setContentsMargins(0, 0, 0, 0)
        box.addLayout(top)
        box.addWidget(self.timeline, 1)
        return panel

    def _filter_changed(self, _index: int) -> None:
        code = self.kind_filter.currentData()  # Qt gives a str enum back as its code
        self.timeline_model.set_kind_filter(FactKind(code) if code else None)
        self.count_label.setText(self.tr("%n record(s)", "", self.timeline_model.rowCount()))

    # ---- loading -----------------------------------------------------------------------------------------
    def open(self, person_id: UUID, action: str | None = None) -> None:
        """Show a person's file (opening it is audited); then open the form ``action`` names, if any."""
        if person_id != self.person_id:  # nothing of the last person stays on screen meanwhile
            self._show_file(None)
            self._show_timeline([], {})
        self.person_id = person_id
        self._pending_action = action
        self._stale = False
        self._load(audited=True)

    def refresh(self) -> None:
        if self.person_id is not None:
            self._load(audited=False)

    def affected_by(self, changes: Changes) -> bool:
        return self.person_id is not None and self.person_id in changes.persons

    def _load(self, *, audited: bool) -> None:
        person_id = self.person_id
        assert person_id is not None
        self._load_seq += 1
        seq = self._load_seq
        self.ctx.runner.run(
            lambda store: load_file(store, person_id, audited=audited),
            on_done=lambda loaded: self._loaded(seq, loaded),
            on_error=lambda error: self._failed(seq, error),
            parent=self,
            label=self.tr("Opening the file…"),
        )

    def _loaded(self, seq: int, loaded: LoadedFile) -> None:
        if seq != self._load_seq or loaded.file.id != self.person_id:
            return  # another file was asked for meanwhile
        self._names = loaded.names
        self._show_file(loaded.file)
        self._show_timeline(loaded.histories, loaded.names)
        action, self._pending_action = self._pending_action, None
        if action:
            self.start(action)
        self.loaded.emit()

    def _failed(self, seq: int, error: BaseException) -> None:
        if seq != self._load_seq:
            return
        self._pending_action = None
        self._show_file(None)
        self._show_timeline([], {})
        self.message.setText(message_for(error))
        self.message.show()

    # ---- showing -----------------------------------------------------------------------------------------
    def _show_file(self, file: PersonFile | None) -> None:
        self.file = file
        self.message.hide()
        for button in (*self.action_buttons.values(), self.order_button, self.edit_button):
            button.setEnabled(file is not None)
        if file is None:
            for label in (
                self.name_label,
                self.record_label,
                self.status_label,
                self.risk_label,
                self.measure_label,
                self.worker_label,
            ):
                label.clear()
            self.risk_icon.clear()
            self.measures_table.setRowCount(0)
            self.status_table.setRowCount(0)
            self._show_profile(None)
            self._update_measure_buttons()
            return
        profile = file.profile
        self.name_label.setText(profile.name)
        self.record_label.setText(self.tr("Record %1").replace("%1", file.record_no))
        self.status_label.setText(file.status.label.render())
        self.risk_icon.setPixmap(risk_dot(profile.risk_colour, 14).pixmap(14, 14))
        self.risk_label.setText(profile.risk_colour.label.render())
        self.measure_label.setText(self._measure_text(file.measures[-1] if file.measures else None))
        worker = self._worker_name(file.assigned_worker)
        self.worker_label.setText(self.tr("Worker: %1").replace("%1", worker) if worker else "")
        options = self._status_options()
        self.action_buttons["status"].setEnabled(bool(options))
        self.action_buttons["transfer"].setEnabled(PersonStatus.TRANSFERRED_OUT in options)
        self._show_profile(file)
        self._show_measures(file)
        self._show_status_history(file)

    def _measure_text(self, measure: MeasureView | None) -> str:
        if measure is None:
            return self.tr("No measure")
        kind = measure.kind.label.render()
        if measure.reported_on is None:
            return (
                self.tr("%1, ordered %2, not yet reported")
                .replace("%1", kind)
                .replace("%2", measure.ordered_on.isoformat())
            )
        if measure.ends_on is not None:
            return self.tr("%1 until %2").replace("%1", kind).replace("%2", measure.ends_on.isoformat())
        return kind

    def _worker_name(self, login: str | None) -> str:
        if not login:
            return ""
        return self._names.get(login) or login

    def _show_profile(self, file: PersonFile | None) -> None:
        rows = [] if file is None else self._profile_rows(file)
        form = self.profile_form
        while form.rowCount() > len(rows):
            form.removeRow(form.rowCount() - 1)
        # The rows there are keep their labels with new texts: making a selectable label costs more
        # than the rest of showing a file.
        for row, (caption, value) in enumerate(rows):
            if row < form.rowCount():
                form.itemAt(row, QFormLayout.ItemRole.LabelRole).widget().setText(caption)  # type: ignore[attr-defined]
                field = form.itemAt(row, QFormLayout.ItemRole.FieldRole).widget()
                field.setText(value)  # type: ignore[attr-defined]
            else:
                field = _value_label(value)
                form.addRow(caption, field)
            field.setAccessibleName(caption)

    def _profile_rows(self, file: PersonFile) -> list[tuple[str, str]]:
        p = file.profile
        rows = [
            (self.tr("Name"), p.name),
            (self.tr("Aliases"), "、".join(p.aliases)),
            (self.tr("Sex"), p.gender.label.render() if p.gender else ""),
            (self.tr("Date of birth"), p.birth_date.isoformat() if p.birth_date else ""),
            (self.tr("ID number"), p.id_number),
            (self.tr("Phone"), p.phone),
            (self.tr("Household address"), p.household_address),
            (self.tr("Residence"), p.residence_address),
            (self.tr("Drugs used"), "、".join(d.label.render() for d in p.drug_types)),
            (self.tr("First found"), p.first_found_on.isoformat() if p.first_found_on else ""),
            (self.tr("Risk colour"), p.risk_colour.label.render()),
            (self.tr("Assigned worker"), self._worker_name(file.assigned_worker)),
            (self.tr("Notes"), p.notes),
        ]
        for member in p.work_group:
            who = " ".join(part for part in (member.name, member.phone) if part)
            rows.append((member.role.label.render(), who))
        return rows

    def _show_measures(self, file: PersonFile) -> None:
        table = self.measures_table
        table.setRowCount(len(file.measures))
        for row, measure in enumerate(reversed(file.measures)):  # newest first
            _fill_row(
                table,
                row,
                [
                    measure.kind.label.render(),
                    measure.ordered_on.isoformat(),
                    measure.reported_on.isoformat() if measure.reported_on else self.tr("not yet"),
                    measure.ends_on.isoformat() if measure.ends_on else "",
                    measure.ordered_by,
                    measure.document_no,
                ],
            )
            table.item(row, 0).setData(Qt.ItemDataRole.UserRole, measure)
        if file.measures:
            table.selectRow(0)
        self._update_measure_buttons()

    def _show_status_history(self, file: PersonFile) -> None:
        table = self.status_table
        table.setRowCount(len(file.status_history))
        for row, event in enumerate(reversed(file.status_history)):
            _fill_row(
                table,
                row,
                [
                    event.on.isoformat(),
                    event.from_status.label.render() if event.from_status else "",
                    event.to_status.label.render(),
                    event.reason,
                    self._worker_name(event.recorded_by),
                ],
            )

    def _show_timeline(self, histories: list[FactHistory], names: dict[str, str]) -> None:
        """Show the facts, keeping which ones were open and which was selected."""
        model, view = self.timeline_model, self.timeline
        expanded: set[UUID] = set()
        for row in range(model.rowCount()):
            index = model.index(row, 0)
            history = model.history(index)
            if history is not None and view.isExpanded(index):
                expanded.add(history.current.fact_id)
        selected = view.current_history()
        model.set_histories(histories, names)
        for fact_id in expanded:
            view.setExpanded(model.row_of(fact_id), True)
        index = model.row_of(selected.current.fact_id) if selected is not None else QModelIndex()
        view.setCurrentIndex(index if index.isValid() else model.index(0, 0))
        self.count_label.setText(self.tr("%n record(s)", "", model.rowCount()))

    # ---- what the worker does ----------------------------------------------------------------------------
    def start(self, action: str) -> QDialog | None:
        """Open the form ``action`` names ("visit", "test", "assistance", "leave", "violation", "status",
        "transfer", "measure", or ``correct_action(fact_id)``) for the person shown; None if there is
        none or no file is shown yet."""
        if self.file is None or self.person_id is None:
            return None
        if self.active_form is not None:  # one form at a time: the open one comes to the front
            self.active_form.raise_()
            self.active_form.activateWindow()
            return self.active_form
        if action.startswith(CORRECT):
            index = self.timeline_model.row_of(UUID(action.removeprefix(CORRECT)))
            if index.isValid():
                self.timeline.setCurrentIndex(index)  # the worker sees which record they correct
            return self.correct(self.timeline_model.history(index))
        parent = self.window()
        form: QDialog
        if action in ACTION_KINDS:
            form = self._fact_form(ACTION_KINDS[action], None)
        elif action in ("status", "transfer"):
            measure_kind = self.file.measures[-1].kind if self.file.measures else None
            form = StatusForm(
                self.ctx,
                self.person_id,
                self.file.status,
                history=self.file.status_history,
                measure_kind=measure_kind,
                to_status=PersonStatus.TRANSFERRED_OUT if action == "transfer" else None,
                parent=parent,
            )
        elif action == "measure":
            form = MeasureForm(self.ctx, self.person_id, parent=parent)
        else:
            return None
        return self._show_form(form)

    def correct(self, history: FactHistory | None) -> QDialog | None:
        """Open the record's form prefilled; saving asks the reason and adds a version."""
        if history is None or not self._can_correct(history):
            return None
        return self._show_form(self._fact_form(history.current.kind, history))

    def void(self, history: FactHistory | None) -> QDialog | None:
        """Ask the reason, then void the record (it stays readable, struck through)."""
        if history is None or not self._can_void(history):
            return None
        current = history.current
        kind, fact_id = current.kind, current.fact_id
        about = f"{current.occurred_on.isoformat()}  {current.kind.label.render()}  {summarize(current.data)}"
        dialog = ReasonDialog(
            self.ctx.runner,
            self.tr("Void a record"),
            about,
            work=lambda reason: lambda store: facts.void(store, kind, fact_id, reason),
            action_text=self.tr("Void"),
            parent=self.window(),
        )
        return self._show_form(dialog)

    def record_report(self) -> QDialog | None:
        measure = self._selected_measure()
        if measure is None or measure.reported_on is not None:
            return None
        return self._show_form(ReportForm(self.ctx, measure, parent=self.window()))

    def edit_profile(self) -> QDialog | None:
        """The profile form, if this build has it (another feature provides ui.forms.person_form)."""
        if self.file is None:
            return None
        try:
            person_form = importlib.import_module("ui.forms.person_form")
        except ImportError:
            self.edit_button.hide()
            return None
        form = person_form.PersonForm(
            self.ctx, person_id=self.file.id, profile=self.file.profile, parent=self.window()
        )
        return self._show_form(form)

    def _fact_form(self, kind: FactKind, history: FactHistory | None) -> FactForm:
        assert self.person_id is not None
        correcting = history.current if history is not None else None
        if kind is FactKind.VISIT:
            me = self._names.get(self.ctx.actor.login, "")
            worker = self.tr("%1 (anti-drug worker)").replace("%1", me) if me else ""
            return VisitForm(
                self.ctx, self.person_id, worker_name=worker, correcting=correcting, parent=self.window()
            )
        return FACT_FORMS[kind](self.ctx, self.person_id, correcting=correcting, parent=self.window())

    def _show_form(self, form: QDialog) -> QDialog:
        # A window-modal dialog of the main window (open(), never exec()): locking hides it with the
        # window and shows it again after unlocking, exactly as it was.
        form.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        form.finished.connect(lambda _result: self._form_closed(form))
        self.active_form = form
        form.open()
        return form

    def _form_closed(self, form: QDialog) -> None:
        if self.active_form is form:
            self.active_form = None
        if self.isVisible():
            self.window().activateWindow()  # back to the file, so the next shortcut works at once

    # ---- enabling ----------------------------------------------------------------------------------------
    def _status_options(self) -> list[PersonStatus]:
        if self.file is None:
            return []
        measure_kind = self.file.measures[-1].kind if self.file.measures else None
        return status_options(self.file.status, self.file.status_history, measure_kind, self.ctx.today())

    @staticmethod
    def _editable(history: FactHistory) -> bool:
        return not history.voided and history.current.review is not ReviewState.SIGNED_OFF

    def _can_correct(self, history: FactHistory) -> bool:
        return self._editable(history) and history.current.kind in FACT_FORMS

    def _can_void(self, history: FactHistory) -> bool:
        return self._editable(history)

    def _update_row_buttons(self) -> None:
        history = self.timeline.current_history()
        self.correct_button.setEnabled(history is not None and self._can_correct(history))
        self.void_button.setEnabled(history is not None and self._can_void(history))
        signed = history is not None and history.current.review is ReviewState.SIGNED_OFF
        tip = self.tr("Signed off by a supervisor: it can no longer be changed.") if signed else ""
        self.correct_button.setToolTip(tip)
        self.void_button.setToolTip(tip)

    def _selected_measure(self) -> MeasureView | None:
        row = self.measures_table.currentRow()
        item = self.measures_table.item(row, 0) if row >= 0 else None
        return item.data(Qt.ItemDataRole.UserRole) if item is not None else None

    def _update_measure_buttons(self) -> None:
        measure = self._selected_measure()
        self.report_button.setEnabled(measure is not None and measure.reported_on is None)

    def _timeline_menu(self, position: QPoint) -> None:
        index = self.timeline.indexAt(position)
        history = self.timeline_model.history(index)
        if history is None:
            return
        self.timeline.setCurrentIndex(index.siblingAtColumn(0) if index.parent().isValid() else index)
        menu = QMenu(self)
        correct = menu.addAction(self.tr("Correct…"), lambda: self.correct(history))
        correct.setEnabled(self._can_correct(history))
        void = menu.addAction(self.tr("Void…"), lambda: self.void(history))
        void.setEnabled(self._can_void(history))
        if history.earlier:
            top = self.timeline_model.row_of(history.current.fact_id)
            menu.addAction(self.tr("Show earlier versions"), lambda: self.timeline.setExpanded(top, True))
        menu.popup(self.timeline.viewport().mapToGlobal(position))
