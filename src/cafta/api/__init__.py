"""The HTTP API (Litestar): the engines over JSON, for programs and the portal.

:func:`cafta.api.app.create_app` builds the application from the services of
:mod:`cafta.bootstrap` and a token store. The API is an entry point like the CLI, on the same
layer: it may use everything below it and nothing imports it. ``docs/api.md`` describes it.
"""
