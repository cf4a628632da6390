"""Reminders at the limit, for bench/bench_scale.py: the reminder pass through the
outbox and SMTP beside a raw smtplib loop sending the very bytes it sent over as many
connections, at two sizes for the memory per recipient; and, for reference, the same
e-mails rendered and sent by Django alone, without the outbox, to show what building
them costs by itself. bench/README.md says more."""

import contextlib
import dataclasses
import datetime
import itertools
import smtplib
from pathlib import Path

import benchlib

say = benchlib.say
fmt = benchlib.fmt_seconds

REMINDER_OFFSET = 60  # days after today: no load assignment reaches a step then
WARM_UP_PEOPLE = 50


class Capture:
    """Appends every message smtplib sends to a file on disk (not memory, which is
    measured): envelope sender, recipients and bytes, for the raw loop to send again."""

    def __init__(self, path: Path) -> None:
        self.path, self.count = path, 0

    @contextlib.contextmanager
    def active(self):
        original = smtplib.SMTP.sendmail
        with open(self.path, "wb") as out:

            def sendmail(smtp, from_addr, to_addrs, msg, *args, **kwargs):
                to = [to_addrs] if isinstance(to_addrs, str) else list(to_addrs)
                body = msg if isinstance(msg, bytes) else msg.encode()
                out.write(f"{from_addr}\t{','.join(to)}\t{len(body)}\n".encode() + body)
                self.count += 1
                return original(smtp, from_addr, to_addrs, msg, *args, **kwargs)

            smtplib.SMTP.sendmail = sendmail
            try:
                yield self
            finally:
                smtplib.SMTP.sendmail = original

    def messages(self):
        with open(self.path, "rb") as stream:
            while head := stream.readline():
                sender, to, size = head.decode().rstrip("\n").split("\t")
                yield sender, to.split(","), stream.read(int(size))


def raw_smtp(capture: Capture, *, port: int, per_connection: int) -> int:
    """The same messages by smtplib alone, `per_connection` on each connection."""
    sent, server = 0, None
    try:
        for sender, to, body in capture.messages():
            if server is None or sent % per_connection == 0:
                if server is not None:
                    server.quit()
                server = smtplib.SMTP("127.0.0.1", port)
            server.sendmail(sender, to, body)
            sent += 1
    finally:
        if server is not None:
            server.quit()
    return sent


def django_alone(*, per_connection: int) -> int:
    """The pass's e-mails again, rendered by their kind's renderer and sent by Django's
    SMTP backend, `per_connection` on each connection, with none of the outbox's
    bookkeeping (no take, no marks): what building and sending them costs by itself."""
    from django.core.mail import get_connection

    from core import outbox
    from core.models import OutboxMessage

    rows = OutboxMessage.objects.filter(kind="ack_reminder", key__startswith="ack-reminder:").order_by("group", "pk")
    groups = [list(group) for _key, group in itertools.groupby(rows, key=lambda row: row.group)]
    sent = 0
    for start in range(0, len(groups), per_connection):
        chunk = groups[start : start + per_connection]
        render = outbox._prepare("ack_reminder", [row for group in chunk for row in group])
        with get_connection() as smtp:
            for group in chunk:
                email, _kept = render(group)
                email.connection = smtp
                sent += email.send()
    return sent


def bench_reminders(args, table: benchlib.ScaleTable, *, sink: benchlib.SmtpSink, workdir: Path) -> None:
    from django.db import connection
    from django.utils import timezone

    from acknowledgements import services
    from acknowledgements.reminders.cadence import Cadence
    from core import outbox
    from core.models import OutboxMessage

    # No digests: at a day this far ahead every open assignment is late, and the
    # digests of 1,000 heads would be measured with the reminders.
    cadence = dataclasses.replace(Cadence.from_settings(), escalate_after=36_500)
    base = timezone.localdate() + datetime.timedelta(days=REMINDER_OFFSET)
    memory = []
    # The first pass of a process pays for imports and templates: an untimed one first.
    for step, size in enumerate([WARM_UP_PEOPLE, *args.reminder_sizes]):
        warm_up = step == 0
        today = base + datetime.timedelta(days=step)
        due_on = today + datetime.timedelta(days=max(cadence.days_before))
        OutboxMessage.objects.filter(kind="ack_reminder", key__startswith="ack-reminder:").delete()
        with connection.cursor() as cursor:
            # One open assignment of `size` people, moved to the due date that reaches "d-7" today.
            cursor.execute("CREATE TEMP TABLE IF NOT EXISTS bench_moved (id bigint PRIMARY KEY, due_on date NOT NULL)")
            cursor.execute(
                """
                WITH chosen AS (
                    SELECT DISTINCT ON (a.person_id) a.id, a.due_on FROM acknowledgements_assignment a
                    JOIN organization_person p ON p.id = a.person_id
                    WHERE a.acknowledged_at IS NULL AND a.closed_at IS NULL AND p.is_active AND p.email LIKE %s
                    ORDER BY a.person_id, a.id LIMIT %s)
                INSERT INTO bench_moved SELECT * FROM chosen ON CONFLICT DO NOTHING
                """,
                ["%@load.example", size],
            )
            cursor.execute(
                "UPDATE acknowledgements_assignment a SET due_on = %s FROM bench_moved m WHERE m.id = a.id",
                [due_on],
            )
        benchlib.maintenance("acknowledgements_assignment", "core_outboxmessage")
        capture = Capture(workdir / f"messages-{size}.bin")
        before = sink.received
        load = benchlib.load_now()
        say(f"5) reminder_pass(today={today}) for {size:,} people, e-mail to the sink at 127.0.0.1:{sink.port}")
        try:
            with capture.active():
                passed = benchlib.measure(
                    lambda today=today: services.reminder_pass(today=today, cadence=cadence), trace=args.tracemalloc
                )
        finally:
            with connection.cursor() as cursor:
                cursor.execute(
                    "UPDATE acknowledgements_assignment a SET due_on = m.due_on FROM bench_moved m WHERE m.id = a.id"
                )
                cursor.execute("DELETE FROM bench_moved")
        received = sink.received - before
        say(f"   {received:,} e-mails in {passed.seconds:.1f} s, peak {benchlib.fmt_peak(passed)} MB")
        if warm_up:
            OutboxMessage.objects.filter(kind="ack_reminder", key__startswith="ack-reminder:").delete()
            continue
        if received != size or capture.count != size:
            say(f"   WARNING: {received} received and {capture.count} captured for {size} people")
        connections_used = -(-capture.count // outbox.GROUPS_PER_TASK)
        raw_load = benchlib.load_now()
        before = sink.received
        raw = benchlib.measure(
            lambda capture=capture: raw_smtp(capture, port=sink.port, per_connection=outbox.GROUPS_PER_TASK),
            trace=args.tracemalloc,
        )
        raw_received = sink.received - before
        say(f"   raw smtplib: {raw_received:,} in {raw.seconds:.1f} s")
        alone_load, before = benchlib.load_now(), sink.received
        alone = benchlib.measure(lambda: django_alone(per_connection=outbox.GROUPS_PER_TASK), trace=args.tracemalloc)
        alone_received = sink.received - before
        say(f"   rendered and sent by Django alone: {alone_received:,} in {alone.seconds:.1f} s")
        capture.path.unlink()
        memory.append((size, passed.rss_peak_mb, passed.heap_peak_mb))
        ratio = passed.seconds / raw.seconds
        table.add(
            f"reminder pass: claim + {received:,} e-mails through the outbox and SMTP",
            f"{size:,}",
            fmt(passed.seconds),
            benchlib.fmt_peak(passed),
            f"raw smtplib loop, same messages, {connections_used} connections",
            fmt(raw.seconds),
            benchlib.fmt_ratio(ratio),
            f"≤ 2×: {benchlib.verdict(ratio, 2, at_most=True)}",
            f"{load} (raw: {raw_load})",
        )
        table.add(
            f"(reference) the same {alone_received:,} e-mails rendered and sent by Django alone, no outbox",
            f"{size:,}",
            fmt(alone.seconds),
            benchlib.fmt_peak(alone),
            "raw smtplib loop, as above",
            fmt(raw.seconds),
            benchlib.fmt_ratio(alone.seconds / raw.seconds),
            "–",
            alone_load,
        )
        table.notes.append(
            f"- reminders, {size:,} people: `reminder_pass(today={today})` ({received / passed.seconds:,.0f} "
            f"e-mails/s; eager Celery tasks of {outbox.GROUPS_PER_TASK} e-mails on one SMTP connection each) "
            f"beside smtplib sending the very bytes the pass sent (captured to a file on the way), "
            f"{outbox.GROUPS_PER_TASK} per connection, to the same aiosmtpd sink ({raw_received / raw.seconds:,.0f}/s)."
        )
        OutboxMessage.objects.filter(kind="ack_reminder", key__startswith="ack-reminder:").delete()
    if len(memory) >= 2:
        (n1, rss1, heap1), (n2, rss2, heap2) = memory[0], memory[-1]
        text = f"{benchlib.growth_kb((n1, rss1), (n2, rss2)):+.2f} KB of peak RSS per recipient"
        if heap1 is not None:
            text += f", {benchlib.growth_kb((n1, heap1), (n2, heap2)):+.2f} KB of traced heap"
        table.notes.append(
            f"- reminder memory between {n1:,} and {n2:,} recipients: {text} (peak rise {rss1:.1f} MB and "
            f"{rss2:.1f} MB); the issue's starting point was +0.65 KB per recipient."
        )
