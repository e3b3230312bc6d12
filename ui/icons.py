"""The application icon, drawn from its SVG source (and written as .ico for the Windows build)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtGui import QIcon, QImage, QPainter
from PySide6.QtSvg import QSvgRenderer

from app.paths import resource_path

SVG = resource_path("icons", "rehabdesk.svg")


def app_icon() -> QIcon:
    return QIcon(str(SVG)) if SVG.exists() else QIcon()


def write_ico(target: Path, size: int = 256) -> Path:
    """Render the SVG to a Windows icon (PyInstaller embeds it in the executable)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    image = QImage(size, size, QImage.Format.Format_ARGB32)
    image.fill(0)
    painter = QPainter(image)
    QSvgRenderer(str(SVG)).render(painter)
    painter.end()
    if not image.save(str(target), "ICO") and not image.save(str(target.with_suffix(".png")), "PNG"):
        raise OSError(f"could not write {target}")
    return target
