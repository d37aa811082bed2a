"""An importer's authority for a broker: checked when granted, in force on its days only."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

import pytest

from cafta.clearance.representation import Representation, Standing, new_representation_id
from cafta.core.errors import Conflict, InvalidInput

AT = datetime(2026, 6, 1, 9, 0, tzinfo=UTC)
IMPORTER = "Guangxi Fresh Fruit Trading Co."
BROKER = "Pingxiang Border Brokers Co."


def grant(**changes: object) -> Representation:
    arguments: dict[str, object] = {"by": IMPORTER, "at": AT}
    arguments.update(changes)
    return Representation.grant("rep_000000000001", IMPORTER, BROKER, **arguments)  # type: ignore[arg-type]


def test_an_authority_runs_from_its_first_day_to_its_last_both_included() -> None:
    held = grant(valid_from=date(2026, 6, 10), valid_until=date(2026, 6, 20))
    assert not held.in_force(date(2026, 6, 9))
    assert held.in_force(date(2026, 6, 10)) and held.in_force(date(2026, 6, 20))
    assert not held.in_force(date(2026, 6, 21))


def test_without_dates_it_runs_from_the_day_it_is_granted_until_withdrawn() -> None:
    held = grant()
    assert held.valid_from == date(2026, 6, 1) and held.valid_until is None
    assert not held.in_force(date(2026, 5, 31)) and held.in_force(date(2036, 1, 1))


def test_a_withdrawn_authority_is_in_force_on_no_day_and_cannot_be_withdrawn_twice() -> None:
    withdrawn = grant().revoke(datetime(2026, 6, 5, tzinfo=UTC), BROKER)
    assert withdrawn.revoked and withdrawn.revoked_by == BROKER
    assert not withdrawn.in_force(date(2026, 6, 2))
    with pytest.raises(Conflict) as refused:
        withdrawn.revoke(datetime(2026, 6, 6, tzinfo=UTC), IMPORTER)
    assert refused.value.code == "representation.revoked"


@pytest.mark.parametrize(
    ("importer", "broker", "code"),
    [
        (IMPORTER, "  guangxi   FRESH fruit trading co. ", "representation.self"),
        ("\u200b ", BROKER, "representation.missing_importer"),
        (IMPORTER, "", "representation.missing_broker"),
        (IMPORTER, "Pingxiang\nBrokers", "representation.invalid_broker"),
    ],
)
def test_the_parties_must_be_named_and_different(importer: str, broker: str, code: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        Representation.grant("rep_1", importer, broker, by=IMPORTER, at=AT)
    assert refused.value.code == code


def test_dates_out_of_order_or_already_over_are_refused() -> None:
    with pytest.raises(InvalidInput) as backwards:
        grant(valid_from=date(2026, 7, 1), valid_until=date(2026, 6, 30))
    assert backwards.value.code == "representation.dates"
    with pytest.raises(InvalidInput) as over:
        grant(valid_from=date(2026, 1, 1), valid_until=date(2026, 5, 31))
    assert "already over" in str(over.value)
    kept = grant(valid_from=date(2026, 1, 1), valid_until=date(2026, 6, 1))  # ends today: kept
    assert kept.in_force(date(2026, 6, 1))


def test_a_reference_is_trimmed_and_kept_short() -> None:
    assert grant(reference="  WT-2026-0042 ").reference == "WT-2026-0042"
    assert grant(reference="   ").reference is None
    with pytest.raises(InvalidInput) as long:
        grant(reference="x" * 201)
    assert long.value.code == "representation.reference"


def test_overlap_is_about_the_same_pair_on_a_common_day() -> None:
    june = grant(valid_from=date(2026, 6, 1), valid_until=date(2026, 6, 30))
    july = grant(valid_from=date(2026, 7, 1))
    open_ended = grant(valid_from=date(2026, 6, 15))
    other_broker = Representation.grant("rep_2", IMPORTER, "Dongxing Customs Agency", by=IMPORTER,
                                        at=AT)  # fmt: skip
    assert not june.overlaps(july) and june.overlaps(open_ended) and july.overlaps(open_ended)
    assert not june.overlaps(other_broker)
    assert not june.overlaps(open_ended.revoke(AT, IMPORTER))


def test_the_stored_form_reads_back_the_same() -> None:
    held = grant(valid_until=date(2027, 5, 31), reference="WT-1").revoke(AT, IMPORTER)
    assert Representation.from_document(held.to_document()) == held


def test_ids_are_random_and_recognisable() -> None:
    first, second = new_representation_id(), new_representation_id()
    assert first != second and first.startswith("rep_") and len(first) == 16


def test_an_end_already_over_is_said_so_before_any_comparison_with_the_start() -> None:
    with pytest.raises(InvalidInput) as over:
        grant(valid_until=date(2026, 5, 31))  # no start given: it would be today
    assert "already over" in over.value.message and "valid_from" not in over.value.message


def test_the_stored_form_gives_times_in_utc_whatever_the_clocks_zone() -> None:
    shanghai = datetime(2026, 6, 1, 17, 0, tzinfo=timezone(timedelta(hours=8)))
    held = Representation.grant("rep_1", IMPORTER, BROKER, by=IMPORTER, at=shanghai)
    document = held.revoke(shanghai, IMPORTER).to_document()
    assert document["granted_at"] == "2026-06-01T09:00:00+00:00"
    assert document["revoked_at"] == "2026-06-01T09:00:00+00:00"


def test_where_an_authority_stands_on_a_day() -> None:
    held = grant(valid_from=date(2026, 6, 1), valid_until=date(2026, 6, 30))
    assert held.standing(date(2026, 5, 31)) is Standing.NOT_YET
    assert held.standing(date(2026, 6, 1)) is held.standing(date(2026, 6, 30)) is Standing.IN_FORCE
    assert held.standing(date(2026, 7, 1)) is Standing.ENDED
    assert held.revoke(AT, BROKER).standing(date(2026, 6, 2)) is Standing.WITHDRAWN
