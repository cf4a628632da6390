"""The private self-check of a draft post: its rules are data. Nothing here holds a
draft: a check is computed in the request and only counted (SelfCheckTally)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from directives.models import Obligation
from organization.models import Unit


class CheckQuestion(models.Model):
    """An obligation of a directive turned into a plain question by an administrator
    ("Bài có nội dung công việc của cơ quan chưa được phép không?"). Marked
    `forbids_working_hours` when the obligation forbids using social media during
    working hours (3821/TCT-KTNB §2), which makes the check flag a posting time
    inside working hours."""

    obligation = models.ForeignKey(
        Obligation, on_delete=models.CASCADE, related_name="+", verbose_name=_("nhiệm vụ trong văn bản")
    )
    question = models.CharField(_("câu hỏi tự kiểm tra"), max_length=300)
    forbids_working_hours = models.BooleanField(_("cấm dùng mạng xã hội trong giờ làm việc"), default=False)
    active = models.BooleanField(_("đang áp dụng"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+", editable=False
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("câu hỏi tự kiểm tra bài viết")
        verbose_name_plural = _("câu hỏi tự kiểm tra bài viết")
        ordering = ["obligation__version__directive_id", "obligation__position", "id"]
        constraints = [models.CheckConstraint(condition=~Q(question=""), name="checkquestion_not_blank")]

    def __str__(self) -> str:
        return self.question


class TermKind(models.TextChoices):
    OFFENSIVE = "offensive", _("Ngôn ngữ phản cảm, xúc phạm")
    HATE = "hate", _("Gây thù hận, kích động, phân biệt vùng miền, giới tính, tôn giáo")
    CLASSIFIED = "classified", _("Dấu hiệu tài liệu mật, nội bộ")
    UNVERIFIED = "unverified", _("Dấu hiệu thông tin chưa kiểm chứng")


class FlagTerm(models.Model):
    """A word or phrase administrators maintain; flagged in drafts of people in
    `unit` and the units below. The built-in markings (social/selfcheck.py) apply
    everywhere; these add to them."""

    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+", verbose_name=_("áp dụng cho đơn vị"))
    term = models.CharField(_("từ, cụm từ"), max_length=100)
    kind = models.CharField(_("loại"), max_length=12, choices=TermKind.choices)
    active = models.BooleanField(_("đang áp dụng"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("từ ngữ cần cảnh báo")
        verbose_name_plural = _("từ ngữ cần cảnh báo")
        ordering = ["kind", "term"]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=TermKind.values), name="flagterm_kind_valid"),
            models.CheckConstraint(condition=~Q(term=""), name="flagterm_not_blank"),
            models.UniqueConstraint(fields=["unit", "term", "kind"], name="flagterm_unique"),
        ]

    def __str__(self) -> str:
        return self.term


class SelfCheckTally(models.Model):
    """How many self-checks ran on a day: the only trace a check leaves. No person,
    no unit, no text, no flags."""

    day = models.DateField(unique=True)
    checks = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("số lượt tự kiểm tra")
        verbose_name_plural = _("số lượt tự kiểm tra")

    def __str__(self) -> str:
        return f"{self.day}: {self.checks}"
