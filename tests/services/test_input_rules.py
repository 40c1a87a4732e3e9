"""Input rules live in the services, so the window, the CLI and sync obey them alike (issue 11 §5):
dates typed the ways people type them, a birth date that agrees with the CCCD (an error for a
scanned card, a question for typed input), counts bounded with a confirmation above the usual."""

from dataclasses import replace
from datetime import date

import pytest
from sqlalchemy import func, select

from app.core.errors import IdentityError, ValidationError
from app.core.limits import COUNTS, NeedsConfirmation
from app.services.queries import dossier_detail
from app.services.reception import receive_dossier
from app.services.text_input import parse_birth_date
from app.store.models import Dossier
from tests.helpers.data import CCCD_DUC, birth, copy_cert

# CCCD_DUC = 038 0 90 001234: born in Thanh Hóa (038), a man of the 20th century (0), in 1990 (90).


def dossiers(desk) -> int:
    with desk.read() as c:
        return c.execute(select(func.count()).select_from(Dossier)).scalar()


@pytest.mark.parametrize("typed", ["01/01/1990", "1/1/1990", "01-01-1990", "01.01.1990", "01011990", " 01011990 "])
def test_a_birth_date_is_read_the_ways_people_type_it(typed):
    assert parse_birth_date(typed) == date(1990, 1, 1)


@pytest.mark.parametrize(("typed", "words"), [("31021990", "không phải một ngày có thật"),
                                              ("1990-01-01", "ddmmyyyy"), ("0101990", "ddmmyyyy")])
def test_a_date_that_is_not_one_is_refused_with_the_forms_it_accepts(typed, words):
    with pytest.raises(ValidationError) as caught:
        parse_birth_date(typed)
    assert words in caught.value.message and caught.value.field == "owner_birth_date"


def test_a_birth_date_in_the_future_is_refused_and_nothing_is_written(desk):
    with pytest.raises(ValidationError) as caught:
        receive_dossier(desk, birth(owner_birth_date=date(2030, 1, 1)))
    assert caught.value.field == "owner_birth_date" and "sau ngày hôm nay" in caught.value.message
    assert dossiers(desk) == 0


def test_typed_input_that_disagrees_with_the_cccd_is_asked_once_then_received(desk):
    form = birth(owner_id_number=CCCD_DUC, owner_birth_date=date(1991, 5, 2), owner_sex="Nữ")
    with pytest.raises(NeedsConfirmation) as caught:
        receive_dossier(desk, form)
    message = caught.value.message
    assert caught.value.key == "cccd_mismatch" and caught.value.field == "cccd"
    assert "năm sinh 1990" in message and "02/05/1991" in message and "người nam" in message
    assert dossiers(desk) == 0
    got = receive_dossier(desk, replace(form, confirmed=frozenset({"cccd_mismatch"})))
    assert dossier_detail(desk, got.uid)["dossier"]["owner_birth_date"] == date(1991, 5, 2)


def test_a_scanned_card_that_disagrees_is_an_error_not_a_question(desk):
    form = birth(owner_id_number=CCCD_DUC, owner_birth_date=date(1991, 5, 2), scanned=True,
                 confirmed=frozenset({"cccd_mismatch"}))
    with pytest.raises(IdentityError):
        receive_dossier(desk, form)
    assert dossiers(desk) == 0


def test_an_agreeing_cccd_birth_date_and_sex_pass_without_a_question(desk):
    receive_dossier(desk, birth(owner_id_number=CCCD_DUC, owner_birth_date=date(1990, 3, 12), owner_sex="Nam"))
    assert dossiers(desk) == 1


@pytest.mark.parametrize("key", ["pages", "copies"])
def test_counts_above_the_usual_need_a_confirmation_and_above_the_most_are_refused(desk, key):
    limit = COUNTS[key]
    usual = copy_cert(**{key: limit.confirm_above})
    receive_dossier(desk, usual)
    with pytest.raises(NeedsConfirmation) as caught:
        receive_dossier(desk, copy_cert(**{key: limit.confirm_above + 1}))
    assert caught.value.key == key and str(limit.confirm_above + 1) in caught.value.message
    receive_dossier(desk, copy_cert(**{key: limit.confirm_above + 1}, confirmed=frozenset({key})))
    with pytest.raises(ValidationError) as refused:
        receive_dossier(desk, copy_cert(**{key: limit.most + 1}, confirmed=frozenset({key})))
    assert not isinstance(refused.value, NeedsConfirmation) and f"1 đến {limit.most}" in refused.value.message
    assert dossiers(desk) == 2


def test_9999_copies_is_no_longer_a_silent_49995000_dong(desk):
    with pytest.raises(ValidationError):
        receive_dossier(desk, copy_cert(copies=9999, confirmed=frozenset({"copies"})))
    assert dossiers(desk) == 0
