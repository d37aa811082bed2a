"""Protection against cross-site request forgery: a signed double-submit token.

Every page gives the browser a random nonce in the ``cafta_csrf`` cookie (HttpOnly, SameSite=Lax)
and puts ``HMAC-SHA256(secret, nonce)`` in a hidden ``csrf_token`` field of each of its ``POST``
forms. A ``POST`` is accepted only when the field matches the cookie's nonce: another site can
make the browser send the cookie but can neither read it nor compute the field without the
server's secret (:class:`cafta.web.settings.PortalSettings`). A request that fails is answered
with the 403 page.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

__all__ = ["CSRF_COOKIE", "CSRF_FIELD", "form_token", "is_valid", "new_nonce"]

CSRF_COOKIE = "cafta_csrf"
CSRF_FIELD = "csrf_token"
_NONCE_BYTES = 32
_MAX_NONCE = 100


def new_nonce() -> str:
    """A fresh random nonce for the cookie."""
    return secrets.token_urlsafe(_NONCE_BYTES)


def form_token(secret: bytes, nonce: str) -> str:
    """The value of the hidden field for the cookie's ``nonce``."""
    digest = hmac.new(secret, nonce.encode("ascii", "replace"), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).decode("ascii").rstrip("=")


def is_valid(secret: bytes, nonce: str | None, submitted: str | None) -> bool:
    """Whether the submitted field matches the cookie's nonce (in constant time)."""
    if not nonce or not submitted or len(nonce) > _MAX_NONCE:
        return False
    return hmac.compare_digest(form_token(secret, nonce), submitted)
