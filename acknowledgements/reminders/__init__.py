"""Reminders before and after the due date, digests for unit heads, and nudges, all
sent through the outbox (core/outbox.py).

- `cadence`: the pure date rules (which step a due date reaches on a day).
- `claims`: the SQL that claims a day's e-mails as outbox rows.
- `renderers`: what each outbox kind sends, re-checked at send time.
The business actions that use them are in acknowledgements/services.py.

Every e-mail is claimed before it is sent, by inserting an OutboxMessage whose
unique key names what is being sent, so a second pass, on another worker or the
same day again, claims nothing:
- reminders: "ack-reminder:<assignment>:<step>", one row per assignment and step,
  grouped per person and day ("ack-reminder:<person>:<day>": one e-mail listing
  every directive of that person that reached a step that day). Steps are "d-7",
  "d-1" (days before the due date, REMINDER_DAYS_BEFORE), "d0" (the due date), then
  "o3", "o6", … "o15" (days overdue: every REMINDER_OVERDUE_EVERY_DAYS, at most
  REMINDER_OVERDUE_MAX times). A pass on another day claims nothing for that
  assignment: missed days are not caught up (core/periodic.py makes sure a day's
  pass runs even when its beat tick was missed).
- digests: "ack-digest:<head>:p2024-09-02", the first day of the
  ESCALATION_EVERY_DAYS-long period containing the day, counted from EPOCH. A head
  gets at most one digest per period, and one in every period in which someone of
  their subtree is late by at least ESCALATION_AFTER_DAYS. The first digest may come
  late in a period, so the second can follow it by less than a full period; after
  that they keep the period's rhythm.
- nudges: "ack-nudge:<person>:<ISO date>", so at most one nudge per person a day,
  whoever nudges.
- checkpoints: "ack-checkpoint:<inspector>:c<ISO date>" (or "x…" for the alert that
  the chain is broken), once a day each.
"""
