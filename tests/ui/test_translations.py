"""zh_CN is complete: every string the GUI shows has a finished Chinese translation, and the .qm builds."""

from __future__ import annotations

import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
TS = ROOT / "resources" / "translations" / "rehabdesk_zh_CN.ts"
BIN = Path(sys.executable).parent


def messages(ts: Path) -> dict[tuple[str, str], ET.Element]:
    found = {}
    for context in ET.parse(ts).getroot().iter("context"):
        name = context.findtext("name")
        for message in context.iter("message"):
            found[(name, message.findtext("source"))] = message
    return found


def test_every_visible_string_has_a_finished_chinese_translation(tmp_path):
    fresh = tmp_path / "fresh.ts"
    result = subprocess.run(
        [str(BIN / "pyside6-lupdate"), "-extensions", "py", str(ROOT / "ui"), "-ts", str(fresh)],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    in_code = messages(fresh)
    assert len(in_code) > 100
    translated = messages(TS)
    missing, unfinished = [], []
    for key in in_code:
        message = translated.get(key)
        if message is None:
            missing.append(key)
            continue
        translation = message.find("translation")
        forms = [f.text for f in translation.iter("numerusform")] or [translation.text]
        if translation.get("type") in ("unfinished", "vanished", "obsolete") or not all(
            f and f.strip() for f in forms
        ):
            unfinished.append(key)
    assert missing == [], f"strings with no zh_CN entry (run make translations): {missing[:10]}"
    assert unfinished == [], f"strings without a finished zh_CN translation: {unfinished[:10]}"


def test_the_translation_builds_and_is_used(tmp_path, qapp):
    from PySide6.QtCore import QCoreApplication, QTranslator

    shutil.copy(TS, tmp_path / TS.name)
    result = subprocess.run(
        [str(BIN / "pyside6-lrelease"), str(tmp_path / TS.name)], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    translator = QTranslator()
    assert translator.load(str(tmp_path / "rehabdesk_zh_CN.qm"))
    QCoreApplication.installTranslator(translator)
    try:
        assert QCoreApplication.translate("TodayPage", "Today") == "今日"
    finally:
        QCoreApplication.removeTranslator(translator)
