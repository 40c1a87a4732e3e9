"""One Desk shared by the GUI thread and the workers: readers take an immutable snapshot that is
swapped whole, so they never wait on the database, never see a gap and never see half a reload."""

import threading
import time
from datetime import date, datetime

from sqlalchemy import delete, event, insert

from app.services.admin import update_settings
from app.services.desk import Desk
from app.services.reception import _in_force
from app.services.settings import load_settings, save_settings
from app.store.engine import open_database
from app.store.models import Holiday, HolidayYear

DAY = date(2026, 12, 4)  # a Friday: a working day unless the holiday table says otherwise
PERIODS = {True: [["07:30", "11:30"], ["13:30", "17:00"]], False: [["07:00", "11:30"], ["13:30", "17:00"]]}


def write_generation(desk: Desk, n: int) -> None:
    """Settings and the holiday table changed in ONE transaction: a snapshot must show both or neither."""
    odd = n % 2 == 1
    with desk.write() as connection:
        save_settings(connection, device_name=f"gen {n}", saturday_counts=odd, working_periods=PERIODS[odd])
        connection.execute(delete(Holiday.__table__).where(Holiday.__table__.c.day == DAY))
        if odd:
            connection.execute(insert(Holiday.__table__).values(day=DAY, kind="off", name=f"gen {n}", source="test"))
    desk.forget_cached()


def check_consistent(desk: Desk) -> None:
    state = desk.state()
    settings, calendar = state.settings, state.calendar
    odd = int(settings.device_name.removeprefix("gen ")) % 2 == 1 if settings.device_name.startswith("gen ") else None
    if odd is None:
        return  # the set-up's own name, before the first generation
    assert calendar.rules.saturday_counts is odd
    assert [[f"{a:%H:%M}", f"{b:%H:%M}"] for a, b in calendar.rules.periods] == PERIODS[odd] == settings.working_periods
    assert calendar.is_working_day(DAY) is not odd
    assert calendar.due_for(datetime(2026, 12, 3, 9, 0), state_legal_time()) is not None


def state_legal_time():
    from app.core.calendar import LegalTime

    return LegalTime("working_days", 3)


def test_many_readers_while_others_write_and_reload_see_whole_snapshots_only(desk):
    desk.load()
    stop, errors = threading.Event(), []

    def guarded(loop):
        def run():
            try:
                while not stop.is_set():
                    loop()
                    time.sleep(0.0005)  # let the writer have the GIL now and then, as real threads would
            except Exception as error:  # reported by the assertion below, with its type
                errors.append(error)
                stop.set()
        return run

    def read_snapshot():
        check_consistent(desk)
        assert desk.settings().agency_id == "000.17.22.H56"  # never a None hole, never a half-built state
        desk.calendar().warning_threshold(datetime(2026, 12, 3, 9, 0))

    def use_memo():  # the reception's memo of the version in force, while the catalogue memo is swapped
        with desk.read() as connection:
            assert _in_force(desk, connection, "2.000815", date(2026, 12, 3)).code == "2.000815"

    readers = [threading.Thread(target=guarded(read_snapshot)) for _ in range(6)]
    readers += [threading.Thread(target=guarded(use_memo)) for _ in range(2)]
    readers.append(threading.Thread(target=guarded(desk.forget_cached)))  # the sync thread's reloads
    for thread in readers:
        thread.start()
    try:
        for n in range(1, 41):
            write_generation(desk, n)
            if stop.is_set():
                break
    finally:
        stop.set()
        for thread in readers:
            thread.join(timeout=30)
    assert not errors, repr(errors[0])
    with desk.read() as connection:
        assert desk.settings() == load_settings(connection)  # the last reload won: no older snapshot on top
    assert desk.settings().device_name == "gen 40" and desk.calendar().is_working_day(DAY)


def count_statements(desk: Desk) -> list[tuple[int, str]]:
    seen: list[tuple[int, str]] = []
    for engine in (desk.db.reader, desk.db.writer):
        event.listen(engine, "before_cursor_execute",
                     lambda conn, cursor, statement, *rest: seen.append((threading.get_ident(), statement)))
    return seen


def test_after_start_up_the_getters_do_no_sql(desk):
    desk.load()
    seen = count_statements(desk)
    for _ in range(50):
        assert desk.settings().agency_id
        desk.calendar().due_for(datetime(2026, 11, 18, 9, 0), state_legal_time())
        desk.state()
        desk.in_force.get(("2.000815", date(2026, 11, 18)))
    assert seen == []
    update_settings(desk, device_name="Máy quầy 2")  # a change rebuilds the snapshot, on the writer's thread
    assert seen and desk.settings().device_name == "Máy quầy 2"


def test_a_new_desk_on_a_file_missing_this_years_table_stores_it_when_published_not_when_read(desk, clock, db_path):
    with desk.write() as connection:
        connection.execute(delete(Holiday.__table__).where(Holiday.__table__.c.day >= date(2028, 1, 1)))
        connection.execute(delete(HolidayYear.__table__).where(HolidayYear.__table__.c.year >= 2028))
    clock.set(datetime(2028, 1, 2, 9, 0))
    later = Desk(open_database(db_path), actor="Cán bộ", clock=clock)
    seen = count_statements(later)
    assert not later.calendar().is_working_day(date(2028, 1, 1))  # New Year, built in memory for the read
    assert not [s for _, s in seen if s.lstrip().upper().startswith(("INSERT", "DELETE", "BEGIN IMMEDIATE"))]
    later.load()  # at open / after a change: the missing years are written, in a write transaction
    with later.read() as connection:
        years = {row.year for row in connection.execute(HolidayYear.__table__.select())}
    assert {2027, 2028, 2029, 2030} <= years
    later.db.dispose()
