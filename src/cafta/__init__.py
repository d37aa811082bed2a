"""CAFTA Smart Port: trade between China and the ASEAN states under ACFTA.

The package is laid out by bounded context (see ``docs/architecture.md``): ``core`` holds the
value types every other package uses, ``identifiers`` the code formats, ``refdata`` the
nomenclature, countries and exchange rates, and ``tariff`` the dated measures and the duty
calculation. Entry points (``cli``) depend on them, never the reverse.
"""

__version__ = "0.1.0"
