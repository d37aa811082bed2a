"""The portal: server-rendered pages for traders, brokers, officers and analysts.

:func:`cafta.web.app.portal_router` builds the Litestar router the server mounts at ``/``
(``docs/portal.md``). The pages (:mod:`cafta.web.pages`) call the engines as the API does and
render Jinja2 templates (:mod:`cafta.web.templating`) in English, Simplified Chinese or
Vietnamese (:mod:`cafta.web.i18n`). Sign-in keeps an API token in a cookie
(:mod:`cafta.web.session`); every form is protected against forgery (:mod:`cafta.web.csrf`);
every response carries the security headers (:mod:`cafta.web.security`).

The portal stands beside the API, not on it: it imports neither ``cafta.api`` nor ``cafta.cli``.
"""
