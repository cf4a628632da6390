"""The base layout, the language switch and the demo data."""

import pytest
from django.core.management import call_command
from django.urls import reverse

from acknowledgements.models import Acknowledgement, Assignment
from organization.models import Person, RoleGrant, Unit
from violations.models import Report


def test_the_home_page_needs_a_login(client, db):
    response = client.get(reverse("home"))

    assert response["Location"].startswith(reverse("account_login"))


def test_the_layout_is_vietnamese_and_shows_navigation_by_role(client, cast):
    client.force_login(cast.administrator)
    admin_page = client.get(reverse("home")).content.decode()
    client.force_login(cast.staff)
    staff_page = client.get(reverse("home")).content.decode()

    assert '<html lang="vi">' in staff_page
    assert 'name="viewport"' in staff_page
    assert 'href="/admin/"' in admin_page and 'href="/admin/"' not in staff_page
    assert "Quản trị viên – Sở Thông tin và Truyền thông và các đơn vị trực thuộc" in admin_page


def test_the_language_switch_turns_the_page_english(client, cast):
    client.force_login(cast.staff)

    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    page = client.get(reverse("home")).content.decode()

    assert '<html lang="en">' in page
    assert "Hello, Lê Thị Cán Bộ" in page


def test_dates_read_the_vietnamese_way(cast):
    import datetime

    from django.template import Context, Template
    from django.utils import translation

    with translation.override("vi"):
        rendered = Template("{{ day|date }}").render(Context({"day": datetime.date(2024, 8, 5)}))

    assert rendered == "ngày 5 tháng 8 năm 2024"


def test_seed_demo_builds_the_tax_administration_and_runs_twice(db, settings, capsys):
    settings.DEBUG = True

    call_command("seed_demo")
    call_command("seed_demo")

    output = capsys.readouterr().out
    assert "quantri@demo.gov.vn" in output and "Demo@2026" in output
    assert Unit.objects.get_parent(Unit.objects.get(code="CCT-BD")).name == "Cục Thuế TP Hà Nội"
    assert Unit.objects.count() == 6
    assert 38 <= Person.objects.count() <= 45
    assert set(RoleGrant.objects.values_list("role", flat=True)) == {"administrator", "inspector", "unit_head"}
    assert Person.objects.get(email="canbo@demo.gov.vn").check_password("Demo@2026")
    assert Assignment.objects.filter(person__email="canbo@demo.gov.vn", acknowledged_at__isnull=True).count() == 2
    assert Acknowledgement.objects.exists()
    assert Report.objects.filter(state="confirmed", confidential=True).count() == 1


def test_seed_demo_refuses_to_run_in_production(db, settings):
    settings.DEBUG = False

    with pytest.raises(Exception, match="DEBUG=true"):
        call_command("seed_demo")
