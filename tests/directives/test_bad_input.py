"""Odd query strings and over-long values get a page, never a server error."""

import pytest
from django.urls import reverse

from directives import services
from directives.models import Directive, Reference
from tests.directives.seeds import HA_TINH, TAX_LETTER
from tests.directives.test_views import review_form


@pytest.mark.parametrize(
    "params",
    [
        {"q": "\x00"},
        {"q": "chấn chỉnh\x00"},
        {"issuer": "\x00"},
        {"year": "\x00"},
        {"year": "20x4"},
        {"kind": "\x00"},
        {"kind": "không-có"},
        {"status": "\x00'"},
        {"page": "\x00"},
        {"q": "a " * 5000},
    ],
)
def test_a_nul_byte_or_a_bad_filter_value_on_the_list_is_ignored(client, cast, tax_letter, params):
    client.force_login(cast.staff)

    page = client.get(reverse("directives:list"), params)

    assert page.status_code == 200


def test_a_bad_filter_value_is_dropped_not_applied(client, cast, tax_letter):
    client.force_login(cast.staff)

    page = client.get(reverse("directives:list"), {"kind": "xyz", "year": "2024abc", "q": "chấn\x00chỉnh"})

    assert page.context["filters"] == {"q": "chấn chỉnh", "issuer": "", "year": "", "kind": "", "status": ""}
    assert "chấn chỉnh việc dùng mạng xã hội" in page.content.decode()


LONG_CODE = "12/" + "-".join(["ABCDEFGHIJK"] * 7) + "-ABCDE"  # 92 characters


def test_a_letter_citing_a_92_character_code_gets_an_error_naming_the_field(client, cast, org):
    assert len(LONG_CODE) == 92
    client.force_login(cast.administrator)
    text = TAX_LETTER.read_text().replace("Quyết định số 847/QĐ-BTTTT", f"Quyết định số {LONG_CODE}")
    data = review_form(client.post(reverse("directives:import"), {"text": text}).context)
    data["owner_unit"] = org.agency.pk

    page = client.post(reverse("directives:import"), data)

    assert page.status_code == 200
    assert (
        f"Số, ký hiệu văn bản được trích dẫn dài 92 ký tự, vượt quá giới hạn 81 ký tự: “{LONG_CODE[:60]}…”."
        in page.content.decode()
    )
    assert not Directive.objects.exists()


def test_a_symbol_too_long_for_its_column_is_an_error_naming_the_field(client, cast, org):
    client.force_login(cast.administrator)
    data = review_form(client.post(reverse("directives:import"), {"text": HA_TINH.read_text()}).context)
    data.update(owner_unit=org.agency.pk, symbol="S" * 92)

    page = client.post(reverse("directives:import"), data)

    assert "Ký hiệu dài 92 ký tự, vượt quá giới hạn 60 ký tự." in page.content.decode()
    assert not Directive.objects.exists()


def test_citing_a_directive_with_a_300_character_subject_saves(client, cast, org):
    draft, _result = services.draft_from_text(HA_TINH.read_text())
    draft.fields.update(number="99", subject="Về việc " + "x" * 300)
    cited = services.directive_create(draft=draft, owner_unit=org.agency, by=cast.administrator)
    services.version_publish(version=cited.versions.get(), by=cast.administrator)
    client.force_login(cast.administrator)
    text = TAX_LETTER.read_text().replace("Quyết định số 847/QĐ-BTTTT", f"Công văn số {cited.code}")
    data = review_form(client.post(reverse("directives:import"), {"text": text}).context)
    data["owner_unit"] = org.agency.pk

    saved = client.post(reverse("directives:import"), data)

    assert saved.status_code == 302
    assert Reference.objects.get(code=cited.code).title == "Về việc " + "x" * 300
