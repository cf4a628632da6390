import argparse
import datetime

from django.core.management.base import BaseCommand
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from acknowledgements import reminders


def iso_date(value: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(_("Ngày phải có dạng YYYY-MM-DD, ví dụ 2024-09-05.")) from None


class Command(BaseCommand):
    help = "Run the reminder and escalation pass now (the daily beat task does the same)."

    def add_arguments(self, parser):
        parser.add_argument("--date", type=iso_date, help="the day to run the pass for (default: today)")

    def handle(self, *args, **options):
        today = options["date"] or timezone.localdate()
        result = reminders.reminder_pass(today=today)
        write = self.stdout.write
        write(_("Lượt nhắc %(day)s (mã lượt %(run)s)") % {"day": date_format(today, "DATE_FORMAT"), "run": result.run})
        write(
            _("Nhắc hạn: %(notices)d lượt nhắc văn bản, gửi tới %(people)d người")
            % {"notices": result.reminders, "people": len(result.reminded)}
        )
        write(_("Tổng hợp quá hạn: %(heads)d thủ trưởng đơn vị") % {"heads": result.digests})
        total = result.reminders + result.digests
        write(_("Đã gửi xong: %(sent)d/%(total)d thông báo") % {"sent": result.sent, "total": total})
        if result.sent < total:
            write(_("Các thư còn lại đã được xếp hàng; Celery worker sẽ gửi."))
        if result.recipients:
            write(_("Người nhận:"))
        kinds = {
            "reminded": (set(result.reminded), _("nhắc hạn")),
            "escalated": (set(result.escalated), _("tổng hợp quá hạn")),
        }
        for email in result.recipients:
            labels = ", ".join(label for members, label in kinds.values() if email in members)
            write(f"  {email} ({labels})")
