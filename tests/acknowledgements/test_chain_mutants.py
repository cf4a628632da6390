"""What the mutation run (make mutation, tests/MUTATION.md) showed the chain tests
leave unchecked: the old scheme's exact hash, checkpoint trust and checkpoint files."""

import datetime
import hashlib
import hmac
import json

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, transaction

from acknowledgements import chain, services
from acknowledgements.models import Acknowledgement, Assignment, ChainHead
from tests.acknowledgements.conftest import KEY_2, LINK_TABLE, TABLE, in_row, tamper

AT = datetime.datetime(2025, 3, 12, 9, 15, tzinfo=datetime.UTC)


def test_the_old_scheme_hashes_its_seven_fields_as_compact_json_with_an_empty_address():
    ack = Acknowledgement(
        previous_hash="0" * 64, person_id=7, version_id=3, text_sha256="ab", acknowledged_at=AT,
        ip_address=None, user_agent="Firefox thử nghiệm",
    )  # fmt: skip
    stored = '["' + "0" * 64 + '",7,3,"ab","2025-03-12T09:15:00+00:00","","Firefox thử nghiệm"]'

    assert chain.legacy_hash(ack) == hashlib.sha256(stored.encode("utf-8")).hexdigest()


def signed_checkpoint() -> dict:
    return chain.checkpoint_of(chain.Verification(count=2, last_id=9, last_hash="f" * 64), at=AT)


MALFORMED = "Tệp mốc kiểm tra không đúng định dạng."


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        pytest.param({"format": "other/1"}, MALFORMED, id="another_format"),
        pytest.param({"count": "2"}, MALFORMED, id="a_count_that_is_not_a_number"),
        pytest.param({"signature": 12}, MALFORMED, id="a_signature_that_is_not_text"),
        pytest.param({"key_id": ["k2"]}, MALFORMED, id="a_key_id_that_is_not_text"),
        pytest.param(
            {"key_id": "k9"}, "Mốc kiểm tra được ký bằng khóa “k9” không có trong ACK_CHAIN_KEYS.", id="an_unknown_key"
        ),
        pytest.param({"count": 3}, "Chữ ký của mốc kiểm tra không đúng: tệp đã bị sửa.", id="an_edited_count"),
        pytest.param({}, None, id="as_signed"),
    ],
)
def test_a_checkpoint_is_trusted_only_as_signed(change, problem):
    assert chain.checkpoint_problem({**signed_checkpoint(), **change}) == problem


def test_a_checkpoint_without_a_field_is_malformed():
    checkpoint = signed_checkpoint()
    del checkpoint["last_hash"]

    assert chain.checkpoint_problem(checkpoint) == MALFORMED


def test_a_checkpoint_file_that_is_missing_or_not_an_object_cannot_be_read(tmp_path):
    listed = tmp_path / "list.json"
    listed.write_text("[1, 2]", encoding="utf-8")

    with pytest.raises(ValidationError) as missing:
        chain.checkpoint_read(tmp_path / "none.json")
    with pytest.raises(ValidationError) as not_an_object:
        chain.checkpoint_read(listed)

    assert missing.value.messages == [
        f"Không đọc được tệp mốc kiểm tra: [Errno 2] No such file or directory: '{tmp_path / 'none.json'}'"
    ]
    assert not_an_object.value.messages == [MALFORMED]


def test_a_checkpoint_written_is_read_back_as_it_was(tmp_path, settings):
    settings.ACK_CHECKPOINT_DIR = tmp_path
    checkpoint = signed_checkpoint()

    path = chain.checkpoint_write(checkpoint)

    assert path.name == "acknowledgements-20250312T091500000000Z-2.json"
    assert chain.checkpoint_read(path) == checkpoint


# Records, the head and what the verifier says ------------------------------------------


def mac(key: bytes, fields: list) -> str:
    """HMAC-SHA256 over the fields as compact JSON, as the chain's design says."""
    return hmac.new(
        key, json.dumps(fields, ensure_ascii=False, separators=(",", ":")).encode(), hashlib.sha256
    ).hexdigest()


def on_behalf_record(**fields) -> Acknowledgement:
    values = dict(
        key_id="k2", seq=4, previous_hash="a" * 64, assignment_id=11, person_id=7, version_id=3, text_sha256="ab",
        acknowledged_at=AT, ip_address=None, user_agent="", confirmed_with_password=False, record_version=3,
        method="behalf", session_id=5, recorded_by_id=9, sheet_sha256="cd", reason="Đi công tác vùng sâu",
        paper="behalf/2025/giay.pdf",
    )  # fmt: skip
    return Acknowledgement(**{**values, **fields})


def test_a_record_made_on_behalf_is_maced_with_how_who_and_why_and_an_empty_address():
    expected = [
        "acknowledgement/3", "k2", 4, "a" * 64, 11, 7, 3, "ab", "2025-03-12T09:15:00+00:00", "", "", False,
        "behalf", 5, 9, "cd", "Đi công tác vùng sâu", "behalf/2025/giay.pdf",
    ]  # fmt: skip

    assert chain.record_fields(on_behalf_record()) == expected
    assert chain.expected_hash(on_behalf_record()) == mac(KEY_2, expected)


def test_an_address_is_maced_in_its_one_canonical_spelling():
    assert chain.record_fields(on_behalf_record(ip_address="2001:DB8:0:0::7"))[9] == "2001:db8::7"


def test_a_record_under_a_key_this_server_lacks_has_no_expected_mac():
    assert chain.expected_hash(on_behalf_record(key_id="k9")) is None


def test_the_head_is_maced_over_its_key_count_and_last_mac(two_records):
    head = ChainHead.objects.get()

    assert head.mac == mac(KEY_2, ["head", "k2", 2, two_records[1].link.mac])


def test_an_empty_chain_gets_an_empty_signed_head(db):
    with transaction.atomic():
        chain.lock_head()

    head = ChainHead.objects.get()
    assert (head.pk, head.count, head.last_hash, head.key_id) == (1, 0, "0" * 64, "k2")
    assert head.mac == mac(KEY_2, ["head", "k2", 0, "0" * 64])
    assert services.acknowledgements_verify().problems == []


def test_an_empty_chain_whose_head_was_deleted_gets_it_back_in_its_place(db):
    with transaction.atomic():
        chain.lock_head()
    ChainHead.objects.all().delete()

    with transaction.atomic():
        head = chain.lock_head()

    assert (head.pk, head.count) == (1, 0)
    assert list(ChainHead.objects.values_list("pk", flat=True)) == [1]


def test_an_empty_chain_without_a_head_verifies(db):
    result = services.acknowledgements_verify()

    assert (result.ok, result.count, result.last_id, result.last_hash) == (True, 0, None, "0" * 64)


def test_a_chain_with_records_and_no_head_refuses_new_records_with_a_message(two_records):
    ChainHead.objects.all().delete()

    with pytest.raises(chain.ChainBroken) as broken, transaction.atomic():
        chain.lock_head()

    assert broken.value.messages == [
        "Chuỗi xác nhận đang bị lỗi (mất bản ghi đầu chuỗi). Vui lòng báo cho quản trị hệ thống."
    ]


def test_an_honest_chain_reports_its_length_and_last_record(two_records):
    result = services.acknowledgements_verify()

    assert (result.count, result.last_id, result.last_hash, result.legacy) == (
        2, two_records[1].pk, two_records[1].link.mac, 0,
    )  # fmt: skip


def problems(checkpoint=None) -> list[str]:
    return [str(problem) for problem in services.acknowledgements_verify(checkpoint=checkpoint).problems]


EDITED = "mã xác thực không khớp: nội dung bản ghi đã bị sửa."
LINK_EDITED = "mã xác thực của mắt nối không khớp: vị trí của bản ghi trong chuỗi đã bị sửa."


@pytest.fixture
def two_in_row(cast, campaign):
    """The staff member's and the unit head's records as made before record version 4."""
    return [in_row(cast.staff, version=3), in_row(cast.unit_head, version=3)]


HEAD_DISAGREES = "Đầu chuỗi ghi 2 bản ghi nhưng chuỗi có {count}: bản ghi cuối đã bị xóa, thêm hoặc thay đổi."


def test_a_record_moved_in_the_chain_is_named_with_its_place(two_records):
    second = two_records[1]
    tamper(f"UPDATE {LINK_TABLE} SET seq = 5 WHERE acknowledgement_id = %s", [second.pk])

    assert problems() == [
        f"Bản ghi #{second.pk} (truongphong@example.gov.vn): số thứ tự trong chuỗi là 5 nhưng lẽ ra là 2 "
        "(bản ghi bị xóa hoặc chèn thêm).",
        f"Bản ghi #{second.pk} (truongphong@example.gov.vn): {LINK_EDITED}",
    ]


def test_a_record_of_the_row_placed_scheme_moved_in_the_chain_is_named_with_its_place(two_in_row):
    second = two_in_row[1]
    tamper(f"UPDATE {TABLE} SET seq = 5 WHERE id = %s", [second.pk])

    assert problems() == [
        f"Bản ghi #{second.pk} (truongphong@example.gov.vn): số thứ tự trong chuỗi là 5 nhưng lẽ ra là 2 "
        "(bản ghi bị xóa hoặc chèn thêm).",
        f"Bản ghi #{second.pk} (truongphong@example.gov.vn): {EDITED}",
    ]


def test_a_record_relinked_to_another_predecessor_is_named(two_records):
    second = two_records[1]
    tamper(f"UPDATE {LINK_TABLE} SET previous_hash = %s WHERE acknowledgement_id = %s", ["e" * 64, second.pk])

    assert problems() == [
        f"Bản ghi #{second.pk} (truongphong@example.gov.vn): không nối với bản ghi trước nó "
        "(bản ghi trước bị xóa, chèn thêm hoặc sửa).",
        f"Bản ghi #{second.pk} (truongphong@example.gov.vn): {LINK_EDITED}",
    ]


def test_a_record_of_the_row_placed_scheme_relinked_is_named(two_in_row):
    second = two_in_row[1]
    tamper(f"UPDATE {TABLE} SET previous_hash = %s WHERE id = %s", ["e" * 64, second.pk])

    assert problems() == [
        f"Bản ghi #{second.pk} (truongphong@example.gov.vn): không nối với bản ghi trước nó "
        "(bản ghi trước bị xóa, chèn thêm hoặc sửa).",
        f"Bản ghi #{second.pk} (truongphong@example.gov.vn): {EDITED}",
    ]


def test_a_link_given_to_a_record_of_the_row_placed_scheme_is_named(cast, two_in_row):
    second = two_in_row[1]
    tamper(
        f"INSERT INTO {LINK_TABLE} (acknowledgement_id, seq, previous_hash, key_id, mac, linked_at) "
        "VALUES (%s, 3, %s, 'k2', %s, %s)",
        [second.pk, second.record_hash, "c" * 64, second.acknowledged_at],
    )

    assert problems() == [
        f"Bản ghi #{second.pk} (truongphong@example.gov.vn): số thứ tự trong chuỗi là 2 nhưng lẽ ra là 3 "
        "(bản ghi bị xóa hoặc chèn thêm).",
        f"Bản ghi #{second.pk} (truongphong@example.gov.vn): bản ghi đã có chỗ trong chuỗi ngay trong bản ghi, "
        "không thể có thêm mắt nối.",
        f"Bản ghi #{second.pk} (truongphong@example.gov.vn): {LINK_EDITED}",
        HEAD_DISAGREES.format(count=3),
    ]


def test_a_record_whose_text_hash_is_not_its_versions_is_named(two_records):
    first = two_records[0]
    tamper(f"UPDATE {TABLE} SET text_sha256 = %s WHERE id = %s", ["b" * 64, first.pk])

    assert problems() == [
        f"Bản ghi #{first.pk} (canbo@example.gov.vn): {EDITED}",
        f"Bản ghi #{first.pk} (canbo@example.gov.vn): mã băm văn bản không khớp phiên bản đã xác nhận.",
    ]


def test_an_assignment_moved_to_another_person_and_version_is_named(cast, two_records, quiz_directive):
    first = two_records[0]
    Assignment.objects.filter(pk=first.assignment_id).update(
        person=cast.inspector, version=quiz_directive.versions.get()
    )

    assert problems() == [
        f"Bản ghi #{first.pk} (canbo@example.gov.vn): không khớp lượt giao #{first.assignment_id}: người, phiên bản."
    ]


def test_a_head_cut_back_and_re_maced_with_the_key_disagrees_with_the_chain(two_records):
    first, second = two_records
    tamper(f"DELETE FROM {LINK_TABLE} WHERE acknowledgement_id = %s", [second.pk])
    tamper(f"DELETE FROM {TABLE} WHERE id = %s", [second.pk])
    Assignment.objects.filter(pk=second.assignment_id).update(acknowledged_at=None)

    assert problems() == [HEAD_DISAGREES.format(count=1)]


def test_a_head_whose_last_mac_alone_was_replaced_and_re_maced_disagrees(two_records):
    ChainHead.objects.update(last_hash="f" * 64, mac=mac(KEY_2, ["head", "k2", 2, "f" * 64]))

    assert problems() == [HEAD_DISAGREES.format(count=2)]


def test_two_records_of_the_old_scheme_are_counted(two_in_row):
    first, second = two_in_row
    tamper(f"UPDATE {TABLE} SET key_id = 'v1', record_hash = %s WHERE id = %s", [chain.legacy_hash(first), first.pk])
    second.previous_hash = chain.legacy_hash(first)
    tamper(
        f"UPDATE {TABLE} SET key_id = 'v1', previous_hash = %s, record_hash = %s WHERE id = %s",
        [second.previous_hash, chain.legacy_hash(second), second.pk],
    )

    result = services.acknowledgements_verify()

    assert result.legacy == 2
    assert [str(problem) for problem in result.problems] == [HEAD_DISAGREES.format(count=2)]


def checkpoint(count: int, last_id: int, last_hash: str) -> dict:
    return chain.checkpoint_of(chain.Verification(count=count, last_id=last_id, last_hash=last_hash), at=AT)


def test_a_record_replaced_at_the_checkpoint_is_named(two_records):
    first, second = two_records
    anchor = checkpoint(2, second.pk, second.link.mac)
    tamper(f"UPDATE {LINK_TABLE} SET mac = %s WHERE acknowledgement_id = %s", ["d" * 64, second.pk])

    assert problems(anchor) == [
        f"Bản ghi #{second.pk} (truongphong@example.gov.vn): {LINK_EDITED}",
        f"Bản ghi #{second.pk} (truongphong@example.gov.vn): khác với mốc kiểm tra lúc 2025-03-12T09:15:00+00:00 "
        "(bản ghi thứ 2 đã bị thay hoặc sửa).",
        HEAD_DISAGREES.format(count=2),
    ]


def test_a_checkpoint_naming_another_record_at_its_place_is_not_held(two_records):
    first = two_records[0]

    assert problems(checkpoint(1, 999, first.link.mac)) == [
        f"Bản ghi #{first.pk} (canbo@example.gov.vn): khác với mốc kiểm tra lúc 2025-03-12T09:15:00+00:00 "
        "(bản ghi thứ 1 đã bị thay hoặc sửa)."
    ]
    assert problems(checkpoint(1, first.pk, first.link.mac)) == []


def test_a_chain_shorter_than_its_checkpoint_says_by_how_much(two_records):
    assert problems(checkpoint(3, 999, "f" * 64)) == [
        "Chuỗi chỉ còn 2 bản ghi, ít hơn mốc kiểm tra lúc 2025-03-12T09:15:00+00:00 (3 bản ghi)."
    ]


def test_an_untrusted_checkpoint_is_reported_and_not_compared(two_records):
    forged = {**checkpoint(3, 999, "f" * 64), "count": 4}

    assert problems(forged) == ["Chữ ký của mốc kiểm tra không đúng: tệp đã bị sửa."]


def test_a_checkpoint_is_signed_over_its_format_key_count_last_record_and_time():
    assert signed_checkpoint() == {
        "format": "acknowledgement-checkpoint/1",
        "count": 2,
        "last_id": 9,
        "last_hash": "f" * 64,
        "at": "2025-03-12T09:15:00+00:00",
        "key_id": "k2",
        "signature": mac(KEY_2, ["acknowledgement-checkpoint/1", "k2", 2, 9, "f" * 64, "2025-03-12T09:15:00+00:00"]),
    }


def test_a_checkpoint_file_is_sorted_indented_json_in_a_new_directory_never_overwritten(tmp_path, settings):
    settings.ACK_CHECKPOINT_DIR = tmp_path / "kept" / "checkpoints"
    checkpoint = signed_checkpoint()

    path = chain.checkpoint_write(checkpoint)

    assert path.read_text(encoding="utf-8") == (
        "{\n"
        '  "at": "2025-03-12T09:15:00+00:00",\n'
        '  "count": 2,\n'
        '  "format": "acknowledgement-checkpoint/1",\n'
        '  "key_id": "k2",\n'
        '  "last_hash": "' + "f" * 64 + '",\n'
        '  "last_id": 9,\n'
        f'  "signature": "{checkpoint["signature"]}"\n'
        "}\n"
    )
    with pytest.raises(FileExistsError):
        chain.checkpoint_write({**checkpoint, "signature": "0" * 64})
    assert chain.checkpoint_read(path) == checkpoint


def test_a_checkpoint_file_that_is_not_json_cannot_be_read(tmp_path):
    broken = tmp_path / "broken.json"
    broken.write_text("{count: 2", encoding="utf-8")

    with pytest.raises(ValidationError) as error:
        chain.checkpoint_read(broken)

    assert error.value.messages == [
        "Không đọc được tệp mốc kiểm tra: Expecting property name enclosed in double quotes: line 1 column 2 (char 1)"
    ]


# After the linker's redesign ---------------------------------------------------------


def test_a_record_made_online_before_version_4_is_maced_with_its_password_and_no_paper():
    online = on_behalf_record(
        method="online", session_id=None, recorded_by_id=None, sheet_sha256="", reason="", paper="",
        confirmed_with_password=True,
    )  # fmt: skip

    assert chain.record_fields(online) == [
        "acknowledgement/3", "k2", 4, "a" * 64, 11, 7, 3, "ab", "2025-03-12T09:15:00+00:00", "", "", True,
        "online", None, None, "", "", "",
    ]  # fmt: skip


def test_a_record_made_on_behalf_from_version_4_is_maced_with_its_papers_path_name_and_type_and_no_place():
    on_behalf = on_behalf_record(
        record_version=4, seq=None, previous_hash="", session_id=None, paper_name="giấy ủy quyền.pdf",
        paper_type="application/pdf",
    )  # fmt: skip

    assert chain.record_fields(on_behalf) == [
        "acknowledgement/4", "k2", 11, 7, 3, "ab", "2025-03-12T09:15:00+00:00", "", "", False,
        "behalf", None, 9, "cd", "Đi công tác vùng sâu", "behalf/2025/giay.pdf", "giấy ủy quyền.pdf",
        "application/pdf",
    ]  # fmt: skip


def test_a_linked_records_place_is_its_number_the_chain_mac_before_it_and_its_links_mac(two_records):
    first, second = two_records
    first_link = mac(KEY_2, ["link", "k2", 1, "0" * 64, first.pk, first.record_hash])

    assert chain.place(first) == (1, "0" * 64, first_link)
    assert chain.place(second) == (
        2, first_link, mac(KEY_2, ["link", "k2", 2, first_link, second.pk, second.record_hash]),
    )  # fmt: skip


def test_a_record_of_the_row_placed_scheme_takes_its_place_from_its_row(two_in_row):
    first, second = two_in_row

    assert chain.place(second) == (2, first.record_hash, second.record_hash)


def test_a_record_waiting_for_the_linker_has_no_place_yet(cast, campaign, settings):
    settings.ACK_LINK_IN_REQUEST = False
    ack = services.acknowledgement_record(
        assignment=Assignment.objects.get(person=cast.staff), by=cast.staff, request_meta={}
    )

    assert chain.place(ack) is None


def tamper_unchecked(sql: str, params: list) -> None:
    """`tamper` by someone who also lifts the check constraint that keeps a record's
    place in one spot only (in its row up to version 3, in its link from 4)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute(f"ALTER TABLE {TABLE} DROP CONSTRAINT acknowledgement_place_by_version")
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")
            tamper(sql, params)
        else:
            cursor.execute("PRAGMA ignore_check_constraints = ON")
            try:
                tamper(sql, params)
            finally:
                cursor.execute("PRAGMA ignore_check_constraints = OFF")


def test_a_linked_record_given_a_place_in_its_row_too_counts_twice_and_is_named(cast, campaign):
    ack = services.acknowledgement_record(
        assignment=Assignment.objects.get(person=cast.staff), by=cast.staff, request_meta={}
    )
    tamper_unchecked(f"UPDATE {TABLE} SET seq = 1, previous_hash = %s WHERE id = %s", ["0" * 64, ack.pk])

    assert problems() == [
        f"Bản ghi #{ack.pk} (canbo@example.gov.vn): số thứ tự trong chuỗi là 1 nhưng lẽ ra là 2 "
        "(bản ghi bị xóa hoặc chèn thêm).",
        f"Bản ghi #{ack.pk} (canbo@example.gov.vn): không nối với bản ghi trước nó "
        "(bản ghi trước bị xóa, chèn thêm hoặc sửa).",
        f"Bản ghi #{ack.pk} (canbo@example.gov.vn): bản ghi đã có chỗ trong chuỗi ngay trong bản ghi, "
        "không thể có thêm mắt nối.",
        "Đầu chuỗi ghi 1 bản ghi nhưng chuỗi có 2: bản ghi cuối đã bị xóa, thêm hoặc thay đổi.",
    ]


def test_the_verifier_reads_each_kind_of_row_once_whatever_the_chains_length(two_records, django_assert_num_queries):
    # The versions, the records in their rows, the linked records with their links, the
    # waiting records, the head and the assignments: not one query per link.
    with django_assert_num_queries(6):
        assert services.acknowledgements_verify().count == 2
