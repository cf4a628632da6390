import datetime
import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from directives.models import Directive
from organization.models import Unit
from reports import exports, selectors, services
from reports.selectors import Filters


class Command(BaseCommand):
    help = "Export the compliance of a unit subtree (the inspectors' export) to a file."

    def add_arguments(self, parser):
        parser.add_argument("--format", required=True, choices=services.EXPORT_FORMATS)
        parser.add_argument("--out", required=True, help="file to write")
        parser.add_argument(
            "--what", choices=services.EXPORT_KINDS,
            help="csv only: assignments (default), cases or summary; the other formats are the summary",
        )  # fmt: skip
        parser.add_argument("--unit", help="unit code (default: the only root unit)")
        parser.add_argument("--directive", help='directive code, e.g. "3821/TCT-KTNB"')
        parser.add_argument("--from", dest="start", help="first day, YYYY-MM-DD")
        parser.add_argument("--to", dest="end", help="last day, YYYY-MM-DD")
        parser.add_argument("--signer-title", default="", help="pdf: the signer's title")
        parser.add_argument("--signer-name", default="", help="pdf: the signer's name")
        parser.add_argument("--place", default="Hà Nội", help="pdf: the place in the date line")

    def handle(self, *args, **options):
        fmt = options["format"]
        what = options["what"] or ("assignments" if fmt == "csv" else "summary")
        if fmt != "csv" and what != "summary":
            raise CommandError(_("Chỉ định dạng csv xuất được danh sách cán bộ hoặc hồ sơ vi phạm."))
        filters = Filters(
            unit=self._unit(options["unit"]),
            directive=self._directive(options["directive"]),
            start=self._date(options["start"]),
            end=self._date(options["end"]),
        )
        if filters.start and filters.end and filters.start > filters.end:
            raise CommandError(_("Ngày bắt đầu phải trước ngày kết thúc."))

        out = Path(options["out"])
        try:
            self._write(out, fmt, what, filters, options)
        except OSError as exc:
            raise CommandError(
                _("Không ghi được tệp %(path)s: %(error)s") % {"path": out, "error": exc.strerror}
            ) from None
        services.export_log_record(person=None, kind=what, format=fmt, filters=filters)
        self.stdout.write(_("Đã ghi %(path)s") % {"path": out})

    def _write(self, out: Path, fmt: str, what: str, filters: Filters, options: dict) -> None:
        if fmt == "csv":
            writer = {
                "assignments": lambda: exports.csv_assignments(filters),
                "cases": lambda: exports.csv_cases(filters),
                "summary": lambda: exports.csv_summary(selectors.summary(filters)),
            }[what]
            with out.open("wb") as stream:
                for chunk in writer():
                    stream.write(chunk)
        elif fmt == "xlsx":
            with out.open("wb") as stream:
                exports.xlsx_workbook(selectors.summary(filters), filters, stream)
        elif fmt == "pdf":
            out.write_bytes(
                exports.pdf_summary(
                    selectors.summary(filters),
                    signer_title=options["signer_title"],
                    signer_name=options["signer_name"],
                    place=options["place"],
                )
            )
        else:
            data = exports.json_summary(selectors.summary(filters))
            out.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")

    def _unit(self, code: str | None) -> Unit:
        if code:
            unit = Unit.objects.filter(code=code).first()
            if unit is None:
                raise CommandError(_("Không có đơn vị mã %(code)s.") % {"code": code})
            return unit
        roots = list(Unit.objects.get_root_nodes()[:2])
        if len(roots) != 1:
            raise CommandError(_("Có nhiều đơn vị cấp cao nhất; hãy chọn đơn vị bằng --unit MÃ_ĐƠN_VỊ."))
        return roots[0]

    def _directive(self, code: str | None) -> Directive | None:
        if not code:
            return None
        number, _slash, symbol = code.strip().partition("/")
        directive = Directive.objects.filter(number=number, symbol=symbol).first() if symbol else None
        if directive is None:
            raise CommandError(_("Không có văn bản số %(code)s.") % {"code": code})
        return directive

    def _date(self, value: str | None) -> datetime.date | None:
        if not value:
            return None
        try:
            return datetime.date.fromisoformat(value)
        except ValueError:
            raise CommandError(
                _("Ngày %(value)s không hợp lệ; hãy viết dạng YYYY-MM-DD, ví dụ 2024-09-05.") % {"value": value}
            ) from None
