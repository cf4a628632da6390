"""Short dates read "5/3/2026" in Vietnamese, with no zero padding, and "5 Mar 2026" in
English, where 05/03/2026 would read as two different days (issue 16, items 7 and 16)."""

import datetime

from django.urls import reverse
from django.utils import translation

from violations import services, workflow
from violations.models import Event


def classify(case, head, **extra):
    return services.report_classify(
        report=case, by=head, role=workflow.REVIEWER, staff_kind="cc", violated_on=datetime.date(2026, 3, 5), **extra
    )


def test_the_history_line_gives_the_day_of_the_violation_without_zeros(cast, case):
    with translation.override("vi"):
        classify(case, cast.unit_head)

    line = case.events.get(kind=Event.Kind.RULES).text

    assert line.endswith("ngày vi phạm 5/3/2026.")
    assert "05/03/2026" not in line


def test_in_english_the_history_line_names_the_month(cast, case):
    with translation.override("en"):
        classify(case, cast.unit_head)

    line = case.events.get(kind=Event.Kind.RULES).text

    assert "5 Mar 2026" in line
    assert "5/3/2026" not in line


def test_the_case_page_shows_the_day_of_the_violation_in_the_reader_s_language(client, cast, case):
    classify(case, cast.unit_head)
    client.force_login(cast.unit_head)
    url = reverse("violations:detail", args=[case.pk])

    vietnamese = client.get(url).content.decode()
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    english = client.get(url).content.decode()

    assert "vi phạm ngày 5/3/2026" in vietnamese
    assert "05/03/2026" not in vietnamese
    # The history line keeps the words it was written in; the case's facts follow the reader.
    facts = english.split('<dl class="case">')[1].split("</dl>")[0]
    assert "5 Mar 2026" in facts
    assert "5/3/2026" not in facts
