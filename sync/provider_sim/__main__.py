"""Runs the provider simulator on its own, for a demo or a manual test:

    .venv/bin/python -m sync.provider_sim --port 8480 --register 2800123456=cert.pem
"""

from __future__ import annotations

import argparse
from pathlib import Path

from cryptography import x509


def main(argv: list[str] | None = None) -> None:
    import uvicorn

    from sync.provider_sim.app import SimState, create_app

    parser = argparse.ArgumentParser(prog="python -m sync.provider_sim",
                                     description="Mô phỏng tổ chức truyền nhận dữ liệu biên lai điện tử")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8480)
    parser.add_argument("--register", action="append", default=[], metavar="MST=CERT.pem",
                        help="the certificate a collector registered (Mẫu 01/ĐKTĐ-CTĐT); repeatable")
    args = parser.parse_args(argv)
    state = SimState()
    for item in args.register:
        tax_code, _, path = item.partition("=")
        state.registered[tax_code] = x509.load_pem_x509_certificate(Path(path).read_bytes())
    uvicorn.run(create_app(state), host=args.host, port=args.port, log_level="info")


if __name__ == "__main__":
    main()
