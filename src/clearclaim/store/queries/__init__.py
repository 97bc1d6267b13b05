"""Typed queries: the only SQL in clearclaim, one module per area that asks.

Code outside ``clearclaim.store`` never writes SQL, never names a
``sqlite3`` type and never builds a placeholder: it calls a function here,
which takes the :class:`~clearclaim.store.Store` (and, where a family is
versioned, the :class:`~clearclaim.store.ReleaseChoice` of the date of
service) and returns typed values (pydantic models, named tuples, plain
Python values). What differs between database engines is in
``clearclaim.store.sql`` alone, so a PostgreSQL backend is one module there
plus a connection string.

Modules, by the area that calls them:

- ``checker``: what the check asks (place-of-service validity, bilateral
  indicators);
- ``catalog``: the one answer to "is this code known" and the descriptors;
- ``pricing``, ``edits``, ``reference``, ``importing``, ``library``, ``wrvu``:
  the rows each of those packages reads or writes.
"""
