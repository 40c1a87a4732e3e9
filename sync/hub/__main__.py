"""`python -m sync.hub`: run the reference upstream server and administer it.

    python -m sync.hub serve [--db URL] [--host 127.0.0.1] [--port 8470] [--workers N] [--transmit-to PROVIDER_URL]
    python -m sync.hub transmit --provider URL [--once]   # e-receipts to the tax authority's provider
    python -m sync.hub create-code --agency-id 000.17.22.H56 --commune "Xã Quảng Phú" --workstation 2
    python -m sync.hub devices
    python -m sync.hub revoke DEVICE_ID
"""

from __future__ import annotations

import argparse
import sys

from app.core.errors import DeskError
from sync.hub.admin import allot, create_enroll_code, list_devices, revoke
from sync.hub.store import open_hub

DEFAULT_DB = "sqlite:///hub.sqlite"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m sync.hub", description="Máy chủ đồng bộ cấp trên (hub)")
    parser.add_argument("--db", default=DEFAULT_DB, help="SQLAlchemy URL: sqlite:///hub.sqlite or postgresql+psycopg://…")
    sub = parser.add_subparsers(dest="command", required=True)
    serve = sub.add_parser("serve", help="chạy máy chủ")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8470)
    serve.add_argument("--blobs", default="hub-blobs", help="thư mục lưu tệp đính kèm (bản quét)")
    serve.add_argument("--workers", type=int, default=1, help="số tiến trình xử lý cùng một địa chỉ (cấp tỉnh: "
                                                              "PostgreSQL và 2–4 tiến trình mỗi lõi CPU)")
    serve.add_argument("--max-pushes", type=int, default=2, help="số lần gửi lên mỗi tiến trình xử lý cùng lúc; "
                                                                     "quá số đó (và hàng chờ ngắn) máy chủ trả 503 "
                                                                     "kèm Retry-After")
    serve.add_argument("--max-pulls", type=int, default=4, help="số lần tải về mỗi tiến trình xử lý cùng lúc")
    serve.add_argument("--transmit-to", metavar="URL", help="hub nhỏ: gửi biên lai điện tử ngay trong tiến trình "
                                                              "này tới tổ chức truyền nhận ở địa chỉ URL")
    serve.add_argument("--transmit-interval", type=float, default=30.0, help="số giây giữa hai lượt gửi (mặc định 30)")
    transmit = sub.add_parser("transmit", help="gửi biên lai điện tử và thông báo sai sót tới tổ chức truyền nhận")
    transmit.add_argument("--provider", required=True, metavar="URL", help="địa chỉ API của tổ chức truyền nhận")
    transmit.add_argument("--once", action="store_true", help="gửi một lượt rồi dừng")
    transmit.add_argument("--interval", type=float, default=30.0, help="số giây giữa hai lượt (mặc định 30)")
    transmit.add_argument("--batch", type=int, default=100, help="số chứng từ mỗi thông điệp (mặc định 100)")
    transmit.add_argument("--sender", default="MOTCUAHUB01", help="mã hệ thống gửi (MNGui)")
    transmit.add_argument("--attempts", type=int, default=6, help="số lần thử mỗi bước khi tổ chức truyền nhận "
                                                                  "gián đoạn, chờ tăng dần (mặc định 6)")
    code = sub.add_parser("create-code", help="tạo mã đăng ký một lần (10 phút) cho một máy trạm")
    code.add_argument("--agency-id", required=True)
    code.add_argument("--commune", required=True)
    code.add_argument("--workstation", type=int, required=True)
    sub.add_parser("devices", help="liệt kê máy trạm")
    admin_token = sub.add_parser("create-admin-token", help="tạo mã quản trị cho API quản trị (chỉ hiện một lần)")
    admin_token.add_argument("--name", required=True, help="người hoặc công cụ dùng mã này")
    range_ = sub.add_parser("allot", help="cấp dải số biên lai cho một máy trạm")
    range_.add_argument("--agency-id", required=True)
    range_.add_argument("--commune", default="", help="tên xã, nếu xã chưa có trên hệ thống")
    range_.add_argument("--workstation", type=int, required=True)
    range_.add_argument("--kind", choices=["paper", "electronic"], required=True)
    range_.add_argument("--template", required=True, help="ký hiệu mẫu, ví dụ EBL01")
    range_.add_argument("--series", required=True, help="ký hiệu biên lai, ví dụ 27TAA")
    range_.add_argument("--first", type=int, required=True)
    range_.add_argument("--last", type=int, required=True)
    out = sub.add_parser("export", help="xuất hồ sơ theo bộ trường của Cổng DVCQG (JSON)")
    out.add_argument("--agency-id", required=True)
    out.add_argument("--from", dest="first", required=True, help="ngày nhận đầu, yyyy-mm-dd")
    out.add_argument("--to", dest="last", required=True, help="ngày nhận cuối, yyyy-mm-dd")
    out.add_argument("--out", required=True, help="tệp JSON")
    step = sub.add_parser("upstream-event", help="ghi một bước xử lý của cấp trên (liên thông) cho một hồ sơ")
    step.add_argument("--code", required=True, help="mã hồ sơ")
    step.add_argument("--kind", required=True, choices=["forwarded", "supplement_requested", "finished", "stopped"])
    step.add_argument("--actor", required=True, help="người / đơn vị xử lý ở cấp trên")
    step.add_argument("--note", default="")
    proc = sub.add_parser("publish-procedure", help="công bố phiên bản mới của một thủ tục (JSON như danh mục)")
    proc.add_argument("file")
    proc.add_argument("--agency-id", help="chỉ gửi cho một xã (mặc định: mọi xã)")
    day = sub.add_parser("publish-day", help="công bố ngày nghỉ / ngày làm bù / bỏ một ngày")
    day.add_argument("--date", required=True)
    day.add_argument("--kind", choices=["off", "work", "clear"], required=True)
    day.add_argument("--name", default="")
    day.add_argument("--agency-id")
    reset = sub.add_parser("reset-password", help="cấp lại mật khẩu cho một cán bộ của xã (phải đổi khi đăng nhập)")
    reset.add_argument("--agency-id", required=True)
    reset.add_argument("--username", required=True, help="tên đăng nhập của cán bộ")
    reset.add_argument("--admin", default="quản trị cấp trên", help="người cấp lại (ghi vào nhật ký)")
    officers = sub.add_parser("officers", help="liệt kê tài khoản cán bộ của một xã")
    officers.add_argument("--agency-id", required=True)
    gone = sub.add_parser("revoke", help="thu hồi quyền đồng bộ của một máy trạm")
    gone.add_argument("device_id")
    args = parser.parse_args(argv)
    engine = open_hub(args.db)
    try:
        if args.command == "serve":
            from pathlib import Path

            import uvicorn

            from sync.hub.admission import KEEP_ALIVE_S, PULLS_VARIABLE, PUSHES_VARIABLE, policy
            from sync.hub.api import create_app

            if args.transmit_to:
                from sync.hub.ereceipts import start_in_process

                start_in_process(engine, args.transmit_to, interval=args.transmit_interval)
            if args.workers > 1:  # each worker makes its own app (sync/hub/asgi.py); migrated once, above
                import os

                from sync.hub.asgi import BLOBS_VARIABLE, DB_VARIABLE

                os.environ[DB_VARIABLE], os.environ[BLOBS_VARIABLE] = args.db, str(Path(args.blobs).resolve())
                os.environ[PUSHES_VARIABLE], os.environ[PULLS_VARIABLE] = str(args.max_pushes), str(args.max_pulls)
                engine.dispose()
                uvicorn.run("sync.hub.asgi:app", factory=True, workers=args.workers, host=args.host, port=args.port,
                            log_level="info", timeout_keep_alive=KEEP_ALIVE_S)
            else:
                uvicorn.run(create_app(engine, Path(args.blobs), policy(args.max_pushes, args.max_pulls)),
                            host=args.host, port=args.port, log_level="info", timeout_keep_alive=KEEP_ALIVE_S)
        elif args.command == "transmit":
            from sync.hub.ereceipts import TransmitSettings, run_command
            from sync.hub.transmit import RetryPolicy

            settings = TransmitSettings(sender=args.sender, batch_size=max(1, args.batch),
                                        policy=RetryPolicy(attempts=max(1, args.attempts)))
            return run_command(engine, args.provider, once=args.once, interval=args.interval, settings=settings)
        elif args.command == "create-code":
            code_text = create_enroll_code(engine, args.agency_id, args.commune, args.workstation)
            print(f"Mã đăng ký cho máy trạm số {args.workstation} của {args.commune}: {code_text} (dùng trong 10 phút)")
        elif args.command == "create-admin-token":
            from sync.hub.admin import create_admin_token

            print(create_admin_token(engine, args.name))
        elif args.command == "devices":
            for d in list_devices(engine):
                state = "đã thu hồi" if d.revoked_at else "hoạt động"
                print(f"{d.id}\t{d.agency_id}\tmáy trạm {d.workstation_no}\t{d.name}\t{state}")
        elif args.command == "allot":
            from app.core.receipts import SeriesSpec

            spec = SeriesSpec(args.kind, args.template, args.series, args.first, args.last)
            allot(engine, args.agency_id, args.workstation, spec, args.commune)
            print(f"Đã cấp dải {args.template} {args.series} số {args.first}–{args.last} "
                  f"cho máy trạm {args.workstation}.")
        elif args.command == "export":
            import json
            from datetime import date

            from sync.hub.export import dvcqg_export

            body = dvcqg_export(engine, args.agency_id, date.fromisoformat(args.first), date.fromisoformat(args.last))
            with open(args.out, "w", encoding="utf-8") as handle:
                json.dump(body, handle, ensure_ascii=False, indent=1)
            print(f"Đã xuất {len(body['data'])} hồ sơ vào {args.out}.")
        elif args.command == "upstream-event":
            from app.core.lifecycle import Action
            from sync.hub.upstream import record_upstream_event

            details = {"note": args.note, "reason": args.note} if args.note else {}
            record_upstream_event(engine, args.code, Action(args.kind), actor=args.actor, details=details)
            print(f"Đã ghi bước «{args.kind}» cho hồ sơ {args.code}; các máy trạm của xã nhận ở lần đồng bộ sau.")
        elif args.command == "publish-procedure":
            import json

            from sync.hub.publish import publish_procedure

            with open(args.file, encoding="utf-8") as handle:
                count = publish_procedure(engine, json.load(handle), args.agency_id)
            print(f"Đã công bố cho {count} xã.")
        elif args.command == "publish-day":
            from datetime import date

            from sync.hub.publish import publish_day

            count = publish_day(engine, date.fromisoformat(args.date), args.kind, args.name, args.agency_id)
            print(f"Đã công bố cho {count} xã.")
        elif args.command == "reset-password":
            from sync.hub.officers import reset_password

            password = reset_password(engine, args.agency_id, args.username, args.admin)
            print(f"Mật khẩu tạm của {args.username}: {password}\nCán bộ đăng nhập bằng mật khẩu này (sau lần đồng bộ "
                  "tới của máy trạm) rồi đặt mật khẩu mới. Mật khẩu tạm chỉ hiện lần này.")
        elif args.command == "officers":
            from sync.hub.officers import list_officers

            for o in list_officers(engine, args.agency_id):
                state = "hoạt động" if o["active"] else "ngừng"
                print(f"{o['username']}\t{o['full_name']}\t{', '.join(o['roles'])}\t{state}")
        elif args.command == "revoke":
            revoke(engine, args.device_id)
            print("Đã thu hồi.")
    except DeskError as error:
        print(f"Lỗi: {error.message}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
