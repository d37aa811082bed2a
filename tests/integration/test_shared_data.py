"""Cross-checks against the open data sets in ../shared/data (skipped when they are absent)."""

from __future__ import annotations

import csv

import pytest
from tests.conftest import SHARED

from cafta.refdata.countries import CAFTA_PARTIES, country
from cafta.refdata.nomenclature import Nomenclature

HS = SHARED / "data" / "hs2022" / "harmonized-system.csv"
COUNTRIES = SHARED / "data" / "country-codes" / "country-codes.csv"


@pytest.mark.skipif(not HS.exists(), reason="../shared/data/hs2022 is not present")
def test_nomenclature_matches_the_hs2022_data_set() -> None:
    with HS.open(encoding="utf-8") as handle:
        rows = [r for r in csv.DictReader(handle) if r["hscode"].isdigit()]
    codes = {r["hscode"] for r in rows if not r["hscode"].startswith("99")}
    ours = {entry.code for entry in Nomenclature.hs2022()}
    assert codes == ours
    nomenclature = Nomenclature.hs2022()
    for r in rows:
        if r["hscode"] in ours:
            assert nomenclature.get(r["hscode"]).description == r["description"].strip()


@pytest.mark.skipif(not COUNTRIES.exists(), reason="../shared/data/country-codes is not present")
def test_party_codes_and_currencies_match_the_country_codes_data_set() -> None:
    with COUNTRIES.open(encoding="utf-8") as handle:
        by_alpha2 = {r["ISO3166-1-Alpha-2"]: r for r in csv.DictReader(handle)}
    for code in CAFTA_PARTIES:
        ours = country(code)
        theirs = by_alpha2[code]
        assert ours.alpha3 == theirs["ISO3166-1-Alpha-3"]
        assert ours.currency == theirs["ISO4217-currency_alphabetic_code"]
