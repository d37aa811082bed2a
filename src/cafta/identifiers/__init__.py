"""Identifier formats, one module per standard, each with the python-stdnum API.

Every module offers ``compact``, ``validate``, ``is_valid`` and ``format``; ``validate`` raises a
subclass of :class:`cafta.core.errors.InvalidInput` (hence ``ValueError``) with a stable ``code``.
Modelled on python-stdnum (https://arthurdejong.org/python-stdnum/).
"""
