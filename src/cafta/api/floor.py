"""The benchmark floor: an endpoint that does one durable insert and nothing else.

``bench/clearance.py`` compares the clearance endpoint with this one on the same server, the
same clients, the same authentication and the same database, so the ratio says how much of the
server's capacity the clearance work itself takes. It exists only when the server is started
with ``CAFTA_BENCH_FLOOR=1`` and is left out of the OpenAPI document.

What it shares with ``POST /api/v1/declarations``, so that the difference is the clearance
work: the body is read the same way (:class:`~cafta.api.bodies.StrictBody`, with its limits),
and the insert runs in the same worker threads (:class:`~cafta.api.workers.WorkerThreads`).
What it does not share: its insert is a transaction of its own, not one of the lodgings'
group commits.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

import msgspec
from litestar import Request, post
from litestar.handlers import HTTPRouteHandler
from litestar.params import Body

from cafta.api.bodies import StrictBody, strict
from cafta.api.context import context_of
from cafta.services.ports import UnitOfWorkFactory

__all__ = ["FloorBody", "floor_handler"]


class FloorBody(msgspec.Struct, forbid_unknown_fields=True):
    n: int | str = ""


def floor_handler(uow: UnitOfWorkFactory) -> HTTPRouteHandler:
    def insert(key: str, now: datetime) -> dict[str, str]:
        with uow() as work:
            work.outbox.add("bench.floor", key, {"n": key}, now)
            work.commit()
        return {"stored": key}

    @post("/_floor", include_in_schema=False, dto=StrictBody, status_code=201)
    async def floor(
        request: Request[Any, Any, Any], data: Annotated[FloorBody, Body()]
    ) -> dict[str, str]:
        context = context_of(request)
        key = str(strict(request, data).n)
        return await context.workers.run(insert, key, context.services.clock.now())

    return floor
