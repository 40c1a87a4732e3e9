"""A keyring kept in a JSON file, for the `motcua` processes a test starts (an in-memory keyring
does not cross a process boundary and no OS credential store runs here). Chosen in the child with
PYTHON_KEYRING_BACKEND=tests.helpers.keyring_file.FileKeyring and MOTCUA_TEST_KEYRING=<file>.
Never shipped: it stores secrets in clear, which is why the desk itself never uses one."""

import json
import os
from pathlib import Path

from keyring.backend import KeyringBackend


class FileKeyring(KeyringBackend):
    priority = 1

    @property
    def path(self) -> Path:
        return Path(os.environ["MOTCUA_TEST_KEYRING"])

    def _load(self) -> dict:
        return json.loads(self.path.read_text(encoding="utf-8")) if self.path.exists() else {}

    def get_password(self, service, username):
        return self._load().get(f"{service}\n{username}")

    def set_password(self, service, username, password):
        data = self._load()
        data[f"{service}\n{username}"] = password
        self.path.write_text(json.dumps(data), encoding="utf-8")

    def delete_password(self, service, username):
        data = self._load()
        data.pop(f"{service}\n{username}", None)
        self.path.write_text(json.dumps(data), encoding="utf-8")
