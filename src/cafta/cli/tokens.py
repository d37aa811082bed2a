"""``cafta tokens``: create, list and revoke the API's bearer tokens in the node's database.

A token is shown once, when it is created; the database keeps only its SHA-256 and its id
(``tok_...``), which is what ``list`` shows and ``revoke`` takes. A running server keeps a token
it has looked up for 30 seconds (:mod:`cafta.adapters.storage.token_source`), so a revoked
token stops working in every server process within 30 seconds; ``revoke`` says so, in one line
an operator can keep for the record. Both are written to the audit log (``token.create``,
``token.revoke``: the token's id, role and party, never the token), under :data:`OPERATOR`.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Annotated, Any

import typer
from rich.markup import escape
from rich.table import Table

from cafta import bootstrap
from cafta.cli.db import Database, open_node
from cafta.cli.output import console, emit_json, print_table
from cafta.core.vocabulary import parse_member
from cafta.services.ports import Role, TokenRecord

__all__ = ["CACHE_SECONDS", "OPERATOR", "tokens_app"]

OPERATOR = "operator (cli)"
"""Who the audit log says made or revoked a token from the command line: whoever runs it has
the database itself, and no token to name."""

CACHE_SECONDS = 30
"""How long a server process keeps a token it looked up (``StoredTokens``' default ``ttl``)."""

tokens_app = typer.Typer(
    no_args_is_help=True,
    help="API tokens for traders, brokers, officers: create, list, revoke.",
)

Json = Annotated[bool, typer.Option("--json", help="Print JSON for programs.")]
_ROLES = ", ".join(r.value for r in Role)


def _role(text: str) -> Role:
    return parse_member(Role, text, what="role", code="auth.role")


def _utc(at: datetime) -> datetime:
    return at.astimezone(UTC)


def _view(record: TokenRecord) -> dict[str, Any]:
    return {
        "token_id": record.token_id,
        "role": record.role.value,
        "party": record.party,
        "created_at": _utc(record.created_at).isoformat(),
    }


@tokens_app.command("create")
def create_token(
    role: Annotated[str, typer.Option("--role", help=f"One of: {_ROLES}.")],
    party: Annotated[
        str,
        typer.Option(
            "--party", help="The trader, broker or office it acts for, as named in declarations."
        ),
    ],
    database: Database = None,
    as_json: Json = False,
) -> None:
    """Create an API bearer token. It is shown once; only its hash and its id are stored."""
    from cafta.services.tokens import issue, record_issue  # noqa: PLC0415

    chosen = _role(role)
    services = bootstrap.build()
    node = open_node(services, database, upgrade=True)
    try:
        with node.uow() as uow:
            now = services.clock.now()
            issued = issue(uow.tokens, chosen, party, now)
            record_issue(uow.audit, issued, now, OPERATOR)
            uow.commit()
    finally:
        node.close()
    if as_json:
        emit_json({"token_id": issued.token_id, "token": issued.token,
                   "role": issued.role.value, "party": issued.party})  # fmt: skip
    else:
        console.print(f"Token {issued.token_id} for {issued.party} ({issued.role.value}); keep it "
                      f"secret, it is not stored:\n{issued.token}", markup=False)  # fmt: skip


@tokens_app.command("list")
def list_tokens(
    role: Annotated[str | None, typer.Option("--role", help=f"Only this role ({_ROLES}).")] = None,
    party: Annotated[
        str | None, typer.Option("--party", help="Only the tokens acting for this party.")
    ] = None,
    database: Database = None,
    as_json: Json = False,
) -> None:
    """The tokens, oldest first: id, role, party and when it was created (never the token)."""
    chosen = _role(role) if role is not None else None
    node = open_node(bootstrap.build(), database)
    try:
        with node.uow(read_only=True) as uow:
            records: Sequence[TokenRecord] = uow.tokens.list(chosen, party)
    finally:
        node.close()
    if as_json:
        emit_json([_view(r) for r in records])
        return
    if not records:
        console.print("no tokens match" if (role or party is not None) else "no tokens")
        return
    table = Table()
    for column in ("token id", "role", "party", "created (UTC)"):
        table.add_column(column, no_wrap=column != "party")
    for r in records:
        table.add_row(escape(r.token_id), r.role.value, escape(r.party),
                      _utc(r.created_at).strftime("%Y-%m-%d %H:%M:%S"))  # fmt: skip
    print_table(table)


@tokens_app.command("revoke")
def revoke(
    token_id: Annotated[str, typer.Argument(help="The token's id (tok_..., 'cafta tokens list').")],
    database: Database = None,
) -> None:
    """Revoke a token by its id: every server stops accepting it within 30 seconds."""
    from cafta.services.tokens import record_revocation, revoke_token  # noqa: PLC0415

    services = bootstrap.build()
    node = open_node(services, database)
    try:
        with node.uow() as uow:
            revoked = revoke_token(uow.tokens, token_id)
            record_revocation(uow.audit, revoked, services.clock.now(), OPERATOR)
            uow.commit()
    finally:
        node.close()
    now = _utc(services.clock.now()).isoformat(timespec="seconds")
    created = _utc(revoked.created_at).isoformat(timespec="seconds")
    console.print(f"revoked token {revoked.token_id} ({revoked.role.value} for {revoked.party}, "
                  f"created {created}) at {now}; running servers stop accepting it within "
                  f"{CACHE_SECONDS} seconds", markup=False)  # fmt: skip
