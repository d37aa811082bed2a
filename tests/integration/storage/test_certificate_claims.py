"""The certificate claims register: one declaration holds each Form E at a time."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from cafta.core.errors import Conflict

AT = datetime(2026, 6, 1, 2, 0, tzinfo=UTC)


def test_a_declaration_holds_its_certificates_and_lets_them_go(uow_factory) -> None:
    with uow_factory() as uow:
        assert uow.certificate_claims.holders("E2026TH-A") == []
        uow.certificate_claims.hold("D1", ["E2026TH-A", "E2026TH-B"], AT)
        uow.commit()
    with uow_factory(read_only=True) as uow:
        assert uow.certificate_claims.holders("E2026TH-A") == ["D1"]
        assert uow.certificate_claims.holders("E2026TH-B") == ["D1"]
    with uow_factory() as uow:  # amended: B dropped, C added, A kept
        uow.certificate_claims.hold("D1", ["E2026TH-A", "E2026TH-C"], AT)
        uow.commit()
    with uow_factory(read_only=True) as uow:
        assert uow.certificate_claims.holders("E2026TH-B") == []
        assert uow.certificate_claims.holders("E2026TH-C") == ["D1"]
    with uow_factory() as uow:  # cancelled: lets go of everything
        uow.certificate_claims.hold("D1", [], AT)
        uow.commit()
    with uow_factory(read_only=True) as uow:
        assert uow.certificate_claims.holders("E2026TH-A") == []
        assert uow.certificate_claims.holders("E2026TH-C") == []


def test_a_certificate_held_by_another_declaration_is_refused(uow_factory) -> None:
    with uow_factory() as uow:
        uow.certificate_claims.hold("D1", ["E2026TH-A"], AT)
        uow.commit()
    with uow_factory() as uow:
        with pytest.raises(Conflict) as caught:
            uow.certificate_claims.hold("D2", ["E2026TH-A"], AT)
        assert caught.value.code == "certificate.already_claimed"
        assert "D1" not in caught.value.message  # the holder may be another party's
        # The transaction is still usable after the refusal (PostgreSQL included).
        uow.certificate_claims.hold("D2", ["E2026TH-B"], AT)
        uow.commit()
    with uow_factory(read_only=True) as uow:
        assert uow.certificate_claims.holders("E2026TH-A") == ["D1"]
        assert uow.certificate_claims.holders("E2026TH-B") == ["D2"]
