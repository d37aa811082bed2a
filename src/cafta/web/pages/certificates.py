"""``/certificates``: check a signed Form E, alone or against an import declaration.

The certificate (a compact JWS, as ``cafta co issue`` writes it) is pasted or uploaded, and so
is the declaration (JSON or YAML, ``docs/certificates.md``) when one is given. The answer is the
engine's verdict (the API's ``POST /api/v1/certificates/verifications``): accepted, accepted
with discrepancies, or rejected, with each finding. The trust list is the server's; without one
every certificate is untrusted.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from anyio import to_thread
from litestar import Response, get, post
from litestar.datastructures import FormMultiDict

from cafta.bootstrap import configured
from cafta.certificates.declaration import parse_declaration
from cafta.certificates.report import verification_document
from cafta.certificates.verification import verify
from cafta.core.dates import parse_date
from cafta.core.errors import InvalidInput, NotFound
from cafta.web.context import Portal, portal_of
from cafta.web.documents import parse_document
from cafta.web.forms import (
    Errors,
    engine_message,
    message_of,
    own,
    posted_form,
    text_of,
    upload_text,
)
from cafta.web.i18n import N_
from cafta.web.language_switch import resendable
from cafta.web.rendering import AnyRequest, page

__all__ = ["check", "check_form"]

_MAX_TEXT = 512_000


@dataclass(frozen=True, slots=True)
class CertificateForm:
    """What the visitor pasted (shown back in the form)."""

    certificate: str = ""
    declaration: str = ""
    on: str = ""


@dataclass(frozen=True, slots=True)
class Outcome:
    verdict: dict[str, Any] | None
    errors: Errors
    status: int


def _verify(portal: Portal, envelope: str, declaration_text: str | None, on_text: str) -> Outcome:
    services = portal.services
    try:
        on = parse_date(on_text, "date") if on_text else services.clock.today()
    except InvalidInput as error:
        return Outcome(None, {"on": engine_message(error)}, 400)
    declaration = None
    if declaration_text:
        try:
            declaration = parse_declaration(parse_document(declaration_text))
        except (InvalidInput, NotFound) as error:
            # The path stays in the message: it names a place in the visitor's document.
            message = message_of(error)
            return Outcome(None, {"declaration": message}, 400)
    policy = configured(lambda: services.verification_policy, "the Form E settings")
    rulebook = configured(lambda: services.rulebook, "the rules of origin")
    result = verify(
        envelope,
        portal.trust_list(),
        portal.verifier,
        on=on,
        declaration=declaration,
        policy=policy,
        rules=rulebook,
    )
    return Outcome(verification_document(result), {}, 200)


async def _show(request: AnyRequest, form: CertificateForm, outcome: Outcome) -> Response[str]:
    values = {"form": form, "verdict": outcome.verdict, "errors": outcome.errors}
    return await page(request, "certificates.html", values, status=outcome.status)


@get("/certificates")
async def check_form(request: AnyRequest) -> Response[str]:
    """The blank form."""
    return await _show(request, CertificateForm(), Outcome(None, {}, 200))


async def _text(form: FormMultiDict, field: str, upload: str, errors: Errors) -> str:
    found, problem = await upload_text(form.get(upload), _MAX_TEXT)
    if problem is not None:
        errors[field] = problem
    return (found if found is not None else text_of(form, field, _MAX_TEXT)).strip()


@post("/certificates", status_code=200)
async def check(request: AnyRequest) -> Response[str]:
    """The verdict on the certificate pasted or uploaded."""
    posted = await posted_form(request)
    errors: Errors = {}
    envelope = await _text(posted, "certificate", "certificate_file", errors)
    declaration = await _text(posted, "declaration", "declaration_file", errors)
    on_text = text_of(posted, "on", 20)
    form = CertificateForm(envelope, declaration, on_text)
    # The language switch sends the texts again, an uploaded file's too: nothing is stored.
    resendable(request, posted, [("certificate", envelope), ("declaration", declaration),
                                 ("on", on_text)])  # fmt: skip
    if not envelope and "certificate" not in errors:
        errors["certificate"] = own(N_("Paste the signed Form E or choose its file."))
    if errors:
        return await _show(request, form, Outcome(None, errors, 400))
    outcome = await to_thread.run_sync(
        _verify, portal_of(request), "".join(envelope.split()), declaration or None, on_text
    )
    return await _show(request, form, outcome)
