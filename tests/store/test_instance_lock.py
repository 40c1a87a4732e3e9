import pytest

from app.store.instance_lock import AlreadyOpen, InstanceLock


def test_a_second_desk_on_the_same_file_is_refused(tmp_path):
    first = InstanceLock(tmp_path / "xa.sqlite").acquire()
    with pytest.raises(AlreadyOpen, match="đang mở tệp dữ liệu này"):
        InstanceLock(tmp_path / "xa.sqlite").acquire()
    InstanceLock(tmp_path / "other.sqlite").acquire().release()  # another file is fine
    first.release()
    InstanceLock(tmp_path / "xa.sqlite").acquire().release()  # free again once released
