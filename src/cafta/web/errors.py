"""Error pages in the visitor's language, for every failure under the portal.

Statuses follow the API's (:mod:`cafta.api.errors`): 503 for what only the operator can mend
(:mod:`cafta.services.faults`: the set-up, the database, stale exchange rates), 400 for invalid
input, 404 for what does not exist, 403, 409, 422 for other domain refusals, 500 for anything
else. A 5xx shows an error number and nothing of the server's internals; the error goes to the
log (logger ``cafta.web``). Invalid input to a form is not an error page: the form is shown
again with the message next to the field.
"""

from __future__ import annotations

import logging
import uuid
from http import HTTPStatus

from litestar import Response
from litestar.enums import MediaType
from litestar.exceptions import HTTPException
from litestar.types import ExceptionHandlersMap

from cafta.core.errors import CaftaError, Conflict, DomainError, Forbidden, InvalidInput, NotFound
from cafta.refdata.exchange_rates import STALE
from cafta.services.faults import is_operators
from cafta.web.forms import CSRF_FAILED, Message, message_of
from cafta.web.i18n import N_
from cafta.web.rendering import AnyRequest, error_principal, render

__all__ = ["HANDLERS", "status_of"]

logger = logging.getLogger("cafta.web")

TITLES = {
    400: N_("The request cannot be read"),
    403: N_("Not allowed"),
    404: N_("Page not found"),
    405: N_("Not allowed on this page"),
    409: N_("Conflict"),
    413: N_("Too large"),
    422: N_("Cannot be done"),
    500: N_("Something went wrong"),
    503: N_("Service unavailable"),
}
EXPLANATIONS = {
    400: N_("Something in the request is not as the page expects. Check it and try again."),
    403: N_("You may not do this."),
    404: N_("There is no such page, or nothing has this code. Check the address."),
    405: N_("This page does not take that kind of request."),
    409: N_("This conflicts with a change made meanwhile. Reload the page and try again."),
    413: N_("What was sent is too large."),
    422: N_("This request cannot be carried out as asked."),
    500: N_(
        "The server failed to answer. Try again later; if it happens again, give the "
        "operator the error number below."
    ),
    503: N_("The service cannot answer now: its set-up or its database needs attention."),
}


def status_of(error: Exception) -> int:
    """The HTTP status an exception stands for."""
    if isinstance(error, HTTPException):
        return error.status_code
    if isinstance(error, CaftaError):
        if is_operators(error):
            return 503
        for kind, status in (
            (InvalidInput, 400),
            (NotFound, 404),
            (Forbidden, 403),
            (Conflict, 409),
            (DomainError, 422),
        ):
            if isinstance(error, kind):
                return status
    return 500


def _detail(error: Exception, status: int) -> Message | None:
    if isinstance(error, HTTPException) and error.detail == CSRF_FAILED:
        return Message(CSRF_FAILED)
    if isinstance(error, CaftaError) and status in (400, 404, 409, 422):
        return message_of(error)
    if isinstance(error, CaftaError) and error.code == STALE:
        # Which rate and how old it is; the hint, which names the operator's files, is logged.
        return Message(error.message, localized=False)
    return None


def error_page(request: AnyRequest, error: Exception) -> Response[str]:
    """The error page for ``error``."""
    status = status_of(error)
    reference = None
    if status >= 500:
        reference = uuid.uuid4().hex[:12]
        logger.error(
            "portal error %s on %s: %s (%s)",
            reference,
            request.url.path,
            error,
            getattr(error, "code", type(error).__name__),
            # What the operator must mend (503) is told in the message; a fault (500) with
            # its traceback.
            exc_info=error if status == 500 else None,
        )
    shown = status if status in TITLES else (500 if status >= 500 else 400)
    values = {
        "status": status,
        "title": TITLES[shown],
        "explanation": EXPLANATIONS[shown],
        "detail": _detail(error, status),
        "reference": reference,
    }
    try:
        return render(
            request, "error.html", values, principal=error_principal(request), status=status
        )
    except Exception:  # the error page itself failed: answer in plain text
        logger.exception("the portal's error page failed")
        return Response(
            content=f"{status} {HTTPStatus(status).phrase}",
            status_code=status,
            media_type=MediaType.TEXT,
        )


HANDLERS: ExceptionHandlersMap = {
    HTTPException: error_page,
    CaftaError: error_page,
    Exception: error_page,
}
"""Every type the application's own handlers name, so the portal's take precedence."""
