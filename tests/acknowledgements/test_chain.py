"""The acknowledgement chain holds against someone who can write to the database:
every field is under a keyed MAC, the head is MACed, assignments must agree with
their records, and signed checkpoints anchor the head outside the database."""

import datetime
import hashlib
import hmac
import json

import pytest
from django.core import mail
from django.core.exceptions import ImproperlyConfigured
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction

from acknowledgements import services
from acknowledgements.models import Acknowledgement, Assignment, ChainHead, ChainLink, ChainPending
from conduct_portal.env import parse_keys
from core.models import AuditEvent
from tests.acknowledgements.conftest import KEY_1, KEY_2, LINK_TABLE, META, TABLE, in_row, tamper
from tests.factories import PersonFactory


def problems() -> list[str]:
    return [str(problem) for problem in services.acknowledgements_verify().problems]


def test_an_honest_chain_verifies_and_every_record_is_keyed_with_the_first_key(two_records):
    first, second = two_records

    assert problems() == []
    assert [(ack.place, ack.key_id, ack.record_version) for ack in two_records] == [(1, "k2", 4), (2, "k2", 4)]
    assert first.link.previous_hash == "0" * 64 and second.link.previous_hash == first.link.mac
    head = ChainHead.objects.get()
    assert (head.count, head.last_hash, head.key_id) == (2, second.link.mac, "k2")
    assert not ChainPending.objects.exists()  # nothing left waiting


def test_the_mac_is_hmac_sha256_with_the_key_over_every_field(two_records):
    first = two_records[0]
    payload = json.dumps(
        [
            "acknowledgement/4", "k2", first.assignment_id, first.person_id, first.version_id,
            first.text_sha256, first.acknowledged_at.astimezone(datetime.UTC).isoformat(), "10.0.0.7",
            "Firefox thử nghiệm", False, "online", None, None, "", "", "", "", "",
        ],
        ensure_ascii=False,
        separators=(",", ":"),
    )  # fmt: skip
    link = json.dumps(["link", "k2", 1, "0" * 64, first.pk, first.record_hash], separators=(",", ":"))

    assert first.record_hash == hmac.new(KEY_2, payload.encode(), hashlib.sha256).hexdigest()
    assert first.link.mac == hmac.new(KEY_2, link.encode(), hashlib.sha256).hexdigest()


def test_records_of_the_field_sets_before_links_keep_verifying_and_the_new_ones_follow(cast, org, campaign):
    newcomer = PersonFactory(email="phongmoi@example.gov.vn", full_name="Cán Bộ Mới", unit=org.department)
    services.assignments_sync_person(person=newcomer)
    old = in_row(cast.staff, version=2)
    new = in_row(cast.unit_head, version=3)
    linked = services.acknowledgement_record(
        assignment=Assignment.objects.get(person=newcomer), by=newcomer, request_meta=META
    )
    payload = json.dumps(
        [
            "acknowledgement", "k2", 1, "0" * 64, old.assignment_id, old.person_id, old.version_id,
            old.text_sha256, old.acknowledged_at.astimezone(datetime.UTC).isoformat(), "10.0.0.7",
            "Firefox thử nghiệm", False,
        ],
        ensure_ascii=False,
        separators=(",", ":"),
    )  # fmt: skip

    assert (old.record_version, new.record_version, linked.record_version) == (2, 3, 4)
    assert old.record_hash == hmac.new(KEY_2, payload.encode(), hashlib.sha256).hexdigest()
    assert (linked.place, linked.link.previous_hash) == (3, new.record_hash)
    assert problems() == []


# (a) ------------------------------------------------------------------------------


def test_setting_confirmed_with_password_on_a_record_is_caught(two_records):
    first = two_records[0]
    tamper(f"UPDATE {TABLE} SET confirmed_with_password = true WHERE id = %s", [first.pk])

    assert problems() == [
        f"Bản ghi #{first.pk} (canbo@example.gov.vn): mã xác thực không khớp: nội dung bản ghi đã bị sửa."
    ]


@pytest.mark.parametrize(
    ("column", "value"),
    [("ip_address", "192.0.2.1"), ("user_agent", "sửa lén"), ("assignment_id", None), ("acknowledged_at", None)],
)
def test_changing_any_other_field_of_a_record_is_caught(cast, two_records, column, value):
    first = two_records[0]
    if column == "assignment_id":
        # Move the record onto another person's assignment, marked done to match.
        other = Assignment.objects.create(
            campaign=first.assignment.campaign, version=first.version, person=cast.inspector,
            due_on=first.assignment.due_on, assigned_at=first.acknowledged_at, acknowledged_at=first.acknowledged_at,
        )  # fmt: skip
        Assignment.objects.filter(pk=first.assignment_id).update(acknowledged_at=None)
        tamper(
            f"UPDATE {TABLE} SET assignment_id = %s, person_id = %s WHERE id = %s",
            [other.pk, cast.inspector.pk, first.pk],
        )
    elif column == "acknowledged_at":
        tamper(
            f"UPDATE {TABLE} SET acknowledged_at = %s WHERE id = %s",
            [first.acknowledged_at - datetime.timedelta(days=3), first.pk],
        )
    else:
        tamper(f"UPDATE {TABLE} SET {column} = %s WHERE id = %s", [value, first.pk])

    email = "thanhtra@example.gov.vn" if column == "assignment_id" else "canbo@example.gov.vn"
    assert f"Bản ghi #{first.pk} ({email}): mã xác thực không khớp: nội dung bản ghi đã bị sửa." in problems()


# (b) ------------------------------------------------------------------------------


def test_an_assignment_marked_acknowledged_without_a_record_is_caught(cast, campaign):
    services.acknowledgement_record(
        assignment=Assignment.objects.get(person=cast.staff), by=cast.staff, request_meta=META
    )
    forged = Assignment.objects.get(person=cast.unit_head)
    Assignment.objects.filter(pk=forged.pk).update(
        acknowledged_at=datetime.datetime(2026, 11, 20, 3, tzinfo=datetime.UTC)
    )

    assert problems() == [
        f"Lượt giao #{forged.pk} (truongphong@example.gov.vn): đánh dấu đã xác nhận nhưng không có bản ghi xác nhận."
    ]


def test_an_assignment_that_disagrees_with_its_record_is_caught(two_records):
    first, second = two_records
    Assignment.objects.filter(pk=first.assignment_id).update(
        acknowledged_at=first.acknowledged_at + datetime.timedelta(days=-5)
    )
    Assignment.objects.filter(pk=second.assignment_id).update(acknowledged_at=None)

    assert problems() == [
        f"Bản ghi #{first.pk} (canbo@example.gov.vn): không khớp lượt giao #{first.assignment_id}: thời điểm xác nhận.",
        f"Bản ghi #{second.pk} (truongphong@example.gov.vn): không khớp lượt giao #{second.assignment_id}: "
        "lượt giao chưa đánh dấu đã xác nhận.",
    ]


# (c) ------------------------------------------------------------------------------


def test_deleting_the_last_records_together_with_the_head_is_caught(two_records):
    second = two_records[1]
    tamper(f"DELETE FROM {LINK_TABLE} WHERE acknowledgement_id = %s", [second.pk])
    tamper(f"DELETE FROM {TABLE} WHERE id = %s", [second.pk])
    Assignment.objects.filter(pk=second.assignment_id).update(acknowledged_at=None)
    ChainHead.objects.all().delete()

    assert problems() == ["Mất bản ghi đầu chuỗi: các bản ghi cuối có thể đã bị xóa cùng với nó."]


def test_deleting_the_last_record_and_setting_the_head_back_is_caught(two_records):
    first, second = two_records
    tamper(f"DELETE FROM {LINK_TABLE} WHERE acknowledgement_id = %s", [second.pk])
    tamper(f"DELETE FROM {TABLE} WHERE id = %s", [second.pk])
    Assignment.objects.filter(pk=second.assignment_id).update(acknowledged_at=None)
    ChainHead.objects.update(count=1, last_hash=first.link.mac)

    assert problems() == ["Đầu chuỗi đã bị sửa: mã xác thực của nó không khớp."]


def test_nothing_is_linked_to_a_chain_whose_head_is_gone_and_the_record_waits_sealed(cast, two_records, due_on):
    ChainHead.objects.all().delete()
    newcomer_assignment = Assignment.objects.create(
        campaign=two_records[0].assignment.campaign, version=two_records[0].version, person=cast.inspector,
        due_on=due_on, assigned_at=two_records[0].acknowledged_at,
    )  # fmt: skip

    ack = services.acknowledgement_record(assignment=newcomer_assignment, by=cast.inspector, request_meta=META)

    assert ack.place is None and ChainLink.objects.count() == 2
    assert list(ChainPending.objects.values_list("acknowledgement_id", flat=True)) == [ack.pk]
    assert problems() == ["Mất bản ghi đầu chuỗi: các bản ghi cuối có thể đã bị xóa cùng với nó."]


# (d) ------------------------------------------------------------------------------


def test_rewriting_a_record_and_rehashing_the_chain_without_the_key_is_caught(two_records):
    first, second = two_records
    guessed = b"the attacker does not have the key"

    def mac(fields) -> str:
        payload = json.dumps(fields, ensure_ascii=False, separators=(",", ":")).encode()
        return hmac.new(guessed, payload, hashlib.sha256).hexdigest()

    previous = "0" * 64
    for seq, ack, agent in ((1, first, "sửa lén"), (2, second, second.user_agent)):
        record = mac(
            ["acknowledgement/4", "k2", ack.assignment_id, ack.person_id, ack.version_id, ack.text_sha256,
             ack.acknowledged_at.astimezone(datetime.UTC).isoformat(), "10.0.0.7", agent, False, "online",
             None, None, "", "", "", "", ""]
        )  # fmt: skip
        link = mac(["link", "k2", seq, previous, ack.pk, record])
        tamper(f"UPDATE {TABLE} SET record_hash = %s, user_agent = %s WHERE id = %s", [record, agent, ack.pk])
        tamper(f"UPDATE {LINK_TABLE} SET previous_hash = %s, mac = %s WHERE seq = %s", [previous, link, seq])
        previous = link
    ChainHead.objects.update(last_hash=previous)

    assert problems() == [
        f"Bản ghi #{first.pk} (canbo@example.gov.vn): mã xác thực không khớp: nội dung bản ghi đã bị sửa.",
        f"Bản ghi #{first.pk} (canbo@example.gov.vn): mã xác thực của mắt nối không khớp: "
        "vị trí của bản ghi trong chuỗi đã bị sửa.",
        f"Bản ghi #{second.pk} (truongphong@example.gov.vn): mã xác thực không khớp: nội dung bản ghi đã bị sửa.",
        f"Bản ghi #{second.pk} (truongphong@example.gov.vn): mã xác thực của mắt nối không khớp: "
        "vị trí của bản ghi trong chuỗi đã bị sửa.",
        "Đầu chuỗi đã bị sửa: mã xác thực của nó không khớp.",
    ]


def test_rewriting_records_in_the_old_unkeyed_scheme_is_caught(two_records):
    first, second = two_records
    tamper(f"UPDATE {TABLE} SET key_id = 'v1', record_hash = %s WHERE id = %s", ["f" * 64, second.pk])

    assert (
        f"Bản ghi #{second.pk} (truongphong@example.gov.vn): bản ghi kiểu cũ (v1, không khóa) nằm sau bản ghi có khóa: "
        "không thể có thật."
    ) in problems()


# The append-only trigger -------------------------------------------------------------


@pytest.mark.postgres
@pytest.mark.parametrize("statement", [f"UPDATE {TABLE} SET user_agent = 'x'", f"DELETE FROM {TABLE}"])
def test_postgresql_refuses_to_update_or_delete_a_record(two_records, statement):
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(statement)

    assert Acknowledgement.objects.filter(user_agent="Firefox thử nghiệm").count() == 2


# Keys ---------------------------------------------------------------------------------


def test_records_under_an_old_key_still_verify_after_rotation(cast, campaign, settings):
    settings.ACK_CHAIN_KEYS = {"k1": KEY_1}
    services.acknowledgement_record(
        assignment=Assignment.objects.get(person=cast.staff), by=cast.staff, request_meta=META
    )
    settings.ACK_CHAIN_KEYS = {"k2": KEY_2, "k1": KEY_1}
    services.acknowledgement_record(
        assignment=Assignment.objects.get(person=cast.unit_head), by=cast.unit_head, request_meta=META
    )

    assert list(Acknowledgement.objects.order_by("id").values_list("key_id", flat=True)) == ["k1", "k2"]
    assert problems() == []


def test_a_record_under_an_unknown_key_fails(cast, campaign, settings):
    settings.ACK_CHAIN_KEYS = {"k1": KEY_1}
    ack = services.acknowledgement_record(
        assignment=Assignment.objects.get(person=cast.staff), by=cast.staff, request_meta=META
    )
    settings.ACK_CHAIN_KEYS = {"k2": KEY_2}

    assert problems() == [
        f"Bản ghi #{ack.pk} (canbo@example.gov.vn): khóa “k1” không có trong ACK_CHAIN_KEYS.",
        f"Bản ghi #{ack.pk} (canbo@example.gov.vn): mắt nối được ký bằng khóa “k1” không có trong ACK_CHAIN_KEYS.",
        "Đầu chuỗi được ký bằng khóa “k1” không có trong ACK_CHAIN_KEYS.",
    ]


def test_records_of_the_old_sha256_scheme_verify_the_old_way(cast, campaign):
    first, second = in_row(cast.staff, version=3), in_row(cast.unit_head, version=3)
    # What the first version of the portal stored (see the migration): no key, fewer fields.
    payload = json.dumps(
        ["0" * 64, first.person_id, first.version_id, first.text_sha256, first.acknowledged_at.isoformat(),
         "10.0.0.7", "Firefox thử nghiệm"],
        ensure_ascii=False, separators=(",", ":"),
    )  # fmt: skip
    legacy = hashlib.sha256(payload.encode()).hexdigest()
    tamper(f"UPDATE {TABLE} SET key_id = 'v1', record_hash = %s WHERE id = %s", [legacy, first.pk])
    tamper(f"UPDATE {TABLE} SET previous_hash = %s WHERE id = %s", [legacy, second.pk])
    # The second record's MAC covers the previous hash, so re-linking it is itself caught...
    assert (
        f"Bản ghi #{second.pk} (truongphong@example.gov.vn): mã xác thực không khớp: nội dung bản ghi đã bị sửa."
        in problems()
    )
    # ...while the first, alone, verifies under the old scheme.
    assert not any(f"#{first.pk} " in problem for problem in problems())


def _ack_chain_keys(raw, secret_key):
    return parse_keys(
        raw, name="ACK_CHAIN_KEYS", secret_key=secret_key, derive=b"acknowledgements.chain.s0", reserved=("v1",)
    )


def test_the_key_setting_fails_loudly_on_malformed_values():
    secret = "a2V5LWZvci10ZXN0cy1vbmx5LTAxMjM0NTY3ODlhYmNkZWY="  # 32 bytes, base64
    assert list(_ack_chain_keys(f"k2:{secret},s0", "secret")) == ["k2", "s0"]
    assert list(_ack_chain_keys(None, "secret")) == ["s0"]
    for raw in ("k2", "k2:not base64!", "k2:c2hvcnQ=", f"k2:{secret},k2:{secret}", f"v1:{secret}", "s0:abcd", ","):
        with pytest.raises(ImproperlyConfigured):
            _ack_chain_keys(raw, "secret")


# Checkpoints -----------------------------------------------------------------------


def test_a_checkpoint_is_signed_written_to_its_directory_and_audited(two_records, settings):
    checkpoint, path = services.acknowledgements_checkpoint()

    stored = json.loads(path.read_text())
    assert path.parent == settings.ACK_CHECKPOINT_DIR
    assert (stored["count"], stored["last_id"], stored["last_hash"], stored["key_id"]) == (
        2, two_records[1].pk, two_records[1].link.mac, "k2",
    )  # fmt: skip
    assert AuditEvent.objects.filter(action="checkpoint").count() == 1


def test_the_verify_command_checks_that_the_chain_still_holds_a_checkpoint(two_records, capsys):
    first, second = two_records
    _checkpoint, path = services.acknowledgements_checkpoint()
    call_command("verify_acknowledgements", "--checkpoint", str(path))
    assert "Chuỗi vẫn chứa mốc kiểm tra" in capsys.readouterr().out

    # Replay: the last record deleted, its assignment reset, and the head row put back
    # as it was before that record (a value an intruder could have copied earlier).
    head_before = {"count": 1, "last_hash": first.link.mac}
    with transaction.atomic():
        tamper(f"DELETE FROM {LINK_TABLE} WHERE acknowledgement_id = %s", [second.pk])
        tamper(f"DELETE FROM {TABLE} WHERE id = %s", [second.pk])
        Assignment.objects.filter(pk=second.assignment_id).update(acknowledged_at=None)
    from acknowledgements import chain

    key_id, key = chain.current_key()
    ChainHead.objects.update(**head_before, mac=chain.head_mac(**head_before, key_id=key_id, key=key))
    assert problems() == []  # without the anchor, a replayed head cannot be told apart

    with pytest.raises(CommandError, match="1 lỗi"):
        call_command("verify_acknowledgements", "--checkpoint", str(path))
    assert "Chuỗi chỉ còn 1 bản ghi, ít hơn mốc kiểm tra lúc" in capsys.readouterr().err


def test_a_checkpoint_whose_record_was_changed_fails(two_records, capsys):
    _checkpoint, path = services.acknowledgements_checkpoint()
    tamper(f"UPDATE {TABLE} SET user_agent = 'sửa lén' WHERE id = %s", [two_records[1].pk])

    with pytest.raises(CommandError):
        call_command("verify_acknowledgements", "--checkpoint", str(path))
    err = capsys.readouterr().err
    assert f"Bản ghi #{two_records[1].pk} (truongphong@example.gov.vn): mã xác thực không khớp" in err


def test_a_checkpoint_file_that_was_edited_is_refused(two_records, capsys):
    _checkpoint, path = services.acknowledgements_checkpoint()
    data = json.loads(path.read_text())
    data["count"] = 1
    path.write_text(json.dumps(data))

    with pytest.raises(CommandError):
        call_command("verify_acknowledgements", "--checkpoint", str(path))
    assert "Chữ ký của mốc kiểm tra không đúng: tệp đã bị sửa." in capsys.readouterr().err


def test_the_verify_command_names_the_record_and_what_is_wrong(two_records, capsys):
    call_command("verify_acknowledgements")
    out = capsys.readouterr().out
    assert "Chuỗi xác nhận nguyên vẹn: 2 bản ghi." in out
    assert f'"last_hash": "{two_records[1].link.mac}"' in out

    tamper(f"UPDATE {TABLE} SET confirmed_with_password = true WHERE id = %s", [two_records[0].pk])
    with pytest.raises(CommandError, match="Chuỗi xác nhận có 1 lỗi."):
        call_command("verify_acknowledgements")
    assert capsys.readouterr().err.splitlines() == [
        f"Bản ghi #{two_records[0].pk} (canbo@example.gov.vn): mã xác thực không khớp: nội dung bản ghi đã bị sửa."
    ]


def test_the_daily_checkpoint_is_mailed_once_to_the_root_inspectors(
    two_records, settings, django_capture_on_commit_callbacks
):
    from acknowledgements.tasks import checkpoint

    settings.ACK_CHECKPOINT_HOUR = 0  # whatever the time of day the test runs at
    with django_capture_on_commit_callbacks(execute=True):
        checkpoint.delay()
        checkpoint.delay()  # the next beat tick: the day's checkpoint is done

    assert [m.to for m in mail.outbox] == [["thanhtra@example.gov.vn"]]
    assert mail.outbox[0].subject == "Mốc kiểm tra chuỗi xác nhận: 2 bản ghi"
    name, content, _type = mail.outbox[0].attachments[0]
    assert name == "moc-kiem-tra-2.json" and json.loads(content)["count"] == 2
    assert len(list(settings.ACK_CHECKPOINT_DIR.iterdir())) == 1


def test_a_broken_chain_is_not_signed_and_the_inspectors_are_alerted(
    two_records, settings, django_capture_on_commit_callbacks
):
    from acknowledgements.tasks import checkpoint

    settings.ACK_CHECKPOINT_HOUR = 0
    tamper(f"UPDATE {TABLE} SET confirmed_with_password = true WHERE id = %s", [two_records[0].pk])
    with django_capture_on_commit_callbacks(execute=True):
        checkpoint.delay()

    assert [m.subject for m in mail.outbox] == ["CẢNH BÁO: chuỗi xác nhận có 1 lỗi"]
    assert "mã xác thực không khớp" in mail.outbox[0].body
    assert not settings.ACK_CHECKPOINT_DIR.exists()


def test_a_checkpoint_and_an_alert_on_the_same_day_are_each_mailed_once(
    cast, two_records, django_capture_on_commit_callbacks
):
    from core.models import OutboxMessage

    day = datetime.date(2026, 12, 1)
    with django_capture_on_commit_callbacks(execute=True):
        services.acknowledgements_checkpoint_pass(today=day)
        services.acknowledgements_checkpoint_pass(today=day)  # run again by hand
    tamper(f"UPDATE {TABLE} SET confirmed_with_password = true WHERE id = %s", [two_records[0].pk])
    with django_capture_on_commit_callbacks(execute=True):
        services.acknowledgements_checkpoint_pass(today=day)
        services.acknowledgements_checkpoint_pass(today=day)

    assert [(m.to, m.subject) for m in mail.outbox] == [
        (["thanhtra@example.gov.vn"], "Mốc kiểm tra chuỗi xác nhận: 2 bản ghi"),
        (["thanhtra@example.gov.vn"], "CẢNH BÁO: chuỗi xác nhận có 1 lỗi"),
    ]
    assert list(OutboxMessage.objects.order_by("pk").values_list("kind", "key")) == [
        ("ack_checkpoint", f"ack-checkpoint:{cast.inspector.pk}:c2026-12-01"),
        ("ack_checkpoint", f"ack-checkpoint:{cast.inspector.pk}:x2026-12-01"),
    ]


def test_the_checkpoint_runs_daily_from_beat(settings):
    assert settings.CELERY_BEAT_SCHEDULE["acknowledgement-checkpoint"]["task"] == "acknowledgements.checkpoint"
