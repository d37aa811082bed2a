"""Trust lists and signed certificates on disk.

A trust list is a JSON file in the format of :mod:`cafta.certificates.trust`; a signed Form E is
a text file holding its compact JWS (one line). Both are written atomically
(:func:`cafta.adapters.document_files.write_atomically`).
"""

from __future__ import annotations

import json
from pathlib import Path

from cafta.adapters.document_files import load_document, write_atomically
from cafta.certificates.trust import TrustList, parse_trust_list, trust_list_document
from cafta.core.errors import InvalidInput, NotFound

__all__ = ["read_certificate_text", "read_trust_list", "write_certificate", "write_trust_list"]


def read_trust_list(path: Path) -> TrustList:
    try:
        return parse_trust_list(load_document(path))
    except InvalidInput as error:
        if error.message.startswith(str(path)):
            raise
        raise InvalidInput(
            f"{path}: {error.message}", code=error.code, hint=error.hint, details=error.details
        ) from None


def write_trust_list(path: Path, trust: TrustList) -> None:
    text = json.dumps(trust_list_document(trust), indent=2, ensure_ascii=False) + "\n"
    write_atomically(path, text.encode("utf-8"))


def read_certificate_text(path: Path) -> str:
    """The compact JWS in a certificate file (surrounding white space dropped).

    Bytes that are not UTF-8 are kept as replacement characters rather than refused here, so a
    damaged file reaches verification and is rejected there as malformed, with the reason.
    """
    try:
        return path.read_text(encoding="utf-8", errors="replace").strip()
    except FileNotFoundError:
        raise NotFound(f"no certificate file at {path}", code="file.not_found") from None
    except OSError as error:
        raise InvalidInput(
            f"{path} cannot be read: {error.strerror}", code="file.unreadable"
        ) from None


def write_certificate(path: Path, envelope: str) -> None:
    write_atomically(path, (envelope + "\n").encode("ascii"))
