"""Reads of dashboards and exports go to the streaming replica when one is
configured (DATABASE_REPLICA_URL → DATABASES["replica"]); everything else, every
write and every page that must show what its user just wrote, uses the primary.

The choice is explicit: code that may read stale data says so with
`with replica_reads():`; outside such a block nothing goes to the replica. Inside
it, the models listed in PRIMARY_ONLY (the export jobs and their log, which the
same code writes) still read from the primary."""

import contextvars
from contextlib import contextmanager

from django.db import connections

REPLICA = "replica"
PRIMARY_ONLY = {("reports", "exportjob"), ("reports", "exportlog")}
_on_replica = contextvars.ContextVar("replica_reads", default=False)


def replica_configured() -> bool:
    return REPLICA in connections.settings


@contextmanager
def replica_reads():
    token = _on_replica.set(True)
    try:
        yield
    finally:
        _on_replica.reset(token)


def replica_stream(chunks):
    """`chunks` (a lazy iterator, such as a streamed response's body) with each step
    computed under replica_reads(): a `with` around the view would be over before
    the server asks for the first chunk, and one around the whole generator would
    leave the flag set in the server's context between chunks."""
    iterator = iter(chunks)
    while True:
        with replica_reads():
            try:
                chunk = next(iterator)
            except StopIteration:
                return
        yield chunk


def reading_replica() -> bool:
    return _on_replica.get() and replica_configured()


class ReplicaRouter:
    def db_for_read(self, model, **hints):
        if reading_replica() and (model._meta.app_label, model._meta.model_name) not in PRIMARY_ONLY:
            return REPLICA
        return "default"

    def db_for_write(self, model, **hints):
        return "default"

    def allow_relation(self, obj1, obj2, **hints):
        return True  # the replica holds the primary's rows

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == "default"
