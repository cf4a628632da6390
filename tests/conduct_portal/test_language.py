"""The portal speaks Vietnamese until the person chooses English (issue 16, item 16)."""

import datetime

from django.template import Context, Template
from django.urls import reverse
from django.utils import translation

from acknowledgements import services


def test_a_browser_that_prefers_english_still_gets_vietnamese(client, cast):
    client.force_login(cast.staff)

    page = client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()

    assert '<html lang="vi">' in page


def test_the_choice_of_english_is_remembered_for_a_year(client, cast):
    client.force_login(cast.staff)

    response = client.post(reverse("set_language"), {"language": "en", "next": "/"})
    page = client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE="vi").content.decode()

    assert response.cookies["django_language"].value == "en"
    assert response.cookies["django_language"]["max-age"] == 31536000
    assert '<html lang="en">' in page


def test_the_language_choices_read_in_their_own_language_on_every_page(client, cast):
    client.force_login(cast.staff)
    vietnamese = client.get(reverse("home")).content.decode()
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    english = client.get(reverse("home")).content.decode()

    for page in (vietnamese, english):
        assert '<option value="en" lang="en">English</option>' in page or (
            '<option value="en" lang="en" selected>English</option>' in page
        )
        assert 'lang="vi"' in page and ">Tiếng Việt</option>" in page
    assert "Tiếng Anh" not in vietnamese


def test_english_dates_name_the_month():
    day = datetime.date(2026, 12, 1)
    with translation.override("en"):
        short = Template('{{ day|date:"SHORT_DATE_FORMAT" }}').render(Context({"day": day}))
        long = Template("{{ day|date }}").render(Context({"day": day}))

    assert short == "1 Dec 2026"
    assert long == "1 December 2026"


def test_the_staff_list_in_english_shows_the_due_date_with_its_month(client, cast, org, tax_letter):
    services.campaign_launch(
        directive=tax_letter, targets=[(org.department, True)], due_on=datetime.date(2027, 1, 5),
        by=cast.administrator,
    )  # fmt: skip
    client.force_login(cast.staff)
    client.post(reverse("set_language"), {"language": "en", "next": "/"})

    page = client.get(reverse("acknowledgements:mine")).content.decode()

    assert "5 Jan 2027" in page
    assert "05/01/2027" not in page


def test_directive_dates_in_english_name_the_month_and_keep_a_reduced_date_reduced():
    from directives.templatetags.directive_tags import issued_on

    with translation.override("en"):
        assert issued_on("2026-12-01") == "1 December 2026"
        assert issued_on("2026-12-01", "short") == "1 Dec 2026"
        assert issued_on("2019-11", "short") == "Nov 2019"
        assert issued_on("2023") == "2023"
    with translation.override("vi"):
        assert issued_on("2026-12-01", "short") == "1/12/2026"


def test_vietnamese_short_dates_have_no_zero_padding_and_both_spellings_are_read():
    from django import forms

    with translation.override("vi"):
        shown = Template('{{ day|date:"SHORT_DATE_FORMAT" }}').render(Context({"day": datetime.date(2024, 8, 5)}))
        read = [forms.DateField().clean(text) for text in ("05/08/2024", "5/8/2024", "2024-08-05")]

    assert shown == "5/8/2024"
    assert read == [datetime.date(2024, 8, 5)] * 3
