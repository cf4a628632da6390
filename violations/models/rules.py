"""The law as data: rule sets per kind of staff, with their legal basis, the
measures they allow, severity levels, clocks and the cases that defer discipline.

Loaded by a data migration (violations/migrations/0005_rule_sets_data.py, from
violations/rule_data.py) and edited by administrators in the admin; every edit is
an append-only RuleChange row (violations/rules.py). Each rule carries the article it
comes from; `article_confirmed=False` marks a citation the agency's legal staff must
still check against the text, and a rule set that is not `confirmed` cannot close a
case."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from core.models import AppendOnly
from organization.models import StaffKind

ANY_KIND = ""  # a measure open to every kind of staff (the non-discipline ones)


class MeasureCode(models.TextChoices):
    """Every measure the portal has ever known, so a stored outcome always has a
    label. Which of them a case may use is the rule sets' business, not this list's."""

    REPRIMAND = "reprimand", _("Khiển trách")
    WARNING = "warning", _("Cảnh cáo")
    DISMISSAL_FROM_POST = "dismissal_from_post", _("Cách chức")
    FORCED_RESIGNATION = "forced_resignation", _("Buộc thôi việc")
    REMOVAL_FROM_OFFICE = "removal_from_office", _("Bãi nhiệm")
    SALARY_RAISE_DELAY = "salary_raise_delay", _("Kéo dài thời hạn nâng lương không quá 06 tháng")
    LABOUR_DISMISSAL = "labour_dismissal", _("Sa thải")
    ADMONITION = "admonition", _("Nhắc nhở")
    TAKEDOWN = "takedown", _("Yêu cầu gỡ bài")
    SELF_CRITICISM = "self_criticism", _("Kiểm điểm rút kinh nghiệm")
    # Decree 112/2020/NĐ-CP only; abolished for cán bộ, công chức from 1/7/2025.
    SALARY_DOWNGRADE = "salary_downgrade", _("Hạ bậc lương")
    DEMOTION = "demotion", _("Giáng chức")
    OTHER = "other", _("Hình thức khác")


class RuleSet(models.Model):
    code = models.SlugField(_("mã"), max_length=40, unique=True)
    title = models.CharField(_("tên bộ quy tắc"), max_length=255)
    basis = models.CharField(_("căn cứ pháp lý"), max_length=255)
    issued_on = models.DateField(_("ngày ban hành"), null=True, blank=True)
    in_force_from = models.DateField(_("có hiệu lực từ"))
    in_force_until = models.DateField(_("hết hiệu lực từ"), null=True, blank=True)
    staff_kinds = models.CharField(
        _("áp dụng cho"), max_length=20, blank=True, help_text=_("Mã loại cán bộ, cách nhau bởi dấu phẩy: cb,cc,vc,nld")
    )
    # False: kept so that old outcomes stay readable; never offered to a case.
    selectable = models.BooleanField(_("dùng cho hồ sơ mới"), default=True)
    council_required = models.BooleanField(_("phải thành lập Hội đồng kỷ luật"), default=False)
    council_article = models.CharField(_("điều khoản về Hội đồng kỷ luật"), max_length=255, blank=True)
    limitation_note = models.TextField(_("thời hiệu xử lý kỷ luật"), blank=True)
    confirmed = models.BooleanField(_("đã được bộ phận pháp chế xác nhận"), default=False)
    confirmation_note = models.TextField(_("ghi chú xác nhận"), blank=True)

    class Meta:
        verbose_name = _("bộ quy tắc xử lý")
        verbose_name_plural = _("bộ quy tắc xử lý")
        ordering = ["-in_force_from", "code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(in_force_until__isnull=True) | Q(in_force_until__gt=models.F("in_force_from")),
                name="ruleset_period_valid",
            )
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.basis})"

    def kinds(self) -> list[str]:
        return [kind.strip() for kind in self.staff_kinds.split(",") if kind.strip()]


class Measure(models.Model):
    rule_set = models.ForeignKey(RuleSet, on_delete=models.PROTECT, related_name="measures")
    staff_kind = models.CharField(
        _("loại cán bộ"), max_length=3, blank=True, choices=[(ANY_KIND, _("Mọi loại")), *StaffKind.choices]
    )
    code = models.SlugField(_("mã hình thức"), max_length=40)
    label = models.CharField(_("tên hình thức"), max_length=120)
    is_discipline = models.BooleanField(_("là hình thức kỷ luật"), default=True)
    position = models.PositiveSmallIntegerField(_("thứ tự (nhẹ đến nặng)"), default=0)
    requires_management_post = models.BooleanField(
        _("chỉ áp dụng với người giữ chức vụ lãnh đạo, quản lý"), default=False
    )
    article = models.CharField(_("điều khoản"), max_length=255, blank=True)
    article_confirmed = models.BooleanField(_("điều khoản đã được đối chiếu"), default=False)
    note = models.TextField(_("ghi chú"), blank=True)

    class Meta:
        verbose_name = _("hình thức xử lý")
        verbose_name_plural = _("hình thức xử lý")
        ordering = ["rule_set", "staff_kind", "position"]
        constraints = [
            models.UniqueConstraint(fields=["rule_set", "staff_kind", "code"], name="measure_once_per_kind"),
            models.CheckConstraint(
                condition=Q(staff_kind__in=["", "cb", "cc", "vc", "nld"]), name="measure_kind_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.label

    def basis_label(self) -> str:
        """The measure with the document it comes from, for old cases too."""
        rule_set = self.rule_set
        text = f"{self.label} ({rule_set.basis}"
        if rule_set.in_force_until:
            text += _(", hết hiệu lực từ %(day)s") % {"day": date_format(rule_set.in_force_until, "SHORT_DATE_FORMAT")}
        return text + ")"


class Severity(models.Model):
    rule_set = models.ForeignKey(RuleSet, on_delete=models.PROTECT, related_name="severities")
    code = models.SlugField(max_length=40)
    label = models.CharField(_("mức độ vi phạm"), max_length=120)
    position = models.PositiveSmallIntegerField(default=0)
    article = models.CharField(_("điều khoản"), max_length=255, blank=True)
    article_confirmed = models.BooleanField(_("điều khoản đã được đối chiếu"), default=False)

    class Meta:
        verbose_name = _("mức độ vi phạm")
        verbose_name_plural = _("mức độ vi phạm")
        ordering = ["rule_set", "position"]
        constraints = [models.UniqueConstraint(fields=["rule_set", "code"], name="severity_once")]

    def __str__(self) -> str:
        return self.label


class DeferralCase(models.Model):
    """A case in which discipline is not yet considered; while it applies the case is
    paused and its time limit stops running."""

    rule_set = models.ForeignKey(RuleSet, on_delete=models.PROTECT, related_name="deferral_cases")
    code = models.SlugField(max_length=40)
    label = models.TextField(_("trường hợp chưa xem xét xử lý kỷ luật"))
    article = models.CharField(_("điều khoản"), max_length=255, blank=True)
    article_confirmed = models.BooleanField(_("điều khoản đã được đối chiếu"), default=False)

    class Meta:
        verbose_name = _("trường hợp chưa xem xét kỷ luật")
        verbose_name_plural = _("trường hợp chưa xem xét kỷ luật")
        constraints = [models.UniqueConstraint(fields=["rule_set", "code"], name="deferral_case_once")]

    def __str__(self) -> str:
        return self.label[:80]


class Clock(models.Model):
    """One legal time limit: so many working or calendar days from an event."""

    class Unit(models.TextChoices):
        WORKING = "working", _("ngày làm việc")
        CALENDAR = "calendar", _("ngày")

    rule_set = models.ForeignKey(RuleSet, on_delete=models.PROTECT, related_name="clocks")
    code = models.SlugField(max_length=40)
    label = models.CharField(_("thời hạn"), max_length=255)
    days = models.PositiveSmallIntegerField(_("số ngày"))
    unit = models.CharField(_("đơn vị"), max_length=10, choices=Unit.choices)
    article = models.CharField(_("điều khoản"), max_length=255, blank=True)
    article_confirmed = models.BooleanField(_("điều khoản đã được đối chiếu"), default=False)
    note = models.TextField(_("ghi chú"), blank=True)

    class Meta:
        verbose_name = _("thời hạn")
        verbose_name_plural = _("thời hạn")
        constraints = [
            models.UniqueConstraint(fields=["rule_set", "code"], name="clock_once"),
            models.CheckConstraint(condition=Q(unit__in=["working", "calendar"]), name="clock_unit_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.label}: {self.days} {self.get_unit_display()}"


class RuleChange(AppendOnly):
    """One administrator's edit of a rule set or one of its rules: before and after,
    field by field. Append-only."""

    rule_set = models.ForeignKey(RuleSet, on_delete=models.PROTECT, related_name="changes")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    at = models.DateTimeField(auto_now_add=True)
    target = models.CharField(max_length=120)  # "measure:12", "ruleset:3"
    action = models.CharField(max_length=10)  # added / changed / deleted
    changes = models.JSONField(default=dict)

    class Meta:
        verbose_name = _("lịch sử sửa bộ quy tắc")
        verbose_name_plural = _("lịch sử sửa bộ quy tắc")
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.action} {self.target}"
