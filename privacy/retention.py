"""How long each kind of record is kept, and why (README, "Discipline and
denunciations", has the same table). Each period is a setting read from the
environment (conduct_portal/settings.py, RETENTION_*), in years from the day the
period starts; "to be confirmed" marks a basis the agency's legal staff must check.
Law 91/2025/QH15 asks that personal data be kept no longer than its purpose needs;
where no rule sets a period, the default is the portal's reasoned choice."""

import datetime
from dataclasses import dataclass

from django.conf import settings

from privacy.models import RecordKind


@dataclass(frozen=True)
class Rule:
    kind: str
    setting: str
    starts: str
    basis: str
    purged: bool = True

    @property
    def label(self) -> str:
        return RecordKind(self.kind).label

    @property
    def years(self) -> int:
        return getattr(settings, self.setting)


RULES = [
    Rule(RecordKind.CASE_DISCIPLINE, "RETENTION_CASE_DISCIPLINE_YEARS", "closing",
         "The signed decision itself goes to the personnel file the agency archives (Law on Archives "
         "33/2024/QH15); the portal's working copy is kept twice the longest limitation period "
         "(5 years) so a repeat violation is seen. No rule sets it: a setting."),
    Rule(RecordKind.CASE_OTHER, "RETENTION_CASE_OTHER_YEARS", "closing",
         "The longest limitation period for discipline (5 years, Law on Cadres and Civil Servants; "
         "to be confirmed against Law 80/2025/QH15): after it the facts can found no discipline."),
    Rule(RecordKind.CASE_DISMISSED, "RETENTION_CASE_DISMISSED_YEARS", "dismissal",
         "No rule found: someone found not to have breached anything is kept only as long as a "
         "complaint about the dismissal could come (storage limitation, Law 91/2025/QH15). A setting."),
    Rule(RecordKind.ANONYMOUS, "RETENTION_ANONYMOUS_YEARS", "closing or dismissal",
         "Not denunciations (Luật Tố cáo 2018, Art. 25); no rule found. One that led to discipline "
         "is kept as a disciplinary case. A setting."),
    Rule(RecordKind.EVIDENCE, "RETENTION_EVIDENCE_YEARS", "the case's end",
         "The files (screenshots hold other people's data) outlive the one year to sue over a "
         "disciplinary decision (Luật Tố tụng hành chính 2015, Art. 116(2)(a), to be confirmed); "
         "the case keeps each file's name and SHA-256."),
    Rule(RecordKind.ACKNOWLEDGEMENT, "RETENTION_ACKNOWLEDGEMENT_YEARS", "the acknowledgement",
         "Kept at least this long as proof of quán triệt; never purged, because each record's HMAC "
         "chains the next (acknowledgements/chain.py): deleting one breaks verification of all "
         "after it. The purge counts those past their period.", purged=False),
    Rule(RecordKind.AUDIT, "RETENTION_AUDIT_YEARS", "the row",
         "No rule found for an agency application's log; kept as long as the longest limitation "
         "period, so a view of a reporter's identity can be looked into while a case could be "
         "brought. The database refuses to delete a row younger than a year."),
]  # fmt: skip

BY_KIND = {rule.kind: rule for rule in RULES}


def years_before(day: datetime.date, years: int) -> datetime.date:
    """The same day `years` earlier (28 February for a 29 February)."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


def cutoff(kind: str, today: datetime.date) -> datetime.date:
    """A record of this kind whose period started on or before this day has expired."""
    return years_before(today, BY_KIND[kind].years)
