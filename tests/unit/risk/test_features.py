"""Features: parsing the data set's rows, out-of-fold risk profiles (no leakage), determinism."""

from __future__ import annotations

import math
import random
from dataclasses import replace
from datetime import date, timedelta

import numpy as np
import pytest

from cafta.core.errors import InvalidInput
from cafta.risk.dataset import COLUMNS, FEATURE_COLUMNS, Declaration, parse_declarations
from cafta.risk.features import FEATURES, FeatureBuilder
from cafta.risk.profiles import Profiles
from cafta.risk.reasons import explain


def synthetic(n: int, seed: int = 1) -> list[Declaration]:
    """``n`` labelled declarations; importers I0-I9, where I0 and I1 commit most frauds."""
    rng = random.Random(seed)
    rows = []
    for i in range(n):
        importer = f"I{rng.randrange(10)}"
        fraud = int(rng.random() < (0.8 if importer in {"I0", "I1"} else 0.1))
        rows.append(
            Declaration(
                declaration_id=str(1000 + i),
                day=date(2020, 1, 1) + timedelta(days=i % 60),
                office=str(10 * rng.randrange(1, 4)),
                process_type="B",
                import_type="11",
                import_use="21",
                payment_type="11",
                transport_mode=rng.choice(["10", "40"]),
                declarant=f"D{rng.randrange(5)}",
                importer=importer,
                seller=rng.choice(["", "S1", "S2"]),
                courier="",
                hs6=rng.choice(["440890", "690722", "080810"]),
                departure=rng.choice(["CN", "VN"]),
                origin=rng.choice(["CN", "VN"]),
                tax_rate=rng.choice([0.0, 8.0]),
                tax_type=rng.choice(["A", "FCN1"]),
                origin_indicator="Y",
                net_mass=rng.uniform(1, 1000),
                item_price=rng.uniform(1000, 100000),
                fraud=fraud,
                critical=2 if fraud and rng.random() < 0.1 else fraud,
            )
        )
    return rows


def _csv_row(d: Declaration) -> list[str]:
    return [d.declaration_id, d.day.isoformat(), d.office, d.process_type, d.import_type,
            d.import_use, d.payment_type, d.transport_mode, d.declarant, d.importer, d.seller,
            d.courier, d.hs6, d.departure, d.origin, str(d.tax_rate), d.tax_type,
            d.origin_indicator, str(d.net_mass), str(d.item_price), str(d.fraud),
            str(d.critical)]  # fmt: skip


def test_rows_parse_back_to_the_same_declarations() -> None:
    rows = synthetic(20)
    assert parse_declarations(COLUMNS, [_csv_row(d) for d in rows], labelled=True) == rows


def test_hs6_keeps_its_leading_zero_and_labels_are_optional() -> None:
    row = _csv_row(synthetic(1)[0])
    row[12] = "80810"
    parsed = parse_declarations(FEATURE_COLUMNS, [row[:20]])
    assert parsed[0].hs6 == "080810" and parsed[0].fraud is None


def test_a_missing_column_is_named() -> None:
    header = [c for c in COLUMNS if c != "Net Mass"]
    with pytest.raises(InvalidInput, match="missing column 'Net Mass'"):
        parse_declarations(header, [], source="x.csv")
    with pytest.raises(InvalidInput, match="missing column 'Fraud'"):
        parse_declarations(FEATURE_COLUMNS, [], labelled=True)


def test_an_unparsable_number_names_the_row_and_column() -> None:
    rows = [_csv_row(d) for d in synthetic(3)]
    rows[1][19] = "12,5"
    with pytest.raises(InvalidInput, match=r"x.csv row 3: Item Price '12,5' is not a number"):
        parse_declarations(COLUMNS, rows, source="x.csv")


def test_profiles_subtract_a_fold() -> None:
    rows = synthetic(200)
    whole, part = Profiles.fit(rows), Profiles.fit(rows[:50])
    rest = Profiles.fit(rows[50:])
    for key in ("I0", "I5"):
        assert whole.tally("importer", key, minus=part) == rest.tally("importer", key)


def test_a_profile_never_sees_its_own_rows_label() -> None:
    """Flipping one row's label leaves that row's out-of-fold features unchanged."""
    rows = synthetic(300)
    target = 17
    flipped = list(rows)
    d = rows[target]
    flipped[target] = replace(d, fraud=1 - (d.fraud or 0), critical=0 if d.fraud else 2)
    before = FeatureBuilder.fit(rows).training_matrix(rows, 5, random.Random(3))
    after = FeatureBuilder.fit(flipped).training_matrix(flipped, 5, random.Random(3))
    np.testing.assert_array_equal(before[target], after[target])
    changed = np.flatnonzero(np.any(np.abs(before - after) > 0, axis=1))
    assert len(changed) > 0 and target not in changed


def test_in_sample_profiles_would_leak_and_are_not_what_training_uses() -> None:
    rows = synthetic(300)
    builder = FeatureBuilder.fit(rows)
    column = FEATURES.index("importer_fraud_rate")
    oof = builder.training_matrix(rows, 5, random.Random(3))[:, column]
    in_sample = builder.matrix(rows)[:, column]
    assert not np.allclose(oof, in_sample)


def test_training_rows_must_be_the_fitted_history() -> None:
    rows = synthetic(100)
    with pytest.raises(InvalidInput, match="not the history"):
        FeatureBuilder.fit(rows).training_matrix(rows[:50], 5, random.Random(0))


def test_features_are_deterministic_for_a_seed_and_row_equals_matrix() -> None:
    rows = synthetic(200)
    a = FeatureBuilder.fit(rows).training_matrix(rows, 5, random.Random(9))
    b = FeatureBuilder.fit(rows).training_matrix(rows, 5, random.Random(9))
    np.testing.assert_array_equal(a, b)
    builder = FeatureBuilder.fit(rows)
    m = builder.matrix(rows[:5])
    assert m.shape == (5, len(FEATURES))
    np.testing.assert_array_equal(m[2], np.array(builder.row(rows[2])))


def test_unseen_values_and_parties_are_missing() -> None:
    builder = FeatureBuilder.fit(synthetic(100))
    new = replace(synthetic(1, seed=5)[0], office="99", importer="NEW", seller="")
    row = dict(zip(FEATURES, builder.row(new), strict=True))
    assert math.isnan(row["office"]) and math.isnan(row["seller_fraud_rate"])
    prior = builder.profiles.frauds / builder.profiles.rows
    assert row["importer_fraud_rate"] == pytest.approx(prior)
    assert row["importer_count"] == 0


def test_the_document_round_trips() -> None:
    builder = FeatureBuilder.fit(synthetic(100))
    again = FeatureBuilder.from_document(builder.to_document())
    rows = synthetic(10, seed=2)
    np.testing.assert_array_equal(builder.matrix(rows), again.matrix(rows))


def test_reasons_name_the_party_and_its_history() -> None:
    rows = synthetic(300)
    builder = FeatureBuilder.fit(rows)
    d = next(r for r in rows if r.importer == "I0")
    contributions = [0.0] * len(FEATURES)
    contributions[FEATURES.index("importer_fraud_rate")] = 1.2
    contributions[FEATURES.index("importer_count")] = 0.5
    contributions[FEATURES.index("value_per_kg_vs_reference")] = 0.3
    reasons = explain(d, contributions, builder)
    count, frauds, _ = builder.profiles.tally("importer", "I0")
    assert reasons[0] == f"importer I0: fraud found in {frauds} of {count} past inspections (+1.20)"
    assert len(reasons) == 2 and "value per kg" in reasons[1]
