"""Issuing a Form E: reading an issue request, applying the issuing rules, signing.

The request is the certificate's document (:mod:`.canonical`) as a person writes it: HS codes
may be dotted, countries named, ``reference`` and item ``number`` left out. The minimal
request::

    {"authority": "MM-MOC", "exporting_party": "MM", "importing_party": "CN",
     "issue_date": "2026-03-02",
     "exporter": {"name": "Golden Lotus Pulses Co.", "country": "MM"},
     "consignee": {"name": "Qingdao Harvest Foods Co., Ltd.", "country": "CN"},
     "invoice": {"number": "GLP-2026-031", "date": "2026-03-01"},
     "items": [{"line": "0713.31", "description": "Black gram (Vigna mungo), dried",
                "quantity": {"amount": "25000", "unit": "kg"}, "criterion": "WO",
                "fob": {"amount": "23750.00", "currency": "USD"}}]}

The issuing rules refused here (each error names the field), after the domain brief
acfta-rules.md §1.11-1.13: both parties are ACFTA parties on the issue date and differ; the
exporter is in the exporting party and the consignee in the importing party; an RVC item shows
its FOB value (2019 format) [C] and at least the general threshold of 40% [C]; a certificate
issued more than 3 days after shipment is marked issued retroactively, and then within 12
months of shipment [C]; third-party invoicing names the third party [S]; the exporter's
declaration is not dated after the certification. An FOB value on a non-RVC item is accepted
and kept (the 2010 format showed it for every item) but not required.
"""

from __future__ import annotations

from dataclasses import replace

from cafta.certificates.boxes import read_form
from cafta.certificates.canonical import FORMAT, check_reference, derive_reference
from cafta.certificates.envelope import Signer, sign
from cafta.certificates.form_e import FormE
from cafta.certificates.policy import VerificationPolicy, months_after
from cafta.core.fields import Fields
from cafta.refdata.countries import area_contains

__all__ = ["issue", "parse_request"]


def _parties(form: FormE, fields: Fields) -> None:
    for key, party in (
        ("exporting_party", form.exporting_party),
        ("importing_party", form.importing_party),
    ):
        if not area_contains("ACFTA", party, form.issue_date):
            raise fields.error(
                key, f"{party} is not an ACFTA party on {form.issue_date}", "not_acfta_party"
            )
    if form.exporting_party == form.importing_party:
        raise fields.error(
            "importing_party", f"is the exporting party ({form.exporting_party}) too",
            "not_acfta_party",
        )  # fmt: skip
    for key, country, expected in (
        ("exporter", form.exporter.country, form.exporting_party),
        ("consignee", form.consignee.country, form.importing_party),
    ):
        if country != expected:
            raise fields.object(key).error(
                "country", f"is {country}, but the certificate is for goods from "
                f"{form.exporting_party} to {form.importing_party}", "party_country",
            )  # fmt: skip


def _items(form: FormE, fields: Fields, policy: VerificationPolicy) -> None:
    for item, entry in zip(form.items, fields.objects("items"), strict=True):
        criterion = item.criterion
        if criterion.percent is None:
            continue
        if item.fob is None:
            raise entry.error(
                "fob", f"missing: criterion {criterion} needs the FOB value in Box 9",
                "rvc_without_fob",
                'Add "fob": {"amount": "...", "currency": "USD"} to the item.',
            )  # fmt: skip
        if criterion.percent < policy.rvc_threshold:
            raise entry.error(
                "criterion", f"{criterion} is below the {policy.rvc_threshold:f}% threshold",
                "rvc_below_threshold",
            )  # fmt: skip


def _dates(form: FormE, fields: Fields, policy: VerificationPolicy) -> None:
    declaration = form.exporter_declaration
    if declaration is not None and declaration.date and declaration.date > form.issue_date:
        raise fields.object("exporter_declaration").error(
            "date", f"{declaration.date} is after the issue date {form.issue_date}", "invalid_date"
        )
    departure = form.transport.departure_date if form.transport else None
    if departure is None:
        return
    flags = form.flags
    days = (form.issue_date - departure).days
    if days > policy.shipment_grace_days and not flags.issued_retroactively:
        raise fields.error(
            "flags", f"the certificate is issued {days} days after shipment on {departure}",
            "retroactive_unmarked",
            f"Beyond {policy.shipment_grace_days} days a Form E is issued retroactively: set "
            '"flags": {"issued_retroactively": true}.',
        )  # fmt: skip
    if flags.issued_retroactively and form.issue_date > months_after(
        departure, policy.retroactive_months
    ):
        raise fields.error(
            "issue_date", f"{form.issue_date} is more than {policy.retroactive_months} months "
            f"after shipment on {departure}", "retroactive_too_late",
        )  # fmt: skip


def _third_party(form: FormE, fields: Fields) -> None:
    flags = form.flags
    if flags.third_party_invoicing and flags.third_party is None:
        raise fields.object("flags").error(
            "third_party", "missing: third-party invoicing shows the third party's name and "
            "country (Box 7)", "missing_field",
        )  # fmt: skip
    if flags.third_party is not None and not flags.third_party_invoicing:
        raise fields.object("flags").error(
            "third_party_invoicing", "must be true when a third party is given", "invalid_field"
        )


def parse_request(request: object, policy: VerificationPolicy | None = None) -> FormE:
    """The certificate an issue request describes, once the issuing rules are met.

    Raises :class:`~cafta.core.errors.InvalidInput` (``certificate.*``, naming the field).
    """
    policy = policy or VerificationPolicy()
    fields = Fields(request, prefix="certificate")
    if fields.has("format") and fields.text("format") != FORMAT:
        raise fields.error("format", f"expected '{FORMAT}' or nothing", "unknown_format")
    reference = fields.optional_text("reference")
    if reference is not None:
        check_reference(reference)
    form = read_form(fields, reference or "")
    _parties(form, fields)
    _items(form, fields, policy)
    _dates(form, fields, policy)
    _third_party(form, fields)
    return form if reference else replace(form, reference=derive_reference(form))


def issue(
    request: object, signer: Signer, policy: VerificationPolicy | None = None
) -> tuple[FormE, str]:
    """Read, check and sign a request: the certificate and its envelope (a compact JWS)."""
    form = parse_request(request, policy)
    return form, sign(form, signer)
