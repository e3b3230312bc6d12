"""Writing a report to a file: XLSX here, PDF through a writer the caller passes (Qt lives in ui/).

Every export is audited ("report.export": period, scope, format, how many people the lists name); one with
full names is audited as such as well ("report.full_names", with the ids of the people named). The file is
written inside the audited transaction, and removed again if the audit entry cannot be committed, so no
report leaves the store without its trace.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from pathlib import Path

from app.errors import UserError
from app.files import write_atomically
from app.reports.content import Report
from app.reports.monthly import report_for_store
from app.reports.xlsx import report_xlsx
from app.services.people_access import require_file_reader
from app.store.store import Store
from models.text import Text

FORMATS = ("xlsx", "pdf")
PdfWriter = Callable[[Report], bytes]

UNSUPPORTED_FORMAT = Text(
    "报告只能导出为 xlsx 或 pdf 格式，请用 --format 指定，或把文件名改为 .xlsx 或 .pdf 结尾。",
    "Reports are xlsx or pdf files: choose one with --format, or end the file name in .xlsx or .pdf.",
)
PDF_UNAVAILABLE = Text(
    "本程序未安装图形组件，无法生成 PDF，请改为导出 xlsx。",
    "This installation has no graphics component, so it cannot make a PDF: export xlsx instead.",
)
CANNOT_WRITE = Text(
    "无法写入文件 {path}（{reason}）。请检查磁盘空间和文件夹权限，原有文件未被改动。",
    "Could not write {path} ({reason}). Check the free disk space and the folder's permissions; any existing "
    "file was left as it was.",
)


def report_format(out: Path, fmt: str | None) -> str:
    chosen = (fmt or out.suffix.lstrip(".")).lower()
    if chosen not in FORMATS:
        raise UserError(UNSUPPORTED_FORMAT())
    return chosen


def export_report(
    store: Store,
    period: str,
    out: Path,
    *,
    scope: str | None = None,
    fmt: str | None = None,
    full_names: bool = False,
    pdf: PdfWriter | None = None,
    lang: str | None = None,
) -> Report:
    """Build the report, write it to `out` and audit the export; returns what was written."""
    require_file_reader(store)  # its lists name people: not the administrator's to print
    chosen = report_format(out, fmt)
    if chosen == "pdf" and pdf is None:
        raise UserError(PDF_UNAVAILABLE())
    report = report_for_store(store, period, scope, full_names=full_names, lang=lang)
    data = report_xlsx(report) if chosen == "xlsx" else pdf(report)  # type: ignore[misc]
    ind = report.indicators
    details = {"period": ind.period.code, "scope": ind.scope.code, "format": chosen}
    written = False
    try:
        with store.write() as tx:
            tx.audit(
                "report.export", details={**details, "full_names": full_names, "people": len(report.named)}
            )
            if full_names:
                tx.audit("report.full_names", details={**details, "persons": [str(p) for p in report.named]})
            try:
                write_atomically(out, data)
            except OSError as exc:
                raise UserError(
                    CANNOT_WRITE(path=str(out), reason=exc.strerror or type(exc).__name__)
                ) from None
            written = True
    except BaseException:
        if written:  # the audit entry did not commit: the file must not outlive it
            with contextlib.suppress(OSError):
                out.unlink()
        raise
    return report
