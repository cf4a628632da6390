"""Whatever a user pastes or uploads, the importer hands back a usable form.

parse() must never raise: on arbitrary text, on a letter cut off anywhere
(a partial paste), or on a letter whose lines come out of order (a PDF with
two columns). The result always has every field with the promised type, and
a field left empty always comes with a warning naming it.
"""

from __future__ import annotations

import re
import unicodedata

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from directives.importer import FIELDS, parse
from tests.directives.seeds import SEEDS

SEED_TEXTS = [path.read_text(encoding="utf-8") for path in sorted(SEEDS.glob("*.txt"))]
SEED_LINES = [line for text in SEED_TEXTS for line in text.split("\n")]

ISO_DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")
REFERENCE_KEYS = {"code", "kind", "date", "title", "text", "resolved_to", "suggestion"}
INTERNAL_ERROR = "Lỗi nội bộ"
# The warning that must accompany each field when it is left empty.
MISSING_WARNINGS = {
    "doc_type": "Không xác định được loại văn bản.",
    "symbol": "Không tìm thấy số, ký hiệu văn bản.",
    "issuer": "Không xác định được cơ quan ban hành.",
    "place": "Không tìm thấy địa danh ban hành.",
    "issued_on": "Không tìm thấy ngày ban hành.",
    "subject": "Không tìm thấy trích yếu nội dung.",
    "signer_title": "Không tìm thấy chức vụ người ký.",
    "signer_name": "Không tìm thấy họ tên người ký.",
    "obligations": "Không tìm thấy các nội dung yêu cầu (mục đánh số hoặc gạch đầu dòng).",
    "distribution": "Không tìm thấy phần Nơi nhận.",
}
# No example database: each run stands on its own, and a failure prints its minimal example.
FAST = settings(max_examples=60, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])


def _optional_str(value) -> bool:
    return value is None or (isinstance(value, str) and value.strip() == value and value != "")


def assert_well_formed(result: dict) -> None:
    assert set(result) == set(FIELDS)
    for field in ("doc_type", "number", "symbol", "issuer", "place", "issued_on", "subject"):
        assert _optional_str(result[field]), field
    assert _optional_str(result["signer_title"]) and _optional_str(result["signer_name"])
    assert result["issued_on"] is None or ISO_DATE.match(result["issued_on"])
    for field in ("recipients", "distribution", "warnings"):
        assert isinstance(result[field], list) and all(isinstance(item, str) and item for item in result[field])
    for obligation in result["obligations"]:
        assert set(obligation) == {"label", "text"}
        assert isinstance(obligation["label"], str) and isinstance(obligation["text"], str)
    for reference in result["references"]:
        assert set(reference) == REFERENCE_KEYS
        assert reference["code"] or reference["title"]
        assert all(value is None or isinstance(value, str) for value in reference.values())
    codes = [ref["code"] for ref in result["references"] if ref["code"]]
    assert len(codes) == len(set(codes))
    assert not any(INTERNAL_ERROR in warning for warning in result["warnings"])
    for field, warning in MISSING_WARNINGS.items():
        if result[field] in (None, []):
            assert warning in result["warnings"], field


@FAST
@given(st.text())
def test_any_text_parses_into_a_well_formed_result(text):
    assert_well_formed(parse(text))


@FAST
@given(st.lists(st.sampled_from(SEED_LINES) | st.text(max_size=80), max_size=40).map("\n".join))
def test_letter_like_fragments_parse_into_a_well_formed_result(text):
    assert_well_formed(parse(text))


@FAST
@given(st.sampled_from(SEED_TEXTS), st.data())
def test_a_letter_cut_off_anywhere_still_parses(text, data):
    end = data.draw(st.integers(min_value=0, max_value=len(text)))
    assert_well_formed(parse(text[:end]))


@FAST
@given(st.sampled_from(SEED_TEXTS).flatmap(lambda text: st.permutations(text.split("\n"))))
def test_a_letter_with_shuffled_lines_still_parses(lines):
    assert_well_formed(parse("\n".join(lines)))


@settings(max_examples=40, deadline=None, database=None)
@given(st.text())
def test_decomposed_and_composed_text_parse_alike(text):
    assert parse(unicodedata.normalize("NFD", text)) == parse(text)


KNOWN_ENTRIES = st.one_of(
    st.none(),
    st.text(max_size=10),
    st.fixed_dictionaries(
        {},
        optional={
            "kind": st.text(max_size=10),
            "title": st.text(max_size=30),
            "issued_on": st.one_of(st.dates().map(str), st.dates(), st.text(max_size=10)),
        },
    ),
)
KNOWN_CODES = st.one_of(
    st.sampled_from(["874/QĐ-BTTTT", "847/QĐ-BTTTT", "26/CT-TTg", "12/CT-UBND"]), st.text(max_size=15)
)


@settings(max_examples=30, deadline=None, database=None)
@given(st.sampled_from(SEED_TEXTS), st.dictionaries(KNOWN_CODES, KNOWN_ENTRIES, max_size=6))
def test_any_known_documents_mapping_is_accepted(text, known):
    assert_well_formed(parse(text, known=known))
