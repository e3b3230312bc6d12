"""The main window: navigation on the left, one page at a time, the status bar at the bottom."""

from __future__ import annotations

from uuid import UUID

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QApplication,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QPushButton,
    QStackedWidget,
    QWidget,
)

from models.enums import Role
from ui.context import UiContext
from ui.lock import IdleWatcher, LockScreen
from ui.pages.audit import AuditPage
from ui.pages.base import Page
from ui.pages.conflicts import ConflictsPage
from ui.pages.indicators import IndicatorsPage
from ui.pages.people import PeoplePage
from ui.pages.person_file import PersonFilePage
from ui.pages.review import ReviewPage
from ui.pages.settings import SettingsPage
from ui.pages.sync_page import SyncPage
from ui.pages.today import TodayPage
from ui.sync_scheduler import SyncScheduler

PAGE_TYPES: dict[str, type[Page]] = {
    page.key: page
    for page in (
        TodayPage,
        PeoplePage,
        ReviewPage,
        ConflictsPage,
        IndicatorsPage,
        AuditPage,
        SyncPage,
        SettingsPage,
    )
}
# The pages each role sees, in the navigation's order. The administrator manages users, settings, backups,
# devices and the audit and, by privacy default, reads no one's file (the services refuse it too).
PAGES_BY_ROLE: dict[Role, tuple[str, ...]] = {
    Role.WORKER: ("today", "people", "indicators", "sync", "settings"),
    Role.SUPERVISOR: ("today", "people", "review", "conflicts", "indicators", "audit", "sync", "settings"),
    Role.ADMIN: ("sync", "audit", "settings"),
}


class MainWindow(QMainWindow):
    locked = Signal()
    unlocked = Signal()

    def __init__(self, ctx: UiContext) -> None:
        super().__init__()
        self.ctx = ctx
        self.setWindowTitle(self.tr("RehabDesk — %1").replace("%1", ctx.office_name))
        self.resize(1280, 720)  # fits a 1366×768 office screen with the taskbar

        self.nav = QListWidget()
        self.nav.setAccessibleName(self.tr("Navigation"))
        self.nav.setIconSize(QSize(20, 20))
        self.nav.setFixedWidth(150)
        self.nav.setStyleSheet("QListWidget { font-size: 15px; } QListWidget::item { padding: 10px 8px; }")
        self.stack = QStackedWidget()
        self.pages: dict[str, Page] = {}
        self.sync_scheduler = SyncScheduler(ctx.runner, parent=self)
        for key in PAGES_BY_ROLE[ctx.actor.role]:
            self._add_page(PAGE_TYPES[key](ctx, self), in_nav=True)
        if ctx.actor.role is not Role.ADMIN:
            self._add_page(PersonFilePage(ctx, self), in_nav=False)
        for page in self.pages.values():
            if isinstance(page, SyncPage | ConflictsPage):
                page.attach_scheduler(self.sync_scheduler)
        self.nav.currentRowChanged.connect(self._nav_to_row)
        # A person's file leaves its page current in the list: a click on that page goes back to it too.
        self.nav.itemClicked.connect(lambda item: self._nav_to_row(self.nav.row(item)))

        body = QWidget()
        layout = QHBoxLayout(body)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.nav)
        layout.addWidget(self.stack, 1)
        self.setCentralWidget(body)
        self._build_status_bar()

        self.idle = IdleWatcher(self)
        self.idle.idle.connect(self.lock)
        lock_shortcut = QShortcut(QKeySequence("Ctrl+L"), self)
        lock_shortcut.setContext(Qt.ShortcutContext.ApplicationShortcut)
        lock_shortcut.activated.connect(self.lock)
        self._lock_screen: LockScreen | None = None
        self._hidden: list[QWidget] = []
        self.sync_scheduler.status_changed.connect(self._show_sync_state)
        self.sync_scheduler.running_changed.connect(lambda _running: self._show_sync_state())
        self.nav.setCurrentRow(0)
        self.sync_scheduler.start()
        if ctx.actor.role is not Role.ADMIN:
            # After the first page's op: fill the search index before the first search needs it. The
            # administrator does not read people's files, so their session never opens the names.
            ctx.runner.run(lambda store: store.index.warm())

    def _add_page(self, page: Page, in_nav: bool) -> None:
        self.pages[page.key] = page
        self.stack.addWidget(page)
        if in_nav:
            item = QListWidgetItem(page.title())
            item.setData(Qt.ItemDataRole.UserRole, page.key)
            self.nav.addItem(item)

    def _build_status_bar(self) -> None:
        bar = self.statusBar()
        role = self.ctx.actor.role.label.render()
        self.user_label = QLabel(self.tr("%1 (%2)").replace("%1", self.ctx.actor.login).replace("%2", role))
        self.user_label.setAccessibleName(self.tr("Logged-in user"))
        self.sync_label = QLabel()
        self.sync_label.setAccessibleName(self.tr("Sync state"))
        lock_button = QPushButton(self.tr("Lock (Ctrl+L)"))
        lock_button.setAccessibleName(self.tr("Lock"))
        lock_button.clicked.connect(self.lock)
        bar.addWidget(self.user_label)
        bar.addWidget(self.sync_label, 1)
        bar.addPermanentWidget(lock_button)

    # ---- navigation -------------------------------------------------------------------------------------
    def _nav_to_row(self, row: int) -> None:
        item = self.nav.item(row)
        if item is not None:
            self._show(item.data(Qt.ItemDataRole.UserRole))

    def _show(self, key: str) -> None:
        page = self.pages[key]
        self.stack.setCurrentWidget(page)
        page.activate()

    def show_page(self, key: str) -> None:
        for row in range(self.nav.count()):
            if self.nav.item(row).data(Qt.ItemDataRole.UserRole) == key:
                self.nav.setCurrentRow(row)
                return
        self._show(key)

    def open_person(self, person_id: UUID, action: str | None = None) -> None:
        page = self.pages.get("person")
        if not isinstance(page, PersonFilePage):
            return  # the administrator's window has no file to open
        self.nav.clearSelection()
        self.stack.setCurrentWidget(page)
        page.open(person_id, action)

    # ---- status -----------------------------------------------------------------------------------------
    def _show_sync_state(self, _status: object = None) -> None:
        """The scheduler's honest sentence: not enrolled, offline since, changes waiting, last sync."""
        self.sync_label.setText(self.sync_scheduler.summary_text())

    # ---- locking ----------------------------------------------------------------------------------------
    def lock(self) -> None:
        if self._lock_screen is not None:
            return
        self._hidden = [w for w in QApplication.topLevelWidgets() if w.isVisible()]
        for widget in self._hidden:
            widget.hide()
        self._lock_screen = LockScreen(self.ctx.data_dir, self.ctx.actor.login, self.ctx.runner)
        self._lock_screen.accepted.connect(self._unlock)
        self._lock_screen.show()
        self.locked.emit()

    def _unlock(self) -> None:
        for widget in self._hidden:
            widget.show()
        self._hidden = []
        if self._lock_screen is not None:
            self._lock_screen.deleteLater()
        self._lock_screen = None
        self.idle.restart()
        self.unlocked.emit()

    @property
    def lock_screen(self) -> LockScreen | None:
        return self._lock_screen
