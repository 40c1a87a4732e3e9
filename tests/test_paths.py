"""The database lives in the per-user data folder (where nobody browses), unless MOTCUA_DB says otherwise."""

import platformdirs

from app import paths


def test_the_default_database_is_in_the_per_user_data_folder(tmp_path, monkeypatch):
    monkeypatch.delenv("MOTCUA_DB", raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    assert paths.data_dir() == platformdirs.user_data_path(paths.APP_NAME, appauthor=False)
    assert paths.default_db() == tmp_path / "data" / "motcua" / "motcua.sqlite"
    assert paths.demo_db() == tmp_path / "data" / "motcua" / "demo.sqlite"


def test_motcua_db_still_chooses_the_file(tmp_path, monkeypatch):
    monkeypatch.setenv("MOTCUA_DB", str(tmp_path / "xa.sqlite"))
    assert paths.default_db() == tmp_path / "xa.sqlite"
