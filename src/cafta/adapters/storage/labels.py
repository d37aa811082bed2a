"""Inspection labels: officers' findings, with what the risk engine saw, for training.

Amounts recovered are exact decimal text; the features are JSON text like every payload.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import insert, select

from cafta.adapters.storage.columns import from_json_text, to_json_text, utc
from cafta.adapters.storage.connection import StorageConnection
from cafta.adapters.storage.tables import inspection_labels
from cafta.services.ports import InspectionLabel

__all__ = ["SqlLabelStore"]


class SqlLabelStore:
    """:class:`cafta.services.ports.LabelStore` over one transaction."""

    def __init__(self, db: StorageConnection) -> None:
        self._db = db

    def add(self, label: InspectionLabel) -> None:
        self._db.execute(
            insert(inspection_labels).values(
                declaration_id=label.declaration_id,
                office=label.office,
                recorded_at=utc(label.recorded_at, "recorded_at"),
                officer=label.officer,
                found=label.found,
                what=label.what,
                revenue_recovered=label.revenue_recovered,
                currency=label.currency,
                features=to_json_text(label.features, "label features"),
            )
        )

    def all(self, office: str | None = None) -> Sequence[InspectionLabel]:
        """Every label (of one office), in the order they were recorded."""
        query = select(inspection_labels).order_by(
            inspection_labels.c.recorded_at, inspection_labels.c.id
        )
        if office is not None:
            query = query.where(inspection_labels.c.office == office)
        return [
            InspectionLabel(
                declaration_id=row.declaration_id,
                office=row.office,
                recorded_at=row.recorded_at,
                officer=row.officer,
                found=bool(row.found),
                what=row.what,
                revenue_recovered=row.revenue_recovered,
                currency=row.currency,
                features=from_json_text(row.features),
            )
            for row in self._db.execute(query)
        ]
