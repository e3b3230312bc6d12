"""A small synthetic office for the report tests, and poppler's tools to read the PDFs back."""

from __future__ import annotations

import re
import shutil
import subprocess
import unicodedata
from datetime import date
from pathlib import Path

import pytest

from models.enums import PersonStatus, ViolationKind
from tests.indicators.helpers import drug_test, sign, status, under_treatment, violation

FULL_NAMES = ("张三丰", "李四海", "王五岳")


@pytest.fixture
def office(store):
    """May 2026, each signed up on the day they reported: 张三丰 tested (window met) and absent without
    leave once; 李四海 never seen after reporting on 01-15 (his test and visit windows of 04-15..05-14
    are overdue on 05-31, and he is out of contact since 02-15); 王五岳 recorded lost on 05-20.
    Test compliance in May: 1 window met of 3."""
    zhang = under_treatment(store, date(2026, 1, 1), name=FULL_NAMES[0])
    drug_test(store, zhang, date(2026, 5, 10))
    violation(store, zhang, date(2026, 5, 12), ViolationKind.ABSENT_WITHOUT_LEAVE, days=2)
    li = under_treatment(store, date(2026, 1, 15), name=FULL_NAMES[1])
    wang = under_treatment(store, date(2026, 1, 1), name=FULL_NAMES[2])
    status(store, wang, PersonStatus.LOST, date(2026, 5, 20))
    for pid, day in ((zhang, date(2026, 1, 1)), (li, date(2026, 1, 15)), (wang, date(2026, 1, 1))):
        sign(store, pid, day)
    return {"zhang": zhang, "li": li, "wang": wang}


def poppler(tool: str) -> str:
    path = shutil.which(tool)
    assert path, f"{tool} is missing: install poppler-utils (make system does)"
    return path


def pdf_text(pdf: Path, first: int | None = None, last: int | None = None) -> str:
    """The PDF's text layer, laid out as on the page (a table row on one line), NFKC-normalised: CJK
    fonts map some ideographs to look-alike radicals (月 to ⽉), which normalisation folds back."""
    pages = [*(["-f", str(first)] if first else []), *(["-l", str(last)] if last else [])]
    command = [poppler("pdftotext"), "-layout", *pages, str(pdf), "-"]
    out = subprocess.run(command, capture_output=True, check=True)
    return unicodedata.normalize("NFKC", out.stdout.decode("utf-8"))


def pdf_pages(pdf: Path) -> int:
    out = subprocess.run([poppler("pdfinfo"), str(pdf)], capture_output=True, text=True, check=True)
    return int(next(line.split()[-1] for line in out.stdout.splitlines() if line.startswith("Pages:")))


def ink(pdf: Path, page: int, tmp: Path) -> float:
    """The share of a rendered page that is not white (pdftoppm at 40 dpi, as greyscale PGM)."""
    stem = tmp / f"page{page}"
    subprocess.run(
        [poppler("pdftoppm"), "-gray", "-r", "40", "-f", str(page), "-l", str(page), str(pdf), str(stem)],
        check=True,
    )
    (image,) = tmp.glob(f"page{page}*.pgm")
    data = image.read_bytes()
    header = re.match(rb"P5\s+(\d+)\s+(\d+)\s+\d+\s", data)  # magic, width, height, maxval, one space
    assert header, "not a PGM image"
    pixels = data[header.end() : header.end() + int(header[1]) * int(header[2])]
    return sum(1 for p in pixels if p < 200) / len(pixels)


def pdf_fonts(pdf: Path) -> list[list[str]]:
    out = subprocess.run([poppler("pdffonts"), str(pdf)], capture_output=True, text=True, check=True)
    return [line.split() for line in out.stdout.splitlines()[2:] if line.strip()]
