"""``GET /tariff``: duty and taxes for a consignment, every regime side by side.

The form (line, origin, destination, value, currency, delivery terms, date, optional quantity,
and whether the trader has a Form E) travels in the query string. The answer is the engine's
assessment (the API's ``POST /api/v1/duty``): the regimes side by side, the working step by
step with its legal references, the saving a Form E brings, and an "illustrative" label on
every figure that rests on an unconfirmed rate. An importing country the list does not offer
is refused next to it; an engine's hint meant for the command line (import a schedule, search
with ``cafta hs search``) is replaced by the portal's advice (:func:`cafta.web.forms.
message_of`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any
from urllib.parse import urlencode

from anyio import to_thread
from litestar import Response, get

from cafta.bootstrap import configured
from cafta.core.errors import CaftaError, InvalidInput, NotFound
from cafta.core.money import Money
from cafta.services.faults import is_operators
from cafta.tariff import duty as duty_engine
from cafta.tariff.lookup import AmbiguousLine
from cafta.tariff.report import amount, assessment_document
from cafta.web.context import Portal, portal_of
from cafta.web.duty_form import DutyForm, field_of, read_duty
from cafta.web.duty_view import RegimeColumn, form_e_saving, regime_columns
from cafta.web.forms import NO_SUCH_CHOICE, Errors, engine_message, own
from cafta.web.rendering import AnyRequest, language_of, page

__all__ = ["tariff"]


@dataclass(frozen=True, slots=True)
class DutyView:
    """What the result part of the page shows."""

    document: dict[str, Any]
    columns: list[RegimeColumn]
    saving: str | None
    currency: str


@dataclass(frozen=True, slots=True)
class Outcome:
    view: DutyView | None
    errors: Errors
    lines: list[tuple[str, str, str, str]]
    """For a code that splits into national lines: (line, description, rates, link)."""
    status: int


def _saving(found: Money | None) -> str | None:
    return amount(found) if found is not None else None


def _assess(portal: Portal, form: DutyForm) -> Outcome:
    wanted, errors = read_duty(form)
    schedule = configured(lambda: portal.services.schedule, "the tariff schedules")
    if form.destination and not schedule.covers(form.destination.upper()):
        # The list offers the parties whose schedule is loaded; another is a crafted address.
        errors = {**errors, "destination": own(NO_SUCH_CHOICE)}
    if wanted is None or errors:
        return Outcome(None, errors, [], 400)
    try:
        result = duty_engine.assess(wanted, schedule, portal.services.rates)
    except AmbiguousLine as error:
        lines = [
            (line, description, rates, "/tariff?" + urlencode(form.with_line(line)))
            for line, description, rates in error.lines
        ]
        return Outcome(None, {"line": engine_message(error)}, lines, 400)
    except InvalidInput as error:
        return Outcome(None, {field_of(error): engine_message(error)}, [], 400)
    except NotFound as error:
        if is_operators(error, portal.services.clock.today()):
            raise
        return Outcome(None, {field_of(error): engine_message(error)}, [], 404)
    view = DutyView(
        document=assessment_document(result),
        columns=regime_columns(result),
        saving=_saving(form_e_saving(result)),
        currency=result.currency,
    )
    return Outcome(view, {}, [], 200)


@get("/tariff")
async def tariff(request: AnyRequest) -> Response[str]:
    """The form, and the assessment when a line is given."""
    portal = portal_of(request)
    schedule = configured(lambda: portal.services.schedule, "the tariff schedules")
    today: date = portal.services.clock.today()
    numbers = language_of(request).code
    form = DutyForm.from_query(request.query_params, today, numbers)
    outcome = Outcome(None, {}, [], 200)
    if form.submitted:
        try:
            outcome = await to_thread.run_sync(_assess, portal, form)
        except CaftaError as error:
            if is_operators(error, today):
                raise
            outcome = Outcome(None, {"": engine_message(error)}, [], 400)
    values = {
        "form": form.restyled(numbers),
        "destinations": schedule.parties,
        "view": outcome.view,
        "errors": outcome.errors,
        "lines": outcome.lines,
    }
    return await page(request, "tariff.html", values, status=outcome.status)
