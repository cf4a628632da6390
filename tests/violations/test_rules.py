"""The rule sets as shipped, checked against the law written out here: which measure
a case about each kind of staff may end with, by the date of the violation. The
expected values are read from the documents (Decree 172/2025/NĐ-CP for cán bộ and
công chức from 1/7/2025; Bộ luật Lao động 2019 Art. 124 for người lao động; the
Law on Viên chức Art. 52), never computed from violations/rules.py."""

import datetime

import pytest
from django.urls import reverse

from violations import rules
from violations.models import Measure, RuleChange, RuleSet

AFTER = datetime.date(2025, 9, 15)  # Decree 172/2025 in force
BEFORE = datetime.date(2025, 3, 10)  # under Decree 112/2020, handled now

# (staff kind, holds a management post, measure, date of violation) → allowed
TABLE = [
    # công chức: khiển trách, cảnh cáo, cách chức (leaders only), buộc thôi việc
    ("cc", False, "reprimand", AFTER, True),
    ("cc", False, "warning", AFTER, True),
    ("cc", False, "dismissal_from_post", AFTER, False),
    ("cc", True, "dismissal_from_post", AFTER, True),
    ("cc", False, "forced_resignation", AFTER, True),
    ("cc", True, "salary_downgrade", AFTER, False),  # hạ bậc lương: abolished
    ("cc", True, "demotion", AFTER, False),  # giáng chức: abolished
    ("cc", False, "removal_from_office", AFTER, False),  # bãi nhiệm is for cán bộ
    ("cc", False, "labour_dismissal", AFTER, False),
    # Abolished measures are not offered to new cases, whatever the violation's date.
    ("cc", True, "salary_downgrade", BEFORE, False),
    ("cc", True, "demotion", BEFORE, False),
    ("cc", False, "reprimand", BEFORE, True),
    # cán bộ: khiển trách, cảnh cáo, cách chức, bãi nhiệm
    ("cb", False, "reprimand", AFTER, True),
    ("cb", False, "warning", AFTER, True),
    ("cb", True, "dismissal_from_post", AFTER, True),
    ("cb", False, "removal_from_office", AFTER, True),
    ("cb", False, "forced_resignation", AFTER, False),
    ("cb", True, "demotion", AFTER, False),
    # viên chức (Law on Viên chức, Art. 52; to be confirmed by legal staff)
    ("vc", False, "reprimand", AFTER, True),
    ("vc", False, "forced_resignation", AFTER, True),
    ("vc", False, "salary_downgrade", AFTER, False),
    # người lao động (Bộ luật Lao động 2019, Art. 124)
    ("nld", False, "reprimand", AFTER, True),
    ("nld", False, "salary_raise_delay", AFTER, True),
    ("nld", True, "dismissal_from_post", AFTER, True),
    ("nld", False, "labour_dismissal", AFTER, True),
    ("nld", False, "forced_resignation", AFTER, False),
    ("nld", False, "warning", AFTER, False),
    # Not discipline: for every kind
    ("cb", False, "admonition", AFTER, True),
    ("cc", False, "takedown", AFTER, True),
    ("vc", False, "self_criticism", AFTER, True),
    ("nld", False, "admonition", BEFORE, True),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("kind", "post", "code", "day", "allowed"), TABLE)
def test_a_measure_is_allowed_as_the_law_in_force_says(kind, post, code, day, allowed):
    assert rules.measure_allowed(staff_kind=kind, code=code, violated_on=day, holds_management_post=post) is allowed


# (staff kind, date of violation) → the basis of the rule set the case falls under
RULE_SET_FOR = [
    ("cc", AFTER, "Nghị định số 172/2025/NĐ-CP ngày 30/6/2025"),
    ("cb", AFTER, "Nghị định số 172/2025/NĐ-CP ngày 30/6/2025"),
    ("cc", BEFORE, "Nghị định số 172/2025/NĐ-CP ngày 30/6/2025"),  # 112/2020 only reads old outcomes
    ("vc", AFTER, "Luật Viên chức số 58/2010/QH12"),
    ("nld", AFTER, "Bộ luật Lao động số 45/2019/QH14 ngày 20/11/2019"),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("kind", "day", "basis"), RULE_SET_FOR)
def test_a_case_falls_under_the_rule_set_in_force_on_the_day_of_the_violation(kind, day, basis):
    assert rules.rule_set_for(staff_kind=kind, violated_on=day).basis.startswith(basis)


@pytest.mark.django_db
def test_decree_172_ships_its_clocks_severities_and_three_deferral_cases():
    decree = RuleSet.objects.get(code="nd172-2025-cc")
    assert (str(decree.in_force_from), decree.in_force_until, decree.confirmed) == ("2025-07-01", None, True)
    assert {(c.code, c.days, c.unit) for c in decree.clocks.all()} == {
        ("limit", 90, "calendar"), ("limit_extended", 150, "calendar"),
    }  # fmt: skip
    assert [s.label for s in decree.severities.all()] == ["Ít nghiêm trọng", "Nghiêm trọng", "Rất nghiêm trọng"]
    assert sorted(d.code for d in decree.deferral_cases.all()) == ["benh", "khoi-to", "thai-san"]
    assert all(m.article for m in decree.measures.all())


@pytest.mark.django_db
def test_the_viên_chức_and_labour_sets_wait_for_the_legal_staff():
    assert RuleSet.objects.get(code="luat-vien-chuc").confirmed is False
    assert RuleSet.objects.get(code="blld-2019").confirmed is False
    assert Measure.objects.get(rule_set__code="blld-2019", code="salary_raise_delay").article == (
        "Bộ luật Lao động 2019, Điều 124 khoản 2"
    )


@pytest.mark.django_db
def test_an_old_outcome_stays_readable_with_its_basis():
    demotion = Measure.objects.get(rule_set__code="nd112-2020", code="demotion")
    assert demotion.basis_label() == (
        "Giáng chức (Nghị định số 112/2020/NĐ-CP ngày 18/9/2020 (sửa đổi bởi Nghị định số 71/2023/NĐ-CP), "
        "hết hiệu lực từ 1/7/2025)"
    )


@pytest.mark.django_db
def test_every_administrator_edit_of_a_rule_is_recorded_and_other_people_cannot_edit(client, cast, rf):
    from django.contrib import admin as django_admin

    from violations.admin import RuleSetAdmin

    decree = RuleSet.objects.get(code="nd172-2025-cc")
    client.force_login(cast.administrator)
    assert client.get(reverse("admin:violations_ruleset_change", args=[decree.pk])).status_code == 200
    request = rf.post("/")
    request.user = cast.administrator
    model_admin = RuleSetAdmin(RuleSet, django_admin.site)

    decree.title = "Kỷ luật công chức (sửa)"
    model_admin.save_model(request, decree, form=None, change=True)

    (change,) = RuleChange.objects.filter(rule_set=decree)
    assert (change.actor, change.action, change.target) == (cast.administrator, "changed", f"ruleset:{decree.pk}")
    assert change.changes == {"title": {"before": "Kỷ luật công chức", "after": "Kỷ luật công chức (sửa)"}}
    with pytest.raises(ValueError):
        change.delete()
    client.force_login(cast.staff)
    assert client.get(reverse("admin:violations_ruleset_change", args=[decree.pk])).status_code == 302
