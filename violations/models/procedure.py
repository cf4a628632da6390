"""The records of the discipline procedure, one per step: the review meeting, the
Disciplinary Council, the decision; and the deferrals and extensions that move the
clocks. Each is written once by its service together with the case's move and its
Event, and never changed afterwards (a correction is a new case event)."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from violations.models.cases import Report, evidence_storage
from violations.models.rules import DeferralCase, Measure


class _Record(models.Model):
    report = models.OneToOneField(Report, on_delete=models.PROTECT, related_name="+")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)
    minutes = models.FileField(_("biên bản"), storage=evidence_storage, upload_to="procedure/%Y/%m/")
    minutes_name = models.CharField(max_length=255)
    minutes_sha256 = models.CharField(max_length=64)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"{self._meta.verbose_name} #{self.report_id}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValueError("procedure records are written once")
        super().save(*args, **kwargs)


class ReviewMeeting(_Record):
    """Họp kiểm điểm."""

    report = models.OneToOneField(Report, on_delete=models.PROTECT, related_name="review_meeting")
    held_on = models.DateField(_("ngày họp"))
    chair = models.CharField(_("chủ trì"), max_length=255)
    attendees = models.TextField(_("thành phần tham dự"))
    conclusion = models.TextField(_("kết luận, kiến nghị"), blank=True)

    class Meta:
        verbose_name = _("cuộc họp kiểm điểm")
        verbose_name_plural = _("cuộc họp kiểm điểm")


class CouncilSession(_Record):
    """Hội đồng kỷ luật: members, its recommendation and the secret-ballot count."""

    report = models.OneToOneField(Report, on_delete=models.PROTECT, related_name="council_session")
    held_on = models.DateField(_("ngày họp"))
    members = models.TextField(_("thành viên Hội đồng"))
    recommendation = models.ForeignKey(
        Measure, on_delete=models.PROTECT, related_name="+", verbose_name=_("kiến nghị hình thức kỷ luật")
    )
    votes_for = models.PositiveSmallIntegerField(_("số phiếu đồng ý"))
    votes_against = models.PositiveSmallIntegerField(_("số phiếu không đồng ý"))

    class Meta:
        verbose_name = _("phiên họp Hội đồng kỷ luật")
        verbose_name_plural = _("phiên họp Hội đồng kỷ luật")


class Decision(_Record):
    """Quyết định kỷ luật: the signed document is `minutes` (the uploaded decision)."""

    report = models.OneToOneField(Report, on_delete=models.PROTECT, related_name="decision")
    number = models.CharField(_("số quyết định"), max_length=60)
    signed_on = models.DateField(_("ngày ký"))
    signer = models.CharField(_("người ký"), max_length=255)
    measure = models.ForeignKey(
        Measure, on_delete=models.PROTECT, related_name="+", verbose_name=_("hình thức kỷ luật")
    )
    notified_on = models.DateField(_("ngày thông báo cho người bị kỷ luật"), null=True, blank=True)

    class Meta:
        verbose_name = _("quyết định kỷ luật")
        verbose_name_plural = _("quyết định kỷ luật")

    def save(self, *args, **kwargs):
        # The notification date is the one field written after the decision (services).
        models.Model.save(self, *args, **kwargs)


class Deferral(models.Model):
    """A period in which discipline is not considered (one of the rule set's
    deferral cases); the time limit does not run from `started_on` to `ended_on`."""

    report = models.ForeignKey(Report, on_delete=models.PROTECT, related_name="deferrals")
    case = models.ForeignKey(DeferralCase, on_delete=models.PROTECT, related_name="+", verbose_name=_("trường hợp"))
    started_on = models.DateField(_("từ ngày"))
    ended_on = models.DateField(_("đến ngày"), null=True, blank=True)
    note = models.TextField(_("căn cứ, giấy tờ"), blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["started_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=F("started_on")), name="deferral_period_valid"
            ),
            models.UniqueConstraint(
                fields=["report"], condition=Q(ended_on__isnull=True), name="deferral_one_open_per_case"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.report_id} {self.started_on}–{self.ended_on or ''}"


class Extension(models.Model):
    """A time limit extended by a written decision (số văn bản), recorded as such."""

    class Clock(models.TextChoices):
        DISCIPLINE = "discipline", _("Thời hạn xử lý kỷ luật")
        ACCEPT = "accept", _("Thời hạn thụ lý tố cáo")
        RESOLVE = "resolve", _("Thời hạn giải quyết tố cáo")

    report = models.ForeignKey(Report, on_delete=models.PROTECT, related_name="extensions")
    clock = models.CharField(_("thời hạn"), max_length=12, choices=Clock.choices)
    decided_on = models.DateField(_("ngày quyết định gia hạn"))
    document = models.CharField(_("số văn bản gia hạn"), max_length=80)
    reason = models.TextField(_("lý do"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["decided_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(clock__in=["discipline", "accept", "resolve"]), name="extension_clock_valid"
            )
        ]

    def __str__(self) -> str:
        return f"{self.report_id} {self.clock} {self.document}"
