"""The message bus, and the clearance commands driven through it with in-memory stores."""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import pytest

from cafta.certificates.trust import TrustList
from cafta.clearance.declaration import Declaration, LaneChoice
from cafta.clearance.events import (
    DeclarationLodged,
    DocumentsRequested,
    Event,
    GoodsReleased,
    LaneAssigned,
)
from cafta.clearance.lifecycle import Lane, Status
from cafta.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from cafta.services.bus import BusError, Context, MessageBus
from cafta.services.clearance import Action, Amend, Cancel, Decide, Lodge
from cafta.services.pipeline import ClaimsVerified
from cafta.services.ports import Principal, Role

from .test_clearance import NOW, OFFICER, TRADER, clearance, durian

# --- the bus on its own -----------------------------------------------------------------------


@dataclass(frozen=True)
class Ping:
    times: int


@dataclass(frozen=True)
class Pinged:
    n: int


@dataclass(frozen=True)
class Echoed(Pinged):
    """A subclass: its subscribers and those of :class:`Pinged` both get it."""


@dataclass
class Counter:
    """A tiny aggregate that records an event per tick."""

    id: str
    _events: list[object] = field(default_factory=list)

    def tick(self, n: int) -> None:
        self._events.append(Pinged(n))

    @property
    def pending_events(self) -> tuple[object, ...]:
        return tuple(self._events)

    def pull_events(self) -> list[object]:
        events, self._events = self._events, []
        return events


def test_a_command_goes_to_its_one_handler_and_events_to_every_subscriber_in_order() -> None:
    bus, seen, stored = MessageBus(), [], []

    def ping(command: Ping, context: Context) -> str:
        counter = context.track(Counter("c1"))
        for n in range(command.times):
            counter.tick(n)
        stored.extend(context.collect(counter))
        return "pong"

    def echo(event: Pinged, context: Context) -> None:
        seen.append(("echo", event))
        if event.n == 0:
            context.publish(Echoed(100))  # handed out after the aggregate's own events

    bus.register(Ping, ping)
    bus.subscribe(Pinged, echo)
    bus.subscribe(Echoed, lambda e, c: seen.append(("echoed", e)))
    assert bus.handle(Ping(2)) == "pong"
    # Subscribers of the event's own class first, then those of its base classes.
    assert seen == [("echo", Pinged(0)), ("echo", Pinged(1)),
                    ("echoed", Echoed(100)), ("echo", Echoed(100))]  # fmt: skip
    assert stored == [Pinged(0), Pinged(1)]  # the published Echoed is not the aggregate's


def test_the_bus_refuses_what_it_cannot_route_or_would_lose() -> None:
    bus = MessageBus()
    with pytest.raises(BusError, match="no handler for Ping"):
        bus.handle(Ping(1))
    bus.register(Ping, lambda command, context: context.track(Counter("c")).tick(1))
    with pytest.raises(BusError, match="already has a handler"):
        bus.register(Ping, lambda command, context: None)
    # The handler recorded an event and never collected it: it would never reach the outbox.
    with pytest.raises(BusError, match="left events unsettled: Pinged"):
        bus.handle(Ping(1))
    with pytest.raises(BusError, match="no Counter nope"):
        Context(bus).get("nope", Counter)


# --- the clearance pipeline through the bus ---------------------------------------------------


def test_lodging_runs_each_step_as_a_handler_of_the_step_before(trust: TrustList) -> None:
    service, memory = clearance(trust)
    handled: list[str] = []
    service.bus.subscribe(object, lambda event, context: handled.append(type(event).__name__))
    lodged = service.lodge(Lodge(durian(), TRADER)).declaration
    assert handled == ["DeclarationLodged", "ClaimsVerified", "DutyAssessed", "LaneAssigned",
                       "GoodsReleased"]  # fmt: skip
    assert lodged.status is Status.RELEASED
    # Every event the steps raised was stored with the declaration, in one transaction;
    # the pipeline's internal message was not.
    topics = [m.topic for m in memory.outbox]
    assert topics == ["DeclarationLodged", "DutyAssessed", "LaneAssigned", "GoodsReleased"]
    assert memory.commits == 1 and memory.audit[0].action == "declaration.lodge"
    assert {m.created_at for m in memory.outbox} == {NOW}


def test_a_subscriber_sees_the_release_and_a_failing_step_stores_nothing(
    trust: TrustList,
) -> None:
    service, memory = clearance(trust)
    released: list[GoodsReleased] = []
    service.bus.subscribe(GoodsReleased, lambda event, context: released.append(event))
    service.lodge(Lodge(durian(), TRADER))
    assert [e.lane for e in released] == ["green"]

    def gate_down(event: LaneAssigned, context: Context) -> None:
        raise RuntimeError("the lane step's observer failed")

    service.bus.subscribe(LaneAssigned, gate_down)
    with pytest.raises(RuntimeError):
        service.lodge(Lodge(durian(), TRADER))
    assert len(memory.declarations) == 1 and memory.commits == 1


class _YellowThenGreen:
    def __init__(self) -> None:
        self.calls = 0

    def select(self, declaration: Declaration) -> LaneChoice:
        self.calls += 1
        lane = Lane.YELLOW if self.calls == 1 else Lane.GREEN
        return LaneChoice(lane, "0.5", "test", (f"{lane.value}: call {self.calls}",))


def test_an_amendment_runs_the_pipeline_again_and_goes_back_to_an_officer(
    trust: TrustList,
) -> None:
    """Re-assessed and re-scored, but held at least yellow: the lanes drawn again said green,
    and amending may not buy a new draw."""
    selector = _YellowThenGreen()
    service, memory = clearance(trust, lanes=selector)
    held = service.lodge(Lodge(durian(), TRADER)).declaration
    assert held.status is Status.HELD_FOR_DOCUMENTS
    corrected = durian()
    corrected["items"][0]["value"]["amount"] = "640000.00"
    amended = service.amend(Amend(held.id, corrected, TRADER, expected_version=1))
    assert selector.calls == 2
    assert amended.status is Status.HELD_FOR_DOCUMENTS and amended.version == 2
    assert amended.lane is not None and amended.lane.lane is Lane.YELLOW
    assert amended.lane.selected_by == "rule"
    assert amended.lane.reasons == (
        "yellow: amended after being held; an officer checks the amendment's documents",
        "green: call 2",
    )
    assert amended.assessment is not None
    assert amended.assessment.items[0].customs_value.amount == 640000
    assert [h["event"] for h in amended.history][-3:] == [
        "DeclarationAmended", "DutyAssessed", "LaneAssigned"]  # fmt: skip
    assert memory.audit[-1].action == "declaration.amend"
    assert memory.declarations[held.id].status == "held_for_documents"
    released = service.decide(Decide(held.id, OFFICER, Action.RELEASE))
    assert released.status is Status.RELEASED
    with pytest.raises(Conflict) as closed:  # released: too late to amend
        service.amend(Amend(held.id, corrected, TRADER))
    assert closed.value.code == "declaration.transition"


def test_who_may_amend_and_what(trust: TrustList) -> None:
    service, memory = clearance(trust, Lane.YELLOW)
    held = service.lodge(Lodge(durian(), TRADER)).declaration
    with pytest.raises(Forbidden, match=r"^an officer cannot amend declarations\. The importer"):
        service.amend(Amend(held.id, durian(), OFFICER))
    with pytest.raises(Forbidden, match=r"^a gate operator cannot amend"):
        service.amend(Amend(held.id, durian(), Principal(Role.GATE, "Gate 3")))
    stranger = Principal(Role.TRADER, "Another Importer Ltd")
    other = durian()
    other["importer"]["name"] = stranger.party
    with pytest.raises(NotFound):
        service.amend(Amend(held.id, other, stranger))
    with pytest.raises(InvalidInput) as caught:  # the importer cannot be swapped
        service.amend(Amend(held.id, other, Principal(Role.ADMIN, "admin")))
    assert caught.value.code == "declaration.amend_identity"
    with pytest.raises(Conflict) as stale:
        service.amend(Amend(held.id, durian(), TRADER, expected_version=7))
    assert stale.value.code == "declaration.version"
    assert memory.declarations[held.id].version == 1


def test_the_declarant_cancels_before_release_only(trust: TrustList) -> None:
    service, memory = clearance(trust, Lane.YELLOW)
    held = service.lodge(Lodge(durian(), TRADER)).declaration
    with pytest.raises(Forbidden):
        service.cancel(Cancel(held.id, OFFICER))
    cancelled = service.cancel(Cancel(held.id, TRADER, "sold to another buyer"))
    assert cancelled.status is Status.CANCELLED and cancelled.version == 2
    assert memory.outbox[-1].topic == "DeclarationCancelled"
    assert memory.audit[-1].action == "declaration.cancel"
    green, _ = clearance(trust, memory=memory)
    released = green.lodge(Lodge(durian(), TRADER)).declaration
    with pytest.raises(Conflict) as caught:
        green.cancel(Cancel(released.id, TRADER))
    assert caught.value.code == "declaration.transition"
    # Selected for inspection: withdrawn, it could be lodged again without it.
    red, _ = clearance(trust, Lane.RED, memory)
    inspected = red.lodge(Lodge(durian(), TRADER)).declaration
    with pytest.raises(Conflict) as refused:
        red.cancel(Cancel(inspected.id, TRADER))
    assert refused.value.code == "declaration.cancel_refused"


def test_of_two_officers_deciding_from_one_version_the_second_gets_a_conflict(
    trust: TrustList,
) -> None:
    service, memory = clearance(trust, Lane.RED)
    held = service.lodge(Lodge(durian(), TRADER)).declaration

    def meanwhile(event: DocumentsRequested, context: Context) -> None:
        # Another officer's change lands between this one's read and its write.
        stored = memory.declarations[event.declaration_id]
        memory.declarations[event.declaration_id] = replace(stored, version=stored.version + 1)

    service.bus.subscribe(DocumentsRequested, meanwhile)
    with pytest.raises(Conflict) as caught:
        service.decide(Decide(held.id, OFFICER, Action.REQUEST_DOCUMENTS))
    assert caught.value.code == "declaration.version"
    assert [m.topic for m in memory.outbox].count("DocumentsRequested") == 0


def test_steps_date_their_events_with_the_lodging(trust: TrustList) -> None:
    service, _ = clearance(trust)
    events: list[Event | ClaimsVerified] = []
    service.bus.subscribe(Event, lambda event, context: events.append(event))
    service.bus.subscribe(ClaimsVerified, lambda event, context: events.append(event))
    service.lodge(Lodge(durian(), TRADER))
    assert isinstance(events[0], DeclarationLodged)
    assert {e.at for e in events} == {NOW}
