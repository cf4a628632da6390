"""Demo cases: one heard and confirmed, awaiting the review meeting; one anonymous, just in."""

import datetime

from django.utils import timezone

from organization.models import Person, Unit
from violations import services, workflow
from violations.models import Report, State
from violations.rule_data import load_rule_sets


def seed_cases(*, head: Person, reporter: Person, subject: Person, unit: Unit) -> int:
    if Report.objects.exists():
        return Report.objects.count()
    load_rule_sets()  # a database flushed after its migrations has none
    seen = timezone.now() - datetime.timedelta(days=2)
    case = services.report_create(
        by=reporter, subject=subject, category="working_hours", platform="facebook", seen_at=seen, confidential=True,
        description="Phát trực tiếp bán hàng trên Facebook trong giờ làm việc buổi sáng.",
    )  # fmt: skip
    for to in (State.UNDER_REVIEW, State.HEARING):
        services.report_transition(
            report=case, to=to, by=head, role=workflow.REVIEWER, note="Đã xác minh qua ảnh chụp."
        )
    services.report_explain(report=case, by=subject, text="Tôi livestream trong giờ nghỉ trưa, xin rút kinh nghiệm.")
    services.report_transition(
        report=case, to=State.CONFIRMED, by=head, role=workflow.REVIEWER, note="Đã nghe giải trình."
    )
    services.report_create_anonymous(
        unit=unit, subject_description="Một cán bộ Đội kiểm tra", category="false_information", platform="zalo",
        seen_at=seen, description="Chia sẻ thông tin chưa kiểm chứng về chính sách thuế trong nhóm Zalo.",
    )  # fmt: skip
    return Report.objects.count()
