import datetime
import tempfile

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponse, JsonResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format, number_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.progress import Progress, progress_response, seconds_left
from core.routers import replica_reads, replica_stream
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
    with replica_reads():
        summary = selectors.summary(filters)
        lag = selectors.replication_lag()
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
        "progress_chart": charts.series(summary.progress),
        "chart_width": charts.WIDTH,
        "query": request.GET.urlencode(),
        "replication_lag": lag,
        "ready_jobs": selectors.export_jobs_for(request.user).filter(state="done").exclude(file_path="")[:5],
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
    are read; the workbook is written in constant memory to a temporary file first.
    The rows are read from the replica when one is configured; the log is written to
    the primary."""
    if (kind, fmt) not in EXPORTS:
        raise Http404
    filters = filters_from(request)
    if (kind, fmt) in services.BACKGROUND:
        with replica_reads():
            rows = selectors.assignment_count(filters)
        if rows > settings.EXPORT_BACKGROUND_ROWS:
            job, _new = services.export_job_request(person=request.user, kind=kind, format=fmt, filters=filters)
            return redirect("reports:job", job.pk)
    services.export_log_record(person=request.user, kind=kind, format=fmt, filters=filters)
    filename = f"bao-cao-{kind}-{filters.unit.code}-{timezone.localdate():%Y%m%d}.{fmt}"
    content_type = EXPORTS[(kind, fmt)]
    with replica_reads():
        if fmt == "csv":
            rows = {
                "assignments": lambda: exports.csv_assignments(filters),
                "cases": lambda: exports.csv_cases(filters),
                "summary": lambda: exports.csv_summary(selectors.summary(filters)),
            }[kind]()
            response = StreamingHttpResponse(replica_stream(rows), content_type=content_type)
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


def get_job_for(user, pk: int):
    """The user's own export job, while its unit is still in the user's scope; 404
    otherwise (another person's job, a scope lost since)."""
    job = selectors.export_jobs_for(user).filter(pk=pk).first()
    if job is None or not selectors.units_for(user).filter(path=job.unit_path).exists():
        raise Http404
    return job


def _job_progress(job) -> Progress:
    """The export's status in the shape of the progress component (core/progress.py)."""
    done, total, result_url = job.rows_written, job.rows_expected, ""
    if job.state == "queued":
        message = _("Đang chờ bắt đầu…")
    elif job.state == "running":
        message = _("Đã ghi %(done)s / %(total)s dòng") % {"done": _number(done), "total": _number(total)}
    elif job.state == "done" and job.file_path and job.expires_at >= timezone.now():
        message = _("Tệp đã sẵn sàng (%(rows)s dòng), tải được đến %(expires)s.") % {
            "rows": _number(done),
            "expires": date_format(timezone.localtime(job.expires_at), "SHORT_DATETIME_FORMAT"),
        }
        result_url = reverse("reports:job_download", args=[job.pk])
    elif job.state == "done":
        message = _("Tệp đã hết hạn và đã được xóa. Hãy tạo lại từ trang báo cáo.")
    elif job.state == "failed":
        message = _("Không tạo được tệp. Hãy thử lại sau.")
    else:
        message = _("Đã hủy.")
    left = seconds_left(started_at=job.started_at, done=done, total=total) if job.state == "running" else None
    return Progress(state=job.state, done=done, total=total, seconds_left=left, message=message, result_url=result_url)


def _number(value: int) -> str:
    return number_format(value, force_grouping=True)


@login_required
def job(request, pk):
    """A background export: its progress while it runs (the script in
    the progress component refreshes it; without JavaScript the reload link
    does), its download link when done."""
    job = get_job_for(request.user, pk)
    response = render(request, "reports/export_job.html", {"job": job, "progress": _job_progress(job)})
    response["Cache-Control"] = "no-store"
    return response


@login_required
def job_status(request, pk):
    return progress_response(_job_progress(get_job_for(request.user, pk)))


@require_POST
@login_required
def job_cancel(request, pk):
    services.export_job_cancel(job=get_job_for(request.user, pk), by=request.user)
    return redirect("reports:job", pk)


@login_required
def job_download(request, pk):
    """The finished file until it expires, logged and audited as an export."""
    job = get_job_for(request.user, pk)
    if job.state != "done" or not job.file_path or job.expires_at < timezone.now():
        raise Http404
    try:
        stream = open(job.file_path, "rb")  # noqa: SIM115 (FileResponse closes it)
    except FileNotFoundError:
        raise Http404 from None
    services.export_log_record(person=request.user, kind=job.kind, format=job.format, filters=services.job_filters(job))
    response = FileResponse(stream, content_type=EXPORTS[(job.kind, job.format)])
    response["Content-Disposition"] = (
        f'attachment; filename="bao-cao-{job.kind}-{job.pk}-{job.created_at:%Y%m%d}.{job.format}"'
    )
    response["Cache-Control"] = "no-store"
    return response
