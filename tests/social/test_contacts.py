"""The hotline and reporting contacts, inherited down the tree unless overridden."""

from django.template import Context, Template
from django.urls import reverse

from social import selectors, services
from social.models import ContactsChange


def test_units_below_inherit_each_field_unless_they_set_it(cast, org):
    services.contacts_set(
        unit=org.agency, by=cast.administrator, hotline="0799.116.888", email="thanhtra@stttt.gov.vn",
        inspectorate="Thanh tra Sở Thông tin và Truyền thông",
    )  # fmt: skip
    services.contacts_set(unit=org.department, by=cast.unit_head, hotline="0239.3855.555")

    team = selectors.effective_contacts(org.team)
    office = selectors.effective_contacts(org.office)

    assert (team["hotline"], team["email"], team["sources"]["hotline"].code) == (
        "0239.3855.555",
        "thanhtra@stttt.gov.vn",
        "PBC",
    )
    assert (office["hotline"], office["sources"]["hotline"].code) == ("0799.116.888", "STTTT")
    assert selectors.effective_contacts(org.other_agency)["hotline"] == ""
    assert ContactsChange.objects.count() == 2


def test_the_template_tag_shows_the_hotline_for_other_apps_pages(cast, org):
    services.contacts_set(unit=org.agency, by=cast.administrator, hotline="0799.116.888")

    html = Template("{% load social_tags %}{% unit_contacts unit %}").render(Context({"unit": org.team}))
    text = Template("{% load social_tags %}{% unit_contacts_text unit %}").render(Context({"unit": org.team}))

    assert 'Đường dây nóng: <a href="tel:0799116888">0799.116.888</a>' in html
    assert text.strip() == "Đường dây nóng: 0799.116.888"
    assert (
        Template("{% load social_tags %}{% unit_contacts unit %}").render(Context({"unit": org.other_agency})).strip()
        == ""
    )


def test_a_head_sets_the_contacts_of_their_unit_on_the_page(client, cast, org):
    client.force_login(cast.unit_head)

    response = client.post(
        reverse("social:contact_edit", args=[org.department.pk]), {"hotline": "0239.3855.555", "email": "sai"}
    )
    saved = client.post(reverse("social:contact_edit", args=[org.department.pk]), {"hotline": "0239.3855.555"})

    assert "E-mail chưa đúng; hãy kiểm tra lại." in response.content.decode()
    assert saved.status_code == 302
    page = client.get(reverse("social:home")).content.decode()
    assert "0239.3855.555" in page
