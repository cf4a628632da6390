"""The rule sets shipped with the portal, as loaded by migration 0005 (and by
`load_rule_sets` for databases flushed by tests or built for the demo). After that
migration the database is the source: administrators edit the rules in the admin
(each edit recorded), and a later change shipped with the code goes in a new
migration, never in this data.

Checked on 2026-12-01. `article_confirmed` is False wherever the article number
(or the period) was not read in the text itself; the agency's legal staff confirm
it in the admin. A rule set whose `confirmed` is False cannot close a case."""

CHECKED_ON = "2026-12-01"
TO_CONFIRM = "Cần bộ phận pháp chế của cơ quan đối chiếu với văn bản."

_ND172 = "Nghị định số 172/2025/NĐ-CP ngày 30/6/2025 của Chính phủ quy định về xử lý kỷ luật cán bộ, công chức"
_ND172_CHECK = (
    "Nội dung (hình thức kỷ luật, thời hạn 90/150 ngày, ba trường hợp chưa xem xét kỷ luật) đã đối chiếu ngày "
    "01/12/2026 với nội dung Nghị định được đăng tải (Báo Lao Động, Znews, 7/2025); số điều cụ thể: " + TO_CONFIRM
)
_ND172_ART = "Nghị định 172/2025/NĐ-CP (số điều: cần đối chiếu)"
_SEVERITIES = [
    ("it-nghiem-trong", "Ít nghiêm trọng"),
    ("nghiem-trong", "Nghiêm trọng"),
    ("rat-nghiem-trong", "Rất nghiêm trọng"),
]
_ND172_DEFERRALS = [
    (
        "benh",
        "Đang điều trị bệnh hiểm nghèo hoặc đang mất khả năng nhận thức; bị ốm nặng đang điều trị nội trú tại bệnh "
        "viện có xác nhận của cơ quan y tế có thẩm quyền.",
    ),
    (
        "thai-san",
        "Nữ giới đang mang thai, nghỉ thai sản, đang nuôi con dưới 12 tháng tuổi, hoặc nam giới (vợ chết hoặc vợ "
        "không thể nuôi con vì sự kiện bất khả kháng, trở ngại khách quan) đang nuôi con dưới 12 tháng tuổi; trừ "
        "trường hợp người vi phạm có văn bản đề nghị xem xét xử lý kỷ luật.",
    ),
    (
        "khoi-to",
        "Đang bị khởi tố, tạm giữ, tạm giam chờ kết luận của cơ quan có thẩm quyền điều tra, truy tố, xét xử về "
        "hành vi vi phạm pháp luật; trừ trường hợp theo quyết định của cấp có thẩm quyền.",
    ),
]
_ND172_CLOCKS = [
    # (code, label, days, unit, article, confirmed, note)
    ("limit", "Thời hạn xử lý kỷ luật, kể từ ngày phát hiện vi phạm", 90, "calendar", _ND172_ART, False, ""),
    (
        "limit_extended",
        "Thời hạn xử lý kỷ luật tối đa khi gia hạn (vụ việc có tình tiết phức tạp)",
        150,
        "calendar",
        _ND172_ART,
        False,
        "",
    ),
]


def _measure(code, label, position, *, kind, article, discipline=True, post=False, confirmed=False, note=""):
    return {
        "code": code, "label": label, "position": position, "staff_kind": kind, "article": article,
        "is_discipline": discipline, "requires_management_post": post, "article_confirmed": confirmed, "note": note,
    }  # fmt: skip


RULE_SETS = [
    {
        "code": "nd172-2025-cb",
        "title": "Kỷ luật cán bộ",
        "basis": _ND172,
        "issued_on": "2025-06-30",
        "in_force_from": "2025-07-01",
        "in_force_until": None,
        "staff_kinds": "cb",
        "selectable": True,
        "council_required": False,
        "council_article": "Cán bộ: không thành lập Hội đồng kỷ luật theo Nghị định 172/2025/NĐ-CP. " + TO_CONFIRM,
        "limitation_note": "Thời hiệu: theo Luật Cán bộ, công chức năm 2025 (ngày 24/6/2025). " + TO_CONFIRM,
        "confirmed": True,
        "confirmation_note": _ND172_CHECK,
        "measures": [
            _measure("reprimand", "Khiển trách", 1, kind="cb", article=_ND172_ART),
            _measure("warning", "Cảnh cáo", 2, kind="cb", article=_ND172_ART),
            _measure(
                "dismissal_from_post",
                "Cách chức",
                3,
                kind="cb",
                article=_ND172_ART,
                post=True,
                note="Áp dụng với cán bộ được phê chuẩn, bổ nhiệm giữ chức vụ, chức danh.",
            ),  # fmt: skip
            _measure("removal_from_office", "Bãi nhiệm", 4, kind="cb", article=_ND172_ART),
        ],
        "severities": _SEVERITIES,
        "deferrals": _ND172_DEFERRALS,
        "clocks": _ND172_CLOCKS,
    },
    {
        "code": "nd172-2025-cc",
        "title": "Kỷ luật công chức",
        "basis": _ND172,
        "issued_on": "2025-06-30",
        "in_force_from": "2025-07-01",
        "in_force_until": None,
        "staff_kinds": "cc",
        "selectable": True,
        "council_required": True,
        "council_article": "Hội đồng kỷ luật công chức: " + _ND172_ART + ". " + TO_CONFIRM,
        "limitation_note": "Thời hiệu: theo Luật Cán bộ, công chức năm 2025 (ngày 24/6/2025). " + TO_CONFIRM,
        "confirmed": True,
        "confirmation_note": _ND172_CHECK,
        "measures": [
            _measure("reprimand", "Khiển trách", 1, kind="cc", article=_ND172_ART),
            _measure("warning", "Cảnh cáo", 2, kind="cc", article=_ND172_ART),
            _measure(
                "dismissal_from_post",
                "Cách chức",
                3,
                kind="cc",
                article=_ND172_ART,
                post=True,
                note="Chỉ áp dụng với công chức giữ chức vụ lãnh đạo, quản lý.",
            ),  # fmt: skip
            _measure("forced_resignation", "Buộc thôi việc", 4, kind="cc", article=_ND172_ART),
        ],
        "severities": _SEVERITIES,
        "deferrals": _ND172_DEFERRALS,
        "clocks": _ND172_CLOCKS,
    },
    {
        "code": "luat-vien-chuc",
        "title": "Kỷ luật viên chức",
        "basis": "Luật Viên chức số 58/2010/QH12, sửa đổi, bổ sung bởi Luật số 52/2019/QH14",
        "issued_on": "2019-11-25",
        "in_force_from": "2020-07-01",
        "in_force_until": None,
        "staff_kinds": "vc",
        "selectable": True,
        "council_required": True,
        "council_article": "Văn bản quy định chi tiết việc xử lý kỷ luật viên chức sau ngày 01/7/2025. " + TO_CONFIRM,
        "limitation_note": "Thời hiệu 02 năm / 05 năm: Luật Viên chức, Điều 53 (sửa đổi năm 2019). " + TO_CONFIRM,
        "confirmed": False,
        "confirmation_note": "Chưa xác nhận: cần pháp chế xác định văn bản đang điều chỉnh việc kỷ luật viên chức "
        "(Nghị định 172/2025/NĐ-CP chỉ áp dụng với cán bộ, công chức).",
        "measures": [
            _measure("reprimand", "Khiển trách", 1, kind="vc", article="Luật Viên chức, Điều 52"),
            _measure("warning", "Cảnh cáo", 2, kind="vc", article="Luật Viên chức, Điều 52"),
            _measure(
                "dismissal_from_post",
                "Cách chức",
                3,
                kind="vc",
                article="Luật Viên chức, Điều 52",
                post=True,
                note="Chỉ áp dụng với viên chức quản lý.",
            ),  # fmt: skip
            _measure("forced_resignation", "Buộc thôi việc", 4, kind="vc", article="Luật Viên chức, Điều 52"),
        ],
        "severities": _SEVERITIES,
        "deferrals": _ND172_DEFERRALS,
        "clocks": [
            (
                "limit",
                "Thời hạn xử lý kỷ luật, kể từ ngày phát hiện vi phạm",
                90,
                "calendar",
                "Luật Viên chức, Điều 53 (sửa đổi năm 2019)",
                False,
                TO_CONFIRM,
            ),
            (
                "limit_extended",
                "Thời hạn xử lý kỷ luật tối đa khi gia hạn",
                150,
                "calendar",
                "Luật Viên chức, Điều 53 (sửa đổi năm 2019)",
                False,
                TO_CONFIRM,
            ),
        ],  # fmt: skip
    },
    {
        "code": "blld-2019",
        "title": "Kỷ luật lao động (người lao động theo hợp đồng lao động)",
        "basis": "Bộ luật Lao động số 45/2019/QH14 ngày 20/11/2019",
        "issued_on": "2019-11-20",
        "in_force_from": "2021-01-01",
        "in_force_until": None,
        "staff_kinds": "nld",
        "selectable": True,
        "council_required": False,
        "council_article": "Không có Hội đồng kỷ luật; phiên họp xử lý có tổ chức đại diện người lao động: "
        "Bộ luật Lao động 2019, Điều 122 khoản 1. " + TO_CONFIRM,
        "limitation_note": "Thời hiệu 06 tháng kể từ ngày xảy ra vi phạm; 12 tháng với vi phạm liên quan trực tiếp "
        "đến tài chính, tài sản, tiết lộ bí mật công nghệ, bí mật kinh doanh: Bộ luật Lao động 2019, Điều 123. "
        + TO_CONFIRM,
        "confirmed": False,
        "confirmation_note": "Chưa xác nhận: cần pháp chế đối chiếu nội quy lao động của cơ quan (Điều 118, 122).",
        "measures": [
            _measure("reprimand", "Khiển trách", 1, kind="nld", article="Bộ luật Lao động 2019, Điều 124 khoản 1"),
            _measure(
                "salary_raise_delay",
                "Kéo dài thời hạn nâng lương không quá 06 tháng",
                2,
                kind="nld",
                article="Bộ luật Lao động 2019, Điều 124 khoản 2",
            ),  # fmt: skip
            _measure(
                "dismissal_from_post",
                "Cách chức",
                3,
                kind="nld",
                article="Bộ luật Lao động 2019, Điều 124 khoản 3",
                post=True,
            ),  # fmt: skip
            _measure("labour_dismissal", "Sa thải", 4, kind="nld", article="Bộ luật Lao động 2019, Điều 124 khoản 4"),
        ],
        "severities": [],
        "deferrals": [
            ("nghi-om", "Nghỉ ốm đau, điều dưỡng; nghỉ việc được sự đồng ý của người sử dụng lao động."),
            ("tam-giam", "Đang bị tạm giữ, tạm giam."),
            (
                "cho-xac-minh",
                "Đang chờ kết quả của cơ quan có thẩm quyền điều tra xác minh và kết luận đối với hành "
                "vi vi phạm (Điều 125 khoản 1, 2).",
            ),
            ("thai-san", "Lao động nữ mang thai; người lao động nghỉ thai sản, nuôi con dưới 12 tháng tuổi."),
        ],  # fmt: skip
        "deferral_article": "Bộ luật Lao động 2019, Điều 122 khoản 4",
        "clocks": [],
    },
    {
        "code": "khong-ky-luat",
        "title": "Biện pháp nhắc nhở, chấn chỉnh (không phải hình thức kỷ luật)",
        "basis": "Quy chế làm việc của cơ quan; Bộ Quy tắc ứng xử trên mạng xã hội "
        "(Quyết định số 874/QĐ-BTTTT ngày 17/6/2021)",
        "issued_on": "2021-06-17",
        "in_force_from": "2021-06-17",
        "in_force_until": None,
        "staff_kinds": "cb,cc,vc,nld",
        "selectable": False,  # offered beside the case's own rule set, never instead of it
        "council_required": False,
        "council_article": "",
        "limitation_note": "",
        "confirmed": True,
        "confirmation_note": "Không phải hình thức kỷ luật; áp dụng cho mọi loại cán bộ.",
        "measures": [
            _measure(
                "admonition", "Nhắc nhở", 1, kind="", article="Quy chế của cơ quan", discipline=False, confirmed=True
            ),
            _measure(
                "takedown",
                "Yêu cầu gỡ bài",
                2,
                kind="",
                article="Quyết định 874/QĐ-BTTTT",
                discipline=False,
                confirmed=True,
            ),
            _measure(
                "self_criticism",
                "Kiểm điểm rút kinh nghiệm",
                3,
                kind="",
                article="Quy chế của cơ quan",
                discipline=False,
                confirmed=True,
            ),
        ],  # fmt: skip
        "severities": [],
        "deferrals": [],
        "clocks": [],
    },
    {
        "code": "nd112-2020",
        "title": "Kỷ luật cán bộ, công chức, viên chức (văn bản cũ)",
        "basis": "Nghị định số 112/2020/NĐ-CP ngày 18/9/2020 (sửa đổi bởi Nghị định số 71/2023/NĐ-CP)",
        "issued_on": "2020-09-18",
        "in_force_from": "2020-09-18",
        "in_force_until": "2025-07-01",
        "staff_kinds": "cb,cc,vc",
        "selectable": False,  # replaced by Decree 172/2025: kept so old outcomes stay readable
        "council_required": False,
        "council_article": "",
        "limitation_note": "",
        "confirmed": True,
        "confirmation_note": "Chỉ để đọc các hồ sơ cũ; Nghị định 172/2025/NĐ-CP thay thế từ ngày 01/7/2025.",
        "measures": [
            _measure("admonition", "Nhắc nhở", 1, kind="", article="", discipline=False),
            _measure("self_criticism", "Kiểm điểm", 2, kind="", article="", discipline=False),
            _measure("reprimand", "Khiển trách", 3, kind="", article="Nghị định 112/2020/NĐ-CP"),
            _measure("warning", "Cảnh cáo", 4, kind="", article="Nghị định 112/2020/NĐ-CP"),
            _measure(
                "salary_downgrade",
                "Hạ bậc lương",
                5,
                kind="",
                article="Nghị định 112/2020/NĐ-CP",
                note="Bãi bỏ đối với cán bộ, công chức từ ngày 01/7/2025.",
            ),
            _measure(
                "demotion",
                "Giáng chức",
                6,
                kind="",
                article="Nghị định 112/2020/NĐ-CP",
                note="Bãi bỏ đối với cán bộ, công chức từ ngày 01/7/2025.",
            ),
            _measure("dismissal_from_post", "Cách chức", 7, kind="", article="Nghị định 112/2020/NĐ-CP"),
            _measure("forced_resignation", "Buộc thôi việc", 8, kind="", article="Nghị định 112/2020/NĐ-CP"),
            _measure("other", "Hình thức khác", 9, kind="", article=""),
        ],  # fmt: skip
        "severities": [],
        "deferrals": [],
        "clocks": [],
    },
    {
        "code": "luat-to-cao-2018",
        "title": "Giải quyết tố cáo",
        "basis": "Luật Tố cáo số 25/2018/QH14 ngày 12/6/2018",
        "issued_on": "2018-06-12",
        "in_force_from": "2019-01-01",
        "in_force_until": None,
        "staff_kinds": "cb,cc,vc,nld",
        "selectable": False,  # the denunciation track's clocks, beside the case's discipline rule set
        "council_required": False,
        "council_article": "",
        "limitation_note": "Thông tin có nội dung tố cáo không rõ họ tên, địa chỉ người tố cáo (ẩn danh) không giải "
        "quyết theo thủ tục tố cáo; được xem xét thanh tra, kiểm tra nếu nội dung rõ ràng, có tài liệu, chứng cứ "
        "cụ thể: Điều 25.",
        "confirmed": True,
        "confirmation_note": "Thời hạn theo Điều 24 khoản 1 và Điều 30; số điều: " + TO_CONFIRM,
        "measures": [],
        "severities": [],
        "deferrals": [],
        "clocks": [
            (
                "accept",
                "Xử lý ban đầu, quyết định thụ lý hoặc không thụ lý, kể từ ngày nhận tố cáo",
                7,
                "working",
                "Luật Tố cáo 2018, Điều 24 khoản 1",
                False,
                "",
            ),
            (
                "accept_extended",
                "Thời hạn xử lý ban đầu khi phải xác minh ở nhiều địa điểm hoặc ủy quyền xác minh",
                10,
                "working",
                "Luật Tố cáo 2018, Điều 24 khoản 1",
                False,
                "",
            ),
            (
                "resolve",
                "Giải quyết tố cáo, kể từ ngày thụ lý",
                30,
                "calendar",
                "Luật Tố cáo 2018, Điều 30 khoản 1",
                False,
                "",
            ),
            (
                "resolve_extension",
                "Mỗi lần gia hạn giải quyết (vụ việc phức tạp: 01 lần; đặc biệt phức tạp: 02 lần), "
                "quyết định bằng văn bản",
                30,
                "calendar",
                "Luật Tố cáo 2018, Điều 30 khoản 1, 2",
                False,
                "",
            ),
        ],  # fmt: skip
    },
]


def load_rule_sets(apps=None) -> int:
    """Create the shipped rule sets that are missing (by code); never change one that
    exists, since administrators may have edited it. Returns how many were created."""
    if apps is None:
        from django.apps import apps as live

        apps = live
    get = lambda name: apps.get_model("violations", name)  # noqa: E731
    RuleSet, Measure, Severity, DeferralCase, Clock = (
        get(n) for n in ("RuleSet", "Measure", "Severity", "DeferralCase", "Clock")
    )
    created = 0
    for data in RULE_SETS:
        if RuleSet.objects.filter(code=data["code"]).exists():
            continue
        fields = {
            key: data[key]
            for key in (
                "title", "basis", "issued_on", "in_force_from", "in_force_until", "staff_kinds", "selectable",
                "council_required", "council_article", "limitation_note", "confirmed", "confirmation_note",
            )
        }  # fmt: skip
        rule_set = RuleSet.objects.create(code=data["code"], **fields)
        for measure in data["measures"]:
            Measure.objects.create(rule_set=rule_set, **measure)
        for position, (code, label) in enumerate(data["severities"], start=1):
            Severity.objects.create(rule_set=rule_set, code=code, label=label, position=position, article=_ND172_ART)
        article = data.get("deferral_article", _ND172_ART)
        for code, label in data["deferrals"]:
            DeferralCase.objects.create(rule_set=rule_set, code=code, label=label, article=article)
        for code, label, days, unit, clock_article, confirmed, note in data["clocks"]:
            Clock.objects.create(
                rule_set=rule_set, code=code, label=label, days=days, unit=unit, article=clock_article,
                article_confirmed=confirmed, note=note,
            )  # fmt: skip
        created += 1
    return created
