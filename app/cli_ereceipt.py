"""`motcua ereceipt …`: export a stored e-receipt, the signing certificate, the daily summary, the
registration form, and the paper numbers left to destroy (issue 10).

    motcua --db xa.sqlite ereceipt export --latest --out bl.xml
    motcua --db xa.sqlite ereceipt export --series 27TAA --number 12 --out bl.xml
    motcua --db xa.sqlite ereceipt cert --out chung-thu.pem
    motcua --db xa.sqlite ereceipt summary --date 2027-01-04 [--series 27TAA] --out th.xml|th.pdf|th.xlsx
    motcua --db xa.sqlite ereceipt registration --out dk.xml|dk.pdf
    motcua --db xa.sqlite ereceipt unused-paper
    motcua --db xa.sqlite ereceipt setup --pkcs12 chu-ky.p12 --tax-code 2800123456 --tax-office-code 28101 …

All but `setup` only read the database (and sign with the configured key), so no officer logs in;
`setup` changes settings as an administrator. Like every command they are refused beside an open
desk window.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from datetime import date
from pathlib import Path

AddCommand = Callable[[str, str], argparse.ArgumentParser]
SUMMARY_FORMATS = ("xml", "pdf", "xlsx")


def _write(out: str, data: bytes) -> Path:
    from app.core.errors import DeskError

    path = Path(out)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    except OSError as error:
        raise DeskError(f"Không ghi được tệp {path}: {error.strerror or error}.") from None
    return path


def _format(args: argparse.Namespace, allowed: tuple[str, ...]) -> str:
    from app.core.errors import DeskError

    chosen = args.format or Path(args.out).suffix.lower().lstrip(".") or "xml"
    if chosen not in allowed:
        raise DeskError(f"Định dạng phải là {', '.join(allowed)} (theo --format hoặc đuôi tệp --out).")
    return chosen


def cmd_export(args: argparse.Namespace) -> int:
    from app.cli import _desk
    from app.core.errors import DeskError
    from app.services.ereceipts import signed_xml

    if not args.latest and (args.series is None or args.number is None):
        raise DeskError("Hãy chọn --latest, hoặc cả --series và --number của biên lai cần xuất.")
    with _desk(args) as desk:
        label, xml = signed_xml(desk, series_symbol=None if args.latest else args.series,
                                number=None if args.latest else args.number)
    print(f"Đã ghi biên lai điện tử {label} (đã ký số) vào {_write(args.out, xml)}.")
    return 0


def cmd_cert(args: argparse.Namespace) -> int:
    from app.cli import _desk
    from app.services.ereceipts import signing_certificate_pem

    with _desk(args) as desk:
        pem = signing_certificate_pem(desk)
    print(f"Đã ghi chứng thư số dùng để ký biên lai vào {_write(args.out, pem)}.")
    return 0


def _day(text: str) -> date:
    from app.core.errors import DeskError

    try:
        return date.fromisoformat(text)
    except ValueError:
        raise DeskError("Ngày phải theo dạng YYYY-MM-DD, ví dụ 2027-01-04.") from None


def cmd_summary(args: argparse.Namespace) -> int:
    from app.cli import _desk
    from app.services.ereceipts import daily_summary

    day, fmt = _day(args.date), _format(args, SUMMARY_FORMATS)
    with _desk(args) as desk:
        data = daily_summary(desk, day, series_symbol=args.series, fmt=fmt)
    print(f"Đã ghi bảng tổng hợp dữ liệu biên lai điện tử (Mẫu 01/TH-BLĐT) ngày {day:%d/%m/%Y} "
          f"vào {_write(args.out, data)}.")
    return 0


def cmd_registration(args: argparse.Namespace) -> int:
    from app.cli import _desk
    from app.services.ereceipts import registration

    fmt = _format(args, ("xml", "pdf"))
    with _desk(args) as desk:
        data = registration(desk, fmt=fmt, change=args.change)
    print(f"Đã ghi tờ khai đăng ký sử dụng biên lai điện tử (Mẫu 01/ĐKTĐ-CTĐT) vào {_write(args.out, data)}.")
    return 0


def cmd_unused_paper(args: argparse.Namespace) -> int:
    from app.cli import _desk
    from app.services.ereceipts import unused_paper

    with _desk(args) as desk:
        ranges = unused_paper(desk)
    if not ranges:
        print("Không còn số biên lai giấy nào chưa dùng.")
        return 0
    print("Số biên lai giấy chưa sử dụng (phải hủy theo Nghị định 254/2026/NĐ-CP, Điều 44):")
    for unused in ranges:
        print(f"  {unused.text}")
    print(f"Tổng cộng: {sum(u.count for u in ranges):,} số.".replace(",", "."))
    return 0


# setup's options -> the settings they fill
SETUP_FIELDS = {"collector_name": "collector_name", "tax_code": "collector_tax_code", "address": "collector_address",
                "phone": "collector_phone", "account": "collector_account", "budget_code": "collector_budget_code",
                "tax_office_code": "tax_office_code", "tax_office_name": "tax_office_name",
                "contact_name": "ereceipt_contact_name", "contact_email": "ereceipt_contact_email",
                "switch_from": "ereceipts_from"}


def _secret(kind: str) -> str:
    """The PKCS#12 password or the token's PIN: from MOTCUA_SIGNER_PASSWORD (scripts), else asked."""
    import getpass
    import os

    if kind == "demo":
        return ""
    return os.environ.get("MOTCUA_SIGNER_PASSWORD") or getpass.getpass("Mật khẩu (mã PIN) của chữ ký số: ")


def cmd_setup(args: argparse.Namespace) -> int:
    from app.cli import _desk
    from app.core.errors import DeskError
    from app.services.clock import show
    from app.services.ereceipts import configure
    from ereceipt.verify import signer_display

    chosen = [(kind, value) for kind, value in (("pkcs12", args.pkcs12), ("pkcs11", args.pkcs11),
                                                ("demo", args.demo)) if value]
    if len(chosen) != 1:
        raise DeskError("Hãy chọn đúng một nguồn chữ ký số: --pkcs12 TỆP, --pkcs11 THƯ_VIỆN hoặc --demo TỆP.")
    kind, where = chosen[0]
    where = where if kind == "pkcs11" else str(Path(where).expanduser().resolve())
    values = {setting: getattr(args, option) for option, setting in SETUP_FIELDS.items()
              if getattr(args, option) is not None}
    secret = _secret(kind)
    with _desk(args, act=True) as desk:  # an officer logs in: changing settings needs the right to
        certificate = configure(desk, signer_kind=kind, signer_path=where, secret=secret,
                                token_label=args.token_label or "", **values)
    print(f"Đã cài đặt chữ ký số cho biên lai điện tử: {signer_display(certificate)}, "
          f"hiệu lực đến {show(certificate.not_valid_after_utc, '%d/%m/%Y')}.")
    return 0


def _local(parser: argparse.ArgumentParser) -> argparse.ArgumentParser:
    """--db and --actor also after the subcommand, as every other command takes them."""
    parser.add_argument("--db", default=argparse.SUPPRESS, help="tệp dữ liệu SQLite")
    parser.add_argument("--actor", default=argparse.SUPPRESS, help=argparse.SUPPRESS)
    return parser


def register(add: AddCommand) -> None:
    """Add this group's subcommands; each sets `run` to a function of the parsed arguments."""
    group = add("ereceipt", "biên lai điện tử: xuất biên lai, chứng thư, bảng tổng hợp, tờ khai, số giấy còn lại")
    sub = group.add_subparsers(dest="ereceipt_command", required=True, metavar="LỆNH")
    p = _local(sub.add_parser("export", help="ghi tệp XML đã ký của một biên lai điện tử"))
    p.add_argument("--latest", action="store_true", help="biên lai điện tử lập gần nhất trên máy này")
    p.add_argument("--series", help="ký hiệu biên lai, ví dụ 27TAA")
    p.add_argument("--number", type=int, help="số biên lai")
    p.add_argument("--out", required=True, help="tệp .xml")
    p.set_defaults(run=cmd_export)
    p = _local(sub.add_parser("cert", help="ghi chứng thư số dùng để ký (PEM)"))
    p.add_argument("--out", required=True, help="tệp .pem")
    p.set_defaults(run=cmd_cert)
    p = _local(sub.add_parser("summary", help="bảng tổng hợp dữ liệu biên lai điện tử của một ngày (Mẫu 01/TH-BLĐT)"))
    p.add_argument("--date", required=True, help="ngày lập, YYYY-MM-DD")
    p.add_argument("--series", help="ký hiệu biên lai, khi ngày đó có nhiều ký hiệu")
    p.add_argument("--format", choices=SUMMARY_FORMATS, help="mặc định theo đuôi tệp --out")
    p.add_argument("--out", required=True)
    p.set_defaults(run=cmd_summary)
    p = _local(sub.add_parser("registration", help="tờ khai đăng ký sử dụng biên lai điện tử (Mẫu 01/ĐKTĐ-CTĐT)"))
    p.add_argument("--format", choices=("xml", "pdf"), help="mặc định theo đuôi tệp --out")
    p.add_argument("--change", action="store_true", help="tờ khai thay đổi thông tin (không phải đăng ký mới)")
    p.add_argument("--out", required=True)
    p.set_defaults(run=cmd_registration)
    p = _local(sub.add_parser("unused-paper", help="các số biên lai giấy chưa dùng, để lập báo cáo hủy"))
    p.set_defaults(run=cmd_unused_paper)
    p = _local(sub.add_parser("setup", help="cài đặt chữ ký số và thông tin đơn vị thu (quản trị)"))
    p.add_argument("--pkcs12", help="tệp chứng thư số .p12/.pfx (mật khẩu cất trong kho mật khẩu của máy)")
    p.add_argument("--pkcs11", help="thư viện PKCS#11 của thiết bị ký số USB")
    p.add_argument("--token-label", help="tên thiết bị ký số, khi cắm nhiều thiết bị")
    p.add_argument("--demo", help="tệp chứng thư thử nghiệm của xã mẫu (không có giá trị pháp lý)")
    for option, label in (("collector-name", "tên đơn vị thu phí"), ("tax-code", "mã số thuế đơn vị thu"),
                          ("address", "địa chỉ đơn vị thu"), ("phone", "điện thoại"), ("account", "số tài khoản"),
                          ("budget-code", "mã đơn vị quan hệ ngân sách (7 ký tự)"),
                          ("tax-office-code", "mã cơ quan thuế quản lý"), ("tax-office-name", "tên cơ quan thuế"),
                          ("contact-name", "người liên hệ"), ("contact-email", "thư điện tử liên hệ"),
                          ("switch-from", "ngày chuyển sớm sang biên lai điện tử, YYYY-MM-DD")):
        p.add_argument(f"--{option}", help=label)
    p.set_defaults(run=cmd_setup)
