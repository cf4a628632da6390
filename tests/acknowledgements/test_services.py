"""Campaigns give every targeted person an assignment; acknowledgements are proof."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from acknowledgements import services
from acknowledgements.models import Acknowledgement, Assignment
from directives import services as directive_services
from organization import services as org_services
from tests.acknowledgements.conftest import META, tamper
from tests.factories import PersonFactory


def assigned_emails(campaign):
    return set(campaign.assignments.filter(closed_at__isnull=True).values_list("person__email", flat=True))


def test_a_launch_assigns_every_active_person_in_the_targeted_subtree(cast, org, campaign):
    PersonFactory(email="nghi@example.gov.vn", unit=org.team, is_active=False)

    assert assigned_emails(campaign) == {"canbo@example.gov.vn", "truongphong@example.gov.vn"}


def test_a_unit_alone_excludes_its_subtree(cast, org, tax_letter, due_on):
    campaign = services.campaign_launch(
        directive=tax_letter, targets=[(org.department, False)], due_on=due_on, by=cast.administrator
    )

    assert assigned_emails(campaign) == {"truongphong@example.gov.vn"}


def test_a_launch_is_one_insert_whatever_the_number_of_people(
    cast, org, tax_letter, due_on, django_assert_max_num_queries
):
    for n in range(30):
        PersonFactory(email=f"them{n}@example.gov.vn", unit=org.team)

    with django_assert_max_num_queries(12):
        campaign = services.campaign_launch(
            directive=tax_letter, targets=[(org.agency, True)], due_on=due_on, by=cast.administrator
        )

    assert campaign.assignments.count() == 34


def test_someone_who_joins_or_moves_in_gets_the_open_assignment(cast, org, campaign):
    newcomer = org_services.person_create(email="moi@example.gov.vn", full_name="Người Mới", unit=org.team)
    org_services.person_update(person=cast.inspector, unit=org.department)

    assert {"moi@example.gov.vn", "thanhtra@example.gov.vn"} <= assigned_emails(campaign)
    assert Assignment.objects.get(person=newcomer).due_on == campaign.due_on


def test_someone_who_leaves_keeps_history_and_their_open_assignment_is_closed(cast, campaign):
    assignment = Assignment.objects.get(person=cast.staff)

    org_services.person_update(person=cast.staff, is_active=False)

    assignment.refresh_from_db()
    assert assignment.closed_at is not None
    assert Assignment.objects.filter(person=cast.staff).exists()


def test_staff_acknowledge_and_the_record_keeps_the_text_hash_and_the_request(cast, campaign):
    assignment = Assignment.objects.get(person=cast.staff)

    ack = services.acknowledgement_record(assignment=assignment, by=cast.staff, request_meta=META)

    assignment.refresh_from_db()
    assert assignment.acknowledged_at == ack.acknowledged_at
    assert (ack.text_sha256, ack.ip_address, ack.user_agent) == (
        assignment.version.sha256,
        "10.0.0.7",
        "Firefox thử nghiệm",
    )
    assert ack.link.previous_hash == services.GENESIS


def test_a_double_click_makes_one_record(cast, campaign):
    assignment = Assignment.objects.get(person=cast.staff)

    first = services.acknowledgement_record(assignment=assignment, by=cast.staff, request_meta=META)
    second = services.acknowledgement_record(assignment=assignment, by=cast.staff, request_meta=META)

    assert first.pk == second.pk and Acknowledgement.objects.count() == 1
    with pytest.raises(IntegrityError), transaction.atomic():
        Acknowledgement.objects.bulk_create([Acknowledgement(
            assignment=assignment, person=cast.staff, version=assignment.version, text_sha256="x",
            acknowledged_at=first.acknowledged_at, seq=99, key_id="k2", previous_hash="y", record_hash="z",
        )])  # fmt: skip


def test_nobody_acknowledges_for_someone_else(cast, campaign):
    with pytest.raises(ValidationError, match="chính mình"):
        services.acknowledgement_record(
            assignment=Assignment.objects.get(person=cast.staff), by=cast.unit_head, request_meta=META
        )


def test_questions_must_be_answered_correctly(cast, org, quiz_directive, due_on):
    services.campaign_launch(directive=quiz_directive, targets=[(org.team, True)], due_on=due_on, by=cast.administrator)
    assignment = Assignment.objects.get(person=cast.staff)

    with pytest.raises(ValidationError, match="chưa đúng"):
        services.acknowledgement_record(assignment=assignment, by=cast.staff, request_meta=META, answers={0: 0})
    services.acknowledgement_record(assignment=assignment, by=cast.staff, request_meta=META, answers={0: 1})

    assert Acknowledgement.objects.filter(assignment=assignment).exists()


def test_a_campaign_can_require_the_password_as_a_signature(cast, org, tax_letter, due_on):
    services.campaign_launch(
        directive=tax_letter, targets=[(org.team, True)], due_on=due_on, by=cast.administrator, requires_password=True
    )
    assignment = Assignment.objects.get(person=cast.staff)

    with pytest.raises(ValidationError, match="Mật khẩu không đúng"):
        services.acknowledgement_record(assignment=assignment, by=cast.staff, request_meta=META, password="sai")
    ack = services.acknowledgement_record(
        assignment=assignment, by=cast.staff, request_meta=META, password=cast.password
    )

    assert ack.confirmed_with_password


def test_a_material_version_reopens_and_an_editorial_one_does_not(cast, campaign, tax_letter):
    services.acknowledgement_record(
        assignment=Assignment.objects.get(person=cast.staff), by=cast.staff, request_meta=META
    )
    text = tax_letter.versions.get().text

    editorial = directive_services.version_create(
        directive=tax_letter, text=text + " ", change_note="Sửa chính tả", is_material=False
    )
    directive_services.version_publish(version=editorial, by=cast.administrator)
    assert not Assignment.objects.filter(version=editorial, person=cast.staff).exists()
    assert Assignment.objects.get(person=cast.unit_head, closed_at__isnull=True).version == editorial

    material = directive_services.version_create(
        directive=tax_letter, text=text + "\n5. Báo cáo hằng quý.", change_note="Thêm nhiệm vụ 5", is_material=True
    )
    directive_services.version_publish(version=material, by=cast.administrator)
    reopened = Assignment.objects.get(person=cast.staff, version=material)
    assert reopened.is_open
    assert Assignment.objects.filter(person=cast.unit_head, closed_at__isnull=False).count() == 1


def test_the_verifier_finds_nothing_wrong_in_an_honest_chain(cast, campaign):
    for person in (cast.staff, cast.unit_head):
        services.acknowledgement_record(assignment=Assignment.objects.get(person=person), by=person, request_meta=META)

    assert services.acknowledgements_verify().problems == []
    first, second = Acknowledgement.objects.select_related("link").order_by("id")
    assert second.link.previous_hash == first.link.mac


def test_the_verifier_catches_a_record_altered_in_the_database(cast, campaign):
    for person in (cast.staff, cast.unit_head):
        services.acknowledgement_record(assignment=Assignment.objects.get(person=person), by=person, request_meta=META)
    first = Acknowledgement.objects.order_by("id").first()
    later = (first.acknowledged_at + datetime.timedelta(days=-3)).isoformat()
    tamper(f"UPDATE {Acknowledgement._meta.db_table} SET acknowledged_at = %s WHERE id = %s", [later, first.pk])
    Assignment.objects.filter(pk=first.assignment_id).update(acknowledged_at=later)

    assert [str(p) for p in services.acknowledgements_verify().problems] == [
        f"Bản ghi #{first.pk} (canbo@example.gov.vn): mã xác thực không khớp: nội dung bản ghi đã bị sửa."
    ]


def test_the_verifier_catches_a_deleted_record(cast, campaign):
    for person in (cast.staff, cast.unit_head):
        services.acknowledgement_record(assignment=Assignment.objects.get(person=person), by=person, request_meta=META)
    first, second = Acknowledgement.objects.order_by("id")
    tamper("DELETE FROM acknowledgements_chainlink WHERE acknowledgement_id = %s", [first.pk])
    tamper(f"DELETE FROM {Acknowledgement._meta.db_table} WHERE id = %s", [first.pk])
    Assignment.objects.filter(pk=first.assignment_id).update(acknowledged_at=None)

    assert [str(p) for p in services.acknowledgements_verify().problems][:2] == [
        f"Bản ghi #{second.pk} (truongphong@example.gov.vn): số thứ tự trong chuỗi là 2 nhưng lẽ ra là 1 "
        "(bản ghi bị xóa hoặc chèn thêm).",
        f"Bản ghi #{second.pk} (truongphong@example.gov.vn): không nối với bản ghi trước nó "
        "(bản ghi trước bị xóa, chèn thêm hoặc sửa).",
    ]


def test_records_cannot_be_changed_through_the_orm(cast, campaign):
    ack = services.acknowledgement_record(
        assignment=Assignment.objects.get(person=cast.staff), by=cast.staff, request_meta=META
    )

    with pytest.raises(ValueError):
        ack.save()
    with pytest.raises(ValueError):
        ack.delete()
