"""Which procedure a case follows, from how it came in: a named denunciation (Luật Tố
cáo 2018) is accepted (thụ lý) or declined first; a report by a head, a member of
staff, an anonymous sender or an inspector's monitoring is reviewed straight away.
Written from the requirement (README, "Discipline and denunciations"), not from
violations.workflow; these are the gaps its mutation run found (tests/MUTATION.md)."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from violations import denunciations, services, workflow
from violations.models import IdentityHandler, Report


@pytest.mark.parametrize(
    ("channel", "track"),
    [
        ("head", "case"),
        ("staff", "case"),
        ("anonymous", "case"),
        ("monitoring", "case"),
        ("denunciation", "denunciation"),
    ],
)
def test_only_a_named_denunciation_follows_the_denunciation_procedure(channel, track):
    assert workflow.track_of(Report(channel=channel)) == track


def test_the_reviewer_accepts_a_named_denunciation_but_cannot_accept_a_staff_report(cast, org, case):
    with pytest.raises(ValidationError):
        services.report_transition(report=case, to="accepted", by=cast.unit_head, role="reviewer")
    case.refresh_from_db()
    assert case.state == "submitted"

    IdentityHandler.objects.create(unit=org.department, person=cast.unit_head, granted_by=cast.administrator)
    denunciation = denunciations.denunciation_create(
        by=cast.unit_head, subject=cast.staff, denouncer_name="Bùi Văn Tố", denouncer_address="12 Lê Lợi, Huế",
        received_on=datetime.date(2026, 2, 12), category="false_information", platform="facebook",
        description="Đăng tin sai sự thật về chính sách thuế.",
    )  # fmt: skip
    services.report_transition(report=denunciation, to="accepted", by=cast.unit_head, role="reviewer")

    denunciation.refresh_from_db()
    assert denunciation.state == "accepted"
    assert denunciation.accepted_on is not None
