import argparse
import datetime

from django.core.management.base import BaseCommand
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from acknowledgements import selectors, services


def iso_date(value: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(_("Ngày phải có dạng YYYY-MM-DD, ví dụ 2024-09-05.")) from None


class Command(BaseCommand):
    help = "Run the reminder and escalation pass now (the beat runs it once a day)."

    def add_arguments(self, parser):
        parser.add_argument("--date", type=iso_date, help="the day to run the pass for (default: today)")

    def handle(self, *args, **options):
        today = options["date"] or timezone.localdate()
        write = self.stdout.write
        write(_("Lượt nhắc %(day)s") % {"day": date_format(today, "DATE_FORMAT")})
        if ran := services.reminder_pass_ran(day=today):
            # Claiming again is harmless: only what that pass did not claim is claimed now.
            write(
                _("Lượt nhắc hằng ngày của ngày này đã chạy lúc %(at)s; chỉ những thư chưa có mới được xếp hàng.")
                % {"at": date_format(timezone.localtime(ran.ran_at), "DATETIME_FORMAT")}
            )
        result = services.reminder_pass(today=today)
        write(
            _("Nhắc hạn: %(notices)d lượt nhắc văn bản, gửi tới %(people)d người")
            % {"notices": result.reminders, "people": len(result.reminded)}
        )
        write(_("Tổng hợp quá hạn: %(heads)d thủ trưởng đơn vị") % {"heads": result.digests})
        ids = [*result.reminder_ids, *result.digest_ids]
        sent = selectors.outbox_sent_count(ids)
        write(_("Đã gửi xong: %(sent)d/%(total)d thông báo") % {"sent": sent, "total": len(ids)})
        if sent < len(ids):
            write(_("Các thư còn lại đã được xếp hàng; Celery worker sẽ gửi."))
        reminded, escalated = set(result.reminded), set(result.escalated)
        emails = selectors.emails_of(reminded | escalated)
        if emails:
            write(_("Người nhận:"))
        for pk, email in sorted(emails.items(), key=lambda item: item[1]):
            labels = []
            if pk in reminded:
                labels.append(_("nhắc hạn"))
            if pk in escalated:
                labels.append(_("tổng hợp quá hạn"))
            write(f"  {email} ({', '.join(labels)})")
