"""The register of representations' request bodies and response documents, as msgspec Structs.

They give the OpenAPI document its schemas and a first check of the JSON types (dates are ISO
days, read strictly); the register's service then checks the meaning (the parties named and
different, the days in order) and names the field of any error. A response is
:meth:`~cafta.clearance.representation.Representation.to_document` and whether the authority is
in force on the node's day, so the document and the answers cannot drift apart.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated

import msgspec
from litestar.openapi.spec import Example
from msgspec import Meta

__all__ = [
    "GRANT_EXAMPLE",
    "NAME_LIMIT",
    "REVOCATION_EXAMPLE",
    "GrantBody",
    "RepresentationPage",
    "RepresentationView",
    "RevocationBody",
]

NAME_LIMIT = 1000
"""As long as a party's name on a declaration may be: a broker is matched by that name."""
_REFERENCE_LIMIT = 200
"""As long as the domain keeps a reference (:mod:`cafta.clearance.representation`)."""

PartyName = Annotated[str, Meta(max_length=NAME_LIMIT)]
_DAY = Meta(description="ISO 8601 day (YYYY-MM-DD).", examples=["2026-06-01"])
_TIME = Meta(description="ISO 8601 time, in UTC.", examples=["2026-06-01T02:00:00+00:00"])


# --- request bodies ---------------------------------------------------------------------------


class GrantBody(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """An importer's authority for a customs broker to declare its goods. A member not listed
    here is refused (a misspelt ``valid_until`` must not grant an authority without an end)."""

    broker: Annotated[
        PartyName,
        Meta(
            description="The customs broker, named as on the declarations it lodges.",
            examples=["Pingxiang Border Brokers Co."],
        ),
    ]
    importer: (
        Annotated[
            PartyName,
            Meta(
                description="The importer granting it: a trader's own party (may be left out); "
                "an administrator must name it."
            ),
        ]
        | None
    ) = None
    valid_from: Annotated[
        dt.date | None, Meta(description="First day it covers; default today on the node.")
    ] = None
    valid_until: Annotated[
        dt.date | None, Meta(description="Last day it covers (included); null: until withdrawn.")
    ] = None
    reference: (
        Annotated[
            str,
            Meta(
                max_length=_REFERENCE_LIMIT,
                description="The number of the written authority (letter of authorization, "
                "power of attorney).",
            ),
        ]
        | None
    ) = None


class RevocationBody(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """A withdrawal: an empty object, or no body at all (members may come in a later release;
    until then any member is refused rather than ignored)."""


GRANT_EXAMPLE = Example(
    summary="A durian importer lets its border broker declare for it, for a year",
    value={
        "broker": "Pingxiang Border Brokers Co.",
        "importer": None,
        "valid_from": "2026-06-01",
        "valid_until": "2027-05-31",
        "reference": "WT-2026-0142",
    },
)

REVOCATION_EXAMPLE = Example(summary="Withdrawn (nothing more to say)", value={})


# --- response documents -----------------------------------------------------------------------


class RepresentationView(msgspec.Struct, frozen=True, kw_only=True):
    """An authority of the register:
    :meth:`~cafta.clearance.representation.Representation.to_document` (times in UTC), and
    whether it is in force on the node's day."""

    id: Annotated[str, Meta(examples=["rep_3f9c1a2b4d5e"])]
    importer: str
    broker: str
    valid_from: Annotated[dt.date, _DAY]
    valid_until: Annotated[dt.date | None, Meta(description="null: until withdrawn.")]
    reference: str | None
    granted_by: Annotated[
        str, Meta(description="The importer, or the administrator who recorded it.")
    ]
    granted_at: Annotated[str, _TIME]
    revoked_at: Annotated[str | None, Meta(description="When it was withdrawn; null while live.")]
    revoked_by: Annotated[
        str | None,
        Meta(description="Who withdrew it: the importer, the broker or an administrator."),
    ]
    in_force_today: Annotated[
        bool,
        Meta(
            description="Whether the broker may declare for the importer today (the node's day): "
            "not withdrawn, and today between valid_from and valid_until."
        ),
    ]


class RepresentationPage(msgspec.Struct, frozen=True):
    """A page of the register as the caller may see it, oldest grant first."""

    items: list[RepresentationView]
    total: Annotated[
        int, Meta(description="How many representations match the filters, on every page.")
    ]
    limit: int
    offset: int
