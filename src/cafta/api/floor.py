"""The benchmark floor: an endpoint that does one durable insert and nothing else.

``bench/clearance.py`` compares the clearance endpoint with this one on the same server, the
same clients, the same authentication and the same database, so the ratio says how much of the
server's capacity the clearance work itself takes. It exists only when the server is started
with ``CAFTA_BENCH_FLOOR=1`` and is left out of the OpenAPI document.
"""

from __future__ import annotations

from typing import Any

from litestar import Request, post
from litestar.handlers import HTTPRouteHandler

from cafta.api.context import context_of
from cafta.services.ports import UnitOfWorkFactory

__all__ = ["floor_handler"]


def floor_handler(uow: UnitOfWorkFactory) -> HTTPRouteHandler:
    @post("/_floor", include_in_schema=False, sync_to_thread=True, status_code=201)
    def floor(request: Request[Any, Any, Any], data: dict[str, Any]) -> dict[str, str]:
        key = str(data.get("n", ""))
        with uow() as work:
            work.outbox.add(
                "bench.floor", key, {"n": key}, context_of(request).services.clock.now()
            )
            work.commit()
        return {"stored": key}

    return floor
