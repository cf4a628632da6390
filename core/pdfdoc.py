"""Every PDF the portal makes: an HTML template (extending core/pdf/base.html) laid out by
WeasyPrint as PDF/UA-1, so the file is tagged — a structure tree of its headings,
paragraphs, lists and tables — marked, in the page's language, and shows its title in
the viewer's window instead of the file name. Also the one way numbers, dates and
moments are written in them."""

import datetime
import decimal

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _


class PdfToolsMissing(RuntimeError):
    """This server cannot make PDFs: WeasyPrint's system libraries are not installed."""


def render(template: str, context: dict, *, title: str) -> bytes:
    """The template as a tagged PDF titled `title`. Only local files and data: URLs are
    read (the fonts, a QR code), whatever the text in it says."""
    try:
        from weasyprint import HTML
        from weasyprint.urls import URLFetcher
    except OSError as error:  # WeasyPrint loads Pango when imported
        raise PdfToolsMissing(f"PDFs need Pango for WeasyPrint; run `make pdf-tools` (as root). {error}") from error
    html = render_to_string(
        template,
        {
            **context,
            "title": title,
            "lang": translation.get_language() or settings.LANGUAGE_CODE,
            "author": settings.PORTAL_NAME,
            "font_dir": settings.PDF_FONT_DIR.as_uri(),
        },
    )
    fetcher = URLFetcher(allowed_protocols={"file", "data"})
    return HTML(string=html, url_fetcher=fetcher).write_pdf(pdf_variant="pdf/ua-1")


def percent(part: int, whole: int) -> str:
    """The share as in "12,5 %" (1 of 8): one decimal rounded half up, a Vietnamese
    comma and a space before the sign; "0,0 %" of nothing."""
    share = decimal.Decimal(100 * part) / whole if whole else decimal.Decimal(0)
    rounded = share.quantize(decimal.Decimal("0.1"), rounding=decimal.ROUND_HALF_UP)
    return f"{formats.number_format(rounded, 1)} %"


def short_date(day: datetime.date) -> str:
    """ "28/8/2024" in Vietnamese (the locale's SHORT_DATE_FORMAT)."""
    return formats.date_format(day, "SHORT_DATE_FORMAT")


def moment(value: datetime.datetime, *, seconds: bool = True) -> str:
    """ "14:05:09 ngày 28/8/2024 (giờ Việt Nam, UTC+07:00)": the local time, the date and
    the zone, so a printed time can be checked against any clock."""
    local = timezone.localtime(value)
    offset = int(local.utcoffset().total_seconds() // 60)
    sign, offset = ("+" if offset >= 0 else "-"), abs(offset)
    zone = _("giờ Việt Nam") if settings.TIME_ZONE == "Asia/Ho_Chi_Minh" else settings.TIME_ZONE
    return _("%(time)s ngày %(date)s (%(zone)s, UTC%(offset)s)") % {
        "time": local.strftime("%H:%M:%S" if seconds else "%H:%M"),
        "date": short_date(local.date()),
        "zone": zone,
        "offset": f"{sign}{offset // 60:02d}:{offset % 60:02d}",
    }
