"""The QR code printed in the top-left corner of every paper issued for a dossier.

TT 01/2023/TT-VPCP Điều 26 lists the minimum data (dossier code, procedure code, the applicant's
id, the paper's name, the issuing system, the issue time, and on the appointment slip the due
date) but not how to serialise it. Ours is one line of `key=value` pairs joined by `|`, led by a
version tag, so the desk's look-up can parse it back and a person can read it:

    MCQR1|HS=000.17.22.H56-261120-1013|TT=2.000815|DD=038090001234|GT=Giấy tiếp nhận hồ sơ và
    hẹn trả kết quả|HT=Một cửa UBND xã Quảng Phú|XB=20261120154400|HEN=20261123170000

Times are local (Asia/Ho_Chi_Minh) `yyyyMMddHHmmss`, as in the national portal's exchange format.
A value never contains `|` (it is replaced by `/`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache

import segno
from reportlab.pdfgen.canvas import Canvas
from segno import consts

TAG = "MCQR1"
STAMP = "%Y%m%d%H%M%S"
QUIET_MODULES = 4  # the light margin ISO/IEC 18004 requires around the symbol
_DIGIT_RUNS = re.compile(r"(\d{9,})")  # shorter runs cost more to switch modes for than they save


@dataclass(frozen=True)
class PaperQr:
    dossier_code: str
    procedure_code: str
    applicant_id: str
    paper_name: str
    system_name: str
    issued_at: datetime  # local wall time
    due_at: datetime | None = None  # local wall time; on the appointment slip

    def payload(self) -> str:
        fields = [("HS", self.dossier_code), ("TT", self.procedure_code), ("DD", self.applicant_id),
                  ("GT", self.paper_name), ("HT", self.system_name), ("XB", self.issued_at.strftime(STAMP))]
        if self.due_at is not None:
            fields.append(("HEN", self.due_at.strftime(STAMP)))
        return "|".join([TAG, *(f"{key}={value.replace('|', '/')}" for key, value in fields)])


def parse_paper_qr(text: str) -> PaperQr:
    parts = text.strip().split("|")
    if not parts or parts[0] != TAG:
        raise ValueError("not a desk paper QR")
    values = dict(part.split("=", 1) for part in parts[1:] if "=" in part)
    return PaperQr(
        values["HS"], values["TT"], values.get("DD", ""), values["GT"], values["HT"],
        datetime.strptime(values["XB"], STAMP),
        datetime.strptime(values["HEN"], STAMP) if values.get("HEN") else None,
    )


def segments(payload: str) -> list[tuple[str, int, str | None]]:
    """Long runs of digits (the CCCD, the times) in numeric mode, 3.3 bits a digit instead of 8;
    the rest in UTF-8 bytes. Every reader joins the segments back into the same text; the symbol
    is one version smaller, so its modules are larger at the same printed size."""
    parts = [part for part in _DIGIT_RUNS.split(payload) if part]
    return [(part, consts.MODE_NUMERIC, None) if part.isdigit() else (part, consts.MODE_BYTE, "utf-8")
            for part in parts]


@lru_cache(maxsize=64)
def qr_matrix(payload: str) -> tuple[tuple[bool, ...], ...]:
    """Error level L (the largest modules for a given print size) and a fixed mask: every mask is
    valid to every decoder; searching for the "best" one costs 8 encodings and most of the time."""
    code = segno.make_qr(segments(payload), error="l", boost_error=False, mask=2)
    return tuple(tuple(bool(cell) for cell in row) for row in code.matrix)


def _rectangles(matrix: tuple[tuple[bool, ...], ...]) -> list[tuple[int, int, int, int]]:
    """Dark modules as rectangles (column, row, width, height): a run of dark modules in a row,
    grown downward while the rows below repeat it, so the PDF holds far fewer shapes."""
    open_runs: dict[tuple[int, int], int] = {}  # (start, end) -> first row
    done: list[tuple[int, int, int, int]] = []
    for row_index, row in enumerate((*matrix, ())):
        runs, column = set(), 0
        while column < len(row):
            if row[column]:
                start = column
                while column < len(row) and row[column]:
                    column += 1
                runs.add((start, column))
            column += 1
        for run, first in list(open_runs.items()):
            if run not in runs:
                done.append((run[0], first, run[1] - run[0], row_index - first))
                del open_runs[run]
        for run in runs:
            open_runs.setdefault(run, row_index)
    return done


@lru_cache(maxsize=64)
def _qr_path(payload: str) -> tuple[int, str]:
    """The module count and the dark modules as one PDF path, in module units (whole numbers)."""
    matrix = qr_matrix(payload)
    count = len(matrix)
    # The same filled path as canvas.beginPath()/rect()/drawPath(), written as PDF operators at once:
    # formatting each of hundreds of rectangles through ReportLab's path object was a large share of
    # a slip's render time; a reprint (or the second copy's document) reuses the text.
    path = "\n".join(f"{column} {count - row - height} {width} {height} re"
                      for column, row, width, height in _rectangles(matrix)) + "\nf"
    return count, path


def draw_qr(canvas: Canvas, payload: str, x: float, y: float, size: float) -> None:
    """Draws the code as one filled path at a fixed size."""
    count, path = _qr_path(payload)
    canvas.saveState()
    canvas.translate(x, y)
    canvas.scale(size / count, size / count)
    canvas.setFillColorRGB(0, 0, 0)
    canvas.addLiteral(path)
    canvas.restoreState()
