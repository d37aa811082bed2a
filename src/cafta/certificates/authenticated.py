"""Certificates whose signature has already been checked, so a node checks each one once.

A customs node receives a Form E once (from the exporter, or from the exporting party's node)
and then meets it again and again: on each declaration that claims it, at amendment, at the
officer's review, at the gate. Whether an Ed25519 signature is valid depends only on the public
key, the signed bytes and the signature, so the answer for an envelope and a key can be kept:
:class:`AuthenticatedCertificates` keeps, for each envelope text, the key it was verified with
and the certificate read from it. :func:`~cafta.certificates.verification.verify` consults it
when given one; the trust checks (is the key still trusted, for this party, on this day) are made
again on every call, since the trust list can change. The store is bounded (least recently used
entries are dropped) and safe to share between threads.
"""

from __future__ import annotations

import threading
from collections import OrderedDict

from cafta.certificates.form_e import FormE

__all__ = ["AuthenticatedCertificates"]


class AuthenticatedCertificates:
    """Envelope text → (key id, public key, certificate) for envelopes whose signature held."""

    def __init__(self, capacity: int = 10_000) -> None:
        if capacity < 1:
            raise ValueError("capacity must be at least 1")
        self._capacity = capacity
        self._entries: OrderedDict[str, tuple[str, bytes, FormE]] = OrderedDict()
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._entries)

    def get(self, envelope: str) -> tuple[str, bytes, FormE] | None:
        with self._lock:
            entry = self._entries.get(envelope)
            if entry is not None:
                self._entries.move_to_end(envelope)
            return entry

    def put(self, envelope: str, key_id: str, public_key: bytes, form: FormE) -> None:
        with self._lock:
            self._entries[envelope] = (key_id, public_key, form)
            self._entries.move_to_end(envelope)
            while len(self._entries) > self._capacity:
                self._entries.popitem(last=False)
