"""Citations resolve only to what the importing person may see: published
directives of any unit, and drafts only in units they administer. A draft's
number is not public, so resolving it for another agency would reveal it."""

import pytest
from django.urls import reverse

from directives import selectors, services
from directives.models import Reference
from organization.models import Role
from tests.directives.seeds import HA_TINH, TAX_LETTER, import_seed
from tests.directives.test_views import review_form, upload
from tests.factories import PersonFactory, RoleGrantFactory

DRAFT_CODE = "99/STTTT-TTBCXB"


@pytest.fixture
def numbered_draft(cast, org):
    """A draft of the agency that already has its number (not yet published)."""
    draft, _result = services.draft_from_text(HA_TINH.read_text())
    draft.fields.update(number="99", symbol="STTTT-TTBCXB")
    return services.directive_create(draft=draft, owner_unit=org.agency, by=cast.administrator)


@pytest.fixture
def other_admin(org):
    person = PersonFactory(email="quantri.stp@example.gov.vn", unit=org.other_agency)
    RoleGrantFactory(person=person, role=Role.ADMINISTRATOR, unit=org.other_agency)
    return person


def citing_letter() -> str:
    return TAX_LETTER.read_text().replace("Quyết định số 847/QĐ-BTTTT", f"Công văn số {DRAFT_CODE}")


def test_another_agencys_administrator_does_not_get_a_draft_citation_resolved(client, org, numbered_draft, other_admin):
    client.force_login(other_admin)

    review = client.post(reverse("directives:import"), {"text": citing_letter()})
    cited = next(ref for ref in review.context["result"]["references"] if ref["code"] == DRAFT_CODE)
    data = review_form(review.context)
    data["owner_unit"] = org.other_agency.pk
    client.post(reverse("directives:import"), data)

    assert cited["resolved_to"] is None
    saved = Reference.objects.get(code=DRAFT_CODE)
    assert (saved.resolved_code, saved.resolved_directive) == ("", None)


def test_the_drafts_own_administrator_gets_it_resolved_and_linked(client, org, cast, numbered_draft):
    client.force_login(cast.administrator)

    review = client.post(reverse("directives:import"), {"text": citing_letter()})
    cited = next(ref for ref in review.context["result"]["references"] if ref["code"] == DRAFT_CODE)
    data = review_form(review.context)
    data.update(owner_unit=org.agency.pk, number="100")
    client.post(reverse("directives:import"), data)

    assert cited["resolved_to"] == DRAFT_CODE
    assert Reference.objects.get(code=DRAFT_CODE).resolved_directive == numbered_draft


def test_an_uploaded_letter_resolves_for_whoever_looks_at_its_job(client, org, cast, numbered_draft, other_admin):
    path = TAX_LETTER.parent / "cites-draft.txt"
    client.force_login(other_admin)

    page = upload(client, path, content=citing_letter().encode())

    cited = next(ref for ref in page.context["result"]["references"] if ref["code"] == DRAFT_CODE)
    assert cited["resolved_to"] is None


def test_published_directives_of_any_unit_are_citable(cast, org, other_admin):
    tax_letter = import_seed(TAX_LETTER, owner_unit=org.agency, by=cast.administrator)

    known = selectors.known_documents(user=other_admin)

    assert known["3821/TCT-KTNB"]["directive_id"] == tax_letter.pk
