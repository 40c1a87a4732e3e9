"""The `motcua` command: set-up, scripted imports, look-ups, self-test, and launching the desk."""

from __future__ import annotations

import argparse
import importlib
import json
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime
from pathlib import Path
from typing import Any

from app.core.errors import DeskError
from app.core.identity import parse_cccd_qr
from app.core.money import format_vnd
from app.logs import configure as configure_logging
from app.paths import default_db, demo_db
from app.services.catalogue import version_in_force
from app.services.clock import LOCAL_ZONE, show, to_local
from app.services.commune import CommuneSetup, init_commune
from app.services.desk import Desk
from app.services.reception import DocumentInput, ReceptionInput, receive_dossier
from app.store.engine import open_database
from app.store.instance_lock import AlreadyOpen, InstanceLock

# Command groups with a module of their own (one job each): each module's register(add) adds its subcommands.
COMMAND_GROUPS = ("app.cli_ereceipt", "app.cli_officers", "app.cli_audit", "app.cli_backup", "app.cli_report")

WEEKDAYS = ["Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy", "Chủ nhật"]


# One message for every command refused beside an open desk (README: "What may run beside an open desk").
DESK_IS_OPEN = (
    "Tệp dữ liệu {path} đang mở trong cửa sổ làm việc của phần mềm Một cửa (hoặc trong một lệnh motcua "
    "khác). Lệnh này không chạy bên cạnh cửa sổ đang mở vì có thể làm mất hồ sơ vừa tiếp nhận: hãy làm "
    "việc này ngay trên cửa sổ đang mở, hoặc đóng cửa sổ đó rồi chạy lại lệnh."
)


@contextmanager
def _alone_on(path: Path) -> Iterator[None]:
    """Hold the desk's instance lock for as long as this command has the database open.

    Another process opening the file beside a desk whose POSIX locks were dropped (a file dialog
    in the desk opened and closed the file) would take itself for the last connection and delete
    the write-ahead log the desk still writes to (shared/domain.md §13.5). Trying the lock touches
    only `<db>.lock`, never the database, and a failed try leaves the desk's lock in place.
    Release comes after the caller closed every connection.
    """
    try:
        lock = InstanceLock(path).acquire()
    except AlreadyOpen:
        raise DeskError(DESK_IS_OPEN.format(path=path.expanduser().resolve())) from None
    try:
        yield
    finally:
        lock.release()


@contextmanager
def _desk(args: argparse.Namespace, *, act: bool = False) -> Iterator[Desk]:
    """The user's existing database, alone: refused while a desk (or another command) has it.

    A command that writes passes `act=True`: the officer named by `--user` logs in (password from
    MOTCUA_PASSWORD or a prompt) and the services check their roles. Without a login the desk
    refuses every act (issue 9)."""
    path = Path(args.db)
    if not path.exists():
        raise DeskError(f"Chưa có tệp dữ liệu {path}. Hãy chạy «motcua init» trước.")
    with _alone_on(path):
        database = open_database(path)
        try:
            desk = Desk(database, actor="", trusted=False)
            if act:
                from app.cli_officers import sign_in

                sign_in(desk, args)
            yield desk
        finally:
            database.dispose()


@contextmanager
def _reference_desk(args: argparse.Namespace) -> Iterator[Desk]:
    """The user's database if there is one, else the shipped catalogue and calendar."""
    if Path(args.db).exists():
        with _desk(args) as desk:
            yield desk
        return
    with tempfile.TemporaryDirectory() as folder:
        desk = Desk(open_database(Path(folder) / "reference.sqlite", synchronous="OFF"), actor="")
        init_commune(desk, CommuneSetup("000.00.00.A00", "Xã mẫu"))
        yield desk
        desk.db.dispose()


def cmd_init(args: argparse.Namespace) -> int:
    path = Path(args.db)
    path.parent.mkdir(parents=True, exist_ok=True)  # the lock file goes beside the database
    with _alone_on(path):
        database = open_database(path)
        try:
            desk = Desk(database, actor="")
            from app.cli_officers import sign_in_if_accounts

            sign_in_if_accounts(desk, args)  # a new file has no accounts yet: its set-up is the first act
            init_commune(desk, CommuneSetup(args.agency_id, args.commune, args.workstation, args.agency_name or "",
                                            args.place or ""))
            settings = desk.settings()
        finally:
            database.dispose()
    print(f"Đã khởi tạo {settings.commune_name} (mã {settings.agency_id}), "
          f"máy trạm số {settings.workstation_no}: {database.path}")
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    from app.services.demo import build_demo

    path = Path(args.db)
    path.parent.mkdir(parents=True, exist_ok=True)
    with _alone_on(path):  # rebuilding deletes the file and its log: never under an open desk
        build_demo(path, days=args.days)
    print(f"Đã tạo xã mẫu: {path}")
    return 0


def _reception_from_json(item: dict[str, Any]) -> ReceptionInput:
    data = dict(item)
    qr = data.pop("qr", None)
    if qr:
        card = parse_cccd_qr(qr)
        # Read from the card (not overridden): a mismatch is an error, never a question (issue 11 §5).
        data.setdefault("scanned", not {"owner_id_number", "owner_birth_date", "owner_sex"} & set(data))
        data.setdefault("owner_name", card.full_name)
        data.setdefault("owner_id_number", card.number)
        data.setdefault("owner_birth_date", card.birth_date.isoformat())
        data.setdefault("owner_sex", card.sex)
        data.setdefault("owner_address", card.address)
    if data.get("owner_birth_date"):
        data["owner_birth_date"] = date.fromisoformat(data["owner_birth_date"])
    if "documents" in data:
        data["documents"] = tuple(DocumentInput(**d) for d in data["documents"])
    data["confirmed"] = frozenset(data.get("confirmed") or ())  # e.g. ["copies", "cccd_mismatch"]
    try:
        return ReceptionInput(**data)
    except TypeError as error:
        raise DeskError(f"Dữ liệu hồ sơ có trường không hợp lệ: {error}") from None


def cmd_receive(args: argparse.Namespace) -> int:
    from app.core.limits import NeedsConfirmation

    source = sys.stdin if args.json == "-" else open(args.json, encoding="utf-8")
    with source:
        loaded = json.load(source)
    items = loaded if isinstance(loaded, list) else [loaded]
    failed = 0
    with _desk(args, act=True) as desk:
        for index, item in enumerate(items, start=1):
            try:
                got = receive_dossier(desk, _reception_from_json(item))
                print(f"{got.code}\thẹn trả {show(got.due_at)}\tphí {format_vnd(got.fee_amount)}")
            except DeskError as error:
                failed += 1
                how = f' (đã kiểm tra và đúng: thêm "confirmed": ["{error.key}"] vào hồ sơ này)' \
                    if isinstance(error, NeedsConfirmation) else ""
                print(f"Hồ sơ thứ {index}: {error.message}{how}", file=sys.stderr)
    return 1 if failed else 0


def cmd_search(args: argparse.Namespace) -> int:
    from app.services.queries import search_dossiers

    with _desk(args) as desk:
        rows = search_dossiers(desk, args.query, limit=args.limit)
    for row in rows:
        print(f"{row.code}\t{row.owner_name}\t{row.procedure_name}\t{row.status.label}\thẹn {show(row.due_at)}")
    return 0


def _parse_received(text: str) -> datetime:
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise DeskError("Thời điểm nhận phải theo dạng ISO, ví dụ 2026-11-18T15:30.") from None
    return moment.replace(tzinfo=LOCAL_ZONE) if moment.tzinfo is None else moment


def cmd_due_date(args: argparse.Namespace) -> int:
    received = _parse_received(args.received)
    with _reference_desk(args) as desk:
        with desk.read() as connection:
            procedure = version_in_force(connection, args.procedure, to_local(received).date())
        due = desk.calendar().due_for(to_local(received), procedure.legal_time)
    print(f"{procedure.name} ({procedure.legal_time.describe()})")
    print(f"Nhận: {to_local(received):%H:%M %d/%m/%Y}")
    print(f"Hạn trả kết quả: {due:%H:%M} {WEEKDAYS[due.weekday()]} {due:%d/%m/%Y}")
    return 0


def cmd_fee(args: argparse.Namespace) -> int:
    from app.core.fees import compute_fee

    with _reference_desk(args) as desk, desk.read() as connection:
        procedure = version_in_force(connection, args.procedure, to_local(desk.now()).date())
    quote = compute_fee(procedure.fee_rule, pages=args.pages, copies=args.copies, exemption=args.exemption)
    print(f"{procedure.name}: {format_vnd(quote.amount)} ({quote.detail})")
    return 0


def cmd_enroll(args: argparse.Namespace) -> int:
    from app.sync.client import enroll

    with _desk(args, act=True) as desk:
        got = enroll(desk, args.hub, args.code, args.name or desk.settings().device_name)
    print(f"Đã đăng ký với hệ thống cấp trên: {got.commune_name} ({got.agency_id}), máy trạm số {got.workstation_no}.")
    return 0


def cmd_sync(args: argparse.Namespace) -> int:
    from app.sync.client import SyncClient

    with _desk(args) as desk:
        result = SyncClient(desk).round()
    if result.problem:
        print(result.problem, file=sys.stderr)
        return 1
    print(f"Đã gửi {result.pushed} thay đổi, nhận {result.pulled} thay đổi; bị từ chối {result.rejected}.")
    return 0


def cmd_self_test(args: argparse.Namespace) -> int:
    from app.selftest import run_self_test

    return run_self_test()


def cmd_desk(args: argparse.Namespace) -> int:
    from app.__main__ import launch

    return launch(Path(args.db), demo=False)


def build_parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--db", default=argparse.SUPPRESS, help="tệp dữ liệu SQLite")
    common.add_argument("--user", default=argparse.SUPPRESS,
                        help="tên đăng nhập của cán bộ, cho lệnh ghi dữ liệu (mật khẩu: hỏi khi chạy hoặc biến "
                             "môi trường MOTCUA_PASSWORD)")
    parser = argparse.ArgumentParser(prog="motcua", description="Phần mềm Bộ phận Một cửa cấp xã", parents=[common])
    sub = parser.add_subparsers(dest="command", required=True)

    def add(name: str, help_text: str) -> argparse.ArgumentParser:
        return sub.add_parser(name, help=help_text, parents=[common])

    p = add("init", "khởi tạo cơ sở dữ liệu của xã")
    p.add_argument("--agency-id", required=True, help="mã định danh cơ quan, dạng NNN.NN.NN.Xnn")
    p.add_argument("--commune", required=True, help="tên xã, phường, ví dụ «Xã Quảng Phú»")
    p.add_argument("--workstation", type=int, default=1, help="số máy trạm 1–9")
    p.add_argument("--agency-name")
    p.add_argument("--place", help="địa danh ghi trên giấy tờ")
    p.set_defaults(run=cmd_init)
    p = add("demo", "tạo xã mẫu với một năm hồ sơ")
    p.add_argument("--days", type=int, default=365)
    p.set_defaults(run=cmd_demo)
    p = add("receive", "tiếp nhận hồ sơ từ tệp JSON (- là đầu vào chuẩn)")
    p.add_argument("json")
    p.set_defaults(run=cmd_receive)
    p = add("search", "tìm hồ sơ theo tên, số CCCD, điện thoại, mã hồ sơ")
    p.add_argument("query")
    p.add_argument("--limit", type=int, default=20)
    p.set_defaults(run=cmd_search)
    p = add("due-date", "tính ngày hẹn trả")
    p.add_argument("--procedure", required=True, help="mã thủ tục (MaTTHC)")
    p.add_argument("--received", required=True, help="thời điểm nhận, ISO: 2026-11-18T15:30")
    p.set_defaults(run=cmd_due_date)
    p = add("fee", "tính phí, lệ phí")
    p.add_argument("--procedure", required=True)
    p.add_argument("--pages", type=int, default=1)
    p.add_argument("--copies", type=int, default=1)
    p.add_argument("--exemption")
    p.set_defaults(run=cmd_fee)
    add("self-test", "tự kiểm tra").set_defaults(run=cmd_self_test)
    p = add("enroll", "đăng ký máy trạm với hệ thống cấp trên bằng mã một lần")
    p.add_argument("--hub", required=True, help="địa chỉ hệ thống cấp trên, ví dụ http://10.0.0.5:8470")
    p.add_argument("--code", required=True, help="mã đăng ký do quản trị cấp trên cấp (dùng trong 10 phút)")
    p.add_argument("--name", help="tên máy trạm")
    p.set_defaults(run=cmd_enroll)
    add("sync", "đồng bộ ngay một lượt").set_defaults(run=cmd_sync)
    add("desk", "mở cửa sổ làm việc").set_defaults(run=cmd_desk)
    for group in COMMAND_GROUPS:
        importlib.import_module(group).register(add)
    return parser


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    configure_logging()  # once per process; the desk's `python -m app` entry point may have done it already
    parser = build_parser()
    args = parser.parse_args(argv)
    if not hasattr(args, "db"):
        args.db = str(demo_db() if args.command == "demo" else default_db())
    if not hasattr(args, "user"):
        args.user = ""
    try:
        return args.run(args)
    except DeskError as error:
        print(f"Lỗi: {error.message}", file=sys.stderr)
        return 2
    except json.JSONDecodeError as error:
        print(f"Lỗi: tệp JSON không đọc được ({error.msg}, dòng {error.lineno}).", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
