"""The register of representations, and the clearance services' use of it: a broker declares
for an importer only with that importer's authority in force on the day."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from cafta.certificates.trust import TrustList
from cafta.clearance.lifecycle import Lane, Status
from cafta.core.clock import FixedClock
from cafta.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from cafta.services.clearance import Amend, Cancel, Lodge
from cafta.services.ports import Principal, Role
from cafta.services.representations import Representations

from .fakes import FakeUnitOfWork, Memory
from .test_clearance import BROKER, IMPORTER, NOW, clearance, durian

IMPORTER_P = Principal(Role.TRADER, IMPORTER)
BROKER_P = Principal(Role.BROKER, BROKER)
ADMIN = Principal(Role.ADMIN, "Node operator")
OFFICER = Principal(Role.OFFICER, "Officer Li (CNYYG)")
OTHER_TRADER = Principal(Role.TRADER, "Nanning Bean Imports Ltd.")
OTHER_BROKER = Principal(Role.BROKER, "Dongxing Customs Agency")


class Register:
    def __init__(self, memory: Memory | None = None) -> None:
        self.memory = memory or Memory()
        self.clock = FixedClock(NOW)
        self.forgotten = 0
        self.service = Representations(
            lambda read_only=False: FakeUnitOfWork(self.memory), self.clock, forget=self._forget
        )

    def _forget(self) -> None:
        self.forgotten += 1


def test_an_importer_grants_its_broker_authority_with_an_audit_entry() -> None:
    register = Register()
    granted = register.service.grant(IMPORTER_P, BROKER, reference="WT-2026-0042")
    assert (granted.importer, granted.broker, granted.granted_by) == (IMPORTER, BROKER, IMPORTER)
    assert granted.valid_from == NOW.date() and granted.valid_until is None
    (entry,) = register.memory.audit
    assert (entry.action, entry.entity, entry.actor) == (
        "representation.grant",
        granted.id,
        IMPORTER,
    )
    assert entry.payload["broker"] == BROKER and entry.payload["reference"] == "WT-2026-0042"
    assert register.forgotten == 1


def test_a_trader_grants_only_for_its_own_imports_and_brokers_officers_not_at_all() -> None:
    register = Register()
    with pytest.raises(Forbidden) as other:
        register.service.grant(IMPORTER_P, BROKER, importer="Nanning Bean Imports Ltd.")
    assert other.value.code == "representation.not_your_party"
    # Naming itself, however spelled, is the same as leaving the importer out.
    mine = register.service.grant(IMPORTER_P, BROKER, importer=" guangxi fresh FRUIT trading co.")
    assert mine.importer == IMPORTER
    for who in (BROKER_P, OFFICER, Principal(Role.GATE, "Gate 3")):
        with pytest.raises(Forbidden) as refused:
            register.service.grant(who, "Someone Else Ltd.", importer=IMPORTER)
        assert refused.value.code == "representation.forbidden"
    assert len(register.memory.representations) == 1


def test_an_administrator_records_a_written_authority_naming_the_importer() -> None:
    register = Register()
    with pytest.raises(InvalidInput) as unnamed:
        register.service.grant(ADMIN, BROKER)
    assert unnamed.value.code == "representation.missing_importer"
    granted = register.service.grant(
        ADMIN,
        BROKER,
        importer=IMPORTER,
        valid_from=date(2026, 1, 1),
        valid_until=date(2026, 12, 31),
    )
    assert granted.granted_by == "Node operator" and granted.in_force(date(2026, 3, 1))


def test_a_second_authority_for_the_same_days_is_refused_naming_the_first() -> None:
    register = Register()
    first = register.service.grant(IMPORTER_P, BROKER, valid_until=date(2026, 6, 30))
    with pytest.raises(Conflict) as twice:
        register.service.grant(IMPORTER_P, " PINGXIANG border brokers co.")
    assert twice.value.code == "representation.exists"
    assert twice.value.details["id"] == first.id
    later = register.service.grant(IMPORTER_P, BROKER, valid_from=date(2026, 7, 1))
    assert later.valid_from == date(2026, 7, 1)
    assert len(register.memory.audit) == 2  # the refused grant left nothing behind


def test_who_withdraws_and_who_sees() -> None:
    register = Register()
    granted = register.service.grant(IMPORTER_P, BROKER)
    for stranger in (OTHER_TRADER, OTHER_BROKER):
        with pytest.raises(NotFound):
            register.service.revoke(granted.id, stranger)
        with pytest.raises(NotFound):
            register.service.get(granted.id, stranger)
        assert register.service.list(stranger) == []
    with pytest.raises(Forbidden):
        register.service.revoke(granted.id, OFFICER)
    assert register.service.get(granted.id, OFFICER) == granted
    assert register.service.list(IMPORTER_P, broker=BROKER) == [granted]
    assert register.service.list(BROKER_P) == [granted]
    assert register.service.list(BROKER_P, importer="Nanning Bean Imports Ltd.") == []
    assert register.service.list(OTHER_TRADER, importer=IMPORTER) == []  # not another's
    # The broker gives it up: gone from the default list, kept with include_revoked.
    register.clock.instant = NOW + timedelta(days=2)
    revoked = register.service.revoke(f" {granted.id} ", BROKER_P)
    assert revoked.revoked_by == BROKER and revoked.revoked_at == NOW + timedelta(days=2)
    assert register.service.list(IMPORTER_P) == []
    assert register.service.list(ADMIN, include_revoked=True) == [revoked]
    assert [e.action for e in register.memory.audit] == ["representation.grant",
                                                         "representation.revoke"]  # fmt: skip
    with pytest.raises(Conflict):
        register.service.revoke(granted.id, IMPORTER_P)
    with pytest.raises(Forbidden):
        register.service.list(Principal(Role.GATE, "Gate 3"))


def test_a_page_of_what_each_may_see_and_how_many_there_are() -> None:
    register = Register()
    brokers = [f"Broker {n}" for n in range(4)]
    mine = []
    for n, broker in enumerate(brokers):
        register.clock.instant = NOW + timedelta(minutes=n)
        mine.append(register.service.grant(IMPORTER_P, broker))
    register.service.grant(OTHER_TRADER, "Broker 0")
    page = register.service.page
    assert page(IMPORTER_P, limit=2) == (mine[:2], 4)
    assert page(IMPORTER_P, limit=2, offset=2) == (mine[2:], 4)
    assert page(IMPORTER_P, limit=2, offset=4) == ([], 4)
    assert page(ADMIN, limit=10)[1] == 5
    assert page(Principal(Role.BROKER, "Broker 0"), limit=10)[1] == 2
    assert page(OTHER_TRADER, importer=IMPORTER, limit=10) == ([], 0)  # not another's
    assert page(Principal(Role.BROKER, "Broker 0"), broker="Broker 1", limit=10) == ([], 0)
    register.service.revoke(mine[0].id, IMPORTER_P)
    assert page(IMPORTER_P, limit=1) == ([mine[1]], 3)
    assert page(IMPORTER_P, include_revoked=True, limit=1)[1] == 4
    with pytest.raises(Forbidden):
        page(Principal(Role.GATE, "Gate 3"), limit=1)


def test_a_broker_without_the_importers_authority_cannot_lodge(trust: TrustList) -> None:
    service, memory = clearance(trust, authorised=False)
    with pytest.raises(Forbidden) as refused:
        service.lodge(Lodge(durian(), BROKER_P))
    assert refused.value.code == "declaration.no_authority"
    assert IMPORTER in str(refused.value) and "2026-06-01" in str(refused.value)
    assert refused.value.details == {
        "field": "importer.name",
        "importer": IMPORTER,
        "on": "2026-06-01",
    }
    assert memory.declarations == {} and memory.commits == 0
    # The importer itself, and an administrator, need no authority.
    assert service.lodge(Lodge(durian(), IMPORTER_P)).declaration.status is Status.RELEASED
    assert service.lodge(Lodge(durian(), ADMIN)).declaration.status is Status.RELEASED


def test_an_authority_counts_only_on_its_days_and_until_withdrawn(trust: TrustList) -> None:
    service, memory = clearance(trust, authorised=False)
    register = Register(memory)
    register.clock.instant = NOW - timedelta(days=30)
    granted = register.service.grant(IMPORTER_P, BROKER, valid_from=date(2026, 6, 2),
                                     valid_until=date(2026, 6, 30))  # fmt: skip
    with pytest.raises(Forbidden):  # lodged on 1 June, the day before it starts
        service.lodge(Lodge(durian(), BROKER_P))
    register.service.revoke(granted.id, IMPORTER_P)
    register.clock.instant = NOW - timedelta(days=1)
    register.service.grant(IMPORTER_P, BROKER)
    assert service.lodge(Lodge(durian(), BROKER_P)).declaration.status is Status.RELEASED


def test_a_withdrawn_authority_stops_the_brokers_amendments_and_withdrawals(
    trust: TrustList,
) -> None:
    service, memory = clearance(trust, Lane.YELLOW, authorised=False)
    register = Register(memory)
    granted = register.service.grant(IMPORTER_P, BROKER)
    held = service.lodge(Lodge(durian(), BROKER_P)).declaration
    assert held.status is Status.HELD_FOR_DOCUMENTS
    register.service.revoke(granted.id, IMPORTER_P)
    with pytest.raises(Forbidden) as amend:
        service.amend(Amend(held.id, durian(), BROKER_P))
    assert amend.value.code == "declaration.no_authority"
    with pytest.raises(Forbidden) as cancel:
        service.cancel(Cancel(held.id, BROKER_P))
    assert cancel.value.code == "declaration.no_authority"
    # The broker still reads what it lodged; the importer still withdraws it.
    assert service.get(held.id, BROKER_P).id == held.id
    assert service.cancel(Cancel(held.id, IMPORTER_P)).status is Status.CANCELLED


def test_a_broker_lodging_its_own_imports_needs_no_authority(trust: TrustList) -> None:
    service, _ = clearance(trust, authorised=False)
    own = durian()
    own["importer"] = {"name": BROKER, "country": "CN"}
    assert service.lodge(Lodge(own, BROKER_P)).declaration.status is Status.RELEASED


def test_in_force_reads_the_register_now() -> None:
    register = Register()
    key_i, key_b = IMPORTER.casefold(), BROKER.casefold()
    assert not register.service.in_force(key_i, key_b, date(2026, 6, 1))
    register.service.grant(IMPORTER_P, BROKER)
    assert register.service.in_force(key_i, key_b, date(2026, 6, 1))
    assert not register.service.in_force(key_i, key_b, date(2026, 5, 31))


def test_a_trader_named_as_declarant_withdraws_only_its_own_imports(trust: TrustList) -> None:
    """One firm both imports and brokers under one name: with its trader token it cannot
    withdraw another importer's declaration it declared as a broker."""
    service, _ = clearance(trust, Lane.YELLOW)
    held = service.lodge(Lodge(durian(), BROKER_P)).declaration
    with pytest.raises(Forbidden) as refused:
        service.cancel(Cancel(held.id, Principal(Role.TRADER, BROKER)))
    assert refused.value.code == "declaration.not_your_party"
    assert service.cancel(Cancel(held.id, BROKER_P)).status is Status.CANCELLED
