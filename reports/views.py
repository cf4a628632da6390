import datetime

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import render

from directives.selectors import directives_visible_to
from reports import charts, selectors


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
    context = {
        "summary": summary,
        "filters": filters,
        "units": selectors.units_for(request.user),
        "directives": directives_visible_to(request.user).filter(campaign__isnull=False).order_by("-issued_on"),
        "unit_bars": charts.bars([(unit.name, counts.percent) for unit, counts in summary.by_unit], scale_to=100),
        "category_bars": charts.bars(summary.violations_by.get("category", [])),
        "progress_line": charts.polyline(summary.progress),
        "query": request.GET.urlencode(),
    }
    return render(request, "reports/dashboard.html", context)
