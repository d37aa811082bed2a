"""Certificates of origin: the electronic ACFTA Form E, signed and verified.

A Form E (:mod:`~cafta.certificates.form_e`) is issued from a request (:mod:`.issuance`), written
as canonical JSON (:mod:`.canonical`) and signed in a JWS envelope by an issuing authority's
Ed25519 key (:mod:`.envelope`). The importing customs checks it against its list of trusted
authorities (:mod:`.trust`) and against the import declaration (:mod:`.declaration`), applying
the minor-discrepancy rule item by item (:mod:`.verification`, :mod:`.discrepancy`). Consignments
of low value need no certificate (:mod:`.waiver`). See ``docs/certificates.md``.
"""
