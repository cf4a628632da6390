"""The linker process (`manage.py link_acknowledgements`, the Procfile's `linker`):
links sealed records into the chain as soon as their commit wakes it, so the web
workers only write their own rows (ACK_LINK_IN_REQUEST off). PostgreSQL wakes it:
the trigger that queues a record sends a notice on `acknowledgements_chain`, which
the server delivers at COMMIT, one per transaction. It also links every WAIT seconds
whatever it heard, like the beat's minute run; several linkers may run, one links at
a time (chain.link)."""

import logging
import select
import time

from django.db import connection

from acknowledgements import chain

logger = logging.getLogger(__name__)

CHANNEL = "acknowledgements_chain"
WAIT = 5.0
GATHER = 0.1  # seconds a wake-up waits for more commits: a record's place comes ~0.1 s after its commit


def run(*, seconds: float | None = None, wait: float = WAIT) -> int:
    """Listen and link until stopped (or for `seconds`); the number of records linked."""
    listening = connection.vendor == "postgresql"
    if listening:
        with connection.cursor() as cursor:
            cursor.execute(f"LISTEN {CHANNEL}")
    else:  # SQLite has no notices: link every `wait` seconds
        logger.warning("linker: %s cannot wake the linker; linking every %g s", connection.vendor, wait)
    linked = chain.link()  # whatever waited before we listened
    deadline = None if seconds is None else time.monotonic() + seconds
    while deadline is None or time.monotonic() < deadline:
        timeout = wait if deadline is None else max(0.0, min(wait, deadline - time.monotonic()))
        if listening:
            raw = connection.connection
            if select.select([raw], [], [], timeout)[0]:
                # Woken: let the commits of the next moment join this batch (one
                # linker transaction for many records), then link them all.
                time.sleep(GATHER)
            raw.poll()
            raw.notifies.clear()
        else:
            time.sleep(timeout)
        linked += chain.link()
    return linked
