"""A private PostgreSQL cluster for the hub's tests (shared/env.md): initdb in a temporary folder
owned by the postgres user, a free port, a socket folder of its own; the system cluster untouched."""

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import uuid


def _bin(name: str) -> str:
    found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    if not found:
        raise RuntimeError("PostgreSQL is not installed: run scripts/setup.sh (it installs the postgresql package)")
    return found[-1]


class Cluster:
    def __init__(self) -> None:
        self.folder = tempfile.mkdtemp(prefix="motcua-pg-")
        user = pwd.getpwnam("postgres")
        os.chown(self.folder, user.pw_uid, user.pw_gid)
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        self._as_postgres(f"{_bin('initdb')} -D {self.folder}/data -U postgres --auth=trust -E UTF8 "
                          f"--locale=C.UTF-8 >/dev/null")
        self._as_postgres(f"{_bin('pg_ctl')} -D {self.folder}/data -o '-p {self.port} -k {self.folder} "
                          f"-c listen_addresses=127.0.0.1 -c fsync=off' -l {self.folder}/log -w start >/dev/null")

    def _as_postgres(self, command: str) -> None:
        subprocess.run(["su", "postgres", "-c", command], check=True)

    def new_database(self) -> str:
        name = f"hub_{uuid.uuid4().hex[:10]}"
        subprocess.run([shutil.which("psql") or _bin("psql"), "-h", "127.0.0.1", "-p", str(self.port), "-U",
                        "postgres", "-c", f"CREATE DATABASE {name}"], check=True, capture_output=True)
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{name}"

    def stop(self) -> None:
        self._as_postgres(f"{_bin('pg_ctl')} -D {self.folder}/data -m immediate stop >/dev/null")
        shutil.rmtree(self.folder, ignore_errors=True)
