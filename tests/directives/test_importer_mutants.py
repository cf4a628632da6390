"""The importer's field readers, read closer than the seed and corpus tests read them.

test_importer.py compares counts for the lists (obligations, distribution); here one
seed letter is read in full, and the small rules of the readers (a name, a stamp, a
signing title, an agency name in capitals, a short form, a typing slip) are stated
one by one, each with the values a person reading the letter writes down. These are
the gaps the mutation run found (tests/MUTATION.md)."""

from __future__ import annotations

from functools import cache

from directives.importer import parse
from tests.directives.seeds import seed_text

HA_LANG_LETTER = "308-UBND-TH_ha-lang_2017.txt"


@cache
def ha_lang() -> dict:
    return parse(seed_text(HA_LANG_LETTER))


def test_the_ha_lang_letter_lists_every_addressee_of_its_distribution():
    assert ha_lang()["distribution"] == [
        "Như kính gửi",
        "Sở Nội vụ (B/c)",
        "Sở Thông tin và truyền thông (B/c)",
        "TT Huyện ủy (B/c)",
        "TT HĐND huyện (B/c)",
        "Chủ tịch, các PCT UBND huyện",
        "MTTQ huyện",
        "Phòng Nội vụ huyện",
        "Tổ Kiểm tra giám sát",
        "Lưu: VT-TH",
    ]


def test_the_ha_lang_letter_has_three_numbered_obligations_with_their_dashed_sub_items():
    obligations = ha_lang()["obligations"]

    assert [item["label"] for item in obligations] == ["1", "2", "3"]
    assert [[line[:30] for line in item["text"].split("\n")] for item in obligations] == [
        [
            "Thủ trưởng các phòng, ban ngàn",
            "- Tiếp tục triển khai thực hiệ",
            "- Đẩy mạnh công tác giáo dục c",
        ],
        [
            "Yêu cầu cán bộ công chức, viên",
            "- Nghiêm túc chấp hành quy địn",
            "- Khi tham gia các trang mạng ",
            "- Việc khai thác các thông tin",
        ],
        [
            "Giao Tổ kiểm tra giám sát giúp",
            "- Thường xuyên báo cáo UBND hu",
        ],
    ]
    # The sub-item broken by a page ("... đường lối chủ" / "trương của Đảng") is one line.
    assert (
        obligations[0]["text"]
        .split("\n")[2]
        .endswith(
            "đường lối chủ trương của Đảng, chính sách pháp luật của Nhà nước, không đúng với chuẩn mực đạo đức"
            " của người cán bộ công chức theo quy định."
        )
    )


def test_the_ha_lang_letter_cites_a_plan_and_two_directives_with_kind_date_and_wording():
    assert [(r["code"], r["kind"], r["date"], r["text"]) for r in ha_lang()["references"]] == [
        ("09b/KH-UBND", "Kế hoạch", "2017-01-20", "Kế hoạch 09b/KH-UBND, ngày 20/01/2017"),
        ("26/CT-TTg", "Chỉ thị", "2016-09-05", "Chỉ thị số 26/CT-TTg ngày 05/9/2016"),
        ("12/CT-UBND", "Chỉ thị", "2016-10-07", "Chỉ thị số 12/CT-UBND ngày 07/10/2016"),
    ]
    assert ha_lang()["warnings"] == []
