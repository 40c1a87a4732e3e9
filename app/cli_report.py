"""`motcua report ii06a|766 …` (issue 13).

    motcua --db xa.sqlite report ii06a --from 2026-10-01 --to 2026-12-31 --format pdf --out ii06a.pdf
    motcua --db xa.sqlite report 766 --period quarter:2026-4 --format xlsx --out chiso766.xlsx
    motcua --db xa.sqlite report ii06a --period ky:2026-11 --format json        # 15/10–14/11, to stdout

Reading only: refused beside an open desk like every command that opens the file (README). Once the
file has officer accounts, `--user` must name one whose roles may see reports (trưởng bộ phận)."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from datetime import date
from pathlib import Path

from app.core.errors import DeskError

AddCommand = Callable[[str, str], argparse.ArgumentParser]
FORMATS = ("json", "xlsx", "pdf")


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"ngày «{text}» phải theo dạng YYYY-MM-DD") from None


def period_of(args: argparse.Namespace) -> object:
    from app.core.reporting import Period, parse_period

    try:
        if args.period:
            if args.first or args.last:
                raise DeskError("Hãy chọn kỳ bằng --period hoặc bằng --from/--to, không dùng cả hai.")
            return parse_period(args.period)
        if not (args.first and args.last):
            raise DeskError("Hãy cho kỳ báo cáo: --from YYYY-MM-DD --to YYYY-MM-DD, hoặc --period (ví dụ "
                            "quarter:2026-4).")
        return Period(args.first, args.last)
    except ValueError as error:
        raise DeskError(str(error)) from None


def cmd_report(args: argparse.Namespace) -> int:
    from app.cli import _desk
    from app.services.reports import export

    period = period_of(args)
    if args.format != "json" and not args.out:
        raise DeskError(f"Tệp {args.format} cần --out TÊN_TỆP.")
    with _desk(args) as desk:
        from app.cli_officers import sign_in_if_accounts

        sign_in_if_accounts(desk, args)  # reports name citizens: an officer who may see them, once accounts exist
        body = export(desk, period, args.what, args.format, receiving_unit=args.to_unit or "")  # type: ignore[arg-type]
    if isinstance(body, str):
        if args.out:
            Path(args.out).write_text(body + "\n", encoding="utf-8")
        else:
            sys.stdout.write(body + "\n")
    else:
        Path(args.out).write_bytes(body)
    if args.out:
        print(f"Đã ghi {args.out} ({period.label.lower()}).")  # type: ignore[attr-defined]
    return 0


def register(add: AddCommand) -> None:
    """Add this group's subcommands; each sets `run` to a function of the parsed arguments."""
    report = add("report", "báo cáo định kỳ: Biểu II.06a, các chỉ số theo Quyết định 766")
    kinds = report.add_subparsers(dest="what", required=True)
    for what, help_text in (("ii06a", "Biểu II.06a: tình hình, kết quả giải quyết TTHC theo lĩnh vực"),
                            ("766", "chỉ số QĐ 766, phí lệ phí đã thu, mức độ hài lòng, hồ sơ quá hạn")):
        p = kinds.add_parser(what, help=help_text)
        p.add_argument("--from", dest="first", type=_day, help="ngày đầu kỳ, YYYY-MM-DD")
        p.add_argument("--to", dest="last", type=_day, help="ngày cuối kỳ, YYYY-MM-DD")
        p.add_argument("--period", help="month:2026-11, quarter:2026-4, half:2026-2, year:2026, ky:2026-11 "
                                        "(từ ngày 15 tháng trước đến ngày 14)")
        p.add_argument("--format", choices=FORMATS, default="json")
        p.add_argument("--out", help="tệp ghi ra (JSON không có --out thì in ra màn hình)")
        p.add_argument("--to-unit", help="đơn vị nhận báo cáo, in ở đầu Biểu II.06a")
        p.set_defaults(run=cmd_report)
