"""Benchmark: Form E verifications per second in one process.

Run: ``.venv/bin/python bench/certificates.py [--verifications N] [--repeats R]``.
Writes nothing. Issues N distinct black gram certificates (docs/examples/form-e-request.json,
each with its own invoice number, so its own reference and signature) with a fresh Ed25519 key,
and a declaration for each (the bean importer's: importer name typo, national line 0713.31.90).
Then times R passes of verifying all N against their declarations, and prints the median rate:

* first sight: every certificate is new to the node (signature checked, payload read);
* already received: the node authenticated the certificates before (on receipt, or on an earlier
  declaration) and keeps them in :class:`AuthenticatedCertificates`, so each verification
  re-runs the trust, date, party and item checks but not the signature;
* the Ed25519 check alone, the floor of the first figure on this CPU.
"""

from __future__ import annotations

import argparse
import json
import platform
import statistics
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

from cafta.adapters.crypto import Ed25519Signer, Ed25519Verifier
from cafta.certificates.authenticated import AuthenticatedCertificates
from cafta.certificates.declaration import parse_declaration
from cafta.certificates.envelope import open_envelope
from cafta.certificates.issuance import issue
from cafta.certificates.trust import IssuingAuthority, TrustedKey, TrustList
from cafta.certificates.verification import verify

EXAMPLES = Path(__file__).resolve().parents[1] / "docs" / "examples"
ON = date(2026, 3, 10)


def timed(label: str, count: int, repeats: int, run: Callable[[], None]) -> None:
    rates = []
    for _ in range(repeats):
        start = time.perf_counter()
        run()
        rates.append(count / (time.perf_counter() - start))
    median = statistics.median(rates)
    print(
        f"{label:<34} median {median:>8,.0f}/s  min {min(rates):>8,.0f}/s  "
        f"max {max(rates):>8,.0f}/s  ({1e6 / median:.0f} µs each)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--verifications", type=int, default=5_000)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()

    signer = Ed25519Signer.generate()
    authority = IssuingAuthority("MM-MOC", "MM")
    trust = TrustList((authority,), (TrustedKey(authority, signer.public_key),), party="CN")
    request = json.loads((EXAMPLES / "form-e-request.json").read_text(encoding="utf-8"))
    document = json.loads((EXAMPLES / "form-e-declaration.json").read_text(encoding="utf-8"))
    cases = []
    for n in range(args.verifications):
        request["invoice"]["number"] = f"GLP-2026-{n:06d}"
        form, envelope = issue(request, signer)
        document["items"][0]["preference"]["certificate"] = form.reference
        cases.append((envelope, parse_declaration(document)))
    verifier = Ed25519Verifier()
    verdict = verify(cases[0][0], trust, verifier, on=ON, declaration=cases[0][1])
    print(
        f"python {platform.python_version()} on {platform.machine()}, "
        f"{args.verifications:,} distinct certificates x {args.repeats} passes, "
        f"{len(cases[0][0]):,} characters each, verdict {verdict.status.value} "
        f"({', '.join(verdict.codes())})"
    )

    def first_sight() -> None:
        for envelope, declaration in cases:
            verify(envelope, trust, verifier, on=ON, declaration=declaration)

    received = AuthenticatedCertificates(capacity=args.verifications)
    for envelope, _ in cases:
        verify(envelope, trust, verifier, on=ON, authenticated=received)

    def already_received() -> None:
        for envelope, declaration in cases:
            verify(envelope, trust, verifier, on=ON, declaration=declaration,
                   authenticated=received)  # fmt: skip

    opened = [open_envelope(envelope) for envelope, _ in cases]
    key = signer.public_key

    def signatures() -> None:
        for o in opened:
            verifier.verify(key, o.signature, o.signing_input)

    timed("verify, first sight", args.verifications, args.repeats, first_sight)
    timed("verify, already received", args.verifications, args.repeats, already_received)
    timed("Ed25519 check alone (the floor)", args.verifications, args.repeats, signatures)


if __name__ == "__main__":
    main()
