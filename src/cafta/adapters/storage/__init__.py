"""Storage: the ports of :mod:`cafta.services.ports` on SQLite or PostgreSQL (SQLAlchemy Core).

Import from the modules, which say what they hold: :mod:`.engine` (engines and database URLs),
:mod:`.schema` (Alembic migrations: ``upgrade``, ``current_revision``, ``head_revision``),
:mod:`.unit_of_work` (``SqlUnitOfWork``, ``SqlUnitOfWorkFactory``), :mod:`.audit`
(``verify_audit_chain``) and :mod:`.trusted_keys`. The package itself imports nothing, so a
command that never opens a database does not pay for importing SQLAlchemy.
"""
