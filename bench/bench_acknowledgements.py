#!/usr/bin/env python
"""Benchmark of acknowledgement campaigns at the scale of a whole administration.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/conduct_bench \\
        .venv/bin/python bench/bench_acknowledgements.py --people 100000 --units 1000 --directives 50

Measures, on PostgreSQL, in one run (bench/README.md says more):
  a) publish: `campaign_launch` of one directive to the whole load tree, beside the
     same campaign written by hand in raw SQL for another directive;
  b) reminders: one `reminder_pass` in which every assignment of (a) reaches the
     "d-7" step, with e-mail over SMTP to a local aiosmtpd sink and Celery tasks run
     eagerly, beside a raw INSERT … SELECT of the same outbox rows (core_outboxmessage).
The database is created, migrated and filled (generate_load_data) when needed, and
the campaigns of an earlier run are removed first. The table is printed and written
to bench/results/acknowledgements-<date>.md.
"""

import argparse
import datetime
import json
import os
import threading
import time
import uuid

import benchlib

PARTS = ("publish", "reminders")
FAR_AWAY = 100  # days: a due date that reaches no reminder step


def parse_args() -> argparse.Namespace:
    parser = benchlib.load_data_parser(__doc__)
    parser.add_argument("--only", choices=PARTS, help="run one part alone")
    parser.add_argument(
        "--reminder-people",
        type=int,
        help="how many of the published assignments reach a reminder step (default: all); "
        "to keep the SMTP part short on a slow machine",
    )
    parser.add_argument(
        "--tracemalloc",
        action="store_true",
        help="also trace Python allocations (their peak is shown as 'heap'); makes the e-mail part 2-3 times slower",
    )
    return parser.parse_args()


def configure_environment(sink: benchlib.SmtpSink | None) -> None:
    """Settings for the run (benchlib.configure_in_process: no broker, so Celery tasks
    run inline and the pass includes the sending), e-mail to the sink."""
    benchlib.configure_in_process()
    if sink is not None:
        os.environ.update(benchlib.smtp_environment(sink.port))
        for name in ("EMAIL_HOST_USER", "EMAIL_HOST_PASSWORD"):
            os.environ.pop(name, None)


say = benchlib.say


def prepare(args) -> None:
    """Migrate, make sure the load data has the requested size, drop earlier campaigns."""
    from django.core.management import call_command

    from conduct_portal.management.commands.generate_load_data import (
        delete_load_campaigns,
        load_directives,
        load_people,
        load_units,
    )

    call_command("migrate", interactive=False, verbosity=0)
    sizes = (load_people().count(), load_units().count(), load_directives().count())
    if sizes != (args.people, args.units, args.directives):
        say(f"Load data {sizes} ≠ requested ({args.people}, {args.units}, {args.directives}): generating")
        benchlib.generate_load_data(args)
    removed = delete_load_campaigns()
    if any(removed.values()):
        say(f"Removed the campaigns of an earlier run: {removed}")
    benchlib.maintenance(*bench_tables())


def bench_tables() -> tuple[str, ...]:
    from acknowledgements.models import Assignment, Campaign, Target
    from core.models import OutboxMessage
    from organization.models import Person, Unit

    return tuple(m._meta.db_table for m in (Assignment, OutboxMessage, Campaign, Target, Person, Unit))


def warm_up(root_path: str) -> None:
    """Read what both sides of a comparison read, so that neither pays for a cold cache."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM organization_person p JOIN organization_unit u ON u.id = p.unit_id "
            "WHERE u.path LIKE %s AND p.is_active",
            [root_path + "%"],
        )
        cursor.execute("SELECT count(*), max(due_on) FROM acknowledgements_assignment")


# --- a) publish -------------------------------------------------------------------------


def raw_publish(*, directive_id: int, root, by_id: int, due_on: datetime.date) -> int:
    """What campaign_launch does, by hand: the campaign, its target and one INSERT …
    SELECT of the assignments, in one transaction. Returns the assignments inserted."""
    from django.db import connection, transaction

    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO acknowledgements_campaign (directive_id, due_on, requires_password, created_by_id, created_at) "
            "VALUES (%s, %s, false, %s, now()) RETURNING id",
            [directive_id, due_on, by_id],
        )
        campaign_id = cursor.fetchone()[0]
        cursor.execute(
            "INSERT INTO acknowledgements_target (campaign_id, unit_id, include_subtree) VALUES (%s, %s, true)",
            [campaign_id, root.pk],
        )
        cursor.execute(
            "INSERT INTO acknowledgements_assignment (campaign_id, version_id, person_id, due_on, assigned_at) "
            "SELECT %s, v.id, p.id, %s, now() "
            "FROM organization_person p JOIN organization_unit u ON u.id = p.unit_id "
            "CROSS JOIN (SELECT id FROM directives_version WHERE directive_id = %s AND published_at IS NOT NULL "
            "            ORDER BY number DESC LIMIT 1) v "
            "WHERE u.path LIKE %s AND p.is_active "
            "ON CONFLICT (person_id, version_id) DO NOTHING",
            [campaign_id, due_on, directive_id, root.path + "%"],
        )
        return cursor.rowcount


def bench_publish(args, *, today: datetime.date, due_on: datetime.date) -> tuple[list, list[str]]:
    from acknowledgements.models import Assignment
    from acknowledgements.services import campaign_launch
    from conduct_portal.management.commands.generate_load_data import load_administrator, load_directives, load_root

    root, by = load_root(), load_administrator()
    first, second = list(load_directives().order_by("pk")[:2])
    trace = args.tracemalloc

    warm_up(root.path)
    benchlib.maintenance()
    say(f"a) campaign_launch of {first.code} to the subtree of {root.code}")
    launched = benchlib.measure(
        lambda: campaign_launch(directive=first, targets=[(root, True)], due_on=due_on, by=by), trace=trace
    )
    rows = Assignment.objects.filter(campaign=launched.result).count()
    say(f"   {rows} assignments in {launched.seconds:.2f} s")

    benchlib.maintenance()
    say(f"a) the same in raw SQL for {second.code}")
    far = today + datetime.timedelta(days=FAR_AWAY)  # out of the reminder pass's way
    raw = benchlib.measure(lambda: raw_publish(directive_id=second.pk, root=root, by_id=by.pk, due_on=far), trace=trace)
    say(f"   {raw.result} assignments in {raw.seconds:.2f} s")
    if raw.result != rows:
        raise SystemExit(f"raw SQL inserted {raw.result} assignments, campaign_launch {rows}: not the same work")

    table = [
        [
            "publish: `campaign_launch` to the whole tree",
            f"{rows:,}",
            benchlib.fmt_seconds(launched.seconds),
            benchlib.fmt_peak(launched),
            benchlib.fmt_seconds(raw.seconds),
            f"{launched.seconds / raw.seconds:.2f}",
        ]
    ]
    notes = [
        f"- publish: one `campaign_launch` (campaign, target, INSERT … SELECT of {rows:,} assignments, commit) "
        f"vs. the same three INSERTs by hand for another directive; peak of the raw side "
        f"{benchlib.fmt_peak(raw)} MB.",
    ]
    return table, notes


# --- b) reminders -----------------------------------------------------------------------


def reminder_steps(today: datetime.date) -> dict[datetime.date, str]:
    """Due date → step, by the reminders' own date rules."""
    from acknowledgements.reminders.cadence import Cadence, due_dates_with_step

    return due_dates_with_step(today=today, cadence=Cadence.from_settings())


def setup_reminder_assignments(args, *, today: datetime.date, due_on: datetime.date) -> int:
    """Make sure (untimed) that the first directive's campaign exists and that
    --reminder-people of its assignments, or all, are due on `due_on`; returns how
    many open assignments reach a step today."""
    from django.db import connection

    from acknowledgements.models import Assignment, Campaign
    from acknowledgements.services import campaign_launch
    from conduct_portal.management.commands.generate_load_data import load_administrator, load_directives, load_root

    first = load_directives().order_by("pk").first()
    campaign = Campaign.objects.filter(directive=first).first()
    if campaign is None:
        say(f"b) launching {first.code} first (not timed)")
        campaign = campaign_launch(
            directive=first, targets=[(load_root(), True)], due_on=due_on, by=load_administrator()
        )
    if args.reminder_people is not None:
        far = today + datetime.timedelta(days=FAR_AWAY)
        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE acknowledgements_assignment SET due_on = CASE WHEN id IN ("
                "  SELECT id FROM acknowledgements_assignment WHERE campaign_id = %s ORDER BY id LIMIT %s"
                ") THEN %s ELSE %s END WHERE campaign_id = %s",
                [campaign.pk, args.reminder_people, due_on, far, campaign.pk],
            )
        benchlib.maintenance(*bench_tables())
    steps = reminder_steps(today)
    return Assignment.objects.open().filter(person__is_active=True, due_on__in=list(steps)).count()


def raw_claim(*, today: datetime.date, run: uuid.UUID) -> list[int]:
    """The claim rows of the pass, by hand: one INSERT … SELECT into the outbox of a
    reminder row per open assignment of an active person that reaches a step today,
    with the keys, groups and columns the pass writes (acknowledgements/reminders/
    claims.py), committed. Returns the ids inserted (RETURNING, as the pass does)."""
    from django.conf import settings
    from django.db import connection, transaction

    from acknowledgements.reminders.claims import REMINDER

    steps = reminder_steps(today)
    case = " ".join("WHEN %s THEN %s" for _ in steps)
    step_params = [value for due, step in steps.items() for value in (due, step)]
    group_suffix = f":{today.isoformat()}"
    data = json.dumps({"day": today.isoformat()})
    give_up = datetime.timedelta(hours=settings.OUTBOX_GIVE_UP_HOURS)
    params = [REMINDER, group_suffix, data, str(run), give_up, *step_params, list(steps)]
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            'INSERT INTO core_outboxmessage (kind, key, "group", recipient_id, ref, data, run, state, attempts, '
            "created_at, next_attempt_at, give_up_at, error) "
            "SELECT %s, 'ack-reminder:' || r.id || ':' || r.step, 'ack-reminder:' || r.person_id || %s, "
            "r.person_id, r.id, %s::jsonb, %s::uuid, 'queued', 0, now(), now(), now() + %s, '' "
            f"FROM (SELECT a.id, a.person_id, CASE a.due_on {case} END AS step "
            "      FROM acknowledgements_assignment a JOIN organization_person p ON p.id = a.person_id "
            "      WHERE a.acknowledged_at IS NULL AND a.closed_at IS NULL AND p.is_active "
            "        AND a.due_on = ANY(%s::date[]) "
            "      ORDER BY a.id) r "
            "ON CONFLICT DO NOTHING RETURNING id",
            params,
        )
        return [row[0] for row in cursor.fetchall()]


def watch_sink(sink: benchlib.SmtpSink, before: int, expected: int, done: threading.Event) -> None:
    """A line a minute while the pass sends, so that a long run shows it is moving."""
    started = time.monotonic()
    while not done.wait(60):
        received = sink.received - before
        rate = received / (time.monotonic() - started)
        left = (expected - received) / rate if rate else float("inf")
        say(f"   … {received:,}/{expected:,} e-mails received, {rate:.0f}/s, about {left / 60:.0f} min left")


def bench_reminders(args, *, today: datetime.date, due_on: datetime.date, sink: benchlib.SmtpSink):
    from django.core.mail.backends.smtp import EmailBackend
    from django.db import connection

    from acknowledgements import selectors, services
    from core import outbox
    from core.models import OutboxMessage

    trace = args.tracemalloc
    expected = setup_reminder_assignments(args, today=today, due_on=due_on)
    say(f"b) {expected} open assignments reach a reminder step on {today}")

    warm_up("")
    benchlib.maintenance()
    say("b) the claim rows in raw SQL")
    run = uuid.uuid4()
    raw = benchlib.measure(lambda: raw_claim(today=today, run=run), trace=trace)
    raw_rows = len(raw.result)
    say(f"   {raw_rows} outbox rows in {raw.seconds:.2f} s")
    deleted = sum(
        OutboxMessage.objects.filter(pk__in=raw.result[start : start + 10_000]).delete()[0]
        for start in range(0, raw_rows, 10_000)
    )
    benchlib.maintenance(OutboxMessage._meta.db_table)

    # When the pass hands its claims to the send tasks: the claims schedule
    # core.outbox.outbox_enqueue with on_commit (looked up in core.outbox when it
    # runs), so its first call marks the end of the claim phase.
    marks: dict[str, float] = {}
    original = outbox.outbox_enqueue

    def timed_enqueue(*a, **kw):
        marks.setdefault("enqueue", time.perf_counter())
        return original(*a, **kw)

    outbox.outbox_enqueue = timed_enqueue
    queries = benchlib.QueryStats()
    before = sink.received
    say(f"b) reminder_pass(today={today}) with e-mail over SMTP to 127.0.0.1:{sink.port}")
    watching = threading.Event()
    watcher = threading.Thread(target=watch_sink, args=(sink, before, expected, watching), daemon=True)
    watcher.start()
    try:
        with (
            connection.execute_wrapper(queries),
            benchlib.timing_calls(EmailBackend, "send_messages") as smtp,
            benchlib.timing_calls(EmailBackend, "open") as smtp_open,
            benchlib.timing_calls(EmailBackend, "close") as smtp_close,
        ):
            passed = benchlib.measure(lambda: services.reminder_pass(today=today), trace=trace)
    finally:
        watching.set()
        outbox.outbox_enqueue = original
    received = sink.received - before
    result = passed.result
    claimed = result.reminders
    people = len(result.reminded)  # one e-mail each
    sent = selectors.outbox_sent_count(list(result.reminder_ids))  # after the call: eager tasks sent them
    say(
        f"   claimed {claimed} for {people} people, {sent} marked sent, the sink received {received}, "
        f"in {passed.seconds:.1f} s"
    )
    if not claimed == raw_rows == expected:
        say(f"   WARNING: the pass claimed {claimed} reminders, the raw SQL {raw_rows}, expected {expected}")
    if sent != claimed or received != people:
        say(f"   WARNING: {sent} of {claimed} rows sent, {received} e-mails received for {people} people")

    claim_seconds = marks["enqueue"] - passed.started if "enqueue" in marks else None
    e_mails = received or 1
    table = [
        [
            f"reminder pass: claim + {received:,} e-mails over SMTP (eager Celery)",
            f"{claimed:,}",
            benchlib.fmt_seconds(passed.seconds),
            benchlib.fmt_peak(passed),
            benchlib.fmt_seconds(raw.seconds),
            f"{passed.seconds / raw.seconds:.0f}",
        ]
    ]
    if claim_seconds is not None:
        table.append(
            [
                "reminder pass: claim phase alone (until commit)",
                f"{claimed:,}",
                benchlib.fmt_seconds(claim_seconds),
                "–",
                benchlib.fmt_seconds(raw.seconds),
                f"{claim_seconds / raw.seconds:.2f}",
            ]
        )
    claim_inserts = queries.count.get("INSERT core_outboxmessage", 0)
    notes = [
        f"- reminder pass: `reminder_pass(today={today})`, every reaching assignment due on "
        f"{due_on} (step “d-{(due_on - today).days}”); the result reports {claimed:,} reminders claimed for "
        f"{people:,} people, {sent:,} of those outbox rows were marked sent when it returned; "
        f"the sink received {received:,} messages "
        f"({received / (passed.seconds - (claim_seconds or 0)):.0f} e-mails/s in the sending phase, "
        f"{(passed.seconds - (claim_seconds or 0)) / e_mails * 1000:.2f} ms per e-mail).",
        f"- during the pass: {queries.total:,} SQL statements ({queries.total / e_mails:.1f} per e-mail) taking "
        f"{queries.total_seconds:.1f} s at the driver (commits not included); the claim's "
        f"INSERT statements into core_outboxmessage ({claim_inserts}) took "
        f"{queries.seconds.get('INSERT core_outboxmessage', 0):.2f} s.",
        f"- of which SMTP: Django's `EmailBackend.send_messages` {smtp['seconds']:.1f} s "
        f"over {smtp['calls']:,} calls ({smtp['seconds'] / max(1, smtp['calls']) * 1000:.2f} ms each; it connects "
        "and quits itself only when the caller has not opened the connection), `open()` "
        f"{smtp_open['seconds']:.1f} s over {smtp_open['calls']:,} calls and `close()` {smtp_close['seconds']:.1f} s "
        f"over {smtp_close['calls']:,} (send_messages calls `open()` too, which returns at once on an open "
        "connection); the rest is "
        "Python: the ORM, Celery's eager call, templates and MIME.",
        f"- raw claim: one INSERT … SELECT of {raw_rows:,} outbox rows, committed (then deleted again, "
        f"{deleted:,} rows, before the pass); its peak {benchlib.fmt_peak(raw)} MB.",
    ]
    if claim_seconds is None:
        notes.append("- the claim phase alone could not be timed: `core.outbox.outbox_enqueue` was never called.")
    return table, notes


# --- the run ----------------------------------------------------------------------------


def main() -> None:
    args = parse_args()
    url = benchlib.start_run(args)
    parts = [args.only] if args.only else list(PARTS)
    sink = benchlib.SmtpSink.start() if "reminders" in parts else None
    try:
        configure_environment(sink)
        if benchlib.ensure_postgres_database(url):
            say(f"Created the database of {url}")

        import django

        django.setup()
        from django.conf import settings
        from django.utils import timezone

        prepare(args)
        today = timezone.localdate()
        due_on = today + datetime.timedelta(days=max(settings.REMINDER_DAYS_BEFORE))
        table, notes = [], []
        if "publish" in parts:
            rows, more = bench_publish(args, today=today, due_on=due_on)
            table += rows
            notes += more
        if "reminders" in parts:
            rows, more = bench_reminders(args, today=today, due_on=due_on, sink=sink)
            table += rows
            notes += more
        report(args, table, notes)
    finally:
        if sink is not None:
            sink.stop()


def report(args, table: list[list[str]], notes: list[str]) -> None:
    command = (
        f"bench/bench_acknowledgements.py --people {args.people} --units {args.units} --directives {args.directives}"
    )
    command += f" --only {args.only}" if args.only else ""
    command += f" --reminder-people {args.reminder_people}" if args.reminder_people is not None else ""
    command += " --tracemalloc" if args.tracemalloc else ""
    # A partial run does not overwrite the day's full one.
    name = "acknowledgements" + (f"-{args.only}" if args.only else "")
    benchlib.write_report(name, args, title="Acknowledgements benchmark", command=command, table=table, notes=notes)


if __name__ == "__main__":
    main()
