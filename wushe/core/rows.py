"""Writing many rows fast: tuples in a table's column order, written in chunks with
``executemany`` on SQLite and with COPY on PostgreSQL, on a thread of their own.

The ORM's ``bulk_create`` spends most of its time preparing each value of each model
instance; the city-scale demo (ten million service records) and imports of 100,000-row
ledgers write plain rows instead. What the ORM would have done per row (encrypting, hashing,
masking, defaults) is the caller's job: ``Table`` fills only the columns it is not given,
with their constant defaults.
"""

import queue
import threading
from collections.abc import Iterator

from django.core.management.color import no_style
from django.db import connection
from django.db.models import Max

CHUNK = 20_000  # rows per executemany / COPY


def reserve_ids(model, count: int) -> Iterator[int]:
    """Primary keys for ``count`` new rows of ``model`` that no other writer takes and no
    deleted row ever had (its change history and audit entries still name that id).

    Call it inside the transaction that writes the rows. PostgreSQL hands them out from the
    table's sequence; SQLite's transactions here are IMMEDIATE, so no one else writes until
    this one ends, and ``sqlite_sequence`` remembers the largest id ever used."""
    if not connection.in_atomic_block:
        raise RuntimeError("reserve_ids must run inside the transaction that writes the rows")
    table, pk = model._meta.db_table, model._meta.pk.column
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                           [table, pk, count])
            return iter([row[0] for row in cursor.fetchall()])
        cursor.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [table])
        row = cursor.fetchone()
    last = max(row[0] if row else 0, model.objects.aggregate(n=Max("pk"))["n"] or 0)
    return iter(range(last + 1, last + 1 + count))


def reset_sequences(models) -> None:
    """Move PostgreSQL's sequences past ids handed out by ``Table`` (SQLite follows by itself)."""
    sql = connection.ops.sequence_reset_sql(no_style(), list(models))
    if sql:
        with connection.cursor() as cursor:
            for statement in sql:
                cursor.execute(statement)


class Table:
    """Rows of one table as tuples: ``add`` takes the values of ``fields`` (attnames) in order,
    gives the row its primary key and returns it; the other columns take their default.

    Keys come from ``ids`` (see ``reserve_ids``) or, for a seed that owns the database,
    follow the table's current maximum (then call ``reset_sequences``)."""

    def __init__(self, model, fields: list[str], sink: "Sink", ids: Iterator[int] | None = None):
        meta = model._meta
        by_attname = {f.attname: f for f in meta.concrete_fields}
        rest = [f for f in meta.concrete_fields if f.attname not in fields and not f.primary_key]
        consts = []
        for f in rest:
            if f.has_default() and not callable(f.default):
                value = f.get_default()
            elif f.null:
                value = None
            elif f.empty_strings_allowed and not f.has_default():
                value = ""
            else:
                raise ValueError(f"{meta.label}.{f.name} needs a value")
            consts.append(f.get_db_prep_save(value, connection))
        self.model = model
        self.columns = [meta.pk.column] + [by_attname[a].column for a in fields] + [f.column for f in rest]
        self.consts = tuple(consts)
        if ids is None:
            first = (model.objects.aggregate(n=Max("pk"))["n"] or 0) + 1
            ids = iter(range(first, 2**63))
        self.ids = ids
        self.next_id = next(ids, None)  # the key the next row gets (a volunteer's number shows it)
        self.sink = sink
        table = connection.ops.quote_name(meta.db_table)
        columns = ", ".join(connection.ops.quote_name(c) for c in self.columns)
        if connection.vendor == "postgresql":
            self.sql = f"COPY {table} ({columns}) FROM STDIN"
        else:
            marks = ", ".join(["?"] * len(self.columns))  # the sqlite3 module's own placeholders
            self.sql = f"INSERT INTO {table} ({columns}) VALUES ({marks})"  # noqa: S608 - names from the model
        self.rows: list[tuple] = []
        self.count = 0

    def add(self, *values) -> int:
        pk = self.next_id
        if pk is None:
            raise RuntimeError(f"no more keys reserved for {self.model._meta.label}")
        self.next_id = next(self.ids, None)
        self.rows.append((pk, *values, *self.consts))
        if len(self.rows) >= CHUNK:
            self.flush()
        return pk

    def flush(self) -> None:
        if self.rows:
            self.count += len(self.rows)
            self.sink.put(self.sql, self.rows)
            self.rows = []


class Sink:
    """Writes the chunks on a thread of its own, on the main thread's database connection and
    in its transaction, so that the database stores one chunk while the next is made (both
    SQLite and PostgreSQL's client let go of the GIL while they wait). The main thread does
    not touch the connection while chunks are pending: it ``drain``s first."""

    def __init__(self):
        connection.ensure_connection()
        self.raw = connection.connection  # Django opens SQLite with check_same_thread=False
        self.postgresql = connection.vendor == "postgresql"
        # Errors reach the caller as Django's (IntegrityError …), as through the ORM. (Taken
        # here: ``connection`` on the writer thread would be that thread's own.)
        self.wrap_errors = connection.wrap_database_errors
        self.queue: queue.Queue = queue.Queue(maxsize=4)  # bounded: memory stays bounded
        self.error: BaseException | None = None
        self.thread = threading.Thread(target=self._run, name="rows-writer", daemon=True)
        self.thread.start()

    def put(self, sql: str, rows: list[tuple]) -> None:
        self._raise()
        self.queue.put((sql, rows))

    def drain(self) -> None:
        self.queue.join()
        self._raise()

    def abandon(self) -> None:
        """Drop what is pending and wait until the connection is free (before a rollback)."""
        self.error = self.error or RuntimeError("abandoned")
        self.queue.join()
        self.error = None

    def close(self) -> None:
        self.queue.put(None)
        self.thread.join()
        self._raise()

    def _raise(self) -> None:
        if self.error is not None:
            error, self.error = self.error, None
            raise error

    def _run(self) -> None:
        while True:
            item = self.queue.get()
            try:
                if item is None:
                    return
                if self.error is None:  # after a failure, only empty the queue
                    sql, rows = item
                    cursor = self.raw.cursor()
                    try:
                        with self.wrap_errors:
                            if self.postgresql:
                                # COPY: the fastest way into PostgreSQL.
                                with cursor.copy(sql) as copy:
                                    for row in rows:
                                        copy.write_row(row)
                            else:
                                cursor.executemany(sql, rows)
                    finally:
                        cursor.close()
            except BaseException as exc:  # handed to the main thread, which rolls back
                self.error = exc
            finally:
                self.queue.task_done()
