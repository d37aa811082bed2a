"""The trusted-trader register: matching folded names, validity, strict documents."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
import yaml

from cafta.core.dates import Validity
from cafta.core.errors import InvalidInput
from cafta.core.provenance import Status
from cafta.risk.traders import TrustedTrader, TrustedTraders

DAY = date(2026, 6, 1)


def _entry(**changes: Any) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "name": "Pingxiang Rubber Industry Co.",
        "programme": "China Customs AEO advanced certification",
        "reference": "certificate AEOCN0000000000 (example)",
        "status": "official",
    }
    entry.update(changes)
    return {key: value for key, value in entry.items() if value is not None}


def _register(*entries: dict[str, Any]) -> TrustedTraders:
    return TrustedTraders.from_document({"traders": list(entries)})


def test_a_listed_importer_is_trusted_with_its_entry() -> None:
    register = _register(_entry(), _entry(name="Nanning Grain Imports", status="illustrative"))
    found = register.is_trusted("Pingxiang Rubber Industry Co.", DAY)
    assert found is not None
    assert found.programme == "China Customs AEO advanced certification"
    assert found.status is Status.OFFICIAL and found.validity is None
    assert len(register) == 2
    assert register.is_trusted("Guangxi Fresh Fruit Trading", DAY) is None


@pytest.mark.parametrize(
    "name",
    [
        "pingxiang rubber industry co.",
        "  PINGXIANG   Rubber\tIndustry Co. ",
        "Ｐｉｎｇｘｉａｎｇ Rubber Industry Co.",  # full-width letters pasted from a Chinese form
    ],
)
def test_names_match_with_case_spacing_and_width_folded(name: str) -> None:
    assert _register(_entry()).is_trusted(name, DAY) is not None


@pytest.mark.parametrize("name", ["Pingxiang Rubber Industry", "Pingxiang Rubber Industry Co"])
def test_matching_is_exact_never_fuzzy(name: str) -> None:
    assert _register(_entry()).is_trusted(name, DAY) is None


def test_validity_is_inclusive_and_an_entry_out_of_it_is_not_trusted() -> None:
    register = _register(_entry(valid_from="2026-01-01", valid_to="2026-06-30"))
    name = "Pingxiang Rubber Industry Co."
    assert register.is_trusted(name, date(2026, 1, 1)) is not None
    assert register.is_trusted(name, date(2026, 6, 30)) is not None
    assert register.is_trusted(name, date(2025, 12, 31)) is None
    assert register.is_trusted(name, date(2026, 7, 1)) is None


def test_a_renewed_certification_follows_on_from_the_old_one() -> None:
    register = _register(
        _entry(valid_from="2023-01-01", valid_to="2025-12-31", reference="old"),
        _entry(valid_from="2026-01-01", reference="renewed"),
    )
    name = "Pingxiang Rubber Industry Co."
    old, new = register.is_trusted(name, date(2025, 5, 1)), register.is_trusted(name, DAY)
    assert old is not None and old.reference == "old"
    assert new is not None and new.reference == "renewed"


def test_an_empty_or_absent_list_trusts_no_one() -> None:
    assert len(TrustedTraders.from_document({})) == 0
    assert TrustedTraders.from_document({"traders": []}).is_trusted("Anyone", DAY) is None


def test_the_entry_describes_itself_and_says_when_it_is_illustrative() -> None:
    official = TrustedTrader("Lotus Co", "AEO", "cert 12", Status.OFFICIAL)
    assert official.describe() == "'Lotus Co' is a trusted trader: AEO; reference: cert 12"
    demo = TrustedTrader("Lotus Co", "AEO", "demo", Status.ILLUSTRATIVE, Validity(DAY))
    assert demo.describe().endswith("reference: demo (illustrative)")


def test_the_register_reads_the_same_from_yaml_with_dates() -> None:
    text = """
traders:
  - name: Pingxiang Rubber Industry Co.
    programme: China Customs AEO advanced certification
    reference: certificate AEOCN0000000000 (example)
    status: official
    valid_from: 2026-01-01
"""
    register = TrustedTraders.from_document(yaml.safe_load(text))
    assert register == _register(_entry(valid_from="2026-01-01"))


@pytest.mark.parametrize(
    ("document", "message", "code"),
    [
        ([], "document: expected an object, found a list", "risk.not_an_object"),
        ({"trader": []}, "trader: unknown field", "risk.unknown_field"),
        ({"traders": {}}, "traders: expected a list, found an object", "risk.invalid_field"),
        ({"traders": ["x"]}, "traders[0]: expected an object, found text", "risk.not_an_object"),
        (
            {"traders": [_entry(), _entry(name="B", level="advanced")]},
            "traders[1].level: unknown field",
            "risk.unknown_field",
        ),
        ({"traders": [_entry(name=None)]}, "traders[0].name: missing", "risk.missing_field"),
        ({"traders": [_entry(programme=" ")]}, "traders[0].programme: missing",
         "risk.missing_field"),
        ({"traders": [_entry(reference=None)]}, "traders[0].reference: missing",
         "risk.missing_field"),
        ({"traders": [_entry(status="draft")]}, "traders[0].status: unknown status 'draft'",
         "status.invalid"),
        (
            {"traders": [_entry(), _entry(name="B", valid_from="2026-06-01",
                                          valid_to="2026-01-01")]},
            "traders[1].valid_to: validity ends (2026-01-01) before it starts (2026-06-01)",
            "date.inverted_validity",
        ),
        (
            {"traders": [_entry(valid_to="2026-12-31")]},
            "traders[0].valid_from: missing (valid_to is given)",
            "risk.missing_field",
        ),
        (
            {"traders": [_entry(), _entry(name=" PINGXIANG rubber industry co. ")]},
            "traders[1].name: 'PINGXIANG rubber industry co.' is also listed at traders[0], in "
            "force on the same day",
            "risk.invalid_trader",
        ),
    ],
)  # fmt: skip
def test_documents_are_read_strictly_and_errors_name_the_field(
    document: object, message: str, code: str
) -> None:
    with pytest.raises(InvalidInput) as info:
        TrustedTraders.from_document(document)
    assert (info.value.message, info.value.code) == (message, code)


def test_a_register_built_in_code_refuses_overlapping_entries() -> None:
    entry = TrustedTrader("Lotus Co", "AEO", "cert 12", Status.OFFICIAL)
    with pytest.raises(InvalidInput, match="also listed at entry 1"):
        TrustedTraders((entry, TrustedTrader("LOTUS  CO", "AEO", "cert 13", Status.OFFICIAL)))
    with pytest.raises(InvalidInput, match="name is empty"):
        TrustedTrader(" ", "AEO", "cert 12", Status.OFFICIAL)
