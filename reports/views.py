import datetime
import tempfile

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponse, JsonResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone

from directives.selectors import directives_visible_to
from reports import charts, exports, selectors, services


def _date(value: str) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat(value) if value else None
    except ValueError:
        return None


def filters_from(request) -> selectors.Filters:
    """The filters in the URL, checked against the viewer's scope: a unit outside it
    is a 404, whoever asks."""
    units = selectors.units_for(request.user)
    if not units.exists():
        raise PermissionDenied
    code = request.GET.get("unit")
    unit = units.filter(code=code).first() if code else units.first()
    if unit is None:
        raise Http404
    directive = None
    if request.GET.get("directive"):
        directive = (
            directives_visible_to(request.user).filter(pk=request.GET["directive"]).first()
            if request.GET["directive"].isdigit()
            else None
        )
        if directive is None:
            raise Http404
    return selectors.Filters(
        unit=unit, directive=directive, start=_date(request.GET.get("from", "")), end=_date(request.GET.get("to", ""))
    )


@login_required
def dashboard(request):
    filters = filters_from(request)
    summary = selectors.summary(filters)
    unit_bars = charts.bars([(unit.name, counts.percent) for unit, counts in summary.by_unit], scale_to=100)
    category_bars = charts.bars(summary.violations_by.get("category", []))
    context = {
        "summary": summary,
        "filters": filters,
        "units": selectors.units_for(request.user),
        "directives": directives_visible_to(request.user).filter(campaign__isnull=False).order_by("-issued_on"),
        "unit_bars": unit_bars,
        "unit_chart_height": charts.height(unit_bars),
        "category_bars": category_bars,
        "category_chart_height": charts.height(category_bars),
        "progress_points": charts.series(summary.progress),
        "query": request.GET.urlencode(),
    }
    return render(request, "reports/dashboard.html", context)


EXPORTS = {
    ("assignments", "csv"): "text/csv; charset=utf-8",
    ("cases", "csv"): "text/csv; charset=utf-8",
    ("summary", "csv"): "text/csv; charset=utf-8",
    ("summary", "xlsx"): "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ("summary", "pdf"): "application/pdf",
    ("summary", "json"): "application/json",
}


@login_required
def export(request, kind, fmt):
    """Downloads for the dashboard's scope and filters. CSV streams row chunks as they
    are read; the workbook is written in constant memory to a temporary file first."""
    if (kind, fmt) not in EXPORTS:
        raise Http404
    filters = filters_from(request)
    services.export_log_record(person=request.user, kind=kind, format=fmt, filters=filters)
    filename = f"bao-cao-{kind}-{filters.unit.code}-{timezone.localdate():%Y%m%d}.{fmt}"
    content_type = EXPORTS[(kind, fmt)]
    if fmt == "csv":
        rows = {
            "assignments": lambda: exports.csv_assignments(filters),
            "cases": lambda: exports.csv_cases(filters),
            "summary": lambda: exports.csv_summary(selectors.summary(filters)),
        }[kind]()
        response = StreamingHttpResponse(rows, content_type=content_type)
    elif fmt == "xlsx":
        workbook = tempfile.TemporaryFile()  # noqa: SIM115 (FileResponse closes it after sending)
        exports.xlsx_workbook(selectors.summary(filters), filters, workbook)
        workbook.seek(0)
        response = FileResponse(workbook, content_type=content_type)
    elif fmt == "pdf":
        response = HttpResponse(exports.pdf_summary(selectors.summary(filters)), content_type=content_type)
    else:
        response = JsonResponse(
            exports.json_summary(selectors.summary(filters)), json_dumps_params={"ensure_ascii": False}
        )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"  # personal data: no browser or proxy keeps a copy
    return response
