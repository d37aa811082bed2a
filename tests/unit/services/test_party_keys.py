"""Parties typed two ways are one party through the services: an authority granted under a
name with full-width parentheses covers a declaration naming them in ASCII, and the importer
reads and lists it."""

from __future__ import annotations

from cafta.certificates.trust import TrustList
from cafta.clearance.goods import party_key
from cafta.clearance.lifecycle import Status
from cafta.services.clearance import Lodge
from cafta.services.ports import DeclarationFilter, Principal, Role

from .fakes import FakeUnitOfWork
from .test_clearance import BROKER, clearance, durian
from .test_representations import Register

FULL_WIDTH = "广西鲜果贸易有限公司（南宁）"
ASCII = "广西鲜果贸易有限公司(南宁)"


def test_an_authority_granted_full_width_covers_a_declaration_typed_in_ascii(
    trust: TrustList,
) -> None:
    service, memory = clearance(trust, authorised=False)
    importer = Principal(Role.TRADER, FULL_WIDTH)
    # The broker's token names it with a zero-width space pasted in.
    broker = Principal(Role.BROKER, BROKER.replace(" ", " \u200b", 1))
    Register(memory).service.grant(importer, BROKER, reference="WT-2026-0077")

    document = durian()
    document["importer"] = {"name": ASCII, "country": "CN"}
    lodged = service.lodge(Lodge(document, broker)).declaration
    assert lodged.status is Status.RELEASED
    assert lodged.goods.importer.name == ASCII  # the name is kept as typed; only keys fold

    assert service.get(lodged.id, importer).id == lodged.id
    assert service.get(lodged.id, broker).id == lodged.id
    mine = FakeUnitOfWork(memory).declarations.list(
        DeclarationFilter(party=party_key(importer.party))
    )
    assert [record.id for record in mine] == [lodged.id]


def test_a_retry_from_a_token_spelling_the_party_otherwise_is_a_replay(
    trust: TrustList,
) -> None:
    service, _ = clearance(trust, authorised=False)
    document = durian()
    document["importer"] = {"name": ASCII, "country": "CN"}
    first = service.lodge(Lodge(document, Principal(Role.TRADER, FULL_WIDTH), "K-1"))
    again = service.lodge(Lodge(document, Principal(Role.TRADER, ASCII), "K-1"))
    assert not first.replayed and again.replayed
    assert again.declaration.id == first.declaration.id
