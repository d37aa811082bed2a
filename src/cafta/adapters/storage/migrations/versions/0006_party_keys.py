"""Party keys: recomputed with compatibility forms and format characters folded.

A party is recognised by its key (``cafta.clearance.goods.party_key``). Up to 0005 the key
folded case and spacing only, so ``广西鲜果贸易有限公司（南宁）`` (full-width parentheses) and
``广西鲜果贸易有限公司(南宁)`` were two parties, as were ``Ｇuangxi`` and ``Guangxi`` or a name
with a zero-width space in it: an authority granted under one spelling did not cover a
declaration naming the other. The key now applies Unicode compatibility normalisation (NFKC)
and drops format characters (category ``Cf``) too. This migration recomputes every stored key:
``declarations.importer`` and ``declarant``, ``representations.importer_key`` and
``broker_key``, and ``idempotency_keys.scope``.

It recomputes each key from the key stored, not from the name: the new key of an old key is
the new key of the name it was made from (the folding is repeated until it settles, so the
order in which case and spacing were folded does not matter; ``tests/unit/clearance`` checks
this over arbitrary text and every code point). The function is copied here, frozen, rather
than imported: a later change to ``party_key`` must not change what this migration did
(``tests/integration/storage`` checks that the copy still equals it). Rows are read in batches
of :data:`_BATCH`, in key order, and only those whose key changes are written; a database
whose names are all ASCII is read and left as it was.

Two old scopes can become one: a party whose tokens spelled its name two ways has idempotency
keys under both, and the same key under both collides on the primary key ``(scope, key)``. The
oldest row (by ``created_at``; a row already under the new scope on a tie) is kept and the
other dropped. Both declarations stay; only the memory of the newer request's key goes. That is
safe: a repeat of the older request still replays its declaration; a retry of the newer one
is refused with ``idempotency.key_reused``, or, if its body is the older request's (the same
request hash), replays the older declaration, the same document lodged by the same party. No
retry lodges a declaration twice, and no declaration is lost. One ``(scope, key)`` answers
for one request; the oldest is the one the store would have kept had the party been spelled
one way from the start (the first request with a key wins).

Two authorities of one importer for one broker, granted under two spellings, may now cover a
common day; they are kept as they are (``docs/operations.md``, upgrading to 0006).

Nothing is done on downgrade: the old keys cannot be told from the new ones.

Revision ID: 0006
Revises: 0005
"""

from __future__ import annotations

import unicodedata
from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

_BATCH = 1000


def party_key(name: str) -> str:
    """``cafta.clearance.goods.party_key`` as of this revision, frozen."""
    if name.isascii():
        return " ".join(name.split()).casefold()
    key = name
    for _ in range(4):
        text = key
        if not text.isprintable():
            text = "".join(ch for ch in text if unicodedata.category(ch) != "Cf")
        folded = " ".join(unicodedata.normalize("NFKC", text.casefold()).split())
        if folded == key:
            break
        key = folded
    return key


def _rekey(table: sa.TableClause, columns: tuple[str, ...]) -> None:
    """Recompute ``columns`` of ``table`` (primary key ``id``), a batch at a time."""
    connection = op.get_bind()
    ident = table.c.id
    values: dict[str, Any] = {name: sa.bindparam(f"new_{name}") for name in columns}
    update = table.update().where(ident == sa.bindparam("old_id")).values(values)
    after: str | None = None
    while True:
        query = sa.select(ident, *(table.c[name] for name in columns)).order_by(ident)
        if after is not None:
            query = query.where(ident > after)
        rows = connection.execute(query.limit(_BATCH)).all()
        if not rows:
            return
        changed = []
        for row in rows:
            keys = {f"new_{name}": party_key(row._mapping[name]) for name in columns}
            if any(keys[f"new_{name}"] != row._mapping[name] for name in columns):
                changed.append({"old_id": row.id, **keys})
        if changed:
            connection.execute(update, changed)
        after = rows[-1].id


def _rescope() -> None:
    """Recompute ``idempotency_keys.scope``, keeping the oldest row where two scopes meet."""
    keys = sa.table(
        "idempotency_keys",
        sa.column("scope", sa.Text()),
        sa.column("key", sa.Text()),
        sa.column("created_at"),  # compared as stored: one database keeps one form
    )
    connection = op.get_bind()
    at = sa.and_(keys.c.scope == sa.bindparam("at_scope"), keys.c.key == sa.bindparam("at_key"))
    delete = keys.delete().where(at)
    move = keys.update().where(at).values(scope=sa.bindparam("new_scope"))
    after: tuple[str, str] | None = None
    while True:
        query = sa.select(keys.c.scope, keys.c.key, keys.c.created_at)
        if after is not None:
            # Rows moved to a new scope may come round again: their scope is then their key.
            query = query.where(sa.tuple_(keys.c.scope, keys.c.key) > sa.tuple_(*after))
        rows = connection.execute(query.order_by(keys.c.scope, keys.c.key).limit(_BATCH)).all()
        if not rows:
            return
        after = (rows[-1].scope, rows[-1].key)
        moving = [(row, scope) for row in rows if (scope := party_key(row.scope)) != row.scope]
        if not moving:
            continue
        # Where the moving rows go, and who is already there: a settled scope, which no later
        # batch moves again.
        going: dict[tuple[str, str], list[tuple[Any, str, int]]] = {}
        for row, scope in moving:
            going.setdefault((scope, row.key), []).append((row.created_at, row.scope, 1))
        for found in connection.execute(
            sa.select(keys.c.scope, keys.c.key, keys.c.created_at).where(
                keys.c.scope.in_(sorted({scope for scope, _ in going})),
                keys.c.key.in_(sorted({key for _, key in going})),
            )
        ):
            if (found.scope, found.key) in going:
                going[(found.scope, found.key)].append((found.created_at, found.scope, 0))
        dropped: list[dict[str, str]] = []
        moved: list[dict[str, str]] = []
        for (scope, key), rows_there in going.items():
            # The oldest stays; on a tie the row already there, then the first old scope.
            kept = min(rows_there, key=lambda there: (there[0], there[2], there[1]))
            for there in rows_there:
                if there is not kept:
                    dropped.append({"at_scope": there[1], "at_key": key})
            if kept[2]:
                moved.append({"at_scope": kept[1], "at_key": key, "new_scope": scope})
        if dropped:
            connection.execute(delete, dropped)
        if moved:
            connection.execute(move, moved)


def upgrade() -> None:
    declarations = sa.table(
        "declarations",
        sa.column("id", sa.Text()),
        sa.column("importer", sa.Text()),
        sa.column("declarant", sa.Text()),
    )
    representations = sa.table(
        "representations",
        sa.column("id", sa.Text()),
        sa.column("importer_key", sa.Text()),
        sa.column("broker_key", sa.Text()),
    )
    _rekey(declarations, ("importer", "declarant"))
    _rekey(representations, ("importer_key", "broker_key"))
    _rescope()


def downgrade() -> None:
    """Nothing to undo: an old key cannot be told from a new one. The keys stay folded; the code
    of 0005 then misses only names whose width or format characters it did not fold."""
