"""Reading the law as data: which rule set a case falls under, which measures it
may end with, and the record of administrators' edits (violations/models/rules.py)."""

import datetime

from django.forms.models import model_to_dict

from violations.models import ANY_KIND, Clock, Measure, RuleChange, RuleSet

GENERAL = "khong-ky-luat"  # the measures that are not discipline, for every kind
DENUNCIATIONS = "luat-to-cao-2018"  # the denunciation track's clocks


def rule_set_for(*, staff_kind: str, violated_on: datetime.date) -> RuleSet | None:
    """The rule set for this kind of staff in force on the day of the violation. A
    violation older than every selectable set (before 1/7/2025, say) is handled under
    the oldest of them: the abolished sets are kept to read old outcomes only."""
    if not staff_kind or violated_on is None:
        return None
    candidates = [rs for rs in RuleSet.objects.filter(selectable=True) if staff_kind in rs.kinds()]
    in_force = [
        rs for rs in candidates
        if rs.in_force_from <= violated_on and (rs.in_force_until is None or violated_on < rs.in_force_until)
    ]  # fmt: skip
    if in_force:
        return max(in_force, key=lambda rs: rs.in_force_from)
    earlier = [rs for rs in candidates if rs.in_force_from > violated_on]
    return min(earlier, key=lambda rs: rs.in_force_from) if earlier else None


def general_measures() -> list[Measure]:
    return list(Measure.objects.filter(rule_set__code=GENERAL, staff_kind=ANY_KIND).select_related("rule_set"))


def discipline_measures(rule_set: RuleSet | None, *, staff_kind: str, holds_management_post: bool) -> list[Measure]:
    if rule_set is None:
        return []
    measures = Measure.objects.filter(rule_set=rule_set, staff_kind__in=[staff_kind, ANY_KIND], is_discipline=True)
    return [
        m for m in measures.select_related("rule_set").order_by("position")
        if holds_management_post or not m.requires_management_post
    ]  # fmt: skip


def measures_for(report) -> tuple[list[Measure], list[Measure]]:
    """(discipline measures of the case's rule set, measures that are not discipline)."""
    discipline = discipline_measures(
        report.rule_set, staff_kind=report.staff_kind, holds_management_post=report.holds_management_post
    )
    return discipline, general_measures()


def measure_allowed(*, staff_kind: str, code: str, violated_on: datetime.date, holds_management_post: bool) -> bool:
    """May a case about this kind of staff, for a violation on that day, end with the
    measure `code`? (The literal tables of tests/violations/test_rules.py.)"""
    rule_set = rule_set_for(staff_kind=staff_kind, violated_on=violated_on)
    allowed = discipline_measures(rule_set, staff_kind=staff_kind, holds_management_post=holds_management_post)
    return any(m.code == code for m in [*allowed, *general_measures()])


def clock(rule_set: RuleSet | None, code: str) -> Clock | None:
    if rule_set is None:
        return None
    # Through the related manager, so a list that prefetched `rule_set__clocks` asks nothing.
    return next((c for c in rule_set.clocks.all() if c.code == code), None)


def denunciation_clock(code: str) -> Clock | None:
    return Clock.objects.filter(rule_set__code=DENUNCIATIONS, code=code).first()


def _values(obj) -> dict:
    return {key: (str(value) if value is not None else None) for key, value in model_to_dict(obj).items()}


def rule_change_record(*, rule_set: RuleSet, obj, by, action: str, before: dict | None) -> RuleChange:
    """Append what an administrator changed: every field before and after (for an
    addition only after, for a deletion only before)."""
    after = _values(obj) if action != "deleted" else {}
    before = before or {}
    changed = {
        key: {"before": before.get(key), "after": after.get(key)}
        for key in sorted(set(before) | set(after))
        if before.get(key) != after.get(key)
    }
    target = f"{obj._meta.model_name}:{obj.pk}"
    return RuleChange.objects.create(rule_set=rule_set, actor=by, target=target, action=action, changes=changed)


def snapshot(obj) -> dict:
    """The fields of a rule row before an edit, for rule_change_record."""
    if obj.pk is None:
        return {}
    return _values(type(obj).objects.get(pk=obj.pk))
