"""The rule sets as shipped (violations/rule_data.py), and the cases closed before
them moved onto the measures of Decree 112/2020/NĐ-CP's retired rule set, so their
outcomes (hạ bậc lương, giáng chức among them) stay readable with their basis."""

from django.db import migrations


def forwards(apps, schema_editor):
    from violations.rule_data import load_rule_sets

    load_rule_sets(apps)
    Report = apps.get_model("violations", "Report")
    Measure = apps.get_model("violations", "Measure")
    legacy = {m.code: m for m in Measure.objects.filter(rule_set__code="nd112-2020")}
    for report in Report.objects.exclude(outcome="").filter(measure__isnull=True):
        measure = legacy.get(report.outcome) or legacy["other"]
        Report.objects.filter(pk=report.pk).update(measure=measure, outcome=measure.code)
    # Open cases learn the kind of staff of the person reported and the day of detection.
    Person = apps.get_model("organization", "Person")
    kinds = dict(Person.objects.values_list("pk", "staff_kind"))
    for report in Report.objects.filter(staff_kind="", subject__isnull=False):
        Report.objects.filter(pk=report.pk).update(
            staff_kind=kinds.get(report.subject_id, ""), violated_on=report.seen_at.date()
        )


class Migration(migrations.Migration):
    dependencies = [
        ("violations", "0004_rule_sets_and_procedure"),
        ("organization", "0002_organisation_addresses_verified"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
