"""Alembic migrations of NaikKelas's own (``nk_``) tables; see `naikkelas.hub.migrate`."""
