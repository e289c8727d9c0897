"""Reads for the dashboard and reports may go to a PostgreSQL read replica
(``DATABASE_REPLICA_URL``): they are the heavy, read-only part of the load and a few seconds
of replication lag do not change a month's figures. Without a replica everything reads the
primary. Writes — records and their rollups — always go to the primary."""

from django.conf import settings

REPLICA = "replica"


def alias() -> str:
    return REPLICA if REPLICA in settings.DATABASES else "default"


def reading(model_or_queryset):
    """A queryset reading from the replica when there is one."""
    qs = model_or_queryset if hasattr(model_or_queryset, "using") and not isinstance(model_or_queryset, type) \
        else model_or_queryset.objects.all()
    return qs.using(alias())


class ReplicaRouter:
    """Nothing is migrated or written on the replica (it follows the primary by streaming
    replication), and a model read picks the primary unless a selector asks for the replica
    with ``reading``: a recount inside a write transaction must see its own writes."""

    def db_for_read(self, model, **hints):
        return "default"

    def db_for_write(self, model, **hints):
        return "default"

    def allow_relation(self, obj1, obj2, **hints):
        return True

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == "default"
