"""The message bus: commands to their handler, events to their subscribers, in one process.

A **command** (``Lodge``, ``Decide``, ``Amend``, ``Cancel``) asks for a change and goes to
exactly one handler, which returns the answer. An **event** says what happened: either a domain
event an aggregate recorded as it changed (``DeclarationLodged``, ``DutyAssessed``, ...), or a
message a handler publishes for the next step (:meth:`Context.publish`). Events go to every handler
subscribed to their class (or a base class), in the order they were raised, each handler
running to the end before the next event is taken, so a chain of steps runs depth by depth:
that is how the clearance pipeline (:mod:`.pipeline`) is built, one handler per step.

Every command is handled in a :class:`Context`. The handler tracks (:meth:`Context.track`)
the aggregates it loads or creates; :meth:`Context.settle` hands their new events (and those
published) to the subscribers until none is left. Just before it writes, a handler collects an
aggregate's events (:meth:`Context.collect`, which settles first), so every event raised by the
command, and by the steps it set off, reaches the outbox and the audit log in the command's own
transaction. :meth:`MessageBus.handle` checks that nothing was raised after that, since such an
event would never leave the process. A subscriber that raises stops the command: nothing has
been written yet, so nothing is half done.

The bus knows no database and no web framework; the handlers reach storage through the ports
(:mod:`.ports`).
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Sequence
from typing import Any, Protocol, TypeVar

from cafta.core.errors import CaftaError

__all__ = ["Aggregate", "Context", "MessageBus"]

C = TypeVar("C")
E = TypeVar("E")
A = TypeVar("A", bound="Aggregate")


class Aggregate(Protocol):
    """What the bus needs of an aggregate: its id and the events it recorded, not yet
    pulled for storage."""

    @property
    def id(self) -> str: ...

    @property
    def pending_events(self) -> Sequence[object]: ...

    def pull_events(self) -> Sequence[object]: ...


class Context:
    """One command's work: the aggregates it touched and the events still to hand out."""

    def __init__(self, bus: MessageBus) -> None:
        self._bus = bus
        self._aggregates: dict[str, Aggregate] = {}
        self._handed: dict[str, int] = {}
        self._published: deque[object] = deque()
        self.handled: list[object] = []
        """Every event handed to the subscribers, in order (for tests and tracing)."""

    def track(self, aggregate: A) -> A:
        """Watch ``aggregate``'s events from now on (those it recorded before included)."""
        self._aggregates[aggregate.id] = aggregate
        self._handed.setdefault(aggregate.id, 0)
        return aggregate

    def get(self, aggregate_id: str, kind: type[A]) -> A:
        """A tracked aggregate (the identity map of this command)."""
        found = self._aggregates.get(aggregate_id)
        if not isinstance(found, kind):
            raise BusError(f"no {kind.__name__} {aggregate_id} in this command's work")
        return found

    def publish(self, event: object) -> None:
        """Queue an event that no aggregate records (a step's result for the next step)."""
        self._published.append(event)

    def settle(self) -> None:
        """Hand every new event to its subscribers, and the events they raise in turn, until
        none is left."""
        while True:
            event = self._next()
            if event is None:
                return
            self.handled.append(event)
            for handler in self._bus.subscribers(type(event)):
                handler(event, self)

    def collect(self, aggregate: Aggregate) -> list[object]:
        """Settle, then take ``aggregate``'s events for storage (the outbox, the audit log):
        what a handler calls just before it writes."""
        self.settle()
        self._handed[aggregate.id] = 0
        return list(aggregate.pull_events())

    def unsettled(self) -> list[object]:
        """Events raised but not handed out yet."""
        waiting = list(self._published)
        for key, aggregate in self._aggregates.items():
            waiting.extend(aggregate.pending_events[self._handed[key] :])
        return waiting

    def _next(self) -> object | None:
        # Aggregates' events first, in the order tracked: a step's own changes are settled
        # before what it published for later.
        for key, aggregate in self._aggregates.items():
            events = aggregate.pending_events
            done = self._handed[key]
            if done < len(events):
                self._handed[key] = done + 1
                return events[done]
        return self._published.popleft() if self._published else None


class BusError(CaftaError):
    """A message the bus cannot route, or an event raised too late to be stored."""

    default_code = "bus.error"


Handler = Callable[[Any, Context], Any]


class MessageBus:
    """Routes commands to one handler each and events to their subscribers."""

    def __init__(self) -> None:
        self._commands: dict[type, Handler] = {}
        self._subscribers: dict[type, list[Handler]] = {}

    def register(self, command: type[C], handler: Callable[[C, Context], Any]) -> None:
        if command in self._commands:
            raise BusError(f"{command.__name__} already has a handler")
        self._commands[command] = handler

    def subscribe(self, event: type[E], handler: Callable[[E, Context], None]) -> None:
        """Call ``handler`` for every event of class ``event`` or of a subclass of it. An
        event goes to the subscribers of its own class first, then to those of its base
        classes; for one class, in the order they subscribed."""
        self._subscribers.setdefault(event, []).append(handler)

    def subscribers(self, event: type) -> list[Handler]:
        found: list[Handler] = []
        for kind in event.__mro__:
            found.extend(self._subscribers.get(kind, ()))
        return found

    def handle(self, command: object) -> Any:
        """Run ``command``'s handler in a fresh :class:`Context`; its answer."""
        handler = self._commands.get(type(command))
        if handler is None:
            raise BusError(f"no handler for {type(command).__name__}")
        context = Context(self)
        result = handler(command, context)
        late = context.unsettled()
        if late:
            names = ", ".join(type(e).__name__ for e in late)
            raise BusError(f"{type(command).__name__} left events unsettled: {names}")
        return result
