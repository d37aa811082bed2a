"""Builders shared by the risk tests: a declaration view with sensible defaults."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from cafta.risk.subject import RiskItem, RiskSubject

DAY = date(2026, 11, 30)


def item(**changes: Any) -> RiskItem:
    """One durian line from Thailand: 40 kg worth 1,200 CNY (30 CNY/kg)."""
    values: dict[str, Any] = {
        "line": "0810.60.00",
        "origin": "TH",
        "value": Decimal("1200"),
        "currency": "CNY",
        "net_mass_kg": Decimal("40"),
    }
    values.update(changes)
    return RiskItem(**values)


def subject(*items: RiskItem, **changes: Any) -> RiskSubject:
    values: dict[str, Any] = {
        "declaration_id": "D-1",
        "office": "CNPXG",
        "on": DAY,
        "importer": "Guangxi Fresh Fruit Import Co.",
        "items": items or (item(),),
    }
    values.update(changes)
    return RiskSubject(**values)


@pytest.fixture
def make_subject() -> Callable[..., RiskSubject]:
    return subject


@pytest.fixture
def make_item() -> Callable[..., RiskItem]:
    return item
