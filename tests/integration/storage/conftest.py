"""Every storage test runs on SQLite (a file in a temporary directory) and on PostgreSQL.

The PostgreSQL leg needs ``CAFTA_TEST_DATABASE_URL`` (e.g.
``postgresql://postgres@127.0.0.1:5432/test``) and is skipped without it. It works in a schema
of its own, ``cafta_test_<random>``, created for the session (connections select it through
``search_path``) and dropped at the end, so runs never see each other's tables or leftovers.
Each test starts from empty, migrated tables: SQLite tests copy a migrated template file;
PostgreSQL tests empty the session schema's tables.
"""

from __future__ import annotations

import os
import secrets
import shutil
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.engine import Engine, make_url

from cafta.adapters.storage.audit import GENESIS_HASH
from cafta.adapters.storage.engine import create_engine_for
from cafta.adapters.storage.schema import upgrade
from cafta.adapters.storage.tables import metadata
from cafta.adapters.storage.unit_of_work import SqlUnitOfWorkFactory
from cafta.services.ports import DeclarationRecord

PG_VARIABLE = "CAFTA_TEST_DATABASE_URL"
PG_SKIP = (
    f"PostgreSQL leg skipped: set {PG_VARIABLE}, e.g. "
    "postgresql://postgres@127.0.0.1:5432/test, to run the storage tests against PostgreSQL"
)


def pg_url_with_schema(server_url: str, schema: str) -> str:
    """``server_url`` with ``search_path`` set to ``schema`` for every connection."""
    url = make_url(server_url)
    options = str(url.query.get("options", ""))
    options = f"{options} -csearch_path={schema}".strip()
    return url.update_query_dict({"options": options}).render_as_string(hide_password=False)


class Backend:
    """One database kind: where its empty and its migrated databases come from."""

    def __init__(self, name: str, root: Path, server_url: str | None = None) -> None:
        self.name = name
        self._root = root
        self._server_url = server_url
        self._admin: Engine | None = None
        self._schemas: list[str] = []
        self._template: Path | None = None
        self._shared_url: str | None = None
        self._shared: Engine | None = None

    @property
    def admin(self) -> Engine:
        assert self._server_url is not None
        if self._admin is None:
            made = create_engine_for(self._server_url, pool_size=1)
            self._admin = made.execution_options(isolation_level="AUTOCOMMIT")
        return self._admin

    def empty_url(self) -> str:
        """A database (file or schema) with no tables at all."""
        if self.name == "sqlite":
            folder = self._root / f"empty-{secrets.token_hex(4)}"
            return f"sqlite:///{folder / 'cafta.db'}"
        schema = f"cafta_test_{secrets.token_hex(6)}"
        with self.admin.connect() as connection:
            connection.exec_driver_sql(f'CREATE SCHEMA "{schema}"')
        self._schemas.append(schema)
        assert self._server_url is not None
        return pg_url_with_schema(self._server_url, schema)

    def clean_url(self, tmp_path: Path) -> str:
        """A migrated database with empty tables, for one test."""
        if self.name == "sqlite":
            if self._template is None:
                url = self.empty_url()
                upgrade(url)
                self._template = Path(make_url(url).database or "")
                assert not Path(f"{self._template}-wal").exists()
            target = tmp_path / "db" / "cafta.db"
            target.parent.mkdir()
            shutil.copyfile(self._template, target)
            return f"sqlite:///{target}"
        if self._shared_url is None:
            self._shared_url = self.empty_url()
            upgrade(self._shared_url)
            self._shared = create_engine_for(self._shared_url, pool_size=1)
        assert self._shared is not None
        with self._shared.begin() as connection:
            # DELETE, not TRUNCATE: on tables this small it is several times faster.
            for table in reversed(metadata.sorted_tables):
                connection.execute(table.delete())
            connection.execute(
                text("INSERT INTO audit_head (id, last_seq, last_hash) VALUES (1, 0, :zero)"),
                {"zero": GENESIS_HASH},
            )
        return self._shared_url

    def close(self) -> None:
        if self._shared is not None:
            self._shared.dispose()
        if self._admin is not None:
            with self._admin.connect() as connection:
                for schema in self._schemas:
                    connection.exec_driver_sql(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
            self._admin.engine.dispose()


@pytest.fixture(
    scope="session",
    params=[
        "sqlite",
        pytest.param(
            "postgresql",
            marks=pytest.mark.skipif(not os.environ.get(PG_VARIABLE), reason=PG_SKIP),
        ),
    ],
)
def backend(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Backend]:
    name: str = request.param
    chosen = Backend(name, tmp_path_factory.mktemp(f"storage-{name}"), os.environ.get(PG_VARIABLE))
    try:
        yield chosen
    finally:
        chosen.close()


@pytest.fixture
def database_url(backend: Backend, tmp_path: Path) -> str:
    return backend.clean_url(tmp_path)


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    made = create_engine_for(database_url)
    try:
        yield made
    finally:
        made.dispose()


@pytest.fixture
def uow_factory(engine: Engine) -> SqlUnitOfWorkFactory:
    return SqlUnitOfWorkFactory(engine)


LODGED = datetime(2026, 3, 2, 9, 30, 15, 123456, tzinfo=UTC)


def _declaration(
    declaration_id: str = "CNYYG-2026-000001",
    *,
    version: int = 1,
    office: str = "CNYYG",
    status: str = "lodged",
    lane: str | None = None,
    importer: str = "CN:91370200MA3C5LXX1X",
    declarant: str = "CN:broker-7",
    lodged_at: datetime = LODGED,
    document: dict[str, object] | None = None,
) -> DeclarationRecord:
    return DeclarationRecord(
        id=declaration_id,
        office=office,
        status=status,
        lane=lane,
        importer=importer,
        declarant=declarant,
        version=version,
        lodged_at=lodged_at,
        updated_at=lodged_at,
        document=document or {"id": declaration_id, "items": [{"value": "171000.00"}]},
    )


@pytest.fixture
def make_declaration() -> Callable[..., DeclarationRecord]:
    """Builds a :class:`DeclarationRecord`; keyword arguments override the defaults."""
    return _declaration
