from datetime import date, datetime

import pytest

from app.core.codes import dossier_code, parse_dossier_code, validate_agency_id
from app.core.errors import ConfigurationError, NumberingError, TransitionError, ValidationError
from app.core.fees import compute_fee, parse_fee_rule
from app.core.lifecycle import (
    Action,
    DeadlineState,
    Outcome,
    Status,
    allowed_actions,
    check_transition,
    deadline_state,
    outcome,
)

COPY_RULE = parse_fee_rule({"kind": "page_tiers", "name": "Phí chứng thực bản sao",
                            "tiers": [{"from": 1, "amount": 2000}, {"from": 3, "amount": 1000}],
                            "cap_per_copy": 200000})


def test_dossier_code_partition_by_workstation():
    day = date(2021, 5, 31)
    assert str(dossier_code("000.17.22.H56", day, 1, 1)) == "000.17.22.H56-210531-1001"
    assert str(dossier_code("000.17.22.H56", day, 9, 999)) == "000.17.22.H56-210531-9999"
    codes = {str(dossier_code("000.17.22.H56", day, k, n)) for k in range(1, 10) for n in range(1, 1000)}
    assert len(codes) == 9 * 999  # no collision between workstations


def test_the_thousandth_dossier_is_a_clear_error():
    with pytest.raises(NumberingError, match="999"):
        dossier_code("000.17.22.H56", date(2026, 1, 5), 3, 1000)


@pytest.mark.parametrize("bad", ["000.17.22.56", "00.17.22.H56", "000-17-22-H56", "", "G09.20"])
def test_agency_id_shape(bad):
    with pytest.raises(ValidationError):
        validate_agency_id(bad)


def test_agency_id_normalised_and_code_parsed_back():
    assert validate_agency_id(" 000.00.14.h56 ") == "000.00.14.H56"
    code = parse_dossier_code("000.00.14.H56-200203-0118")
    assert (code.day, code.sequence, code.workstation) == (date(2020, 2, 3), 118, 0)
    with pytest.raises(ValidationError):
        parse_dossier_code("000.00.14.H56-201340-0118")


@pytest.mark.parametrize(("pages", "per_copy"), [(1, 2000), (2, 4000), (3, 5000), (10, 12000), (198, 200000),
                                                 (500, 200000)])
def test_copy_certification_tiers_and_cap(pages, per_copy):
    assert compute_fee(COPY_RULE, pages=pages, copies=3).amount == 3 * per_copy


def test_fee_kinds():
    assert compute_fee(parse_fee_rule({"kind": "free"})).amount == 0
    assert compute_fee(parse_fee_rule({"kind": "fixed", "amount": 10000})).amount == 10000
    assert compute_fee(parse_fee_rule({"kind": "per_copy", "amount": 8000}), copies=4).amount == 32000
    provincial = parse_fee_rule({"kind": "provincial"})
    with pytest.raises(ValidationError, match="HĐND tỉnh"):
        compute_fee(provincial)
    assert compute_fee(provincial, manual_amount=15000).amount == 15000


def test_exemption_needs_a_known_reason():
    rule = parse_fee_rule({"kind": "fixed", "amount": 50000,
                           "exemptions": [{"code": "ho_ngheo", "reason": "Hộ nghèo (Luật Hộ tịch Điều 11)"}]})
    quote = compute_fee(rule, exemption="ho_ngheo")
    assert quote.amount == 0 and "Hộ nghèo" in quote.detail
    with pytest.raises(ValidationError):
        compute_fee(rule, exemption="unknown")


@pytest.mark.parametrize("data", [{"kind": "monthly"}, {"kind": "fixed"}, {"kind": "page_tiers", "tiers": []},
                                  {"kind": "page_tiers", "tiers": [{"from": 2, "amount": 1}]}])
def test_broken_fee_rules_refused(data):
    with pytest.raises(ConfigurationError):
        parse_fee_rule(data)


@pytest.mark.parametrize("bad", [0, -1, 10_001])
def test_page_and_copy_counts_are_checked(bad):
    with pytest.raises(ValidationError):
        compute_fee(COPY_RULE, pages=bad)


def test_transitions():
    assert check_transition(Action.FORWARD, Status.RECEIVED) == Status.PROCESSING
    assert check_transition(Action.HAND_OVER, Status.DONE) == Status.RETURNED
    assert check_transition(Action.RESCHEDULE, Status.PROCESSING) is None
    with pytest.raises(TransitionError, match="Đã trả kết quả"):
        check_transition(Action.FORWARD, Status.RETURNED)
    for closed in (Status.REFUSED, Status.WITHDRAWN, Status.STOPPED):
        assert allowed_actions(closed) == []
    assert allowed_actions(Status.RETURNED) == [Action.RATE]


def test_every_status_has_a_label_and_ten_codes():
    assert [s.value for s in Status] == list(range(1, 11))
    assert Status.SUPPLEMENT.label == "Yêu cầu bổ sung giấy tờ"


def test_deadline_state_and_outcome():
    due = datetime(2026, 1, 8, 17, 0)
    warn = datetime(2026, 1, 8, 9, 0)
    assert deadline_state(Status.PROCESSING, due, datetime(2026, 1, 7, 8, 0), warn) == DeadlineState.ON_TIME
    assert deadline_state(Status.PROCESSING, due, datetime(2026, 1, 7, 9, 0), datetime(2026, 1, 8, 17, 0)) \
        == DeadlineState.DUE_SOON
    assert deadline_state(Status.PROCESSING, due, datetime(2026, 1, 8, 17, 1), warn) == DeadlineState.OVERDUE
    assert deadline_state(Status.SUPPLEMENT, due, datetime(2026, 1, 9), warn) == DeadlineState.PAUSED
    assert deadline_state(Status.RETURNED, due, datetime(2026, 1, 9), warn) is None
    assert outcome(due, datetime(2026, 1, 7, 16, 0)) == Outcome.EARLY
    assert outcome(due, datetime(2026, 1, 8, 16, 0)) == Outcome.ON_TIME
    assert outcome(due, datetime(2026, 1, 8, 17, 30)) == Outcome.LATE
