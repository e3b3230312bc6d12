# Two entry points, both self-contained on a fresh clone (Python 3.11+ and make):
#   make demo   set up, build a demo office with synthetic data, start the app on it
#   make test   set up, then run the whole test suite
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
DEMO   := .demo

# Debian packages Qt needs to draw offscreen, and CJK fonts so Chinese renders as glyphs, not boxes.
SYSTEM_PACKAGES := libegl1 libgl1 libxkbcommon0 libfontconfig1 libdbus-1-3 fonts-noto-cjk poppler-utils

.PHONY: demo test lint setup system translations update-translations build clean-demo

setup: system $(STAMP) translations

# Compiled translations are build outputs: made from the .ts sources, never committed.
QM := $(patsubst %.ts,%.qm,$(wildcard resources/translations/*.ts))
translations: $(QM)
resources/translations/%.qm: resources/translations/%.ts $(STAMP)
	$(BIN)/pyside6-lrelease -silent $< -qm $@

# After changing GUI strings: refresh the .ts sources (then translate the new entries).
update-translations: $(STAMP)
	$(BIN)/pyside6-lupdate -extensions py -no-obsolete ui -ts resources/translations/rehabdesk_zh_CN.ts

# On Debian/Ubuntu as root, install what is missing; elsewhere just say what to install.
system:
	@missing=""; for p in $(SYSTEM_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ] && command -v apt-get >/dev/null 2>&1; then \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq $$missing; \
	  else echo "Install these packages first:$$missing (sudo apt-get install$$missing)"; exit 1; fi; \
	fi

# Reinstall whenever the declared dependencies or the pinned versions change.
$(STAMP): pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints.txt -e ".[dev]"
	touch $(STAMP)

demo: setup
	@test -f $(DEMO)/keyring.json || $(BIN)/rehabdesk demo --data-dir $(DEMO)
	$(BIN)/rehabdesk --data-dir $(DEMO) start

test: setup
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest

# The desktop build (one folder in dist/RehabDesk), then the frozen app must answer and pass its selftest.
build: setup
	QT_QPA_PLATFORM=offscreen $(BIN)/python -c "from pathlib import Path; from PySide6.QtGui import QGuiApplication; app = QGuiApplication([]); from ui.icons import write_ico; write_ico(Path('build/rehabdesk.ico'))"
	$(BIN)/pyinstaller --noconfirm --log-level WARN build.spec
	QT_QPA_PLATFORM=offscreen dist/RehabDesk/rehabdesk --version
	QT_QPA_PLATFORM=offscreen dist/RehabDesk/rehabdesk selftest
	@du -sh dist/RehabDesk | sed 's/^/build size: /'

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

clean-demo:
	rm -rf $(DEMO)
