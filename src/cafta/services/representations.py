"""The register of representations: who may declare for whom, kept by the node.

An importer (a trader) grants a customs broker authority to declare its goods, and withdraws it;
the broker may give it up; an administrator records one on the strength of a paper authority.
Officers and administrators see the whole register, a trader the authorities it gave and a
broker those it holds. Every grant and withdrawal is written with an audit entry in the same
transaction, so the hash-chained log says who let whom declare, and from when.

:meth:`Representations.in_force` is what the clearance services ask before a broker's lodging,
amendment or withdrawal (:class:`~cafta.services.ports.AuthorityLookup`); the storage adapter
answers the same question from a short-lived cache
(``cafta.adapters.storage.authority``), which :attr:`Representations.forget` empties when
this process changes the register.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date

from cafta.clearance.goods import party_key
from cafta.clearance.representation import Representation, new_representation_id
from cafta.core.clock import Clock
from cafta.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from cafta.services.ports import Principal, Role, UnitOfWork, UnitOfWorkFactory

__all__ = ["Representations", "no_authority"]

_READERS_OF_ALL = frozenset({Role.OFFICER, Role.ADMIN})


def no_authority(broker: str, importer: str, on: date) -> Forbidden:
    """The refusal of a broker's declaration for an importer it holds no authority from."""
    return Forbidden(
        f"'{broker}' holds no authority from the importer '{importer}' to declare its goods "
        f"on {on.isoformat()}",
        code="declaration.no_authority",
        hint="The importer grants it (portal: Brokers; API: POST /api/v1/representations), or "
        "an administrator records its written authority (cafta representations grant).",
        details={"field": "importer.name", "importer": importer, "on": on.isoformat()},
    )


@dataclass
class Representations:
    """Grants, withdrawals and reads of the register, over a unit of work."""

    uow: UnitOfWorkFactory
    clock: Clock
    new_id: Callable[[], str] = new_representation_id
    forget: Callable[[], None] | None = None
    """Called after every change: empties this process's cache of authorities."""

    def grant(
        self,
        principal: Principal,
        broker: str,
        *,
        importer: str | None = None,
        valid_from: date | None = None,
        valid_until: date | None = None,
        reference: str | None = None,
    ) -> Representation:
        """``principal`` (the importer itself, or an administrator naming the importer) lets
        ``broker`` declare the importer's goods."""
        importer = _grantor(principal, importer)
        representation = Representation.grant(
            self.new_id(), importer, broker, by=principal.party, at=self.clock.now(),
            valid_from=valid_from, valid_until=valid_until, reference=reference,
        )  # fmt: skip

        def store(uow: UnitOfWork) -> None:
            pair = representation.importer_key, representation.broker_key
            uow.representations.lock_pair(*pair)
            for other in uow.representations.list(*pair):
                if other.overlaps(representation):
                    raise _overlap(other)
            uow.representations.add(representation)
            uow.audit.append(representation.granted_at, principal.party, "representation.grant",
                             representation.id, representation.to_document())  # fmt: skip

        self._write(store)
        return representation

    def revoke(self, representation_id: str, principal: Principal) -> Representation:
        """Withdraw a representation: by its importer, by its broker (giving it up) or by an
        administrator. Declarations lodged under it stay as they are."""
        if principal.role not in (Role.TRADER, Role.BROKER, Role.ADMIN):
            raise Forbidden(
                "only the importer, its broker or an administrator withdraws an authority",
                code="representation.forbidden",
            )
        at = self.clock.now()
        revoked: list[Representation] = []

        def store(uow: UnitOfWork) -> None:
            current = uow.representations.get(representation_id.strip())
            if current is None or not _may_see(principal, current):
                raise _not_found(representation_id)
            done = current.revoke(at, principal.party)
            uow.representations.save_revocation(done)
            uow.audit.append(at, principal.party, "representation.revoke", done.id,
                             done.to_document())  # fmt: skip
            revoked.append(done)

        self._write(store)
        return revoked[0]

    def get(self, representation_id: str, principal: Principal) -> Representation:
        _check_reader(principal)
        with self.uow(read_only=True) as uow:
            found = uow.representations.get(representation_id.strip())
        if found is None or not _may_see(principal, found):
            raise _not_found(representation_id)
        return found

    def list(
        self,
        principal: Principal,
        *,
        importer: str | None = None,
        broker: str | None = None,
        include_revoked: bool = False,
    ) -> Sequence[Representation]:
        """The register as ``principal`` may see it, narrowed to an importer or a broker."""
        keys = _visible(principal, importer, broker)
        if keys is None:
            return []
        with self.uow(read_only=True) as uow:
            return uow.representations.list(*keys, include_revoked)

    def page(
        self,
        principal: Principal,
        *,
        importer: str | None = None,
        broker: str | None = None,
        include_revoked: bool = False,
        limit: int,
        offset: int = 0,
    ) -> tuple[Sequence[Representation], int]:
        """A page of :meth:`list` (at most ``limit``, after skipping ``offset``, oldest grant
        first), and how many there are on every page, both read in one transaction."""
        keys = _visible(principal, importer, broker)
        if keys is None:
            return [], 0
        with self.uow(read_only=True) as uow:
            found = uow.representations.list(*keys, include_revoked, limit=limit, offset=offset)
            total = uow.representations.count(*keys, include_revoked)
        return found, total

    def in_force(self, importer_key: str, broker_key: str, on: date) -> bool:
        """Whether ``broker_key`` may declare for ``importer_key`` on ``on`` (read now, no
        cache)."""
        with self.uow(read_only=True) as uow:
            found = uow.representations.list(importer_key, broker_key)
        return any(r.in_force(on) for r in found)

    def _write(self, work: Callable[[UnitOfWork], None]) -> None:
        with self.uow() as uow:
            work(uow)
            uow.commit()
        if self.forget is not None:
            self.forget()


def _grantor(principal: Principal, importer: str | None) -> str:
    """The importer ``principal`` may grant for: a trader itself, an administrator anyone."""
    if principal.role is Role.TRADER:
        if (
            importer is not None
            and importer.strip()
            and party_key(importer) != party_key(principal.party)
        ):
            raise Forbidden(
                f"you act for '{principal.party}'; a trader grants authority only to declare "
                "its own imports",
                code="representation.not_your_party",
                hint="Leave out the importer, or ask that importer to grant it.",
                details={"field": "importer"},
            )
        return principal.party
    if principal.role is Role.ADMIN:
        if importer is None or not importer.strip():
            raise InvalidInput(
                "name the importer whose written authority you record",
                code="representation.missing_importer",
                hint="Give the importer as it appears on its declarations.",
                details={"field": "importer"},
            )
        return importer
    raise Forbidden(
        "only the importer (a trader) or an administrator grants authority to a broker",
        code="representation.forbidden",
        hint="Sign in as the importer; a broker cannot grant itself authority.",
    )


def _visible(
    principal: Principal, importer: str | None, broker: str | None
) -> tuple[str | None, str | None] | None:
    """The importer and broker keys a read by ``principal`` is narrowed to (a trader's own
    importer, a broker's own broker), or ``None`` when the filters name a party the principal
    may not read for: nothing to find."""
    _check_reader(principal)
    importer_key = party_key(importer) if importer else None
    broker_key = party_key(broker) if broker else None
    own = party_key(principal.party)
    if principal.role is Role.TRADER:
        if importer_key not in (None, own):
            return None
        importer_key = own
    elif principal.role is Role.BROKER:
        if broker_key not in (None, own):
            return None
        broker_key = own
    return importer_key, broker_key


def _check_reader(principal: Principal) -> None:
    if principal.role is Role.GATE:
        raise Forbidden("gate operators do not read the register of representations",
                        code="representation.forbidden")  # fmt: skip


def _may_see(principal: Principal, representation: Representation) -> bool:
    if principal.role in _READERS_OF_ALL:
        return True
    own = party_key(principal.party)
    if principal.role is Role.TRADER:
        return representation.importer_key == own
    if principal.role is Role.BROKER:
        return representation.broker_key == own
    return False


def _not_found(representation_id: str) -> NotFound:
    return NotFound(
        f"no representation {representation_id.strip()}",
        code="representation.not_found",
        hint="Check the id (rep_...); you see only the authorities you gave or hold.",
    )


def _overlap(other: Representation) -> Conflict:
    until = f"to {other.valid_until.isoformat()}" if other.valid_until else "until withdrawn"
    return Conflict(
        f"'{other.broker}' already holds authority from '{other.importer}' "
        f"({other.id}, from {other.valid_from.isoformat()}, {until})",
        code="representation.exists",
        hint="Withdraw that one first to change its dates, or give dates that do not overlap.",
        details={"id": other.id},
    )
