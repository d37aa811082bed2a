"""``cafta keys``: issuing authorities' Ed25519 signing keys and the trust lists that name them.

``cafta keys generate`` makes an authority's key (``DIR/<AUTHORITY>.key``, the name
``cafta co issue`` reads the authority from) and adds its public key to ``DIR/trust.json``;
``cafta keys trust-merge`` joins trust lists into one, e.g. an importing customs' list.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

import typer

from cafta.adapters.crypto import generate_private_key, public_key_bytes, write_private_key
from cafta.adapters.trust_files import read_trust_list, write_trust_list
from cafta.certificates.trust import IssuingAuthority, TrustedKey, TrustList, merge
from cafta.cli.db import Database, open_node
from cafta.cli.output import console
from cafta.core.dates import parse_date
from cafta.core.errors import Conflict, InvalidInput
from cafta.refdata.countries import country

TRUST_FILE = "trust.json"
KEY_SUFFIX = ".key"

_GENERATE_EXAMPLE = """\
Example:

  cafta keys generate --authority MM-MOC --country MM --out keys --name "Ministry of Commerce"

writes keys/MM-MOC.key (the private key, mode 0600: keep it secret) and adds the public key to
keys/trust.json, the trust list importing customs load with 'cafta co verify --trust'.
"""

_TRUST_EXAMPLE = """\
Example trust list (format cafta.trust-list/1):

  {"format": "cafta.trust-list/1", "party": "CN",
   "authorities": [{"id": "MM-MOC", "country": "MM", "name": "Ministry of Commerce",
                    "keys": [{"kid": "<thumbprint>", "jwk": {"kty": "OKP", "crv": "Ed25519",
                              "x": "<base64url public key>"},
                              "valid_from": "2026-01-01", "valid_to": null}]}]}
"""

keys_app = typer.Typer(
    no_args_is_help=True,
    help="Issuing authorities' Ed25519 signing keys and the trust lists that name them.",
)


def _print(text: str) -> None:
    console.print(text, markup=False)


@contextmanager
def writing_out(option: str = "--out") -> Iterator[None]:
    """A path the command cannot write to is said as the option's, exit 2 (``--out: adir is a
    directory; name a file``)."""
    try:
        yield
    except InvalidInput as error:
        if not error.code.startswith("file."):
            raise
        raise InvalidInput(
            f"{option}: {error.message}", code=error.code, hint=error.hint, details=error.details
        ) from None


def _key_folder(out: Path) -> None:
    """Create the ``--out`` folder of ``keys generate``, or say why it cannot be one."""
    try:
        out.mkdir(parents=True, exist_ok=True)
    except (FileExistsError, NotADirectoryError):
        blocking = next((p for p in (out, *out.parents) if p.exists() and not p.is_dir()), out)
        raise InvalidInput(
            f"--out: {blocking} is a file; name a folder for the key and {TRUST_FILE}",
            code="file.not_a_folder",
        ) from None
    except OSError as error:
        raise InvalidInput(
            f"--out: the folder {out} cannot be created ({error.strerror or error})",
            code="file.unwritable",
            hint="Name a folder you may write to.",
        ) from None


@keys_app.command("generate", epilog=_GENERATE_EXAMPLE)
def generate(
    authority: Annotated[str, typer.Option("--authority", help="Authority id, e.g. MM-MOC.")],
    country_text: Annotated[
        str, typer.Option("--country", help="The authority's country (ISO code, e.g. MM).")
    ],
    out: Annotated[Path, typer.Option("--out", help="Directory for the key and trust.json.")],
    name: Annotated[str | None, typer.Option("--name", help="The authority's name.")] = None,
    valid_from: Annotated[
        str | None,
        typer.Option("--valid-from", help="First issue date the key is trusted for (YYYY-MM-DD)."),
    ] = None,
    overwrite: Annotated[
        bool, typer.Option("--overwrite", help="Replace an existing key file of that authority.")
    ] = False,
) -> None:
    """Make a signing key for an issuing authority and add it to DIR/trust.json."""
    issuer = IssuingAuthority(authority, country(country_text).alpha2, name)
    if out.exists() and not out.is_dir():
        _key_folder(out)  # says that it is a file
    key_path, trust_path = out / f"{issuer.id}{KEY_SUFFIX}", out / TRUST_FILE
    if key_path.exists() and not overwrite:
        raise Conflict(
            f"{key_path} already exists", code="keys.exists",
            hint="Pass --overwrite to replace it (the old key stays in trust.json), or use "
            "another --out directory.",
        )  # fmt: skip
    trust = read_trust_list(trust_path) if trust_path.exists() else TrustList()
    private_key = generate_private_key()
    start = parse_date(valid_from, "--valid-from") if valid_from else None
    trusted = TrustedKey(issuer, public_key_bytes(private_key), start)
    updated = trust.with_key(trusted)  # a conflict stops here, before anything is written
    _key_folder(out)
    with writing_out():
        write_private_key(key_path, private_key, overwrite=overwrite)
        write_trust_list(trust_path, updated)
    _print(f"Wrote the private key of {issuer.id} to {key_path} (keep it secret).")
    _print(
        f"{'Added' if trust.keys else 'Wrote'} its public key {trusted.kid} "
        f"({issuer.id}, {issuer.country}) to {trust_path}."
    )


@keys_app.command("trust-merge", epilog=_TRUST_EXAMPLE)
def trust_merge(
    files: Annotated[list[Path], typer.Argument(help="Trust lists to merge (JSON).")],
    out: Annotated[Path, typer.Option("--out", help="Where to write the merged list.")],
    party: Annotated[
        str | None,
        typer.Option("--party", help="The importing party the merged list is for (e.g. CN)."),
    ] = None,
) -> None:
    """Merge trust lists into one; the same key listed differently is refused."""
    lists = [read_trust_list(path) for path in files]
    if party is not None:
        lists.append(TrustList(party=country(party).alpha2))
    merged = merge(*lists)
    with writing_out():
        write_trust_list(out, merged)
    _print(
        f"Wrote {len(merged.authorities)} authorities and {len(merged.keys)} keys to {out}"
        + (f" (trust list of {merged.party})." if merged.party else ".")
    )


@keys_app.command("trust-import")
def trust_import_command(
    trust_file: Annotated[Path, typer.Argument(help="A trust list (cafta.trust-list/1).")],
    database: Database = None,
) -> None:
    """Load issuing authorities' keys into the node's trust list (safe to repeat).

    Certificates signed with these keys are then accepted by the node ('cafta serve', 'cafta
    declare submit'); a key given an end date in a newer file is updated.
    """
    from cafta import bootstrap  # noqa: PLC0415
    from cafta.adapters.storage.trust_source import records_of  # noqa: PLC0415
    from cafta.adapters.storage.unit_of_work import SqlUnitOfWork  # noqa: PLC0415

    trust = read_trust_list(trust_file)
    services = bootstrap.build()
    node = open_node(services, database, upgrade=True)
    try:
        with SqlUnitOfWork(node.engine) as uow:
            written = uow.trusted_keys.add_many(records_of(trust), services.clock.now())
            uow.commit()
    finally:
        node.close()
    console.print(f"{len(trust.keys)} key(s) of {len(trust.authorities)} authority(ies) in "
                  f"{trust_file.name}; {written} added or updated.", markup=False)  # fmt: skip
