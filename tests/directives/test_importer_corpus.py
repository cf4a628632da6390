"""22 real documents as copied from legal-database websites read field by field.

The texts (tests/fixtures/corpus/, sources in SOURCES.md) keep what copying
does: header cells split onto lines with stray "|" lines or flattened into one
row, the motto split, the year wrapped, no title line, the authority line
under the title, laws cited by title and full date. Every annotated field is
one test case; the few the importer still misses are listed with the reason,
and marked strict so that fixing one shows up.
"""

from __future__ import annotations

import pytest

from directives.importer import parse
from tests.directives.corpus import CORPUS_NAMES, EXPECTED, corpus_text, field_outcomes

# fmt: off
KNOWN_MISSES = {
    ("d07_qd-30-2019-phu-yen.txt", "references_by_title"):
        "the copied page itself reads 'Luật án bộ, công chức' (a lost 'C'); the importer lists it, the annotation not",
    ("d11_qd-607-2021-lai-chau.txt", "signer_title"):
        "the signature flattened onto one line and followed by the annex: the annex's headings are read as the titles",
    ("d11_qd-607-2021-lai-chau.txt", "signer_name"): "as signer_title",
    ("d12_qd-3509-2025-cuc-thue.txt", "signer_title"):
        "the title sits alone in a flattened table cell before the annex, with no 'Nơi nhận' or name after it",
    ("d20_qd-28-2002-bvhtt.txt", "subject"):
        "the subject is wrapped after 'báo chí;' and its next line starts in lower case after a ';', read as the body",
}
# fmt: on
CASES = [(name, field) for name in CORPUS_NAMES for field in EXPECTED[name]]


@pytest.fixture(scope="module")
def results() -> dict[str, dict]:
    return {name: parse(corpus_text(name)) for name in CORPUS_NAMES}


@pytest.mark.parametrize(
    ("name", "field"),
    [
        pytest.param(name, field, marks=pytest.mark.xfail(reason=KNOWN_MISSES[name, field], strict=True))
        if (name, field) in KNOWN_MISSES
        else (name, field)
        for name, field in CASES
    ],
    ids=[f"{name[:3]}-{field}" for name, field in CASES],
)
def test_each_annotated_field_of_a_copied_document_is_read(results, name, field):
    matches, got, wanted = field_outcomes(name, results[name])[field]

    assert matches, f"{field}: read {got!r}, annotated {wanted!r}"


def test_the_score_over_the_corpus_is_at_least_97_percent(results, capsys):
    by_field: dict[str, list[bool]] = {}
    for name in CORPUS_NAMES:
        for field, (matches, _got, _wanted) in field_outcomes(name, results[name]).items():
            by_field.setdefault(field, []).append(matches)
    total = sum(len(outcomes) for outcomes in by_field.values())
    matched = sum(sum(outcomes) for outcomes in by_field.values())
    with capsys.disabled():
        print(f"\ncorpus: {matched}/{total} annotated fields")
        for field, outcomes in sorted(by_field.items()):
            print(f"  {field:22} {sum(outcomes)}/{len(outcomes)}")

    assert matched == total - len(KNOWN_MISSES)
    assert matched / total >= 0.97


def test_a_law_cited_by_title_and_full_date_resolves_to_the_catalogue():
    result = parse(corpus_text("d14_qd-10-2025-phu-yen.txt"))

    cited = {ref["title"]: ref for ref in result["references"] if ref["code"] is None}

    assert cited["Luật An ninh mạng"]["date"] == "2018-06-12"
    assert cited["Luật An ninh mạng"]["resolved_to"] == "24/2018/QH14"
    assert cited["Luật An toàn thông tin mạng"]["resolved_to"] == "86/2015/QH13"


def test_a_law_amending_another_is_not_read_as_the_law_it_amends():
    text = (
        "Căn cứ Luật Báo chí ngày 28 tháng 12 năm 1989; Luật sửa đổi, bổ sung một số điều của "
        "Luật Báo chí ngày 12 tháng 6 năm 1999;"
    )

    laws = [(ref["title"], ref["date"]) for ref in parse(text)["references"]]

    assert laws == [("Luật Báo chí", "1989-12-28")]
