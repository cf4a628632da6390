"""What the mutation run (make mutation, tests/MUTATION.md) showed the chain tests
leave unchecked: the old scheme's exact hash, checkpoint trust and checkpoint files."""

import datetime
import hashlib

import pytest
from django.core.exceptions import ValidationError

from acknowledgements import chain
from acknowledgements.models import Acknowledgement

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
