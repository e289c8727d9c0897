"""Prepared statements, and the reads that are planned for their own values.

On PostgreSQL, psycopg prepares a statement once it has run five times on a connection
(settings: ``server_side_binding``, ``prepare_threshold``), and PostgreSQL may then keep one
generic plan for it. That is right for the many small lookups of a request (a QR sign-in's
dozen statements were mostly planning) and wrong for a read whose best plan depends on its
values: a sum over a city's rollup rows ran 7.5 ms on its generic plan against 4.3 ms planned
for its dates and codes. Such reads run inside ``planned_for_their_values``.
"""

import contextlib

from django.db import DEFAULT_DB_ALIAS, connections


@contextlib.contextmanager
def planned_for_their_values():
    """Inside, no statement is run prepared: each is planned for the values it is given. Used
    as a ``with`` block or a decorator; a no-op on SQLite."""
    changed = []
    for alias in connections:
        conn = connections[alias]
        if conn.vendor != "postgresql":
            continue
        if alias == DEFAULT_DB_ALIAS:
            conn.ensure_connection()  # a first statement inside would otherwise open one that prepares
        elif conn.connection is None:
            continue  # the replica prepares nothing (settings): one opened inside needs no change
        changed.append((conn.connection, conn.connection.prepare_threshold))
        conn.connection.prepare_threshold = None
    try:
        yield
    finally:
        for raw, threshold in changed:
            raw.prepare_threshold = threshold
