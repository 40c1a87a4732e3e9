"""`python -m app`: the desk window. `--demo` opens (and on first run builds) the demo commune."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from app.logs import configure as configure_logging
from app.paths import default_db, demo_db


def launch(path: Path, *, demo: bool, screenshot: Path | None = None, probe: bool = False) -> int:
    from app.services.desk import Desk
    from app.store.engine import open_database

    if demo and not path.exists():
        from app.services.demo import build_demo

        print("Đang tạo xã mẫu (một năm hồ sơ) cho lần chạy đầu tiên…", flush=True)
        build_demo(path)
    if not path.exists():  # a new commune: the window's first run leads through setting it up
        path.parent.mkdir(parents=True, exist_ok=True)
    from app.core.errors import DeskError
    from app.store.instance_lock import InstanceLock
    from app.ui.app import run, tell

    try:
        lock = InstanceLock(path).acquire()
    except DeskError as error:
        tell(error.message)
        return 3
    try:
        return run(Desk(open_database(path), actor=""), screenshot=screenshot, probe=probe, demo=demo)
    finally:
        lock.release()


CLI_COMMANDS = {"init", "demo", "receive", "search", "due-date", "fee", "self-test", "desk", "enroll", "sync",
                "officer"}


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    configure_logging()  # once, before anything can fail: errors of the desk land in the per-user log file
    if any(arg in CLI_COMMANDS for arg in argv):
        # The bundle has one executable: `motcua self-test` and friends go to the command line.
        from app.cli import main as cli_main

        return cli_main(argv)
    parser = argparse.ArgumentParser(prog="python -m app", description="Mở cửa sổ Bộ phận Một cửa")
    parser.add_argument("--demo", action="store_true", help="mở xã mẫu (tạo ở lần chạy đầu)")
    parser.add_argument("--db", help="tệp dữ liệu SQLite")
    parser.add_argument("--screenshot", type=Path, help="lưu ảnh cửa sổ rồi thoát (cho tài liệu)")
    parser.add_argument("--probe", action="store_true", help="in «ready» khi cửa sổ sẵn sàng rồi thoát (đo khởi động)")
    args = parser.parse_args(argv)
    path = Path(args.db) if args.db else (demo_db() if args.demo else default_db())
    return launch(path, demo=args.demo, screenshot=args.screenshot, probe=args.probe)


if __name__ == "__main__":
    sys.exit(main())
